import Foundation
import Testing
@testable import Porchlight

private func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ min: Int = 0) -> LocalDateTime {
    LocalDateTime(year: y, month: m, day: d, hour: h, minute: min)
}

/// Physical lines as raw octets, split at CRLF (String search would match whole grapheme clusters).
private func physicalLines(_ text: String) -> [[UInt8]] {
    var lines: [[UInt8]] = [[]]
    var bytes = Array(text.utf8)[...]
    while let first = bytes.first {
        if first == 13, bytes.dropFirst().first == 10 {
            lines.append([])
            bytes = bytes.dropFirst(2)
        } else {
            lines[lines.count - 1].append(first)
            bytes = bytes.dropFirst()
        }
    }
    return lines
}

/// Undoes folding (RFC 5545 §3.1): a line starting with a space continues the previous one.
private func unfold(_ text: String) -> [String] {
    var logical: [[UInt8]] = []
    for line in physicalLines(text) {
        if line.first == 32, !logical.isEmpty { logical[logical.count - 1] += line.dropFirst() } else { logical.append(line) }
    }
    return logical.filter { !$0.isEmpty }.map { String(decoding: $0, as: UTF8.self) }
}

private func unfoldedLines(_ ics: String) -> [String] { unfold(ics) }

/// The STANDARD/DAYLIGHT blocks of one VTIMEZONE, without TZNAME (Foundation's names differ by platform).
private func observances(_ ics: String, tzid: String) -> [[String]] {
    var blocks: [[String]] = [], inZone = false, current: [String]?
    for line in unfoldedLines(ics) {
        if line == "TZID:\(tzid)" { inZone = true }
        if line == "END:VTIMEZONE" { inZone = false }
        guard inZone else { continue }
        if line == "BEGIN:STANDARD" || line == "BEGIN:DAYLIGHT" { current = [] }
        if line.hasPrefix("TZNAME:") { continue }
        current?.append(line)
        if line == "END:STANDARD" || line == "END:DAYLIGHT", let block = current {
            blocks.append(block)
            current = nil
        }
    }
    return blocks
}

private func zoneCalendar(_ tzids: [String]) -> CalendarFile {
    let event = CalendarEvent(uid: "zones@example.org", dtstamp: at(2026, 1, 1),
                              start: .local(at(2026, 6, 1, 9), tzid: tzids[0]), summary: "Zones",
                              rdates: tzids.dropFirst().map { .local(at(2026, 7, 1, 9), tzid: $0) })
    return CalendarFile(name: "Zones", events: [event])
}

@Suite struct ICalendarFoldingTests {
    @Test func asciiFoldsAt75Octets() {
        let line = "DESCRIPTION:" + String(repeating: "abcdefghij", count: 20)
        let folded = ICalendar.fold(line)
        let physical = folded.components(separatedBy: "\r\n")
        #expect(physical.map(\.utf8.count) == [75, 75, 64])
        #expect(physical.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(unfold(folded) == [line])
    }

    @Test func exactly75OctetsIsNotFolded() {
        let line = String(repeating: "x", count: 75)
        #expect(ICalendar.fold(line) == line)
        #expect(ICalendar.fold(line + "y") == line + "\r\n y")
    }

    @Test(arguments: [false, true])
    func multibyteTextNeverSplitsACharacter(decomposed: Bool) {
        var text = String(repeating: "Cà phê với cảnh sát 👮🏽‍♀️☕️ ", count: 10)
        if decomposed { text = text.decomposedStringWithCanonicalMapping }  // base letters + combining marks
        #expect(text.count >= 200)
        let line = "SUMMARY:" + ICalendar.escapeText(text)
        let folded = ICalendar.fold(line)
        let pieces = physicalLines(folded)
        #expect(pieces.count > 5)
        var characters: [Character] = []
        for (i, piece) in pieces.enumerated() {
            #expect(piece.count <= 75)
            let decoded = String(bytes: i == 0 ? piece[...] : piece.dropFirst(), encoding: .utf8)
            #expect(decoded != nil, "piece \(i) is not valid UTF-8 on its own")
            characters += Array(decoded ?? "")
        }
        #expect(characters == Array(line), "a break fell inside a grapheme cluster")
        #expect(unfold(folded) == [line])
    }

