import Foundation
import Testing
@testable import Porchlight

/// SplitMix64: a tiny seeded generator, so every run draws the same rules.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One random rule as sent to both expanders (the JSON line format of Support/dateutil_expand.py
/// and of `rrule-expand`).
struct DifferentialCase: Codable {
    var id: Int
    var rule: String
    var dtstart: String
    var tz: String?
    var through: String
    var limit: Int
}

/// Draws RFC-valid rules that stay clear of two python-dateutil 2.9 bugs, which we do not copy:
/// BYDAY mixing plain and numbered days (`MO,1FR` gives nothing at all in dateutil) and BYWEEKNO
/// 52/53/-1 for the first days of a year (dateutil miscounts the previous year's weeks, PR #1537).
struct RuleGenerator {
    var rng: SeededGenerator

    static let zones = ["America/Chicago", "America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"]
    /// Local dates of DST changes, so starts and UNTILs land next to gaps and repeated hours.
    static let changes: [String: [(Int, Int, Int)]] = [
        "America/Chicago": [(2025, 3, 9), (2025, 11, 2), (2026, 3, 8), (2026, 11, 1), (2027, 3, 14), (2027, 11, 7)],
        "America/New_York": [(2025, 3, 9), (2025, 11, 2), (2026, 3, 8), (2026, 11, 1), (2027, 3, 14), (2027, 11, 7)],
        "Europe/London": [(2025, 3, 30), (2025, 10, 26), (2026, 3, 29), (2026, 10, 25), (2027, 3, 28), (2027, 10, 31)],
        "Australia/Lord_Howe": [(2025, 4, 6), (2025, 10, 5), (2026, 4, 5), (2026, 10, 4), (2027, 4, 4), (2027, 10, 3)],
        "UTC": [(2026, 1, 1), (2026, 7, 1)],
    ]

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &rng)! }
    mutating func some(_ range: ClosedRange<Int>, upTo n: Int, excluding: Set<Int> = [0]) -> [Int] {
        (0..<int(1...n)).map { _ in
            var v = int(range)
            while excluding.contains(v) { v = int(range) }
            return v
        }
    }

    /// A wall time near one of the zone's DST changes (70%) or anywhere in 2024–2027.
    mutating func wallTime(zone: String, after base: LocalDateTime? = nil) -> LocalDateTime {
        var day: LocalDateTime
        if let base {
            day = base.startOfDay.adding(days: int(0...900))
            if chance(0.5) {
                let (y, m, d) = pick(Self.changes[zone]!)
                let near = LocalDateTime(year: y, month: m, day: d).adding(days: int(-2...2))
                if near > base { day = near }
            }
        } else if chance(0.7) {
            let (y, m, d) = pick(Self.changes[zone]!)
            day = LocalDateTime(year: y, month: m, day: d).adding(days: int(-10...10))
        } else {
            day = LocalDateTime(year: int(2024...2027), month: int(1...12), day: int(1...28))
        }
        if chance(0.5) {  // the hours DST changes touch
            day.hour = pick([0, 1, 2, 3]); day.minute = pick([0, 15, 30, 45])
        } else {
            day.hour = int(0...23); day.minute = int(0...11) * 5
        }
        return day
    }

    /// Wall times that DST changes skip or repeat, per zone (hour, minute).
    static let touchyTimes: [String: [(Int, Int)]] = [
        "America/Chicago": [(2, 0), (2, 30), (1, 0), (1, 30), (1, 59)],
        "America/New_York": [(2, 15), (2, 45), (1, 15), (1, 45)],
        "Europe/London": [(1, 0), (1, 30), (1, 59), (2, 0)],
        "Australia/Lord_Howe": [(2, 0), (2, 15), (1, 30), (1, 45), (2, 30)],
        "UTC": [(0, 0), (12, 0)],
    ]

    /// A daily or weekly series whose occurrences sit in a DST gap or repeated hour, with a UTC
    /// UNTIL on (or a second, half an hour, an hour off) such an occurrence's instant.
    mutating func nextAtDSTChange(id: Int) -> (DifferentialCase, zone: ZoneResolver?, allDay: Bool) {
        let zoneName = pick(Self.zones)
        let zone = ZoneResolver(identifier: zoneName)!
        let (y, m, d) = pick(Self.changes[zoneName]!)
        let (hour, minute) = pick(Self.touchyTimes[zoneName]!)
        let change = LocalDateTime(year: y, month: m, day: d, hour: hour, minute: minute)
        let start = change.adding(days: -int(0...8))
        var parts = [pick(["FREQ=DAILY", "FREQ=DAILY", "FREQ=WEEKLY", "FREQ=DAILY;INTERVAL=2"])]
        if chance(0.3) { parts.append("BYHOUR=\(hour),\(int(0...23))") }
        let bound = change.adding(days: pick([0, 0, 0, 1, 7])).adding(seconds: pick([0, 0, -1, 1, -1800, 1800, -3600, 3600]))
        parts.append("UNTIL=" + ZoneResolver.utc.local(for: zone.instant(for: bound)).icsText() + "Z")
        parts.shuffle(using: &rng)
        return (DifferentialCase(id: id, rule: parts.joined(separator: ";"), dtstart: start.icsText(), tz: zoneName,
                                 through: start.adding(days: 60).icsText(), limit: 300), zone, false)
    }

    /// Returns the case and our reading of it (zone, all-day); one in five is aimed at a DST change.
    mutating func next(id: Int) -> (DifferentialCase, zone: ZoneResolver?, allDay: Bool) {
        if id % 5 == 0 { return nextAtDSTChange(id: id) }
        let zoneName = pick(Self.zones)
        var start = wallTime(zone: zoneName)
        let allDay = chance(0.08)
        if allDay { start = start.startOfDay }
        let frequency = pick([RecurrenceRule.Frequency.daily, .daily, .weekly, .weekly, .weekly, .monthly, .monthly, .yearly, .yearly])
        var parts = ["FREQ=" + frequency.name]
        if chance(0.35) { parts.append("INTERVAL=\(int(2...4))") }

        var hasBy = false
        let yearly = frequency == .yearly
        if chance(yearly ? 0.4 : 0.2) { parts.append("BYMONTH=" + list(some(1...12, upTo: 3))); hasBy = true }
        let byMonth = parts.last!.hasPrefix("BYMONTH=")
        var byWeekNo = false
        if yearly && chance(0.12) {
            parts.append("BYWEEKNO=" + list(some(-51...51, upTo: 2, excluding: [0, -1])))
            byWeekNo = true; hasBy = true
        }
        if yearly && !byWeekNo && chance(0.1) { parts.append("BYYEARDAY=" + list(some(-366...366, upTo: 3))); hasBy = true }
        if frequency != .weekly && chance(0.3) {
            parts.append("BYMONTHDAY=" + list(chance(0.7) ? some(1...31, upTo: 3) : some(-31...31, upTo: 3)))
            hasBy = true
        }
        if chance(0.5) {
            let days = Array(Set(some(0...6, upTo: 3, excluding: []))).sorted().map { LocalDateTime.Weekday(rawValue: $0)!.code }
            let numbered = (frequency == .monthly || yearly) && !byWeekNo && chance(0.4)
            let ordinals = frequency == .monthly || byMonth ? [1, 2, 3, 4, -1, -2] : [1, 2, 10, 20, 52, -1, -2, -10]
            parts.append("BYDAY=" + days.map { (numbered ? String(pick(ordinals)) : "") + $0 }.joined(separator: ","))
            hasBy = true
        }
        if !allDay && chance(0.15) { parts.append("BYHOUR=" + list(chance(0.6) ? some(1...3, upTo: 2, excluding: []) : some(0...23, upTo: 2, excluding: []))); hasBy = true }
        if !allDay && chance(0.1) { parts.append("BYMINUTE=" + list(some(0...3, upTo: 2, excluding: []).map { $0 * 15 })); hasBy = true }
        if hasBy && chance(0.15) { parts.append("BYSETPOS=" + list(some(-2...3, upTo: 2))) }
        if chance(0.2) { parts.append("WKST=" + pick(LocalDateTime.Weekday.allCases).code) }

        var zone = ZoneResolver(identifier: zoneName)
        var tz: String? = zoneName
        switch int(0...9) {
        case 0...3: parts.append("COUNT=\(int(1...30))")
        case 4...6:  // an instant, written in UTC, as .ics files carry it
            var bound = wallTime(zone: zoneName, after: start)
            if chance(0.5) {  // right at (or a second or an hour off) an occurrence's wall time
                bound.hour = start.hour; bound.minute = start.minute; bound.second = 0
                bound = bound.adding(seconds: pick([0, 0, -1, 1, -3600, 3600]))
            }
            let instant = zone!.instant(for: bound)
            parts.append("UNTIL=" + ZoneResolver.utc.local(for: instant).icsText() + "Z")
        case 7:  // floating: both sides compare wall-clock times
            parts.append("UNTIL=" + wallTime(zone: zoneName, after: start).icsText())
            zone = nil; tz = nil
        default: break  // unbounded: the window ends it
        }
        parts.shuffle(using: &rng)  // part order must not matter
        let through = start.adding(days: 3 * 365)
        let dtstart = allDay ? start.icsText(dateOnly: true) : start.icsText()
        return (DifferentialCase(id: id, rule: parts.joined(separator: ";"), dtstart: dtstart, tz: tz,
                                 through: through.icsText(), limit: 300), zone, allDay)
    }

    private func list(_ values: [Int]) -> String { values.map(String.init).joined(separator: ",") }
}

