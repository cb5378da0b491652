/// An RFC 5545 RECUR value (§3.3.10): the parsed form of an event's `repeat:` RRULE.
///
/// Lists are stored de-duplicated and sorted (they are sets in the RFC), so two spellings of the
/// same rule compare equal and `rruleText` is canonical.
public struct RecurrenceRule: Sendable, Equatable, CustomStringConvertible {
    public typealias Weekday = LocalDateTime.Weekday

    public enum Frequency: Int, Sendable, CaseIterable, Comparable {
        case secondly, minutely, hourly, daily, weekly, monthly, yearly

        public var name: String {
            ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"][rawValue]
        }

        public static func < (lhs: Frequency, rhs: Frequency) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One BYDAY entry: `ordinal` 0 means every such weekday; `2MO` is the 2nd Monday, `-1FR` the last Friday.
    public struct WeekdayNum: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var ordinal: Int
        public var weekday: Weekday

        public init(_ weekday: Weekday, ordinal: Int = 0) {
            self.weekday = weekday
            self.ordinal = ordinal
        }

        public var description: String { (ordinal == 0 ? "" : String(ordinal)) + weekday.code }

        public static func < (lhs: WeekdayNum, rhs: WeekdayNum) -> Bool {
            (lhs.weekday.rawValue, lhs.ordinal) < (rhs.weekday.rawValue, rhs.ordinal)
        }
    }

    /// The three spellings of UNTIL, kept apart because they compare differently (§3.3.10).
    public enum Until: Sendable, Hashable {
        /// `UNTIL=20270630`: the whole local day is included (occurrences up to 23:59:59).
        case date(LocalDateTime)
        /// `UNTIL=20270630T170000`: a wall-clock bound in the event's zone (floating).
        case local(LocalDateTime)
        /// `UNTIL=20270630T220000Z`: an instant, compared with each occurrence's instant.
        case utc(LocalDateTime)

        var icsText: String {
            switch self {
            case .date(let d): return d.icsText(dateOnly: true)
            case .local(let t): return t.icsText()
            case .utc(let t): return t.icsText() + "Z"
            }
        }
    }

    public var frequency: Frequency
    public var interval: Int
    public var count: Int?
    public var until: Until?
    public var bySecond: [Int]
    public var byMinute: [Int]
    public var byHour: [Int]
    public var byDay: [WeekdayNum]
    public var byMonthDay: [Int]
    public var byYearDay: [Int]
    public var byWeekNo: [Int]
    public var byMonth: [Int]
    public var bySetPos: [Int]
    public var weekStart: Weekday

    public init(
        frequency: Frequency, interval: Int = 1, count: Int? = nil, until: Until? = nil,
        bySecond: [Int] = [], byMinute: [Int] = [], byHour: [Int] = [], byDay: [WeekdayNum] = [],
        byMonthDay: [Int] = [], byYearDay: [Int] = [], byWeekNo: [Int] = [], byMonth: [Int] = [],
        bySetPos: [Int] = [], weekStart: Weekday = .monday
    ) {
        self.frequency = frequency
        self.interval = interval
        self.count = count
        self.until = until
        self.bySecond = Array(Set(bySecond)).sorted()
        self.byMinute = Array(Set(byMinute)).sorted()
        self.byHour = Array(Set(byHour)).sorted()
        self.byDay = Array(Set(byDay)).sorted()
        self.byMonthDay = Array(Set(byMonthDay)).sorted()
        self.byYearDay = Array(Set(byYearDay)).sorted()
        self.byWeekNo = Array(Set(byWeekNo)).sorted()
        self.byMonth = Array(Set(byMonth)).sorted()
        self.bySetPos = Array(Set(bySetPos)).sorted()
        self.weekStart = weekStart
    }

    public var description: String { rruleText }

    // MARK: Writing

    /// The rule as written back, parts in a fixed order, WKST only when it is not the default MO.
    public var rruleText: String { text(untilText: until?.icsText) }

