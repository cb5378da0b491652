import Foundation

/// A date or date-time as staff write it (`2024-11-05`, `2024-11-05 09:00`, `2024-11-05T09:00:00-06:00`),
/// resolved to an instant in the site's time zone unless it carries its own offset.
public struct ContentDate: Hashable, Sendable, Comparable {
    public let year: Int, month: Int, day: Int
    public let hour: Int, minute: Int, second: Int
    public let hasTime: Bool
    /// Seconds east of UTC in force at this moment (written, or from the site's zone).
    public let offsetSeconds: Int
    public let instant: Date

    public static func < (a: ContentDate, b: ContentDate) -> Bool { a.instant < b.instant }

    public enum ParseError: Error, Equatable {
        case format
        case impossible(String)
    }

    /// Parses the text; times without an offset are local to `timeZone`.
    public static func parse(_ text: String, timeZone: TimeZone) -> Result<ContentDate, ParseError> {
        let s = Array(text.withoutOuterSpaces.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= s.count else { return nil }
            var value = 0
            for k in i..<(i + digits) {
                guard s[k] >= 48, s[k] <= 57 else { return nil }
                value = value * 10 + Int(s[k] - 48)
            }
            i += digits
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else {
            return .failure(.format)
        }
        var hour = 0, minute = 0, second = 0, hasTime = false
        var offset: Int?
        if i < s.count {
            guard s[i] == 84 || s[i] == 116 || s[i] == 32 else { return .failure(.format) }  // T, t or space
            i += 1
            guard let h = number(2), expect(58), let m = number(2) else { return .failure(.format) }
            hour = h; minute = m; hasTime = true
            if expect(58) {
                guard let sec = number(2) else { return .failure(.format) }
                second = sec
                if expect(46) { while i < s.count, s[i] >= 48, s[i] <= 57 { i += 1 } }
            }
            if i < s.count {
                if s[i] == 90 || s[i] == 122 { offset = 0; i += 1 }  // Z
                else if s[i] == 43 || s[i] == 45 {  // + or -
                    let sign = s[i] == 45 ? -1 : 1
                    i += 1
                    guard let oh = number(2) else { return .failure(.format) }
                    _ = expect(58)
                    guard let om = number(2) else { return .failure(.format) }
                    offset = sign * (oh * 3600 + om * 60)
                }
            }
            guard i == s.count else { return .failure(.format) }
        }
        guard (1...12).contains(month) else { return .failure(.impossible("there is no month \(month)")) }
        let monthLength = daysInMonth(year: year, month: month)
        guard (1...monthLength).contains(day) else {
            return .failure(.impossible("\(monthNames[month - 1]) \(year) has \(monthLength) days, not \(day)"))
        }
        guard hour < 24, minute < 60, second < 61 else { return .failure(.impossible("\(hour):\(minute) is not a time of day")) }

        let local = TimeInterval(daysFromCivil(year, month, day)) * 86_400 + TimeInterval(hour * 3600 + minute * 60 + second)
        let instant: Date
        let resolvedOffset: Int
        if let offset {
            instant = Date(timeIntervalSince1970: local - TimeInterval(offset))
            resolvedOffset = offset
        } else {
            // Guess with the offset at the local reading, then correct once (handles all but DST gaps exactly).
            let offsets = ZoneOffsets.of(timeZone)
            let guess = Date(timeIntervalSince1970: local - TimeInterval(offsets.seconds(at: Date(timeIntervalSince1970: local))))
            let corrected = offsets.seconds(at: guess)
            instant = Date(timeIntervalSince1970: local - TimeInterval(corrected))
            resolvedOffset = offsets.seconds(at: instant)
        }
        return .success(ContentDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                                    hasTime: hasTime, offsetSeconds: resolvedOffset, instant: instant))
    }

    /// "November 5, 2024"
    public var display: String { "\(ContentDate.monthNames[month - 1]) \(day), \(year)" }

    /// `2024-11-05` for a date, `2024-11-05T09:00:00-06:00` for a date-time.
    public var iso: String { hasTime ? rfc3339 : dateOnly }

    public var dateOnly: String { "\(pad(year, 4))-\(pad(month))-\(pad(day))" }

    /// Full RFC 3339 with the offset; a date alone means its midnight.
    public var rfc3339: String {
        "\(dateOnly)T\(pad(hour)):\(pad(minute)):\(pad(second))\(ContentDate.offsetText(offsetSeconds))"
    }

    static func offsetText(_ seconds: Int) -> String {
        if seconds == 0 { return "Z" }
        let sign = seconds < 0 ? "-" : "+"
        let a = abs(seconds)
        return "\(sign)\(pad(a / 3600)):\(pad(a % 3600 / 60))"
    }

    public static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                                    "August", "September", "October", "November", "December"]

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm), so no Calendar is needed.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// `n` with zeros before it to `width` digits. Dates and times in feeds, calendars and event pages print hundreds of
/// thousands of these, so a number that fits a small string is written digit by digit rather than through `String(n)`.
func pad(_ n: Int, _ width: Int = 2) -> String {
    var digits = 1, rest = n / 10
    while rest > 0 { digits += 1; rest /= 10 }
    let count = max(digits, width)
    guard n >= 0, count <= 15 else {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
    return String(unsafeUninitializedCapacity: count) { bytes in
        var value = n
        for i in stride(from: count - 1, through: 0, by: -1) {
            bytes[i] = UInt8(48 + value % 10)
            value /= 10
        }
        return count
    }
}
