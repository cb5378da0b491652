import Foundation

/// The UTC offsets of one time zone from 1970 to 2100, read from the zone once: `TimeZone.secondsFromGMT` goes
/// through ICU under a lock, and the dates of letters, events and calendars ask for an offset hundreds of thousands
/// of times. Instants outside those years are asked of the zone itself.
final class ZoneOffsets: Sendable {
    private let timeZone: TimeZone
    /// Seconds since 1970 at which an offset takes effect, ascending, and that offset.
    private let changes: [Int]
    private let offsets: [Int]
    /// The offset in force at `start`.
    private let first: Int

    private static let start = 0
    private static let end = 4_133_980_800  // 2101-01-01T00:00:00Z

    private init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
        var changes: [Int] = [], offsets: [Int] = []
        var cursor = Date(timeIntervalSince1970: Double(Self.start))
        first = timeZone.secondsFromGMT(for: cursor)
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next > cursor, next.timeIntervalSince1970 < Double(Self.end) {
            changes.append(Int(next.timeIntervalSince1970.rounded(.down)))
            offsets.append(timeZone.secondsFromGMT(for: next))
            cursor = next
        }
        self.changes = changes
        self.offsets = offsets
    }

    /// The offset in force at `instant`, in seconds east of UTC.
    func seconds(at instant: Date) -> Int {
        let time = instant.timeIntervalSince1970
        guard time >= Double(Self.start), time < Double(Self.end) else { return timeZone.secondsFromGMT(for: instant) }
        let second = Int(time.rounded(.down))
        // The last change at or before `second`.
        var low = 0, high = changes.count
        while low < high {
            let middle = (low + high) / 2
            if changes[middle] <= second { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? first : offsets[low - 1]
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var byIdentifier: [String: ZoneOffsets] = [:]

    /// The zone's offsets, read once per process.
    static func of(_ timeZone: TimeZone) -> ZoneOffsets {
        lock.withLock {
            if let known = byIdentifier[timeZone.identifier] { return known }
            let offsets = ZoneOffsets(timeZone)
            byIdentifier[timeZone.identifier] = offsets
            return offsets
        }
    }
}

extension TimeZone {
    /// `secondsFromGMT(for:)`, from the zone's table of offsets (see `ZoneOffsets`).
    func offsetSeconds(at instant: Date) -> Int {
        ZoneOffsets.of(self).seconds(at: instant)
    }
}
