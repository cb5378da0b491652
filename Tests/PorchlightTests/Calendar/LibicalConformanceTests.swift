import Foundation
import Testing
@testable import Porchlight

/// One case of libical's icalrecur_test.txt: RRULE, DTSTART, optional START-AT, expected INSTANCES.
struct LibicalCase: Sendable, Equatable, CustomTestStringConvertible {
    let line: Int
    let comment: String
    let rrule: String
    let dtstart: String
    let tzid: String?
    let startAt: String?
    let instances: String

    var testDescription: String { "line \(line): \(comment.isEmpty ? rrule : comment)" }
}

/// Reads the reference file itself, so the committed table can be checked against it.
enum LibicalReferenceFile {
    /// `../shared/reference/libical-icalrecur_test.txt` next to the package root (found from this file).
    static let url: URL? = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                let file = folder.deletingLastPathComponent()
                    .appendingPathComponent("shared/reference/libical-icalrecur_test.txt")
                return FileManager.default.fileExists(atPath: file.path) ? file : nil
            }
            folder.deleteLastPathComponent()
        }
        return nil
    }()

    /// Same reading as Support/libical_to_swift.py: blank lines end a case, `#` lines are its comment.
    static func parse(_ text: String) -> [LibicalCase] {
        var cases: [LibicalCase] = []
        var fields: [String: String] = [:], comments: [String] = [], line = 0
        func flush() {
            if let rrule = fields["RRULE"], let dtstart = fields["DTSTART"], let instances = fields["INSTANCES"] {
                cases.append(LibicalCase(line: line, comment: comments.joined(separator: " / "), rrule: rrule,
                                         dtstart: dtstart, tzid: fields["TZID"], startAt: fields["START-AT"],
                                         instances: instances))
            }
            fields = [:]
            comments = []
        }
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if raw.trimmingCharacters(in: .whitespaces).isEmpty {
                flush()
            } else if raw.hasPrefix("#") {
                comments.append(raw.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces))
            } else if let colon = raw.firstIndex(of: ":") {
                var key = String(raw[..<colon])
                if key == "RRULE" { line = index + 1 }
                if key.hasPrefix("DTSTART;TZID=") {
                    fields["TZID"] = String(key.dropFirst("DTSTART;TZID=".count))
                    key = "DTSTART"
                }
                fields[key] = String(raw[raw.index(after: colon)...])
            }
        }
        flush()
        return cases
    }
}

/// Cases whose libical answer we do not reproduce, each with the reason (keyed by RRULE line).
let libicalOverrides: [Int: (instances: String, reason: String)] = [
    405: ("20241230,20251230,20301230,20311230",
          "libical answers UNIMPLEMENTED for BYWEEKNO together with BYMONTH/BYMONTHDAY; we expand it, and these are dateutil's dates"),
]

/// Cases where python-dateutil reads the rule differently from libical (see `RecurrenceDialect`).
/// Run with `.dateutil` these, and only these, must give something other than libical's INSTANCES.
let dateutilDifferences: [Int: String] = {
    let weekdayFromStart = "BYWEEKNO without BYDAY: libical takes the weekday from DTSTART, dateutil returns every day of the week"
    var table: [Int: String] = [
        390: "YEARLY;BYMONTHDAY without BYMONTH: libical takes the month from DTSTART, dateutil uses every month",
        395: "YEARLY;BYMONTHDAY without BYMONTH: libical takes the month from DTSTART, dateutil uses every month",
        566: "WEEKLY+BYSETPOS: dateutil's first week starts at DTSTART, so positions count from there",
        625: "WEEKLY+BYSETPOS: dateutil's first week starts at DTSTART, so positions count from there",
        725: "BYWEEKNO+INTERVAL: libical steps week-numbering years from 2009 (DTSTART's week), dateutil calendar years from 2010",
        730: "BYWEEKNO+INTERVAL: libical steps week-numbering years from 2009 (DTSTART's week), dateutil calendar years from 2010",
        740: "BYWEEKNO+INTERVAL: libical steps week-numbering years from 2025 (DTSTART's week), dateutil calendar years from 2024",
    ]
    for line in [273, 516, 521, 526, 531, 536, 541, 546, 551, 556, 561, 661, 720] { table[line] = weekdayFromStart }
    return table
}()

/// Expands a case the way libical's test program does and prints it in the file's format.
func expandLibicalCase(_ c: LibicalCase, dialect: RecurrenceDialect, from startAt: String? = nil) throws -> [String] {
    let start = try #require(LocalDateTime.parseICS(c.dtstart), "bad DTSTART")
    // Floating times are read as UTC, as libical's test program does.
    let zone = try c.tzid.map { try #require(ZoneResolver(identifier: $0)) } ?? .utc
    let rule = try RecurrenceRule.parse(c.rrule)
    let from = try startAt.map { try #require(LocalDateTime.parseICS($0)).value }
    let list = occurrences(of: rule, start: start.value, allDay: start.isDate, from: from,
                           through: LocalDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59),
                           limit: 10_000, zone: zone, dialect: dialect)
    return list.map { $0.icsText(dateOnly: start.isDate) + (start.isUTC ? "Z" : "") }
}

/// The expected list, cut at START-AT like libical's `skip_until`.
func expectedInstances(_ c: LibicalCase, from startAt: String? = nil) -> [String] {
    let all = (libicalOverrides[c.line]?.instances ?? c.instances).split(separator: ",").map(String.init)
    guard let startAt, let bound = LocalDateTime.parseICS(startAt)?.value else { return all }
    return all.filter { (LocalDateTime.parseICS($0)?.value ?? bound) >= bound }
}

func checkLibicalCase(_ c: LibicalCase) throws {
    #expect(try expandLibicalCase(c, dialect: .libical) == expectedInstances(c), "\(c.rrule) from \(c.dtstart)")
    if let startAt = c.startAt {
        #expect(try expandLibicalCase(c, dialect: .libical, from: startAt) == expectedInstances(c, from: startAt),
                "\(c.rrule) from \(c.dtstart), START-AT \(startAt)")
    }
}

@Suite("libical icalrecur_test.txt")
struct LibicalConformanceTests {
    @Test("each case, from the committed table", arguments: LibicalCases.all)
    func libicalCase(_ c: LibicalCase) throws {
        try checkLibicalCase(c)
    }

    @Test("the table holds all 146 cases")
    func tableIsComplete() {
        #expect(LibicalCases.all.count == 146)
        #expect(Set(LibicalCases.all.map(\.line)).count == 146)
    }

    @Test("the reference file, parsed now, matches the table and passes",
          .enabled(if: LibicalReferenceFile.url != nil, "../shared/reference/libical-icalrecur_test.txt is not here"))
    func referenceFile() throws {
        let url = try #require(LibicalReferenceFile.url)
        let cases = LibicalReferenceFile.parse(try String(contentsOf: url, encoding: .utf8))
        #expect(cases.count == 146)
        #expect(cases == LibicalCases.all, "regenerate LibicalCases.generated.swift with Support/libical_to_swift.py")
        for c in cases { try checkLibicalCase(c) }
    }

    @Test("with dateutil's reading, only the documented cases differ", arguments: LibicalCases.all)
    func dateutilReading(_ c: LibicalCase) throws {
        let same = try expandLibicalCase(c, dialect: .dateutil) == expectedInstances(c)
        if let reason = dateutilDifferences[c.line] {
            #expect(!same, "expected dateutil to differ here: \(reason)")
        } else {
            #expect(same, "dateutil reading should agree with libical for \(c.rrule) from \(c.dtstart)")
        }
    }
}