    /// The rule for an .ics file next to the given DTSTART: RFC 5545 requires UNTIL to be a DATE
    /// for all-day events, UTC for zoned ones and local for floating ones, and not every client
    /// accepts the other spellings. `zone` is nil for floating times.
    public func rruleText(start: LocalDateTime, allDay: Bool, zone: ZoneResolver?) -> String {
        guard let until else { return rruleText }
        let bound = RecurrenceRule.localBound(of: until, zone: zone)
        if allDay { return text(untilText: bound.icsText(dateOnly: true)) }
        guard let zone else { return text(untilText: bound.icsText()) }
        let instant: LocalDateTime
        if case .utc(let t) = until { instant = t } else { instant = ZoneResolver.utc.local(for: zone.instant(for: bound)) }
        return text(untilText: instant.icsText() + "Z")
    }

    /// The last wall-clock time UNTIL lets through in `zone` (UTC when nil).
    static func localBound(of until: Until, zone: ZoneResolver?) -> LocalDateTime {
        switch until {
        case .date(let d): return LocalDateTime(year: d.year, month: d.month, day: d.day, hour: 23, minute: 59, second: 59)
        case .local(let t): return t
        case .utc(let t): return (zone ?? .utc).local(for: ZoneResolver.utc.instant(for: t))
        }
    }

    private func text(untilText: String?) -> String {
        func list(_ name: String, _ values: [some CustomStringConvertible]) -> String? {
            values.isEmpty ? nil : name + "=" + values.map(\.description).joined(separator: ",")
        }
        let parts: [String?] = [
            "FREQ=" + frequency.name,
            interval == 1 ? nil : "INTERVAL=\(interval)",
            count.map { "COUNT=\($0)" },
            untilText.map { "UNTIL=" + $0 },
            list("BYMONTH", byMonth),
            list("BYWEEKNO", byWeekNo),
            list("BYYEARDAY", byYearDay),
            list("BYMONTHDAY", byMonthDay),
            list("BYDAY", byDay),
            list("BYHOUR", byHour),
            list("BYMINUTE", byMinute),
            list("BYSECOND", bySecond),
            list("BYSETPOS", bySetPos),
            weekStart == .monday ? nil : "WKST=" + weekStart.code,
        ]
        return parts.compactMap { $0 }.joined(separator: ";")
    }
}

/// A parse error that names the part, where it is (character offset into the parsed text) and
/// what to write instead, so content errors can be reported as `file:line:column: what — fix`.
public struct RecurrenceRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case empty, malformedPart, unknownPart, unsupportedPart, duplicatePart, missingFrequency
        case invalidValue, outOfRange, conflict
    }

    public var kind: Kind
    /// The rule part the problem is in (`BYDAY`), nil when the problem is the rule as a whole.
    public var part: String?
    /// Offset in `Character`s from the start of the text given to `parse`, and the length of the bad piece.
    public var offset: Int
    public var length: Int
    /// What is wrong, e.g. `unknown weekday "FX" in BYDAY`.
    public var message: String
    /// What to do, e.g. `use MO, TU, WE, TH, FR, SA or SU`.
    public var fix: String

    public var description: String { "\(message) — \(fix)" }
}

extension RecurrenceRule {
    private static let partNames = [
        "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY",
        "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS", "WKST",
    ]
    private static let weekdayFix = "use MO, TU, WE, TH, FR, SA or SU"

    /// A piece of the input with its character offset, so every error can point at it.
    private struct Token {
        var text: String
        var offset: Int
    }