    @Test func characterLongerThanALineIsBrokenBetweenScalars() {
        let zalgo = "e" + String(repeating: "\u{301}", count: 60)   // one Character, 121 octets
        let line = "SUMMARY:" + zalgo
        let pieces = physicalLines(ICalendar.fold(line))
        #expect(pieces.count == 2)
        #expect(pieces.allSatisfy { $0.count <= 75 && String(bytes: $0, encoding: .utf8) != nil })
        #expect(unfold(ICalendar.fold(line)) == [line])
    }

    @Test func textEscaping() {
        #expect(ICalendar.escapeText(#"a\b;c,d"#) == #"a\\b\;c\,d"#)
        #expect(ICalendar.escapeText("one\ntwo\r\nthree\rfour") == #"one\ntwo\nthree\nfour"#)
        #expect(ICalendar.escapeText("tab\there\u{7}bell") == "tab\there" + "bell")
        #expect(ICalendar.escapeText("Café: 10–11am") == "Café: 10–11am")
    }

    @Test func parameterQuoting() {
        #expect(ICalendar.paramValue("Officer Díaz") == "Officer Díaz")
        #expect(ICalendar.paramValue("Lt. Smith, Jr.") == #""Lt. Smith, Jr.""#)
        #expect(ICalendar.paramValue("Sgt. \"Sully\" O'Neil") == "Sgt. Sully O'Neil")
        #expect(ICalendar.paramValue("a:b;c") == #""a:b;c""#)
    }
}

