import Foundation
import Testing
@testable import Porchlight

struct ContentDateTests {
    let chicago = TimeZone(identifier: "America/Chicago")!

    @Test(arguments: [
        ("2024-11-05", "2024-11-05", "2024-11-05T00:00:00-06:00"),
        ("2024-07-04 09:30", "2024-07-04T09:30:00-05:00", "2024-07-04T09:30:00-05:00"),
        ("2024-07-04T09:30:15", "2024-07-04T09:30:15-05:00", "2024-07-04T09:30:15-05:00"),
        ("2024-07-04T09:30:00Z", "2024-07-04T09:30:00Z", "2024-07-04T09:30:00Z"),
        ("2024-07-04T09:30:00+02:00", "2024-07-04T09:30:00+02:00", "2024-07-04T09:30:00+02:00"),
    ])
    func parsesWhatStaffWrite(text: String, iso: String, rfc3339: String) throws {
        let date = try ContentDate.parse(text, timeZone: chicago).get()
        #expect(date.iso == iso)
        #expect(date.rfc3339 == rfc3339)
    }

    @Test func offsetDatesAreTheSameInstantAsUTC() throws {
        let a = try ContentDate.parse("2024-07-04T09:30:00-05:00", timeZone: chicago).get()
        let b = try ContentDate.parse("2024-07-04T14:30:00Z", timeZone: chicago).get()
        #expect(a.instant == b.instant)
    }

    @Test(arguments: ["2023-02-29", "2024-13-01", "2024-04-31", "2024-01-01 25:00"])
    func rejectsImpossibleDates(text: String) {
        guard case .failure(.impossible) = ContentDate.parse(text, timeZone: chicago) else {
            Issue.record("\(text) should be impossible")
            return
        }
    }

    @Test(arguments: ["Nov 5 2024", "2024/11/05", "2024-11-05 9am", "", "20241105"])
    func rejectsOtherFormats(text: String) {
        #expect(ContentDate.parse(text, timeZone: chicago) == .failure(.format))
    }

    @Test func displaysLikeALetter() throws {
        #expect(try ContentDate.parse("2024-02-29", timeZone: chicago).get().display == "February 29, 2024")
    }

    @Test func civilRoundTrip() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (y, m, d) = ContentDate.civil(fromDays: days)
            #expect(ContentDate.daysFromCivil(y, m, d) == days)
        }
    }

    @Test func rfc3339OfAnInstantUsesTheZone() {
        #expect(ContentDate.rfc3339(testNow, timeZone: chicago) == "2026-11-21T12:00:00-06:00")
    }
}

extension Result<ContentDate, ContentDate.ParseError> {
    static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case let (.success(x), .success(y)): return x == y
        case let (.failure(x), .failure(y)): return x == y
        default: return false
        }
    }
}
