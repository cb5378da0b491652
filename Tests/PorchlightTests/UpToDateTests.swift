import Foundation
import Testing
@testable import Porchlight

/// A `build` with nothing changed since the last one does nothing, and anything that changed makes it build.
struct UpToDateTests {
    let fm = FileManager.default

    /// A copy of the good site whose files are older than the second in which a stamp cannot be trusted.
    func settledSite() throws -> (work: URL, site: URL, output: URL) {
        let (work, site) = try copyOfGoodSite("uptodate")
        Thread.sleep(forTimeInterval: 1.2)
        return (work, site, work.appendingPathComponent("out"))
    }

    func recordIsUsable(_ options: BuildOptions) -> Bool {
        guard let record = UpToDate.current(for: options) else { return false }
        return record.matches(sources: SourceScan(options, startedAt: .now).key) && UpToDate.outputIsIntact(options.output)
    }

    @Test func theScanListsContentAsTheLoaderWould() throws {
        // The build reads the files the scan listed, so the two lists must agree, hidden files and odd names included.
        let site = try TempSite(["site.yml": minimalSiteYML, "Content/letters/b.md": "x", "Content/letters/a-b.md": "x",
                                 "Content/letters/.hidden.md": "x", "Content/letters/deep/c.md": "x", "Content/Zeta.md": "x",
                                 "Content/events/e.yml": "x", "Content/media/é.pdf": "x", "Content/_index.md": "x",
                                 "Templates/entry.mustache": "x"])
        defer { site.remove() }
        let scanned = SourceScan(BuildOptions(siteFolder: site.url, now: testNow), startedAt: .now).contentFiles
        #expect(scanned == ContentLoader.listFiles(site.url.appendingPathComponent("Content")))
        #expect(scanned.count == 7 && !scanned.contains { $0.hasPrefix("Content/") || $0.hasPrefix("Templates/") })
    }

    @Test func aSecondBuildWithNothingChangedReportsTheFirst() throws {
        let (work, site, output) = try settledSite()
        defer { try? fm.removeItem(at: work) }
        let options = BuildOptions(siteFolder: site, output: output, now: testNow)
        let first = Builder.build(options)
        #expect(first.succeeded)
        #expect(recordIsUsable(options))
        let second = Builder.build(options)
        #expect(second.diagnostics == first.diagnostics && second.pagesWritten == first.pagesWritten)
        #expect(second.filesWritten == first.filesWritten && second.filesChanged == 0)
        #expect(second.nextChange?.at == first.nextChange?.at && second.nextChange?.reason == first.nextChange?.reason)
        // Another day, another site: the record only holds until the next change or midnight.
        #expect(!recordIsUsable(BuildOptions(siteFolder: site, output: output, now: testNow + 86_400)))
        #expect(!recordIsUsable(BuildOptions(siteFolder: site, output: output, now: testNow - 60)))
        #expect(!recordIsUsable(BuildOptions(siteFolder: site, output: output, includeDrafts: true, now: testNow)))
    }

    @Test func anEditIsBuiltAndAYoungFileLeavesNoUsableRecord() throws {
        let (work, site, output) = try settledSite()
        defer { try? fm.removeItem(at: work) }
        let options = BuildOptions(siteFolder: site, output: output, now: testNow)
        #expect(Builder.build(options).succeeded)
        let parks = site.appendingPathComponent("Content/programs/parks.md")
        try (String(contentsOf: parks, encoding: .utf8) + "\nA new line.\n").write(to: parks, atomically: true, encoding: .utf8)
        let report = Builder.build(options)
        #expect(report.filesChanged > 0)
        #expect(try String(contentsOf: output.appendingPathComponent("programs/parks/index.html"), encoding: .utf8).contains("A new line."))
        #expect(!recordIsUsable(options), "a file changed within the second may change again unseen")
    }

    @Test func aPageDeletedByHandIsBuiltAgain() throws {
        let (work, site, output) = try settledSite()
        defer { try? fm.removeItem(at: work) }
        let options = BuildOptions(siteFolder: site, output: output, now: testNow)
        #expect(Builder.build(options).succeeded)
        let page = output.appendingPathComponent("programs/parks/index.html")
        let original = try Data(contentsOf: page)
        try fm.removeItem(at: page)
        #expect(!recordIsUsable(options))
        #expect(Builder.build(options).succeeded)
        #expect(try Data(contentsOf: page) == original)
    }

    @Test func aFailedBuildRemovesTheRecord() throws {
        let (work, site, output) = try settledSite()
        defer { try? fm.removeItem(at: work) }
        let options = BuildOptions(siteFolder: site, output: output, now: testNow)
        #expect(Builder.build(options).succeeded)
        #expect(fm.fileExists(atPath: UpToDate.file(for: output).path))
        try "---\ntitle: [unclosed\n---\n".write(to: site.appendingPathComponent("Content/programs/broken.md"), atomically: true, encoding: .utf8)
        #expect(!Builder.build(options).succeeded)
        #expect(!fm.fileExists(atPath: UpToDate.file(for: output).path))
        #expect(!fm.fileExists(atPath: SavedBodies.file(for: output).path))
        #expect(try fm.contentsOfDirectory(atPath: work.path).filter { $0.contains(".porchlight-") }.isEmpty, "no half-written record is left")
    }
}

/// The next change names the moment a date leaves the trimmed calendar feeds (a month after it), to the second,
/// clocks changing or not, so `build`'s record and the preview's quick updates end exactly when the feeds change.
struct NextChangeTests {
    func nextChange(event: String, now: String) throws -> (at: String, reason: String)? {
        let site = try TempSite(["Content/site.yml": minimalSiteYML, "Content/events/meeting.yml": event])
        defer { site.remove() }
        let report = Builder.build(BuildOptions(siteFolder: site.url, now: ISO8601DateFormatter().date(from: now)!), write: false)
        #expect(report.succeeded, "\(describe(report))")
        return report.nextChange
    }

    @Test func aDateLeavesTheFeedsTheSecondAfterItIsThirtyOneDaysOld() throws {
        // 13:30 CDT on October 21 is 18:30Z; 31 days later that is 12:30 CST, and the date is still in at 12:30:00.
        let next = try nextChange(event: "title: Town hall\nstart: 2026-10-21 13:30\nend: 2026-10-21 14:30\n", now: "2026-11-21T18:00:00Z")
        #expect(next?.at == "2026-11-21T12:30:01-06:00")
        #expect(next?.reason == "Town hall of 2026-10-21T13:30:00 becomes older than the calendar feeds keep")
    }

    @Test func aTimeSkippedWhenClocksGoForwardLeavesWhenTheyDo() throws {
        // 02:30 on March 8 does not exist in Chicago: wall-clock time passes it at 03:00 CDT (08:00Z), so it leaves
        // the feeds 31 days after that, not after 02:30 read as 03:30.
        let next = try nextChange(event: "title: Night patrol\nstart: 2026-03-01 02:30\nduration: 1h\nrepeat: {every: week, count: 2}\n",
                                  now: "2026-04-08T07:00:00Z")
        #expect(next?.at == "2026-04-08T03:00:00-05:00", "\(String(describing: next))")
    }
}