@Suite struct ICalendarWriterTests {
    @Test func smallCalendarSnapshot() {
        let file = CalendarFile(
            name: "Porchlight PD — Events",
            description: "Community events; all welcome",
            url: "https://example.org/calendar.ics",
            defaultTimeZone: "America/Chicago",
            events: [
                CalendarEvent(
                    uid: "trunk-or-treat-2026@example.org", dtstamp: at(2026, 10, 1, 12),
                    start: .date(year: 2026, month: 10, day: 31), end: .date(year: 2026, month: 11, day: 1),
                    summary: "Trunk or Treat",
                    description: "Bring a costume.\nCandy, games; fun for all ages \\ families",
                    location: "City Hall lot, 100 Main St",
                    url: "https://example.org/events/trunk-or-treat/",
                    status: "confirmed", categories: ["Family", "Halloween, fall"],
                    organizer: (name: "Lt. Smith, Jr.", email: "smith@example.org")),
                CalendarEvent(
                    uid: "roll-call@example.org", dtstamp: at(2026, 10, 1, 12),
                    start: .utc(at(2026, 12, 5, 15)), end: .utc(at(2026, 12, 5, 16, 30)),
                    summary: "Community Block Roll Call",
                    geo: (41.878113, -87.6298), organizer: (name: nil, email: "mailto:info@example.org"),
                    rrule: "FREQ=MONTHLY;BYDAY=1SA;COUNT=3",
                    rdates: [.utc(at(2026, 12, 20, 15))], exdates: [.utc(at(2027, 1, 2, 15))]),
                CalendarEvent(
                    uid: "faith-and-blue@example.org", dtstamp: at(2026, 10, 1, 12),
                    start: .date(year: 2026, month: 10, day: 9), end: .date(year: 2026, month: 10, day: 12),
                    summary: "Faith and Blue Weekend", rrule: "FREQ=YEARLY;COUNT=3",
                    rdates: [.date(year: 2029, month: 10, day: 5)], exdates: [.date(year: 2027, month: 10, day: 9)],
                    sequence: 2),
            ])
        let expected = """
            BEGIN:VCALENDAR
            VERSION:2.0
            PRODID:-//Porchlight//Porchlight//EN
            CALSCALE:GREGORIAN
            METHOD:PUBLISH
            NAME:Porchlight PD — Events
            X-WR-CALNAME:Porchlight PD — Events
            DESCRIPTION:Community events\\; all welcome
            X-WR-CALDESC:Community events\\; all welcome
            X-WR-TIMEZONE:America/Chicago
            URL:https://example.org/calendar.ics
            SOURCE:https://example.org/calendar.ics
            REFRESH-INTERVAL;VALUE=DURATION:PT12H
            X-PUBLISHED-TTL:PT12H
            BEGIN:VEVENT
            UID:trunk-or-treat-2026@example.org
            DTSTAMP:20261001T120000Z
            DTSTART;VALUE=DATE:20261031
            DTEND;VALUE=DATE:20261101
            SUMMARY:Trunk or Treat
            DESCRIPTION:Bring a costume.\\nCandy\\, games\\; fun for all ages \\\\ families
            LOCATION:City Hall lot\\, 100 Main St
            URL:https://example.org/events/trunk-or-treat/
            STATUS:CONFIRMED
            CATEGORIES:Family,Halloween\\, fall
            ORGANIZER;CN="Lt. Smith, Jr.":mailto:smith@example.org
            SEQUENCE:0
            TRANSP:TRANSPARENT
            END:VEVENT
            BEGIN:VEVENT
            UID:roll-call@example.org
            DTSTAMP:20261001T120000Z
            DTSTART:20261205T150000Z
            DTEND:20261205T163000Z
            RRULE:FREQ=MONTHLY;BYDAY=1SA;COUNT=3
            RDATE:20261220T150000Z
            EXDATE:20270102T150000Z
            SUMMARY:Community Block Roll Call
            GEO:41.878113;-87.629800
            ORGANIZER:mailto:info@example.org
            SEQUENCE:0
            TRANSP:OPAQUE
            END:VEVENT
            BEGIN:VEVENT
            UID:faith-and-blue@example.org
            DTSTAMP:20261001T120000Z
            DTSTART;VALUE=DATE:20261009
            DTEND;VALUE=DATE:20261012
            RRULE:FREQ=YEARLY;COUNT=3
            RDATE;VALUE=DATE:20291005
            EXDATE;VALUE=DATE:20271009
            SUMMARY:Faith and Blue Weekend
            SEQUENCE:2
            TRANSP:TRANSPARENT
            END:VEVENT
            END:VCALENDAR

            """.replacingOccurrences(of: "\n", with: "\r\n")
        let written = ICalendar.write(file, timeZoneRange: 2026...2027)
        #expect(written == expected)
        #expect(ICalendar.write(file, timeZoneRange: 2026...2027) == written)  // deterministic
    }

    @Test func longLinesInAFileAreFolded() {
        let event = CalendarEvent(uid: "long@example.org", dtstamp: at(2026, 1, 1), start: .date(year: 2026, month: 5, day: 1),
                                  summary: String(repeating: "Polar Cops ice-cream truck stop ", count: 10))
        let ics = ICalendar.write(CalendarFile(name: "Long", events: [event]), timeZoneRange: 2026...2026)
        #expect(ics.hasSuffix("END:VCALENDAR\r\n"))
        #expect(ics.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        #expect(unfoldedLines(ics).contains("SUMMARY:" + event.summary))
    }

