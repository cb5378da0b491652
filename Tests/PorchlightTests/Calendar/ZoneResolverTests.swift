import Foundation
import Testing
@testable import Porchlight

/// Hand-written daylight-saving cases (RFC 5545 §3.3.5). The differential test compares expansion
/// in wall-clock time, so the gap/fold resolution is pinned here instead.
@Suite("ZoneResolver and DST")
struct ZoneResolverTests {
    let chicago = ZoneResolver(identifier: "America/Chicago")!
    let lordHowe = ZoneResolver(identifier: "Australia/Lord_Howe")!

    func utc(_ text: String) -> Date {
        ZoneResolver.utc.instant(for: LocalDateTime.parseICS(text)!.value)
    }

    func local(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> LocalDateTime {
        LocalDateTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
    }

    @Test("unknown zone names are rejected")
    func unknownZone() {
        #expect(ZoneResolver(identifier: "America/Chicagoo") == nil)
    }

    @Test("Chicago spring forward 2026-03-08: 02:00–02:59 does not exist", arguments: [
        // wall time, instant (UTC), wall time that instant shows
        ("20260308T015959", "20260308T075959", "20260308T015959"),  // last CST second
        ("20260308T020000", "20260308T080000", "20260308T030000"),  // gap: moved forward one hour
        ("20260308T023000", "20260308T083000", "20260308T033000"),  // gap: 02:30 → 03:30 CDT
        ("20260308T025959", "20260308T085959", "20260308T035959"),
        ("20260308T030000", "20260308T080000", "20260308T030000"),  // first CDT time
    ])
    func springForward(wall: String, instant: String, shown: String) {
        let resolved = chicago.instant(for: LocalDateTime.parseICS(wall)!.value)
        #expect(resolved == utc(instant))
        #expect(chicago.local(for: resolved) == LocalDateTime.parseICS(shown)!.value)
    }

    @Test("Chicago fall back 2026-11-01: 01:00–01:59 happens twice; the first (CDT) is meant", arguments: [
        ("20261101T005959", "20261101T055959"),
        ("20261101T010000", "20261101T060000"),  // CDT, not 07:00Z (CST)
        ("20261101T013000", "20261101T063000"),
        ("20261101T015959", "20261101T065959"),
        ("20261101T020000", "20261101T080000"),  // CST from here
    ])
    func fallBack(wall: String, instant: String) {
        let resolved = chicago.instant(for: LocalDateTime.parseICS(wall)!.value)
        #expect(resolved == utc(instant))
        #expect(chicago.local(for: resolved) == LocalDateTime.parseICS(wall)!.value)
    }

    @Test("offsets and the second 01:30")
    func offsets() {
        #expect(chicago.offsetSeconds(at: utc("20260308T075959")) == -21_600)
        #expect(chicago.offsetSeconds(at: utc("20260308T080000")) == -18_000)
        #expect(chicago.offsetSeconds(at: utc("20261101T065959")) == -18_000)
        #expect(chicago.offsetSeconds(at: utc("20261101T070000")) == -21_600)
        #expect(chicago.local(for: utc("20261101T073000")) == local(2026, 11, 1, 1, 30))  // the CST 01:30
    }

    @Test("Lord Howe moves by 30 minutes")
    func lordHoweHalfHour() {
        // 2026-10-04 02:00 +10:30 → 02:30 +11: 02:15 does not exist and becomes 02:45.
        let gap = lordHowe.instant(for: local(2026, 10, 4, 2, 15))
        #expect(gap == utc("20261003T154500"))
        #expect(lordHowe.local(for: gap) == local(2026, 10, 4, 2, 45))
        // 2026-04-05 02:00 +11 → 01:30 +10:30: 01:45 happens twice, the first is +11.
        #expect(lordHowe.instant(for: local(2026, 4, 5, 1, 45)) == utc("20260404T144500"))
    }

    @Test("a daily 02:30 series keeps its wall time through the gap; the instant moves")
    func dailyThroughGap() throws {
        let rule = try RecurrenceRule.parse("FREQ=DAILY;COUNT=4")
        let list = occurrences(of: rule, start: local(2026, 3, 6, 2, 30), through: local(2027, 1, 1, 0, 0), zone: chicago)
        #expect(list.map { $0.icsText() } == ["20260306T023000", "20260307T023000", "20260308T023000", "20260309T023000"])
        #expect(list.map { ZoneResolver.utc.local(for: chicago.instant(for: $0)).icsText() }
                == ["20260306T083000", "20260307T083000", "20260308T083000", "20260309T073000"])
    }

    @Test("UNTIL in UTC is compared as an instant at the gap and the fold", arguments: [
        // start, UNTIL, expected last wall time
        ("20260306T023000", "20260308T083000Z", "20260308T023000"),  // 02:30 on the 8th is 08:30Z: included
        ("20260306T023000", "20260308T082959Z", "20260307T023000"),
        ("20261030T013000", "20261101T063000Z", "20261101T013000"),  // the first 01:30 is 06:30Z
        ("20261030T013000", "20261101T062959Z", "20261031T013000"),
        ("20261030T013000", "20261101T073000Z", "20261101T013000"),  // not a second 01:30
        ("20260305T090000", "20260306T145959Z", "20260305T090000"),  // 09:00 CST is 15:00Z
        ("20260309T090000", "20260310T140000Z", "20260310T090000"),  // 09:00 CDT is 14:00Z
    ])
    func untilInstants(start: String, until: String, last: String) throws {
        let rule = try RecurrenceRule.parse("FREQ=DAILY;UNTIL=" + until)
        let startTime = LocalDateTime.parseICS(start)!.value
        let list = occurrences(of: rule, start: startTime, through: local(2027, 1, 1, 0, 0), zone: chicago)
        #expect(list.last?.icsText() == last)
    }

    @Test("UNTIL as a date includes that whole local day")
    func untilDate() throws {
        let rule = try RecurrenceRule.parse("FREQ=DAILY;UNTIL=20260310")
        let list = occurrences(of: rule, start: local(2026, 3, 8, 23, 30), through: local(2027, 1, 1, 0, 0), zone: chicago)
        #expect(list.map { $0.icsText() } == ["20260308T233000", "20260309T233000", "20260310T233000"])
    }

    @Test("all-day series with a UTC UNTIL keep the days whose local midnight is not after it")
    func allDayUntil() throws {
        // 2026-03-10 00:00 CDT is 05:00Z.
        let rule = try RecurrenceRule.parse("FREQ=DAILY;UNTIL=20260310T050000Z")
        let list = occurrences(of: rule, start: local(2026, 3, 8, 0, 0), allDay: true, through: local(2027, 1, 1, 0, 0), zone: chicago)
        #expect(list.map { $0.icsText(dateOnly: true) } == ["20260308", "20260309", "20260310"])
    }
}