    /// Parses `FREQ=MONTHLY;BYDAY=1SA;UNTIL=20270630` (an optional `RRULE:` prefix, lower case,
    /// spaces around parts and a trailing `;` are accepted), enforcing RFC 5545's MUST/MUST NOT rules.
    public static func parse(_ text: String) throws(RecurrenceRuleError) -> RecurrenceRule {
        let chars = Array(text)
        var start = 0
        if chars.count >= 6, String(chars[0..<6]).uppercased() == "RRULE:" { start = 6 }
        let parts = split(chars, from: start, to: chars.count, on: ";").filter { !$0.text.isEmpty }
        guard !parts.isEmpty else {
            throw RecurrenceRuleError(kind: .empty, part: nil, offset: 0, length: chars.count,
                                      message: "the rule is empty",
                                      fix: "write e.g. FREQ=WEEKLY;BYDAY=SA")
        }

        var seen: [String: Token] = [:]
        var rule = RecurrenceRule(frequency: .daily)
        var frequency: Frequency?
        var ordinalToken: [WeekdayNum: Token] = [:]

        for part in parts {
            guard let eq = part.text.firstIndex(of: "=") else {
                throw RecurrenceRuleError(kind: .malformedPart, part: nil, offset: part.offset, length: part.text.count,
                                          message: "\"\(part.text)\" is not NAME=VALUE",
                                          fix: "write parts as NAME=VALUE separated by semicolons, e.g. FREQ=WEEKLY;BYDAY=SA")
            }
            let rawName = String(part.text[..<eq])
            let name = rawName.trimmingSpaces().uppercased()
            let nameToken = Token(text: name, offset: part.offset)
            let valueStart = part.offset + part.text.distance(from: part.text.startIndex, to: eq) + 1
            let value = split(chars, from: valueStart, to: part.offset + part.text.count, on: nil).first
                ?? Token(text: "", offset: valueStart)

            guard partNames.contains(name) else {
                if ["RSCALE", "SKIP"].contains(name) {
                    throw RecurrenceRuleError(kind: .unsupportedPart, part: name, offset: part.offset, length: rawName.count,
                                              message: "\(name) (RFC 7529 non-Gregorian calendars) is not supported",
                                              fix: "remove it; dates are Gregorian")
                }
                let suggestion = partNames.min { editDistance($0, name) < editDistance($1, name) }!
                let fix = editDistance(suggestion, name) <= 2
                    ? "did you mean \(suggestion)?"
                    : "use one of " + partNames.dropLast().joined(separator: ", ") + " or WKST"
                throw RecurrenceRuleError(kind: .unknownPart, part: name, offset: part.offset, length: rawName.count,
                                          message: "unknown part \"\(rawName.trimmingSpaces())\"", fix: fix)
            }
            if seen[name] != nil {
                throw RecurrenceRuleError(kind: .duplicatePart, part: name, offset: part.offset, length: part.text.count,
                                          message: "\(name) is given twice", fix: "keep one")
            }
            seen[name] = nameToken
            guard !value.text.isEmpty else {
                throw RecurrenceRuleError(kind: .invalidValue, part: name, offset: valueStart, length: 0,
                                          message: "\(name) has no value", fix: example(for: name))
            }

            switch name {
            case "FREQ":
                guard let f = Frequency.allCases.first(where: { $0.name == value.text.uppercased() }) else {
                    throw RecurrenceRuleError(kind: .invalidValue, part: name, offset: value.offset, length: value.text.count,
                                              message: "unknown frequency \"\(value.text)\" in FREQ",
                                              fix: "use DAILY, WEEKLY, MONTHLY or YEARLY (or HOURLY, MINUTELY, SECONDLY)")
                }
                frequency = f
            case "INTERVAL":
                rule.interval = try number(value, in: 1...100_000, part: name,
                                           range: "a whole number of 1 or more, e.g. INTERVAL=2 for every other one")
            case "COUNT":
                rule.count = try number(value, in: 1...100_000, part: name,
                                        range: "a whole number of 1 or more, e.g. COUNT=10")
            case "UNTIL":
                guard let parsed = LocalDateTime.parseICS(value.text) else {
                    throw RecurrenceRuleError(kind: .invalidValue, part: name, offset: value.offset, length: value.text.count,
                                              message: "\"\(value.text)\" is not a valid UNTIL date",
                                              fix: "write a date as 20270630, or a date-time as 20270630T170000 (add Z for UTC)")
                }
                rule.until = parsed.isDate ? .date(parsed.value) : parsed.isUTC ? .utc(parsed.value) : .local(parsed.value)
            case "WKST":
                guard let day = Weekday(code: value.text) else {
                    throw RecurrenceRuleError(kind: .invalidValue, part: name, offset: value.offset, length: value.text.count,
                                              message: "unknown weekday \"\(value.text)\" in WKST", fix: weekdayFix)
                }
                rule.weekStart = day
            case "BYDAY":
                var days: [WeekdayNum] = []
                for item in try items(value, part: name) {
                    let day = try weekdayNum(item)
                    days.append(day)
                    if day.ordinal != 0 { ordinalToken[day] = item }
                }
                rule.byDay = Array(Set(days)).sorted()
            default:
                let (range, help): (ClosedRange<Int>, String) = switch name {
                case "BYSECOND": (0...59, "use 0 to 59")
                case "BYMINUTE": (0...59, "use 0 to 59")
                case "BYHOUR": (0...23, "use 0 to 23")
                case "BYMONTH": (1...12, "use 1 (January) to 12 (December)")
                case "BYMONTHDAY": (-31...31, "use 1 to 31, or -1 to -31 to count back from the end of the month")
                case "BYYEARDAY": (-366...366, "use 1 to 366, or -1 to -366 to count back from the end of the year")
                case "BYWEEKNO": (-53...53, "use 1 to 53, or -1 to -53 to count back from the end of the year")
                default: (-366...366, "use 1 to 366, or -1 to -366 to count from the end of the set")  // BYSETPOS
                }
                let signed = range.lowerBound < 0
                var values: [Int] = []
                for item in try items(value, part: name) {
                    let n = try number(item, in: range, part: name, range: help)
                    if signed && n == 0 {
                        throw RecurrenceRuleError(kind: .outOfRange, part: name, offset: item.offset, length: item.text.count,
                                                  message: "\(name) cannot be 0", fix: help)
                    }
                    values.append(n)
                }
                values = Array(Set(values)).sorted()
                switch name {
                case "BYSECOND": rule.bySecond = values
                case "BYMINUTE": rule.byMinute = values
                case "BYHOUR": rule.byHour = values
                case "BYMONTH": rule.byMonth = values
                case "BYMONTHDAY": rule.byMonthDay = values
                case "BYYEARDAY": rule.byYearDay = values
                case "BYWEEKNO": rule.byWeekNo = values
                default: rule.bySetPos = values
                }
            }
        }

        guard let frequency else {
            throw RecurrenceRuleError(kind: .missingFrequency, part: "FREQ", offset: 0, length: chars.count,
                                      message: "FREQ is missing",
                                      fix: "start the rule with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY")
        }
        rule.frequency = frequency
        try checkCombinations(rule, seen: seen, ordinalToken: ordinalToken)
        return rule
    }