    @Test func oneSortedTimeZoneForEveryTZIDUsed() {
        let chicago = at(2026, 11, 7, 9)
        let series = CalendarEvent(uid: "s@example.org", dtstamp: at(2026, 1, 1),
                                   start: .local(chicago, tzid: "America/Chicago"),
                                   end: .local(at(2026, 11, 7, 10), tzid: "America/Chicago"),
                                   summary: "Series", rdates: [.local(at(2026, 12, 1, 9), tzid: "Europe/London")],
                                   exdates: [.local(at(2026, 12, 2, 9), tzid: "Asia/Tokyo")])
        var override = series
        override.start = .utc(at(2026, 11, 8, 15))
        override.end = .local(at(2026, 11, 8, 10), tzid: "America/Phoenix")
        override.recurrenceID = .local(at(2026, 11, 7, 9), tzid: "Australia/Lord_Howe")
        override.rdates = []
        override.exdates = []
        let ics = ICalendar.write(CalendarFile(name: "Z", events: [series, override]), timeZoneRange: 2026...2026)
        let tzids = unfoldedLines(ics).filter { $0.hasPrefix("TZID:") }
        #expect(tzids == ["TZID:America/Chicago", "TZID:America/Phoenix", "TZID:Asia/Tokyo",
                          "TZID:Australia/Lord_Howe", "TZID:Europe/London"])
        let lines = unfoldedLines(ics)
        #expect(lines.firstIndex(of: "END:VTIMEZONE")! < lines.firstIndex(of: "BEGIN:VEVENT")!)
        #expect(lines.contains("RECURRENCE-ID;TZID=Australia/Lord_Howe:20261107T090000"))
        // Written once and put into a file as lines, the events give the same file, zones and all.
        var asLines = CalendarFile(name: "Z", events: [])
        asLines.written = [ICalendar.lines([series]), ICalendar.lines([override])]
        #expect(ICalendar.write(asLines, timeZoneRange: 2026...2026) == ics)
        var mixed = CalendarFile(name: "Z", events: [series])
        mixed.written = [ICalendar.lines([override])]
        #expect(ICalendar.write(mixed, timeZoneRange: 2026...2026) == ics)
    }
}

@Suite struct ICalendarTimeZoneTests {
    @Test func chicago() {
        let ics = ICalendar.write(zoneCalendar(["America/Chicago"]), timeZoneRange: 2025...2027)
        #expect(observances(ics, tzid: "America/Chicago") == [
            // The rule in force on 2025-01-01 starts in 2024, so January 2025 has an observance too.
            ["BEGIN:STANDARD", "DTSTART:20241103T020000", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0600",
             "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD"],
            ["BEGIN:DAYLIGHT", "DTSTART:20250309T020000", "TZOFFSETFROM:-0600", "TZOFFSETTO:-0500",
             "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT"],
        ])
    }

    @Test func london() {
        let ics = ICalendar.write(zoneCalendar(["Europe/London"]), timeZoneRange: 2025...2027)
        #expect(observances(ics, tzid: "Europe/London") == [
            ["BEGIN:STANDARD", "DTSTART:20241027T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000",
             "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD"],
            ["BEGIN:DAYLIGHT", "DTSTART:20250330T010000", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100",
             "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT"],
        ])
    }

    @Test func lordHoweHasHalfHourDaylightSaving() {
        let ics = ICalendar.write(zoneCalendar(["Australia/Lord_Howe"]), timeZoneRange: 2025...2027)
        #expect(observances(ics, tzid: "Australia/Lord_Howe") == [
            ["BEGIN:DAYLIGHT", "DTSTART:20241006T020000", "TZOFFSETFROM:+1030", "TZOFFSETTO:+1100",
             "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU", "END:DAYLIGHT"],
            ["BEGIN:STANDARD", "DTSTART:20250406T020000", "TZOFFSETFROM:+1100", "TZOFFSETTO:+1030",
             "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU", "END:STANDARD"],
        ])
    }

    @Test(arguments: [("America/Phoenix", "-0700"), ("Asia/Tokyo", "+0900"), ("UTC", "+0000")])
    func zoneWithoutDaylightSaving(tzid: String, offset: String) {
        let ics = ICalendar.write(zoneCalendar([tzid]), timeZoneRange: 2025...2027)
        #expect(observances(ics, tzid: tzid) == [
            ["BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:\(offset)", "TZOFFSETTO:\(offset)",
             "END:STANDARD"],
        ])
    }

    @Test func ruleThatIsNoNthWeekdayFallsBackToRDATEs() {
        // Chile: first Sunday on or after 2 September, i.e. sometimes the 2nd Sunday, sometimes the 1st.
        let ics = ICalendar.write(zoneCalendar(["America/Santiago"]), timeZoneRange: 2025...2027)
        #expect(observances(ics, tzid: "America/Santiago").first == [
            "BEGIN:DAYLIGHT", "DTSTART:20240908T000000", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0300",
            "RDATE:20250907T000000", "RDATE:20260906T000000", "RDATE:20270905T000000", "END:DAYLIGHT",
        ])
    }

    @Test func ruleThatStopsGetsUNTIL() {
        // Mexico abolished daylight saving time after October 2022.
        let ics = ICalendar.write(zoneCalendar(["America/Mexico_City"]), timeZoneRange: 2020...2024)
        #expect(observances(ics, tzid: "America/Mexico_City") == [
            ["BEGIN:STANDARD", "DTSTART:20191027T020000", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0600",
             "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20221030T070000Z", "END:STANDARD"],
            ["BEGIN:DAYLIGHT", "DTSTART:20200405T020000", "TZOFFSETFROM:-0600", "TZOFFSETTO:-0500",
             "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20220403T080000Z", "END:DAYLIGHT"],
        ])
        // East of UTC the local onset is the later reading (2016-03-27 03:00 local = 01:00Z).
        let istanbul = ICalendar.write(zoneCalendar(["Europe/Istanbul"]), timeZoneRange: 2015...2017)
        #expect(unfoldedLines(istanbul).contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;UNTIL=20160327T030000Z"))
    }

    @Test func tzNameSkipsNumericNames() {
        #expect(ICalendar.tzName("CDT") == "CDT")
        #expect(ICalendar.tzName("GMT") == "GMT")
        #expect(ICalendar.tzName("GMT-5") == nil)
        #expect(ICalendar.tzName("GMT+10:30") == nil)
        #expect(ICalendar.tzName("+1030") == nil)
        #expect(ICalendar.offset(-18000) == "-0500")
        #expect(ICalendar.offset(37800) == "+1030")
        #expect(ICalendar.offset(0) == "+0000")
        #expect(ICalendar.offset(-(4 * 3600 + 56 * 60 + 2)) == "-045602")
    }
}

