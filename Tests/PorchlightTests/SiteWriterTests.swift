import Foundation
import Testing
@testable import Porchlight

struct SiteWriterTests {
    let good = [
        "Content/site.yml": minimalSiteYML,
        "Content/letters/_index.md": "---\ntitle: Letters\nkind: posts\n---\nFrom the commissioner.\n",
        "Content/letters/2024-01-02-hello.md": "---\ntitle: Hello\ndate: 2024-01-02\ntags: [Youth]\ndistricts: [north]\naliases: [/news/hello.html]\n---\nFirst letter.\n",
    ]

    @Test func aFailedBuildLeavesThePreviousSiteUntouched() throws {
        let site = try TempSite(good)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let before = try #require(site.read("letters/hello/index.html"))
        try Data("---\ntitle: Broken\ndate: 2024-13-01\n---\n".utf8).write(to: site.url.appendingPathComponent("Content/letters/b.md"))
        try Data("---\ntitle: Hello again\ndate: 2024-01-02\n---\nChanged.\n".utf8)
            .write(to: site.url.appendingPathComponent("Content/letters/2024-01-02-hello.md"))
        #expect(!site.build().succeeded)
        #expect(site.read("letters/hello/index.html") == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.url.path).filter { $0.hasPrefix(".Public") && !$0.hasSuffix(".manifest") }
        #expect(leftovers.isEmpty)
    }