enum DateutilOracle {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/dateutil_expand.py")

    /// The first python3 (on $PYTHON, then $PATH) that has dateutil and zoneinfo, or nil (test skipped).
    static let python: URL? = {
        let environment = ProcessInfo.processInfo.environment
        let onPath = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
        for path in [environment["PYTHON"]].compactMap({ $0 }) + onPath + ["/usr/bin/python3", "/opt/homebrew/bin/python3"]
            where FileManager.default.isExecutableFile(atPath: path) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["-c", "import dateutil.rrule, zoneinfo; zoneinfo.ZoneInfo('America/Chicago')"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { continue }
            process.waitUntilExit()
            if process.terminationStatus == 0 { return URL(fileURLWithPath: path) }
        }
        return nil
    }()

    /// Runs the script once over all cases; returns each id's occurrences or error text.
    static func expand(_ requests: URL) throws -> [Int: Result<[String], DateutilError>] {
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path]
        process.standardInput = try FileHandle(forReadingFrom: requests)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Line: Decodable { var id: Int; var occurrences: [String]?; var error: String? }
        var answers: [Int: Result<[String], DateutilError>] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            let answer = try JSONDecoder().decode(Line.self, from: line)
            answers[answer.id] = answer.occurrences.map { .success($0) } ?? .failure(DateutilError(message: answer.error ?? "?"))
        }
        return answers
    }

    struct DateutilError: Error { var message: String }
}

