import Foundation
import Testing
@testable import Porchlight

/// Events as staff write them, expanded into the occurrences residents see.
struct EventTests {
    let config: SiteConfig = {
        let problems = Problems()
        let site = try! TempSite(["Content/site.yml": minimalSiteYML + "categories:\n  - {name: Coffee with a Cop, slug: coffee}\n"])
        defer { site.remove() }
        return SiteConfig.read(siteFolder: site.url, baseURLOverride: nil, problems: problems)
    }()

    func read(_ yaml: String) throws -> (Event?, [Diagnostic]) {
        let problems = Problems()
        let event = EventReader(config: config, problems: problems, file: SourceFile(path: "Content/events/x.yml", text: yaml)).read(slug: "x")
        return (event, problems.list)
    }

    func schedule(_ yaml: String, through: LocalDateTime = LocalDateTime(year: 2027, month: 12, day: 31)) throws -> [Occurrence] {
        let (event, diagnostics) = try read(yaml)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(DiagnosticPrinter.text))")
        let problems = Problems()
        let occurrences = EventSchedule.occurrences(of: try #require(event), through: through, problems: problems)
        #expect(problems.list.isEmpty, "\(problems.list.map(DiagnosticPrinter.text))")
        return occurrences
    }

    func iso(_ o: Occurrence) -> String { ContentDate.rfc3339(o.startInstant, timeZone: TimeZone(identifier: "America/Chicago")!) }

    @Test func monthlyFirstSaturdayWithExceptionAndMove() throws {
        let list = try schedule("""
            title: Coffee with a Cop
            start: 2026-12-05 09:00
            duration: 90m
            repeat: FREQ=MONTHLY;BYDAY=1SA;COUNT=4
            except: [2027-02-06]
            changes:
              2027-01-02: {start: 2027-01-09 09:00, note: Moved for New Year}
            """)
        #expect(list.map(iso) == ["2026-12-05T09:00:00-06:00", "2027-01-09T09:00:00-06:00", "2027-03-06T09:00:00-06:00"])
        #expect(list[1].original == LocalDateTime(year: 2027, month: 1, day: 2, hour: 9))
        #expect(list[1].note == "Moved for New Year")
        #expect(list[1].end == LocalDateTime(year: 2027, month: 1, day: 9, hour: 10, minute: 30))
    }