    @Test func aBuildThatFailsWhilePlanningLeavesNoFoldersAndKeepsTheManifest() throws {
        // The alias is another page's address: an error found only once the pages are planned.
        let clash = "---\ntitle: Second\ndate: 2024-02-03\naliases: [/letters/hello/]\n---\nMore.\n"
        let site = try TempSite(good.merging(["Content/letters/2024-02-03-second.md": clash]) { a, _ in a })
        defer { site.remove() }
        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: site.url.path).filter { $0.contains(".building-") || $0.contains(".old-") }
        }
        #expect(!site.build().succeeded)
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
        #expect(try leftovers().isEmpty)

        let second = site.url.appendingPathComponent("Content/letters/2024-02-03-second.md")
        try Data("---\ntitle: Second\ndate: 2024-02-03\n---\nMore.\n".utf8).write(to: second)
        #expect(site.build().succeeded)
        // Every folder made ahead of its page holds it.
        let folders = FileManager.default.enumerator(at: site.output, includingPropertiesForKeys: [.isDirectoryKey])!
            .compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
        #expect(!folders.isEmpty)
        for folder in folders { #expect(try !FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "\(folder.path)") }
        let before = try snapshot(site.output)

        try Data(clash.utf8).write(to: second)
        #expect(!site.build().succeeded)
        #expect(try snapshot(site.output) == before)
        #expect(FileManager.default.fileExists(atPath: SiteWriter.manifestFile(for: site.output).path))
        try Data("---\ntitle: Second\ndate: 2024-02-03\n---\nMore, edited.\n".utf8).write(to: second)
        let fixed = site.build()
        // The manifest was kept, so the output is updated in place rather than built again.
        #expect(fixed.succeeded && fixed.filesChanged > 0 && fixed.filesChanged < fixed.filesWritten)
        #expect(try leftovers().isEmpty)
    }

    @Test func foldersMadeAheadGoWithADiscardedBuildAndHoldACommittedOne() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let output = parent.appendingPathComponent("Public")
        let discarded = try SiteWriter(output: output)
        discarded.makeFoldersAhead(["letters/a/index.html", "letters/b/index.html", "../out/index.html"])
        try discarded.write("letters/a/index.html", "a")
        discarded.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("out").path))

        let committed = try SiteWriter(output: output)
        committed.makeFoldersAhead(["letters/a/index.html", "letters/b/index.html", "index.html"])
        try committed.write("index.html", "home")
        try committed.write("letters/b/index.html", "b")
        try committed.write("letters/a/index.html", "a")
        try committed.commit()
        #expect(try String(contentsOf: output.appendingPathComponent("letters/a/index.html"), encoding: .utf8) == "a")
        #expect(try String(contentsOf: output.appendingPathComponent("letters/b/index.html"), encoding: .utf8) == "b")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted() == [".Public.manifest", "Public"])
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        let site = try TempSite(good)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let first = try snapshot(site.output)
        #expect(site.build().succeeded)
        #expect(try snapshot(site.output) == first)
        #expect(first.keys.contains("news/hello.html"))
        #expect(first.keys.contains("letters/feed.xml"))
        #expect(first.keys.contains("tags/youth/index.html"))
    }

    @Test func unchangedFilesAreNotRewritten() throws {
        let site = try TempSite(good)
        defer { site.remove() }
        #expect(site.build().filesChanged > 0)
        let page = site.output.appendingPathComponent("letters/hello/index.html").path
        let before = try FileManager.default.attributesOfItem(atPath: page)[.systemFileNumber] as? Int
        let again = site.build()
        #expect(again.filesChanged == 0)
        #expect(try FileManager.default.attributesOfItem(atPath: page)[.systemFileNumber] as? Int == before)
        try Data("---\ntitle: Hello\ndate: 2024-01-02\ntags: [Youth]\ndistricts: [north]\naliases: [/news/hello.html]\n---\nEdited.\n".utf8)
            .write(to: site.url.appendingPathComponent("Content/letters/2024-01-02-hello.md"))
        let edited = site.build()
        #expect(edited.filesChanged > 0 && edited.filesChanged < edited.filesWritten)
        #expect(site.read("letters/hello/index.html")?.contains("Edited.") == true)
    }

    @Test func anUpdateInPlaceRemovesWhatIsNoLongerMadeAndRestoresWhatWasDeleted() throws {
        var files = good
        files["Content/letters/2024-02-03-second.md"] = "---\ntitle: Second\ndate: 2024-02-03\ntags: [Parks]\n---\nMore.\n"
        let site = try TempSite(files)
        defer { site.remove() }
        #expect(site.build().succeeded)
        #expect(site.read("tags/parks/index.html") != nil)
        try FileManager.default.removeItem(at: site.url.appendingPathComponent("Content/letters/2024-02-03-second.md"))
        try FileManager.default.removeItem(at: site.output.appendingPathComponent("letters/hello/index.html"))
        let report = site.build()
        #expect(report.succeeded)
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("letters/second").path))
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("tags/parks").path))
        #expect(site.read("letters/hello/index.html")?.contains("First letter.") == true)
        let fresh = try TempSite(good)
        defer { fresh.remove() }
        #expect(fresh.build().succeeded)
        #expect(try snapshot(site.output) == (try snapshot(fresh.output)))
    }

    @Test func withoutItsManifestTheOutputIsBuiltAfresh() throws {
        let site = try TempSite(good)
        defer { site.remove() }
        #expect(site.build().succeeded)
        try FileManager.default.removeItem(at: SiteWriter.manifestFile(for: site.output))
        try Data("stale".utf8).write(to: site.output.appendingPathComponent("stray.html"))
        let report = site.build()
        #expect(report.succeeded && report.filesChanged == report.filesWritten)
        #expect(site.read("stray.html") == nil)
        #expect(FileManager.default.fileExists(atPath: SiteWriter.manifestFile(for: site.output).path))
    }

    @Test func refusesToReplaceAFolderThatIsNotASite() throws {
        let site = try TempSite(good.merging(["Public/thesis.docx": "precious"]) { a, _ in a })
        defer { site.remove() }
        let report = site.build()
        #expect(!report.succeeded)
        #expect(site.read("thesis.docx") == "precious")
    }

    @Test func refusesPathsThatClimbOut() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString)/Public")
        let writer = try SiteWriter(output: root)
        defer { writer.discard() }
        for path in ["../escape.html", "/etc/passwd", "a/../../b", "./x", "a/..", "a\\..\\b", "..", "", "/"] {
            #expect(throws: SiteWriter.WriterError.self) { try writer.write(path, "x") }
        }
        // Empty parts are dropped, and names that only start or end with dots are names.
        for (path, written) in [("a//b.html", "a/b.html"), ("c/", "c"), ("...", "..."), ("d/.e/f..", "d/.e/f..")] {
            try writer.write(path, "x")
            #expect(FileManager.default.fileExists(atPath: writer.root.appendingPathComponent(written).path), "\(path)")
        }
    }

    @Test func filesThatCannotBeWrittenAreReportedInThePlansOrderAndNothingIsKept() throws {
        // Text files are written first; their failures still come between the others', as planned.
        let site = try TempSite(good)
        defer { site.remove() }
        let options = BuildOptions(siteFolder: site.url, now: testNow)
        let writer = try SiteWriter(output: options.output)
        let outputs = [SiteOutput(path: "media/a.pdf", body: .media("a.pdf")),
                       SiteOutput(path: "../b.txt", body: .text(Deferred { "b" })),
                       SiteOutput(path: "c.txt", body: .text(Deferred { "c" })),
                       SiteOutput(path: "media/d.pdf", body: .media("d.pdf")),
                       SiteOutput(path: "../e.txt", body: .text(Deferred { "e" }))]
        let problems = Problems()
        Builder.write(outputs, with: writer, theme: Theme.load(siteFolder: site.url, problems: problems), options: options, problems: problems)
        let failed = problems.list.map { String($0.message.dropFirst("could not write ".count).prefix { $0 != ":" }) }
        #expect(failed == ["media/a.pdf", "../b.txt", "media/d.pdf", "../e.txt"])
        #expect(!FileManager.default.fileExists(atPath: options.output.path))
        #expect(!FileManager.default.fileExists(atPath: writer.root.path))
    }

    @Test func draftsAndScheduledEntriesStayOutUnlessAsked() throws {
        var files = good
        files["Content/letters/2024-03-01-draft.md"] = "---\ntitle: Draft\ndate: 2024-03-01\ndraft: true\n---\nNot yet.\n"
        files["Content/letters/2027-01-15-later.md"] = "---\ntitle: Later\ndate: 2027-01-15\npublishDate: 2027-01-15\n---\nSoon.\n"
        let site = try TempSite(files)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded)
        #expect(report.nextChange?.at == "2027-01-15T00:00:00-06:00")
        #expect(report.nextChange?.reason == "Content/letters/2027-01-15-later.md is scheduled to be published")
        #expect(site.read("letters/draft/index.html") == nil)
        #expect(site.read("letters/later/index.html") == nil)
        #expect(site.build(drafts: true).succeeded)
        #expect(site.read("letters/draft/index.html") != nil)
        #expect(site.read("letters/later/index.html") != nil)
    }

    func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in ContentLoader.listFiles(folder) {
            files[path] = try Data(contentsOf: folder.appendingPathComponent(path))
        }
        return files
    }

    /// The manifest reader takes its own lines and skips anything else, without trapping.
    @Test func theManifestReadsItsLinesAndSkipsOthers() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        let text = SiteWriter.manifestHeader + """
            a1 0 ff 10 letters/index.html
            1 2 3 4 a path with spaces/index.html
            zz 1 2 3 bad.html
            1 2 3 ffffffffffffffff too-big.html
            1 2 3
            12345678901234567 1 2 3 seventeen-digits.html

            0 0 0 0 last.html
            """
        try Data(text.utf8).write(to: file)
        let manifest = SiteWriter.readManifest(file)
        #expect(manifest.keys.sorted() == ["a path with spaces/index.html", "last.html", "letters/index.html"])
        let record = try #require(manifest["letters/index.html"])
        #expect(record.key == 0xa1 && record.inputs == 0 && record.content == 0xff && record.size == 16)
        try Data("porchlight manifest 2\n1 2 3 4 old.html\n".utf8).write(to: file)
        #expect(SiteWriter.readManifest(file).isEmpty)
    }
}