    /// RFC 5545's MUST NOTs, reported at the part that breaks them.
    private static func checkCombinations(_ rule: RecurrenceRule, seen: [String: Token],
                                          ordinalToken: [WeekdayNum: Token]) throws(RecurrenceRuleError) {
        func fail(_ part: String, _ kind: RecurrenceRuleError.Kind, _ message: String, _ fix: String) -> RecurrenceRuleError {
            let token = seen[part]!
            return RecurrenceRuleError(kind: kind, part: part, offset: token.offset, length: token.text.count,
                                       message: message, fix: fix)
        }
        let freq = "FREQ=" + rule.frequency.name
        if let count = seen["COUNT"], let until = seen["UNTIL"] {
            throw fail(count.offset > until.offset ? "COUNT" : "UNTIL", .conflict,
                       "COUNT and UNTIL cannot both be given", "keep one")
        }
        if !rule.byWeekNo.isEmpty && rule.frequency != .yearly {
            throw fail("BYWEEKNO", .conflict, "BYWEEKNO only works with FREQ=YEARLY, not \(freq)",
                       "use FREQ=YEARLY, or remove BYWEEKNO")
        }
        if !rule.byYearDay.isEmpty && [.daily, .weekly, .monthly].contains(rule.frequency) {
            throw fail("BYYEARDAY", .conflict, "BYYEARDAY cannot be used with \(freq)",
                       "use FREQ=YEARLY, or BYMONTHDAY for days of the month")
        }
        if !rule.byMonthDay.isEmpty && rule.frequency == .weekly {
            throw fail("BYMONTHDAY", .conflict, "BYMONTHDAY cannot be used with FREQ=WEEKLY",
                       "use FREQ=MONTHLY, or BYDAY for days of the week")
        }
        for day in rule.byDay where day.ordinal != 0 {
            let token = ordinalToken[day]!
            func error(_ message: String, _ fix: String) -> RecurrenceRuleError {
                RecurrenceRuleError(kind: .conflict, part: "BYDAY", offset: token.offset, length: token.text.count,
                                    message: message, fix: fix)
            }
            if rule.frequency != .monthly && rule.frequency != .yearly {
                throw error("\"\(token.text)\" in BYDAY needs FREQ=MONTHLY or FREQ=YEARLY, not \(freq)",
                            "remove the number (\(day.weekday.code) means every \(day.weekday.name)), or use FREQ=MONTHLY")
            }
            if !rule.byWeekNo.isEmpty {
                throw error("\"\(token.text)\" in BYDAY cannot have a number together with BYWEEKNO",
                            "remove the number: \(day.weekday.code)")
            }
            if (rule.frequency == .monthly || !rule.byMonth.isEmpty) && abs(day.ordinal) > 5 {
                throw error("a month has at most 5 of each weekday, so \"\(token.text)\" never happens",
                            "use 1 to 5, or -1 for the last one")
            }
        }
        if !rule.bySetPos.isEmpty && seen.keys.filter({ $0.hasPrefix("BY") && $0 != "BYSETPOS" }).isEmpty {
            throw fail("BYSETPOS", .conflict, "BYSETPOS needs another BY… part to pick from",
                       "add one, e.g. BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1 for the last weekday")
        }
    }