    @Test func structuredRepeatWithTwoTimesAndACancellation() throws {
        let list = try schedule("""
            title: Roll call
            start: 2026-12-04 09:00
            duration: 1h
            repeat: {every: week, on: [friday, saturday], times: ["09:00", "14:00"], until: 2026-12-12}
            changes:
              "2026-12-05 14:00": {status: cancelled, note: Storm}
            """)
        #expect(list.map(iso) == ["2026-12-04T09:00:00-06:00", "2026-12-04T14:00:00-06:00", "2026-12-05T09:00:00-06:00",
                                  "2026-12-05T14:00:00-06:00", "2026-12-11T09:00:00-06:00", "2026-12-11T14:00:00-06:00",
                                  "2026-12-12T09:00:00-06:00", "2026-12-12T14:00:00-06:00"])
        #expect(list[3].status == .cancelled)
        #expect(list.filter { $0.status == .cancelled }.count == 1)
    }

    /// docs/events.md: times on different minutes are refused; the extra-`dates` way round it gives both times each day.
    @Test func timesOnDifferentMinutesAreRefusedAndExtraDatesGiveThem() throws {
        let (_, diagnostics) = try read("title: Office hours\nstart: 2026-12-07 08:00\nrepeat: {every: week, on: [monday], times: [\"08:00\", \"15:30\"]}\n")
        #expect(diagnostics.map(DiagnosticPrinter.text).first?.hasPrefix(
            "Content/events/x.yml:3:44: error: times with different minutes cannot share one series — use times on the same minute (\"09:00\", \"14:00\"), or put the other times in a second event file") == true)
        let list = try schedule("""
            title: Budget town hall
            start: 2026-12-08 08:00
            duration: 1h
            repeat: {every: day, count: 3}
            dates: [2026-12-08 15:30, 2026-12-09 15:30, 2026-12-10 15:30]
            """)
        #expect(list.map(iso) == ["2026-12-08T08:00:00-06:00", "2026-12-08T15:30:00-06:00", "2026-12-09T08:00:00-06:00",
                                  "2026-12-09T15:30:00-06:00", "2026-12-10T08:00:00-06:00", "2026-12-10T15:30:00-06:00"])
    }

    @Test func wallClockTimeHoldsAcrossDaylightSaving() throws {
        let list = try schedule("""
            title: Weekly
            start: 2026-10-24 09:00
            repeat: {every: week, count: 3}
            """)
        #expect(list.map(iso) == ["2026-10-24T09:00:00-05:00", "2026-10-31T09:00:00-05:00", "2026-11-07T09:00:00-06:00"])
    }

    @Test func aTimeInTheSpringGapMovesForward() throws {
        let list = try schedule("title: Early\nstart: 2026-03-08 02:30\nduration: 30m\n")
        #expect(list.map(iso) == ["2026-03-08T03:30:00-05:00"])
        #expect(list[0].endInstant.timeIntervalSince(list[0].startInstant) == 1800, "the event keeps its length")
        #expect(list[0].start == LocalDateTime(year: 2026, month: 3, day: 8, hour: 3, minute: 30))
        #expect(list[0].original == LocalDateTime(year: 2026, month: 3, day: 8, hour: 2, minute: 30))
    }

    @Test func anAmbiguousFallBackTimeIsTheFirstOne() throws {
        let list = try schedule("title: Night shift\nstart: 2026-11-01 01:30\nduration: 30m\n")
        #expect(list.map(iso) == ["2026-11-01T01:30:00-05:00"])
    }

    @Test func allDayEndIsTheLastDayInclusive() throws {
        let list = try schedule("title: Faith and Blue\nstart: 2026-10-09\nend: 2026-10-12\n")
        #expect(list.count == 1)
        #expect(list[0].end == LocalDateTime(year: 2026, month: 10, day: 13))
        #expect(EventText.span(start: list[0].start, end: list[0].end, allDay: true) == "All day, October 9–12")
    }

    @Test func extraDatesWithTheirOwnPlace() throws {
        let list = try schedule("""
            title: Polar Cops
            start: 2026-09-12 14:00
            duration: 2h
            location: {name: Tower Grove Park}
            dates:
              - {start: 2026-09-19 14:00, end: 2026-09-19 15:00, location: {name: O'Fallon Park}}
            """)
        #expect(list.map { $0.location?.name } == ["Tower Grove Park", "O'Fallon Park"])
        #expect(list[1].isOverride && list[1].isExtra)
        #expect(list[1].end == LocalDateTime(year: 2026, month: 9, day: 19, hour: 15))
    }

    @Test(arguments: [
        ("90m", 5400), ("2h", 7200), ("1h30m", 5400), ("3d", 259_200), ("1h 15m", 4500),
    ])
    func durations(text: String, seconds: Int) {
        #expect(EventReader.duration(text) == seconds)
    }

    @Test(arguments: ["", "90", "m", "2x", "-1h"])
    func badDurations(text: String) {
        #expect(EventReader.duration(text) == nil)
    }

    @Test func ruleSentences() throws {
        let (monthly, _) = try read("title: C\nstart: 2026-12-05 09:00\nduration: 90m\nrepeat: FREQ=MONTHLY;BYDAY=1SA\n")
        #expect(EventText.rule(try #require(monthly)) == "Every month on the first Saturday, 9:00–10:30 AM")
        let (weekly, _) = try read("title: R\nstart: 2026-12-04 09:00\nrepeat: {every: week, on: [friday, saturday, sunday], times: [\"09:00\", \"14:00\"], until: 2027-03-31}\n")
        #expect(EventText.rule(try #require(weekly)) == "Every week on Friday, Saturday and Sunday, at 9:00 AM and 2:00 PM (1 hour), until March 31, 2027")
        let (biweekly, _) = try read("title: M\nstart: 2026-12-01 16:00\nend: 2026-12-01 19:00\nrepeat: {every: week, interval: 2, count: 12}\n")
        #expect(EventText.rule(try #require(biweekly)) == "Every other week, 4:00–7:00 PM, 12 times")
    }

    @Test func onKeyIsReadAsWeekdays() throws {
        let (event, diagnostics) = try read("title: R\nstart: 2026-12-04 09:00\nrepeat:\n  every: week\n  on: [friday]\n")
        #expect(diagnostics.isEmpty)
        #expect(event?.rule?.byDay.map(\.weekday) == [.friday])
    }
}

/// Event pages built from the good fixture site, read back as a resident's browser and a search engine would.
struct EventPageTests {
    static let output: URL = {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("event-pages-\(UUID().uuidString)")
        _ = Builder.build(BuildOptions(siteFolder: Repo.fixtures.appendingPathComponent("good-site"), output: output, now: testNow))
        return output
    }()

    func page(_ path: String) throws -> String {
        try String(contentsOf: Self.output.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func jsonLDParsesAsSchemaOrgEvents() throws {
        let html = try page("events/coffee/index.html")
        let start = try #require(html.range(of: "<script type=\"application/ld+json\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let json = try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8))
        let events = try #require(json as? [[String: Any]])
        #expect(events.first?["@type"] as? String == "Event")
        #expect(events.first?["startDate"] as? String == "2027-01-09T09:00:00-06:00")
        #expect(events.first?["eventStatus"] as? String == "https://schema.org/EventScheduled")
    }

    @Test func cancellationIsShownInWordsNotOnlyStyle() throws {
        let html = try page("events/past/index.html")
        #expect(html.contains("<li class=\"is-cancelled\">"))
        #expect(html.contains("<span class=\"badge badge-cancelled\">Cancelled</span>"))
        #expect(html.contains("<strong>Note:</strong> Rain"))
    }

    @Test func monthGridIsATableWithFullDayNamesAndTodayInWords() throws {
        let html = try page("calendar/2026/11/index.html")
        #expect(html.contains("<table class=\"month\">"))
        #expect(html.contains("<caption>"))
        #expect(html.contains("<span class=\"day-full\">Wednesday</span>"))
        #expect(html.contains("<td class=\"today\">"))
        #expect(html.contains("<span class=\"today-label\">Today</span>"))
        #expect(try page("calendar/index.html").contains("<caption>Events in November 2026</caption>"))
    }

    @Test func reservedEventNamesAreRefused() throws {
        let site = try TempSite(["Content/site.yml": minimalSiteYML, "Content/events/past.yml": "title: X\nstart: 2026-12-01\n"])
        defer { site.remove() }
        #expect(describe(site.build(write: false)).contains("an event named \"past\" would take the address"))
    }
}
