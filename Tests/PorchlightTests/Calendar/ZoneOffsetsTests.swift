import Foundation
import Testing
@testable import Porchlight

/// The table of a zone's offsets answers as `TimeZone.secondsFromGMT` does: around every change (a second and half a
/// second either side), at random instants, and outside the years it holds, for zones whose rules are unusual.
struct ZoneOffsetsTests {
    @Test(arguments: ["America/Chicago", "UTC", "America/Phoenix", "America/Santiago", "Asia/Tokyo", "Australia/Lord_Howe",
                      "Europe/London", "Europe/Dublin", "Africa/Casablanca", "America/Mexico_City", "America/Sao_Paulo",
                      "Asia/Tehran", "Europe/Istanbul", "Pacific/Apia", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham",
                      "Antarctica/Troll", "Asia/Gaza", "Europe/Moscow"])
    func agreesWithTheZone(identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        let offsets = ZoneOffsets.of(zone)
        var instants: [Double] = [-86_400 * 365, -1, 0, 0.5, 4_133_980_799, 4_133_980_800, 4_200_000_000]
        var cursor = Date(timeIntervalSince1970: 0)
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < 4_133_980_800 {
            let t = next.timeIntervalSince1970
            instants += [t - 1, t - 0.5, t, t + 0.5, t + 1]
            cursor = next
        }
        var random = SeededRandom(seed: 17)
        instants += (0..<2000).map { _ in Double(random.next(4_133_980_800)) + Double(random.next(1000)) / 1000 }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            #expect(offsets.seconds(at: date) == zone.secondsFromGMT(for: date), "\(identifier) at \(date)")
        }
    }
}