// MARK: - Differential checks with python's icalendar

private let pythonScript = #"""
import sys
try:
    import icalendar, recurring_ical_events, dateutil, zoneinfo
except ImportError as error:
    print(f"missing python package: {error}", file=sys.stderr)
    sys.exit(3)
from datetime import date, datetime, timedelta, timezone

mode, path = sys.argv[1], sys.argv[2]
cal = icalendar.Calendar.from_ical(open(path, "rb").read())
if mode == "occurrences":  # occurrences PATH FROM TO
    start, end = date.fromisoformat(sys.argv[3]), date.fromisoformat(sys.argv[4])
    events = recurring_ical_events.of(cal).between(start, end)
    for event in sorted(events, key=lambda e: e.decoded("DTSTART")):
        print(event.decoded("DTSTART").isoformat())
else:  # zones PATH FIRST LAST: our VTIMEZONE as icalendar reads it must agree with zoneinfo
    first, last = int(sys.argv[3]), int(sys.argv[4])
    for vtz in cal.walk("VTIMEZONE"):
        tzid = str(vtz["TZID"])
        ours, ref = vtz.to_tz(lookup_tzid=False), zoneinfo.ZoneInfo(tzid)
        offsets = lambda t: (t.astimezone(ours).utcoffset(), t.astimezone(ref).utcoffset())
        step, minute = timedelta(hours=6), timedelta(minutes=1)
        t, stop, bad = datetime(first, 1, 1, tzinfo=timezone.utc), datetime(last + 1, 1, 1, tzinfo=timezone.utc), []
        previous = offsets(t)
        while t < stop:  # every 6 hours, and minute by minute where either side changes
            current = offsets(t + step)
            window = [t + i * minute for i in range(360)] if current != previous else [t]
            bad += [u.isoformat() for u in window if len(set(offsets(u))) != 1]
            t, previous = t + step, current
        print(tzid, "ok" if not bad else f"{len(bad)} mismatches, first {bad[0]}")
