import Foundation
import Testing
@testable import Porchlight

/// A `build` after an edit to a letter's words alone puts the new body into the last build's files, and gives exactly
/// what a build from nothing gives; any other edit builds the site.
struct SpliceUpdateTests {
    let fm = FileManager.default

    /// The good site built once into `out`, with file stamps trusted at once.
    /// `files`: paths below the site folder and their text, written over the good site's before it is built.
    func builtSite(_ name: String, files: [String: String] = [:]) throws -> (work: URL, site: URL, options: BuildOptions) {
        let (work, site) = try copyOfGoodSite(name)
        for (path, text) in files { try text.write(to: site.appendingPathComponent(path), atomically: true, encoding: .utf8) }
        var options = BuildOptions(siteFolder: site, output: work.appendingPathComponent("out"), now: testNow)
        options.settle = 0
        let first = Builder.build(options)
        #expect(first.succeeded && first.spliced == 0, "\(describe(first))")
        return (work, site, options)
    }

    func edit(_ site: URL, _ path: String, _ change: (String) -> String) throws {
        let url = site.appendingPathComponent(path)
        try change(String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    /// Builds into `options.output` and into a new folder, and expects the same files with the same bytes.
    func buildAndCompare(_ options: BuildOptions, work: URL, _ comment: Comment? = nil) throws -> BuildReport {
        let report = Builder.build(options)
        #expect(report.succeeded, "\(describe(report))")
        var fresh = options
        fresh.output = work.appendingPathComponent("fresh-\(UUID().uuidString)")
        #expect(Builder.build(fresh).succeeded)
        let a = try snapshot(options.output), b = try snapshot(fresh.output)
        #expect(a.keys.sorted() == b.keys.sorted(), comment)
        for (path, data) in b where a[path] != data { Issue.record("\(path) differs from a full build (\(comment?.rawValue ?? ""))") }
        return report
    }

    func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in ContentLoader.listFiles(folder) { files[path] = try Data(contentsOf: folder.appendingPathComponent(path)) }
        return files
    }

    @Test func newWordsInALetterGoIntoItsPageAndFeeds() throws {
        let (work, site, options) = try builtSite("splice-letter")
        defer { try? fm.removeItem(at: work) }
        try edit(site, "Content/letters/2026-06-01-summer.md") {
            $0 + "\nA new paragraph with *emphasis*, \"quotes\" & a [link elsewhere](https://example.org/a?b=1&c=2).\n"
        }
        let report = try buildAndCompare(options, work: work)
        #expect(report.spliced == 1 && report.filesChanged == 3, "the page, the Atom feed and the JSON feed")
        let page = try String(contentsOf: options.output.appendingPathComponent("letters/summer/index.html"), encoding: .utf8)
        #expect(page.contains("A new paragraph with <em>emphasis</em>"))
    }

    @Test func twoLettersInOneFeedAndAPageAtOnce() throws {
        let (work, site, options) = try builtSite("splice-several")
        defer { try? fm.removeItem(at: work) }
        try edit(site, "Content/letters/2026-06-01-summer.md") { $0 + "\nMore about summer.\n" }
        try edit(site, "Content/letters/2026-01-10-new-year.md") { $0.replacingOccurrences(of: "- More officers on foot", with: "- More officers on foot and on bikes") }
        try edit(site, "Content/about.md") { $0 + "\nCall us any time.\n" }
        let report = try buildAndCompare(options, work: work)
        #expect(report.spliced == 3)
        // The same files again, now with every stamp settled: the second splice starts from the first one's record.
        try edit(site, "Content/letters/2026-01-10-new-year.md") { $0 + "\nOne more line.\n" }
        #expect(try buildAndCompare(options, work: work).spliced == 1)
        #expect(try buildAndCompare(options, work: work).spliced == 0, "nothing changed")
    }

    /// Each of these changes more than the words of a body, so the site is built.
    @Test(arguments: [
        ("a title", "Content/letters/2026-06-01-summer.md", "title: Summer programs", "title: Summer programs for all"),
        ("a link to another page", "Content/letters/2026-06-01-summer.md", "for background.", "for background, and [coffee](../programs/coffee.md)."),
        ("a new heading others may link to", "Content/programs/parks.md", "every evening.", "every evening.\n\n## Hours\n\nUntil dusk."),
        ("the paragraph a summary is taken from", "Content/letters/2026-01-10-new-year.md", "starts with trust", "begins with trust"),
        ("a section's intro", "Content/letters/_index.md", "writes to residents.", "writes to residents and answers."),
        ("an event", "Content/events/ball.yml", "title: Basketball in the Park", "title: Basketball at the Park"),
        ("a link that runs a script", "Content/programs/parks.md", "every evening.", "every evening. [Run](javascript:alert(1))"),
    ])
    func anyOtherChangeBuildsTheSite(what: String, path: String, old: String, new: String) throws {
        let (work, site, options) = try builtSite("splice-other")
        defer { try? fm.removeItem(at: work) }
        try edit(site, path) { text in
            #expect(text.contains(old), "\(what)")
            return text.replacingOccurrences(of: old, with: new)
        }
        let report = try buildAndCompare(options, work: work, "\(what)")
        #expect(report.spliced == 0, "\(what)")
    }

    @Test func aNewFileBesideANewBodyBuildsTheSite() throws {
        let (work, site, options) = try builtSite("splice-new-file")
        defer { try? fm.removeItem(at: work) }
        try edit(site, "Content/about.md") { $0 + "\nNew words.\n" }
        try "---\ntitle: Later still\ndate: 2026-03-01\n---\nHello.\n".write(to: site.appendingPathComponent("Content/letters/2026-03-01-later.md"),
                                                                          atomically: true, encoding: .utf8)
        #expect(try buildAndCompare(options, work: work).spliced == 0)
    }

    @Test func aThemeShowingTheBodyTwiceBuildsTheSite() throws {
        let twice = DefaultTheme.templates["entry"]!.replacingOccurrences(of: "{{{entry.bodyHTML}}}", with: "{{{entry.bodyHTML}}}<hr>{{{entry.bodyHTML}}}")
        let (work, site, options) = try builtSite("splice-twice", files: ["Templates/entry.mustache": twice])
        defer { try? fm.removeItem(at: work) }
        try edit(site, "Content/about.md") { $0 + "\nNew words.\n" }
        #expect(try buildAndCompare(options, work: work).spliced == 0)
    }

    /// The body also shown escaped, or inside an indented partial (where an empty body has no place of its own).
    @Test(arguments: [
        ["Templates/entry.mustache": DefaultTheme.templates["entry"]!.replacingOccurrences(
            of: "{{{entry.bodyHTML}}}", with: "{{{entry.bodyHTML}}}<template>{{entry.bodyHTML}}</template>")],
        ["Templates/entry.mustache": DefaultTheme.templates["entry"]!.replacingOccurrences(of: "{{{entry.bodyHTML}}}", with: "  {{> prose}}"),
         "Templates/prose.mustache": "{{{entry.bodyHTML}}}\n", "Content/about.md": "---\ntitle: About this site\nsummary: Who we are.\n---\n"],
    ])
    func aBodyShownAnyOtherWayBuildsTheSite(files: [String: String]) throws {
        let (work, site, options) = try builtSite("splice-other-way", files: files)
        defer { try? fm.removeItem(at: work) }
        try edit(site, "Content/about.md") { $0 + "\nNew words.\n\nAnd more.\n" }
        #expect(try buildAndCompare(options, work: work).spliced == 0)
    }

    /// Front matter closed on the file's last line, without a newline: text added runs on from the closing line.
    @Test func textAfterAnUnendedClosingLineIsNotABody() throws {
        let (work, site, options) = try builtSite("splice-unended", files: ["Content/about.md": "---\ntitle: About this site\nsummary: Who we are.\n---"])
        defer { try? fm.removeItem(at: work) }
        try edit(site, "Content/about.md") { $0 + "Hello there.\n" }
        let report = Builder.build(options)
        #expect(!report.succeeded && report.spliced == 0)
        #expect(describe(report).contains("Content/about.md:1:1: error: the front matter is not closed"))
    }

    @Test func aRecordWithALineTakenOutIsNotTrusted() throws {
        let (work, site, options) = try builtSite("splice-damaged")
        defer { try? fm.removeItem(at: work) }
        let record = SavedBodies.file(for: options.output)
        let lines = try String(contentsOf: record, encoding: .utf8).components(separatedBy: "\n")
        try lines.filter { !$0.hasPrefix("output\tletters/feed.json") }.joined(separator: "\n").write(to: record, atomically: true, encoding: .utf8)
        try edit(site, "Content/letters/2026-06-01-summer.md") { $0 + "\nMore about summer.\n" }
        #expect(try buildAndCompare(options, work: work).spliced == 0)
    }

    @Test func aBodySavedUnchangedLeavesItsFilesAlone() throws {
        let (work, site, options) = try builtSite("splice-touch")
        defer { try? fm.removeItem(at: work) }
        let page = options.output.appendingPathComponent("letters/summer/index.html").path
        let before = try fm.attributesOfItem(atPath: page)[.modificationDate] as? Date
        try edit(site, "Content/letters/2026-06-01-summer.md") { $0 }
        let report = try buildAndCompare(options, work: work)
        #expect(report.spliced == 1 && report.filesChanged == 0)
        #expect(try fm.attributesOfItem(atPath: page)[.modificationDate] as? Date == before)
    }

    @Test func aPageDeletedByHandIsBuiltAgain() throws {
        let (work, site, options) = try builtSite("splice-deleted")
        defer { try? fm.removeItem(at: work) }
        try fm.removeItem(at: options.output.appendingPathComponent("programs/index.html"))
        try edit(site, "Content/about.md") { $0 + "\nNew words.\n" }
        #expect(try buildAndCompare(options, work: work).spliced == 0)
    }

    @Test func aPageChangedByHandIsBuiltAgain() throws {
        let (work, site, options) = try builtSite("splice-by-hand")
        defer { try? fm.removeItem(at: work) }
        let page = options.output.appendingPathComponent("about/index.html")
        try edit(options.output, "about/index.html") { $0.replacingOccurrences(of: "<title>", with: "<title>Edited: ") }
        try edit(site, "Content/about.md") { $0 + "\nNew words.\n" }
        #expect(try buildAndCompare(options, work: work).spliced == 0)
        #expect(try !String(contentsOf: page, encoding: .utf8).contains("Edited: "))
    }

    @Test func aFileWithAWarningBuildsTheSite() throws {
        let (work, site, options) = try builtSite("splice-warning")
        defer { try? fm.removeItem(at: work) }
        try edit(site, "Content/programs/parks.md") { $0 + "\n[Run](javascript:alert(1))\n" }
        #expect(try buildAndCompare(options, work: work).diagnostics.count == 1)
        // The warning stays in the report only if the site is built, so the next edit of the file builds it again.
        try edit(site, "Content/programs/parks.md") { $0 + "\nMore words.\n" }
        let report = try buildAndCompare(options, work: work)
        #expect(report.spliced == 0 && report.diagnostics.count == 1)
    }
}
