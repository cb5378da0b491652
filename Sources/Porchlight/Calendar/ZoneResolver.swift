import Foundation

/// Converts between wall-clock `LocalDateTime`s in one IANA zone and instants, with the RFC 5545
/// §3.3.5 rules for times that daylight-saving changes make missing or repeated.
public struct ZoneResolver: Sendable, Equatable {
    public let timeZone: TimeZone
    private let offsets: ZoneOffsets

    public static let utc = ZoneResolver(TimeZone(identifier: "UTC")!)

    public init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
        offsets = ZoneOffsets.of(timeZone)
    }

    public static func == (a: ZoneResolver, b: ZoneResolver) -> Bool { a.timeZone == b.timeZone }

    /// Nil for an unknown zone name, so content errors can say which name is wrong.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(zone)
    }

    public var identifier: String { timeZone.identifier }

    /// UTC offset in seconds in force at `instant` (e.g. -18000 for CDT).
    public func offsetSeconds(at instant: Date) -> Int {
        offsets.seconds(at: instant)
    }

    /// The wall-clock time at `instant` in this zone.
    public func local(for instant: Date) -> LocalDateTime {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        return LocalDateTime(secondsSinceEpoch: seconds + offsetSeconds(at: Date(timeIntervalSince1970: Double(seconds))))
    }

    /// The instant of a wall-clock time. RFC 5545 §3.3.5: a time in a spring-forward gap is read with
    /// the offset from before the gap (02:30 on 2026-03-08 in Chicago is 03:30 CDT); a repeated
    /// fall-back time means its first occurrence (01:30 on 2026-11-01 is 01:30 CDT).
    /// This matches Python's `fold=0`, so instants agree with dateutil/zoneinfo.
    public func instant(for local: LocalDateTime) -> Date {
        let wall = local.secondsSinceEpoch
        // Offsets a day either side bracket any single transition near this wall time.
        let before = offset(atEpoch: wall - 86_400)
        let after = offset(atEpoch: wall + 86_400)
        let candidates = [wall - before, wall - after].filter { offset(atEpoch: $0) == wall - $0 }
        let chosen = candidates.min() ?? (wall - before)  // none fits: the time is in a gap
        return Date(timeIntervalSince1970: Double(chosen))
    }

    private func offset(atEpoch seconds: Int) -> Int {
        offsets.seconds(at: Date(timeIntervalSince1970: Double(seconds)))
    }
}