@Suite("differential: python-dateutil")
struct DateutilDifferentialTests {
    /// Override with RRULE_DIFF_SEED / RRULE_DIFF_COUNT to explore beyond the fixed draw.
    static let seed = UInt64(ProcessInfo.processInfo.environment["RRULE_DIFF_SEED"] ?? "") ?? 20_260_308
    static let ruleCount = Int(ProcessInfo.processInfo.environment["RRULE_DIFF_COUNT"] ?? "") ?? 3000

    @Test("3000 seeded random rules expand exactly as dateutil.rrulestr does",
          .enabled(if: DateutilOracle.python != nil, "python3 with dateutil is not available"))
    func randomRules() throws {
        var generator = RuleGenerator(rng: SeededGenerator(state: Self.seed))
        var ours: [Int: [String]] = [:]
        var cases: [Int: DifferentialCase] = [:]
        var lines: [String] = []
        for id in 0..<Self.ruleCount {
            let (c, zone, allDay) = generator.next(id: id)
            let rule = try RecurrenceRule.parse(c.rule)
            let start = try #require(LocalDateTime.parseICS(c.dtstart)).value
            let through = try #require(LocalDateTime.parseICS(c.through)).value
            ours[id] = occurrences(of: rule, start: start, allDay: allDay, through: through,
                                   limit: c.limit, zone: zone).map { $0.icsText() }
            cases[id] = c
            lines.append(String(decoding: try JSONEncoder().encode(c), as: UTF8.self))
        }
        let requests = FileManager.default.temporaryDirectory.appendingPathComponent("rrule-differential.jsonl")
        try lines.joined(separator: "\n").write(to: requests, atomically: true, encoding: .utf8)

        let theirs = try DateutilOracle.expand(requests)
        var mismatches: [String] = []
        var occurrenceCount = 0
        for id in 0..<Self.ruleCount {
            let c = cases[id]!, mine = ours[id]!
            occurrenceCount += mine.count
            switch theirs[id] {
            case .success(let list) where list == mine: continue
            case .success(let list):
                let at = (0..<min(mine.count, list.count)).first { mine[$0] != list[$0] } ?? min(mine.count, list.count)
                mismatches.append("""
                    #\(id) RRULE:\(c.rule) DTSTART:\(c.dtstart) tz=\(c.tz ?? "floating")
                      first difference at #\(at): ours \(mine.dropFirst(at).prefix(3)) (\(mine.count) total), \
                    dateutil \(list.dropFirst(at).prefix(3)) (\(list.count) total)
                    """)
            case .failure(let error):
                mismatches.append("#\(id) RRULE:\(c.rule) DTSTART:\(c.dtstart): dateutil failed: \(error.message)")
            case nil:
                mismatches.append("#\(id) RRULE:\(c.rule): no answer from dateutil")
            }
        }
        print("differential: seed \(Self.seed), \(Self.ruleCount) rules, \(occurrenceCount) occurrences, \(mismatches.count) mismatches; cases in \(requests.path)")
        for m in mismatches.prefix(10) { Issue.record(Comment(rawValue: m)) }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(Self.ruleCount) rules differ; reproduce with: rrule-expand < \(requests.path)")
    }
}
