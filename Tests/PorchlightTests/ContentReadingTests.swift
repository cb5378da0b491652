import Foundation
import Testing
@testable import Porchlight

/// The fast readers (readdir walk, open/read, rule-less YAML resolver, byte-level front matter) behave as the Foundation ones did.
struct ContentReadingTests {
    func parse(_ yaml: String) -> (node: YAMLNode?, problems: [Diagnostic]) {
        let problems = Problems()
        let node = YAMLNode.parse(yaml, file: SourceFile(path: "a.yml", text: yaml), lineOffset: 0, problems: problems)
        return (node, problems.list)
    }

    func fields(_ yaml: String) throws -> Fields {
        let problems = Problems()
        let node = try #require(YAMLNode.parse(yaml, file: SourceFile(path: "a.yml", text: yaml), lineOffset: 0, problems: problems))
        return try #require(Fields(node, problems: problems, what: "test"))
    }

    // MARK: YAML

    /// Keys that are the same text but different types under Yams' default resolver are not duplicates.
    @Test(arguments: ["\"on\": 1\non: 2\n", "\"1\": a\n1: b\n", "'null': a\nnull: b\n", "!!str yes: a\nyes: b\n"])
    func sameTextDifferentTypeIsNoDuplicate(yaml: String) throws {
        let result = parse(yaml)
        #expect(result.problems.isEmpty)
        #expect(try fields(yaml).keys.count == 2)
    }

    @Test(arguments: [
        "a: 1\na: 2\n",
        "\"a\": 1\na: 2\n",
        "m:\n  !!int 1: a\n  1: b\n",
        // The duplicate is found before the later syntax error, as Yams' default way finds it.
        "m:\n  !!int 1: a\n  1: b\nx: \"unclosed\n",
    ])
    func duplicateKeysAreStillFound(yaml: String) {
        let result = parse(yaml)
        #expect(result.node == nil)
        #expect(result.problems.first?.message.hasSuffix("is given twice") == true)
    }

    @Test func nullsBooleansAndComplexKeys() throws {
        let f = try fields("a: ~\nb: null\nc: \"\"\nd:\ne: on\ng: Off\n? [x, y]\n: z\n")
        #expect(f["a"] == nil && f["b"] == nil && f["d"] == nil)
        #expect(f.string("c") == "")
        #expect(f.bool("e") == true && f.bool("g") == false)
        #expect(f.keys == ["a", "b", "c", "d", "e", "g", ""])
    }

    @Test func repeatOnKeyIsText() throws {
        let f = try fields("every: week\non: [friday, saturday]\n")
        #expect(f.strings("on").map(\.0) == ["friday", "saturday"])
    }

    // MARK: Whitespace

    /// `withoutOuterSpaces` must cut exactly what `trimmingCharacters(in: .whitespaces)` cut.
    @Test func spacesAreFoundationsWhitespace() {
        let whitespace = CharacterSet.whitespaces
        let mismatches = (0...0x10FFFF as ClosedRange<UInt32>).compactMap(Unicode.Scalar.init).filter { $0.isTrimmedSpace != whitespace.contains($0) }
        #expect(mismatches.isEmpty)
        for text in ["  ---\t", "\u{200B}---\u{3000}", " \u{301}--- ", "---\u{301}", "", " \t ", "a b"] {
            #expect(String(text.withoutOuterSpaces) == text.trimmingCharacters(in: .whitespaces))
        }
    }

    // MARK: Front matter

    @Test func frontMatterSplits() throws {
        let problems = Problems()
        let text = "---  \ntitle: A\n\ndate: 2024-01-02\n ---\t\nBody\n"
        let matter = try #require(FrontMatter.split(SourceFile(path: "a.md", text: text), problems: problems))
        #expect(matter.yaml == "title: A\n\ndate: 2024-01-02")
        #expect(matter.body == "Body\n")
        #expect(matter.bodyLine == 6)
        let empty = try #require(FrontMatter.split(SourceFile(path: "a.md", text: "---\n...\n"), problems: problems))
        #expect(empty.yaml == "" && empty.body == "" && empty.bodyLine == 3)
        #expect(problems.list.isEmpty)
    }

    @Test(arguments: [("title: A\n", "the file has no front matter"), ("--- x\n---\n", "the first line must be \"---\" alone"),
                      ("---\ntitle: A\n", "the front matter is not closed")])
    func frontMatterProblems(text: String, message: String) {
        let problems = Problems()
        #expect(FrontMatter.split(SourceFile(path: "a.md", text: text), problems: problems) == nil)
        #expect(problems.list.map(\.message) == [message])
    }