    private static func example(for name: String) -> String {
        switch name {
        case "FREQ": return "use DAILY, WEEKLY, MONTHLY or YEARLY"
        case "UNTIL": return "write a date as 20270630"
        case "BYDAY", "WKST": return weekdayFix
        default: return "write a number after \(name)="
        }
    }

    /// Splits `chars[from..<to]` on `separator` (or not at all when nil), trimming spaces and keeping offsets.
    private static func split(_ chars: [Character], from: Int, to: Int, on separator: Character?) -> [Token] {
        var tokens: [Token] = []
        var pieceStart = from
        for i in from...to where i == to || chars[i] == separator {
            var a = pieceStart, b = i
            while a < b, chars[a].isWhitespace { a += 1 }
            while b > a, chars[b - 1].isWhitespace { b -= 1 }
            tokens.append(Token(text: String(chars[a..<b]), offset: a))
            pieceStart = i + 1
        }
        return tokens
    }

    private static func items(_ value: Token, part: String) throws(RecurrenceRuleError) -> [Token] {
        let chars = Array(value.text)
        let pieces = split(chars, from: 0, to: chars.count, on: ",").map { Token(text: $0.text, offset: $0.offset + value.offset) }
        if let empty = pieces.first(where: { $0.text.isEmpty }) {
            throw RecurrenceRuleError(kind: .invalidValue, part: part, offset: empty.offset, length: 0,
                                      message: "empty value in \(part)", fix: "remove the extra comma")
        }
        return pieces
    }

    private static func number(_ item: Token, in range: ClosedRange<Int>, part: String,
                               range help: String) throws(RecurrenceRuleError) -> Int {
        guard let n = Int(item.text) else {  // accepts an optional + or - sign, as the RFC does
            throw RecurrenceRuleError(kind: .invalidValue, part: part, offset: item.offset, length: item.text.count,
                                      message: "\(part) value \"\(item.text)\" is not a whole number", fix: help)
        }
        guard range.contains(n) else {
            throw RecurrenceRuleError(kind: .outOfRange, part: part, offset: item.offset, length: item.text.count,
                                      message: "\(part) value \(item.text) is out of range", fix: help)
        }
        return n
    }

    /// Reads `MO`, `1SA`, `-1FR`, `+2MO` (and Outlook's `2 TH`).
    private static func weekdayNum(_ item: Token) throws(RecurrenceRuleError) -> WeekdayNum {
        let text = item.text
        let letters = text.drop { $0 == "+" || $0 == "-" || $0.isNumber || $0 == " " }
        let numberText = text.dropLast(letters.count).filter { $0 != " " }
        guard let day = Weekday(code: letters) else {
            let guess = Weekday.allCases.first { letters.count > 2 && letters.uppercased().hasPrefix($0.code) }
            throw RecurrenceRuleError(kind: .invalidValue, part: "BYDAY", offset: item.offset, length: text.count,
                                      message: "unknown weekday \"\(letters)\" in BYDAY",
                                      fix: guess.map { "write \(numberText)\($0.code)" } ?? weekdayFix)
        }
        guard !numberText.isEmpty else { return WeekdayNum(day) }
        guard let n = Int(numberText.hasPrefix("+") ? String(numberText.dropFirst()) : numberText), n != 0, abs(n) <= 53 else {
            throw RecurrenceRuleError(kind: .outOfRange, part: "BYDAY", offset: item.offset, length: text.count,
                                      message: "\"\(text)\" in BYDAY has a bad number",
                                      fix: "use 1 to 53 or -1 to -53 before the weekday, e.g. 1SA or -1FR")
        }
        return WeekdayNum(day, ordinal: n)
    }

    /// Levenshtein distance, for "did you mean BYDAY?" on misspelt part names.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}

private extension String {
    func trimmingSpaces() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
