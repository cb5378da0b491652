import Foundation
import Testing
@testable import Porchlight

@Suite("LocalDateTime")
struct LocalDateTimeTests {
    @Test("day numbers agree with Foundation's Gregorian calendar for every day 1600–2400")
    func dayNumbersMatchFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let epoch = LocalDateTime.dayNumber(year: 1600, month: 1, day: 1)
        let foundationEpoch = calendar.date(from: DateComponents(year: 1600, month: 1, day: 1))!
        for n in stride(from: 0, to: 292_194, by: 1) {  // 800 years
            let ours = LocalDateTime(dayNumber: epoch + n)
            let theirs = calendar.dateComponents([.year, .month, .day, .weekday],
                                                 from: foundationEpoch.addingTimeInterval(Double(n) * 86_400))
            guard ours.year == theirs.year, ours.month == theirs.month, ours.day == theirs.day,
                  (ours.weekday.rawValue + 1) % 7 + 1 == theirs.weekday
            else {
                Issue.record("day \(n): ours \(ours) \(ours.weekday), Foundation \(theirs)")
                return
            }
            #expect(ours.dayNumber == epoch + n)
        }
    }

    @Test func knownDays() {
        #expect(LocalDateTime(year: 1970, month: 1, day: 1).dayNumber == 0)
        #expect(LocalDateTime(year: 1969, month: 12, day: 31).dayNumber == -1)
        #expect(LocalDateTime(year: 2026, month: 3, day: 8).weekday == .sunday)
        #expect(LocalDateTime(year: 2000, month: 2, day: 29).dayOfYear == 60)
        #expect(LocalDateTime(year: 2026, month: 12, day: 31).dayOfYear == 365)
        #expect(LocalDateTime(year: 2026, month: 1, day: 31, hour: 23, minute: 59, second: 59).adding(seconds: 1)
                == LocalDateTime(year: 2026, month: 2, day: 1))
        #expect(LocalDateTime(year: 2024, month: 2, day: 28).adding(days: 1) == LocalDateTime(year: 2024, month: 2, day: 29))
        #expect(LocalDateTime(year: 1900, month: 2, day: 29).isValid == false)
        #expect(LocalDateTime(validatingYear: 2026, month: 4, day: 31) == nil)
    }

    @Test func ordering() {
        let a = LocalDateTime(year: 2026, month: 3, day: 8, hour: 2, minute: 30)
        #expect(a < a.adding(seconds: 1))
        #expect(LocalDateTime(year: 2025, month: 12, day: 31, hour: 23) < LocalDateTime(year: 2026, month: 1, day: 1))
    }

    @Test func icsText() {
        let parsed = LocalDateTime.parseICS("19970902T090000Z")
        #expect(parsed?.value == LocalDateTime(year: 1997, month: 9, day: 2, hour: 9))
        #expect(parsed?.isUTC == true && parsed?.isDate == false)
        #expect(LocalDateTime.parseICS("20241018")?.isDate == true)
        #expect(LocalDateTime.parseICS("20240230") == nil)
        #expect(LocalDateTime.parseICS("2024-10-18") == nil)
        #expect(LocalDateTime.parseICS("20241018T250000") == nil)
        #expect(LocalDateTime(year: 2026, month: 3, day: 8, hour: 2, minute: 30).icsText() == "20260308T023000")
        #expect(LocalDateTime(year: 2026, month: 3, day: 8).icsText(dateOnly: true) == "20260308")
        #expect(LocalDateTime(year: 2026, month: 3, day: 8, hour: 2, minute: 30).description == "2026-03-08T02:30:00")
    }

    /// Written byte by byte for years of four digits; the same text as padding each field, for every field's range.
    @Test func descriptionsPadEveryField() {
        func padded(_ value: Int, _ width: Int) -> String {
            value < 0 ? "-" + padded(-value, width) : String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        var random = SeededRandom(seed: 3)
        let years = [0, 1, 9, 10, 99, 100, 999, 1000, 1970, 2026, 9999, 10_000, 12_345, -1, -2026] + (0..<200).map { _ in random.next(10_000) }
        for year in years {
            let t = LocalDateTime(year: year, month: random.next(12) + 1, day: random.next(28) + 1, hour: random.next(24),
                                  minute: random.next(60), second: random.next(60))
            let expected = "\(padded(t.year, 4))-\(padded(t.month, 2))-\(padded(t.day, 2))T\(padded(t.hour, 2)):\(padded(t.minute, 2)):\(padded(t.second, 2))"
            #expect(t.description == expected)
            #expect(t.icsDay == String(expected.prefix(10)))
        }
    }
}