    // MARK: Files

    @Test func decodesLikeBefore() throws {
        let bom = SourceFile.decode([0xEF, 0xBB, 0xBF] + Array("a\r\nb\rc\r\r\nd".utf8), displayPath: "x")
        #expect(try bom.get().text == "a\nb\nc\n\nd")
        guard case let .failure(bad) = SourceFile.decode(Array("ok\nCaf".utf8) + [0xE9, 0x0A], displayPath: "x") else {
            Issue.record("invalid UTF-8 was accepted"); return
        }
        #expect(bad.location.line == 2 && bad.location.column == 4)
    }

    @Test func readsFilesAndReportsMissingOnes() throws {
        let site = try TempSite(["a.txt": "hello\n"])
        defer { site.remove() }
        #expect(try SourceFile.read(site.url.appendingPathComponent("a.txt"), displayPath: "a.txt").get().text == "hello\n")
        #expect(throws: Diagnostic.self) { try SourceFile.read(site.url.appendingPathComponent("none.txt"), displayPath: "none.txt").get() }
        #expect(throws: Diagnostic.self) { try SourceFile.read(site.url, displayPath: "folder").get() }
    }

    @Test func listsRegularFilesOnly() throws {
        let site = try TempSite([
            "C/b.md": "", "C/a/z.md": "", "C/a/y~": "", "C/a/#x#": "", "C/.hidden.md": "", "C/.git/config": "",
            "C/d~/in.md": "", "C/#dir/in.md": "", "C/real/r.md": "", "C/Zed.md": "", "C/é.md": "",
        ])
        defer { site.remove() }
        let folder = site.url.appendingPathComponent("C")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link.md", withDestinationPath: "b.md")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/linkdir", withDestinationPath: "real")
        // A name that is not UTF-8 is left out.
        let notUTF8 = Array((folder.path + "/bad").utf8CString.dropLast()) + [CChar(bitPattern: 0xFF), 0]
        let fd = open(notUTF8, O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        close(fd)
        #expect(ContentLoader.listFiles(folder) == ["#dir/in.md", "Zed.md", "a/z.md", "b.md", "d~/in.md", "real/r.md", "é.md"])
        // A folder that is itself a link lists what it links to (Content/ may be kept elsewhere).
        #expect(ContentLoader.listFiles(folder.appendingPathComponent("linkdir")) == ["r.md"])
        #expect(ContentLoader.listFiles(folder.appendingPathComponent("b.md")).isEmpty)
        #expect(ContentLoader.listFiles(site.url.appendingPathComponent("none")).isEmpty)
    }

    /// More names than one read of the folder holds: each name is read where readdir put it, never past it (`make asan`
    /// reported reading a whole `dirent` from the last, shorter entry of a full buffer).
    @Test func listsAFolderOfAThousandFiles() throws {
        let names = (0..<1_000).map { String(format: "%04d-a-letter-with-a-long-name-like-a-real-one.md", $0) }
        let site = try TempSite(Dictionary(uniqueKeysWithValues: names.map { ("C/" + $0, "") }))
        defer { site.remove() }
        #expect(ContentLoader.listFiles(site.url.appendingPathComponent("C")) == names)
        #expect(ContentLoader.listFilesWithStamps(site.url.appendingPathComponent("C")).map(\.path) == names)
    }

    @Test func aContentFolderThatIsALinkBuildsTheSameSite() throws {
        let (work, site) = try copyOfGoodSite("linked-content")
        defer { try? FileManager.default.removeItem(at: work) }
        let linked = work.appendingPathComponent("linked")
        try FileManager.default.createDirectory(at: linked, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: linked.appendingPathComponent("Content"), withDestinationURL: site.appendingPathComponent("Content"))
        try FileManager.default.createSymbolicLink(at: linked.appendingPathComponent("Templates"), withDestinationURL: site.appendingPathComponent("Templates"))
        let direct = Builder.build(BuildOptions(siteFolder: site, output: work.appendingPathComponent("a"), now: testNow))
        let viaLink = Builder.build(BuildOptions(siteFolder: linked, output: work.appendingPathComponent("b"), now: testNow))
        #expect(direct.succeeded && viaLink.succeeded)
        #expect(viaLink.pagesWritten == direct.pagesWritten && viaLink.filesWritten == direct.filesWritten)
    }