"""#

/// Runs the script on `ics`; nil (with a recorded failure) when python3 or its packages are missing.
private func python(_ ics: String, _ args: [String]) throws -> [String]? {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ics-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let script = dir.appendingPathComponent("check.py"), file = dir.appendingPathComponent("calendar.ics")
    let out = dir.appendingPathComponent("out.txt"), err = dir.appendingPathComponent("err.txt")
    try pythonScript.write(to: script, atomically: true, encoding: .utf8)
    try Data(ics.utf8).write(to: file)
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, args[0], file.path] + args.dropFirst()
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    let install = "run `pip install icalendar recurring-ical-events python-dateutil`"
    do { try process.run() } catch {
        Issue.record("cannot start python3 (\(error)); install Python 3 and \(install)")
        return nil
    }
    process.waitUntilExit()
    let stderr = try String(contentsOf: err, encoding: .utf8)
    switch process.terminationStatus {
    case 0: break
    case 3, 127:
        Issue.record("python3 or its packages are missing — \(install). \(stderr)")
        return nil
    default:
        Issue.record("python check failed (status \(process.terminationStatus)): \(stderr)")
        return nil
    }
    return try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map(String.init)
}

@Suite struct ICalendarPythonTests {
    @Test func weeklySeriesAcrossDaylightSavingEnd() throws {
        let chicago = "America/Chicago"
        let series = CalendarEvent(
            uid: "coffee-with-a-cop@example.org", dtstamp: at(2026, 9, 1),
            start: .local(at(2026, 10, 10, 9), tzid: chicago), end: .local(at(2026, 10, 10, 10, 30), tzid: chicago),
            summary: "Coffee with a Cop", location: "Bean There, 12 Elm St", categories: ["Community"],
            rrule: "FREQ=WEEKLY;COUNT=6",                                     // Sat 10/10 … 11/14
            rdates: [.local(at(2026, 11, 4, 18), tzid: chicago)],            // an extra Wednesday evening
            exdates: [.local(at(2026, 10, 24, 9), tzid: chicago)])           // no coffee on 10/24
        var moved = series                                                    // 11/7 moves to Sunday afternoon
        moved.start = .local(at(2026, 11, 8, 13), tzid: chicago)
        moved.end = .local(at(2026, 11, 8, 14, 30), tzid: chicago)
        moved.recurrenceID = .local(at(2026, 11, 7, 9), tzid: chicago)
        moved.rrule = nil
        moved.rdates = []
        moved.exdates = []
        moved.sequence = 1
        let ics = ICalendar.write(CalendarFile(name: "Coffee", defaultTimeZone: chicago, events: [series, moved]),
                                  timeZoneRange: 2026...2026)

        guard let occurrences = try python(ics, ["occurrences", "2026-01-01", "2027-01-01"]) else { return }
        #expect(occurrences == [
            "2026-10-10T09:00:00-05:00",
            "2026-10-17T09:00:00-05:00",
            "2026-10-31T09:00:00-05:00",
            "2026-11-04T18:00:00-06:00",   // CDT ended on 2026-11-01
            "2026-11-08T13:00:00-06:00",
            "2026-11-14T09:00:00-06:00",
        ])
    }

    /// icalendar resolves a known TZID with zoneinfo and ignores the VTIMEZONE, so check the VTIMEZONE itself.
    @Test(arguments: [
        (["America/Chicago", "America/Phoenix", "America/Santiago", "Asia/Tokyo",
          "Australia/Lord_Howe", "Europe/London", "UTC"], 2025...2027),
        // Rules that changed or stopped: Brazil, Mexico, Turkey, Samoa, Morocco (Ramadan), Iran.
        (["Africa/Casablanca", "America/Mexico_City", "America/Sao_Paulo", "Asia/Tehran",
          "Europe/Istanbul", "Pacific/Apia"], 2015...2024),
    ])
    func vtimezonesAgreeWithZoneinfo(zones: [String], years: ClosedRange<Int>) throws {
        let ics = ICalendar.write(zoneCalendar(zones), timeZoneRange: years)
        guard let report = try python(ics, ["zones", "\(years.lowerBound)", "\(years.upperBound)"]) else { return }
        #expect(report == zones.map { "\($0) ok" })
    }
}
