/// A wall-clock date and time with no zone: RRULEs are expanded on local times (RFC 5545 §3.3.10),
/// and the zone is applied only when an instant is needed (see `ZoneResolver`).
///
/// The day arithmetic is plain integer math (days-from-civil, proleptic Gregorian) so that the
/// expansion loop never touches Foundation's `Calendar`.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    /// Fields are stored as given; use `isValid` (or `init?(validatingYear:…)`) when they come from input.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Rejects impossible dates such as Feb 30, so that input errors surface where they are read.
    public init?(validatingYear year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard isValid else { return nil }
    }

    /// Builds the wall-clock time `secondOfDay` seconds into day number `dayNumber` (days since 1970-01-01).
    public init(dayNumber: Int, secondOfDay: Int = 0) {
        let (y, m, d) = LocalDateTime.civil(fromDayNumber: dayNumber)
        self.init(year: y, month: m, day: d,
                  hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    /// Reads a wall-clock count of seconds since 1970-01-01T00:00:00 (the inverse of `secondsSinceEpoch`).
    public init(secondsSinceEpoch seconds: Int) {
        let days = LocalDateTime.floorDiv(seconds, 86_400)
        self.init(dayNumber: days, secondOfDay: seconds - days * 86_400)
    }

    public var isValid: Bool {
        (1...12).contains(month) && (1...LocalDateTime.daysInMonth(year: year, month: month)).contains(day)
            && (0...23).contains(hour) && (0...59).contains(minute) && (0...59).contains(second)
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second)
            < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second)
    }

    // MARK: Day arithmetic

    /// Days since 1970-01-01 (negative before), so that dates can be stepped and compared as integers.
    public var dayNumber: Int { LocalDateTime.dayNumber(year: year, month: month, day: day) }

    /// Seconds since midnight, the time half of the integer encoding used by the expander.
    public var secondOfDay: Int { hour * 3600 + minute * 60 + second }

    /// Wall-clock seconds since 1970-01-01T00:00:00 as if the time were UTC; the base of `ZoneResolver`.
    public var secondsSinceEpoch: Int { dayNumber * 86_400 + secondOfDay }

    public var weekday: Weekday { LocalDateTime.weekday(ofDayNumber: dayNumber) }

    /// 1 for January 1st, as BYYEARDAY counts.
    public var dayOfYear: Int { dayNumber - LocalDateTime.dayNumber(year: year, month: 1, day: 1) + 1 }

    /// Midnight of the same day, the time used for all-day occurrences.
    public var startOfDay: LocalDateTime { LocalDateTime(year: year, month: month, day: day) }

    public func adding(days: Int) -> LocalDateTime {
        LocalDateTime(dayNumber: dayNumber + days, secondOfDay: secondOfDay)
    }

    public func adding(seconds: Int) -> LocalDateTime {
        LocalDateTime(secondsSinceEpoch: secondsSinceEpoch + seconds)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func daysInYear(_ year: Int) -> Int { isLeapYear(year) ? 366 : 365 }

    /// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar, no tables.
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12  // March = 0
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Howard Hinnant's civil_from_days, the inverse of `dayNumber(year:month:day:)`.
    public static func civil(fromDayNumber dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 1970-01-01 was a Thursday.
    public static func weekday(ofDayNumber dayNumber: Int) -> Weekday {
        Weekday(rawValue: floorMod(dayNumber + 3, 7))!
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }

    // MARK: Text

    /// iCalendar form: `19970902T090000`, or `19970902` when `dateOnly`.
    public func icsText(dateOnly: Bool = false) -> String {
        let date = pad(year, 4) + pad(month, 2) + pad(day, 2)
        return dateOnly ? date : date + "T" + pad(hour, 2) + pad(minute, 2) + pad(second, 2)
    }

    /// Reads `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSSZ`, reporting which form it was,
    /// because DATE vs DATE-TIME vs UTC changes how a rule is read.
    public static func parseICS(_ text: some StringProtocol) -> (value: LocalDateTime, isDate: Bool, isUTC: Bool)? {
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard chars[i] >= 48, chars[i] <= 57 else { return nil }
                value = value * 10 + Int(chars[i] - 48)
            }
            return value
        }
        guard chars.count == 8 || chars.count == 15 || (chars.count == 16 && (chars[15] == 90 || chars[15] == 122)),
              let y = number(0..<4), let m = number(4..<6), let d = number(6..<8)
        else { return nil }
        if chars.count == 8 {
            guard let v = LocalDateTime(validatingYear: y, month: m, day: d) else { return nil }
            return (v, true, false)
        }
        guard chars[8] == 84 || chars[8] == 116, let h = number(9..<11), let mi = number(11..<13), let s = number(13..<15),
              let v = LocalDateTime(validatingYear: y, month: m, day: d, hour: h, minute: mi, second: s)
        else { return nil }
        return (v, false, chars.count == 16)
    }

    /// ISO 8601 form `2026-03-08T02:30:00`: in calendar feeds, event pages and keys, hundreds of thousands of times.
    public var description: String {
        guard (0...9999).contains(year) else {
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        }
        return String(unsafeUninitializedCapacity: 19) { bytes in
            writeDay(into: bytes)
            bytes[10] = UInt8(ascii: "T")
            Self.write(hour, at: 11, into: bytes)
            bytes[13] = UInt8(ascii: ":")
            Self.write(minute, at: 14, into: bytes)
            bytes[16] = UInt8(ascii: ":")
            Self.write(second, at: 17, into: bytes)
            return 19
        }
    }

    /// `2026-03-08`: the first ten bytes of `description`, written straight.
    public var icsDay: String {
        guard (0...9999).contains(year) else { return String(description.prefix(10)) }
        return String(unsafeUninitializedCapacity: 10) { bytes in
            writeDay(into: bytes)
            return 10
        }
    }

    /// `YYYY-MM-DD` into the first ten bytes, for a year of four digits.
    private func writeDay(into bytes: UnsafeMutableBufferPointer<UInt8>) {
        Self.write(year / 100, at: 0, into: bytes)
        Self.write(year % 100, at: 2, into: bytes)
        bytes[4] = UInt8(ascii: "-")
        Self.write(month, at: 5, into: bytes)
        bytes[7] = UInt8(ascii: "-")
        Self.write(day, at: 8, into: bytes)
    }

    /// Two digits of a number from 0 to 99.
    private static func write(_ value: Int, at index: Int, into bytes: UnsafeMutableBufferPointer<UInt8>) {
        bytes[index] = UInt8(truncatingIfNeeded: 48 + value / 10 % 10)
        bytes[index + 1] = UInt8(truncatingIfNeeded: 48 + value % 10)
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        value < 0 ? "-" + Porchlight.pad(-value, width) : Porchlight.pad(value, width)
    }

    /// Days of the week with ISO numbering from Monday = 0, the RRULE default week start.
    public enum Weekday: Int, Sendable, CaseIterable, Comparable {
        case monday, tuesday, wednesday, thursday, friday, saturday, sunday

        /// The RFC 5545 two-letter code (`MO` … `SU`).
        public var code: String { ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][rawValue] }

        /// English name, for messages.
        public var name: String {
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][rawValue]
        }

        public init?(code: some StringProtocol) {
            guard let index = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].firstIndex(of: code.uppercased()) else { return nil }
            self.init(rawValue: index)
        }

        public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
    }
}