    // MARK: Bodies left on disk

    /// The site's letters as read with or without a cache, with their addresses given.
    func loaded(_ site: TempSite, cache: BuildCache? = nil) -> SiteContent {
        var options = BuildOptions(siteFolder: site.url, now: testNow)
        options.cache = cache
        var content = ContentLoader.load(options, problems: Problems())
        Builder.assignPaths(&content, problems: Problems())
        return content
    }

    static let letter = "---\ntitle: A\ndate: 2024-01-02\n---\nBody with [the plan](a.md#plan).\n\n## Plan\n"

    /// Without a cache a letter keeps its front matter only, and renders from the file read again exactly as from the text kept.
    @Test func entryWithoutACacheReadsItsBodyAgainWhenRendered() throws {
        let site = try TempSite(["Content/site.yml": minimalSiteYML, "Content/letters/a.md": Self.letter])
        defer { site.remove() }
        let onDisk = try #require(loaded(site).sections.first?.entries.first)
        let kept = try #require(loaded(site, cache: BuildCache()).sections.first?.entries.first)
        #expect(onDisk.file.text == "---\ntitle: A\ndate: 2024-01-02\n---\n" && onDisk.body.isEmpty && onDisk.bodyLine == 5)
        #expect(kept.file.text == Self.letter && kept.body == "Body with [the plan](a.md#plan).\n\n## Plan\n")
        let read = try onDisk.markdown().get()
        #expect(read.file.text == Self.letter && read.body == kept.body)

        func render(_ entry: Entry) -> RenderedEntry {
            let content = loaded(site)
            let (rendered, diagnostics) = Builder.renderBody(entry, resolver: Builder.linkResolver(content), options: [], cache: nil, linkKey: 0)
            #expect(diagnostics.isEmpty)
            return rendered
        }
        let (a, b) = (render(onDisk), render(kept))
        #expect(a.bodyHTML == b.bodyHTML && a.bodyHTML.contains("<a href=\"/letters/a/#plan\">the plan</a>"))
        #expect(a.version == b.version, "the version sums up the whole file, as when the text is kept")
    }

    /// Heading ids of a letter whose body is on disk come from the file; once its front matter changes, from nowhere.
    @Test func anchorIndexReadsABodyLeftOnDisk() throws {
        let site = try TempSite(["Content/site.yml": minimalSiteYML, "Content/letters/a.md": Self.letter])
        defer { site.remove() }
        let entry = try #require(loaded(site).sections.first?.entries.first)
        #expect(AnchorIndex(sources: ["letters/a.md": .entry(entry)], options: []).ids(in: "letters/a.md") == ["plan"])
        try Data(Self.letter.replacingOccurrences(of: "title: A", with: "title: B").utf8)
            .write(to: site.url.appendingPathComponent("Content/letters/a.md"))
        #expect(AnchorIndex(sources: ["letters/a.md": .entry(entry)], options: []).ids(in: "letters/a.md") == nil)
        #expect(throws: Diagnostic.self) { try entry.markdown().get() }
    }

    /// A read again is checked against the text before the body, including a closing line that ended the file.
    @Test(arguments: [
        ("---\ntitle: A\n---\nBody.\n", "---\ntitle: A\n---\nOther body.\n", "Other body.\n"),
        ("---\ntitle: A\n---\nBody.\n", "---\ntitle: B\n---\nBody.\n", "2: the file changed while the site was being built"),
        ("---\ntitle: A\n---\nBody.\n", "---\ntitle: A\n", "3: the file changed while the site was being built"),
        ("---\ntitle: A\n---", "---\ntitle: A\n---", ""),
        ("---\ntitle: A\n---", "---\ntitle: A\n---\nBody.\n", "3: the file changed while the site was being built"),
        ("---\ntitle: A\n---\r\nBody.\n", "---\ntitle: A\r\n---\r\nBody.\r\n", "Body.\n"),
    ])
    func bodyReadAgain(before: String, after: String, expected: String) throws {
        let site = try TempSite(["Content/site.yml": minimalSiteYML, "Content/a.md": before])
        defer { site.remove() }
        let entry = try #require(loaded(site).pages.first)
        try Data(after.utf8).write(to: site.url.appendingPathComponent("Content/a.md"))
        switch entry.markdown() {
        case let .success(read): #expect(String(read.body) == expected)
        case let .failure(problem): #expect("\(problem.location.line): \(problem.message)" == expected)
        }
    }
}
