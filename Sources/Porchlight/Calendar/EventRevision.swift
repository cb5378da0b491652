import Foundation

/// Which version of an event its VEVENTs describe: DTSTAMP, LAST-MODIFIED and SEQUENCE.
///
/// A calendar app that already has an event takes an incoming copy as newer when its SEQUENCE is higher or, at the same
/// SEQUENCE, its DTSTAMP is later (RFC 5546 §2.1.5). Both must come from the content, never the clock, so that a rebuild
/// gives the same bytes; and both must never go down when the organiser edits the file. No function of the file's text
/// alone can promise that (an edit and its undo give the same text), so only a date the file states can move them
/// forward; without one they stay at a fixed floor, which at least never moves backwards. See docs/events.md.
struct EventRevision: Equatable, Sendable {
    /// DTSTAMP, in UTC.
    var stamp: LocalDateTime
    /// LAST-MODIFIED, in UTC; only when the file says when it was changed.
    var lastModified: LocalDateTime?
    var sequence: Int

    /// The DTSTAMP of an event that does not say when it changed. It is later than every stamp the earlier scheme
    /// (a hash of the file mapped into 2020–2024) gave, so feeds already published do not step back either.
    static let floor = LocalDateTime(year: 2025, month: 1, day: 1)

    static let unstated = EventRevision(stamp: floor, lastModified: nil, sequence: 0)

    init(stamp: LocalDateTime, lastModified: LocalDateTime?, sequence: Int) {
        self.stamp = stamp
        self.lastModified = lastModified
        self.sequence = sequence
    }

    /// The version of an event last changed at `updated` (UTC): SEQUENCE counts the minutes since the floor, so it only
    /// grows as the stated date does and stays a 32-bit integer for four thousand years.
    init(updated: LocalDateTime) {
        let minutes = (updated.secondsSinceEpoch - Self.floor.secondsSinceEpoch) / 60
        self.init(stamp: max(updated, Self.floor), lastModified: updated, sequence: max(0, minutes))
    }
}

extension EventFeeds {
    /// The version of an event. Event files have no field yet that says when they were last changed (it would be read
    /// in Content/Event.swift, e.g. `updated: 2026-11-20 14:30` in the event's time zone, and passed to
    /// `EventRevision(updated:)` here in UTC), so every event is at the floor.
    static func revision(of event: Event) -> EventRevision {
        .unstated
    }
}
