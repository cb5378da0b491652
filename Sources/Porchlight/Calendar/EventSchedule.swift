import Foundation

/// One concrete time an event happens, after exceptions and changes are applied.
public struct Occurrence: Sendable {
    /// The occurrence's own start before any change: its RECURRENCE-ID.
    public var original: LocalDateTime
    public var start: LocalDateTime
    public var end: LocalDateTime
    public var startInstant: Date
    public var endInstant: Date
    public var status: Event.Status
    public var note: String?
    public var location: Event.Location?
    /// Differs from the series (changed, or an extra date with its own end or place): needs its own VEVENT.
    public var isOverride: Bool
    public var isExtra: Bool
}

/// Expands an event into its occurrences and checks that every exception and change names a real one.
enum EventSchedule {
    /// The most occurrences one event may have, so a rule like FREQ=MINUTELY cannot fill the disk.
    static let maximumOccurrences = 5000

    static func occurrences(of event: Event, through windowEnd: LocalDateTime, problems: Problems) -> [Occurrence] {
        schedule(of: event, through: windowEnd, problems: problems).occurrences
    }

    /// The occurrences, and the starts that `except` removed (the EXDATEs of the series).
    static func schedule(of event: Event, through windowEnd: LocalDateTime, problems: Problems) -> (occurrences: [Occurrence], excluded: [LocalDateTime]) {
        let file = event.file
        var starts: [(start: LocalDateTime, extra: Event.ExtraDate?)] = []
        if let rule = event.rule {
            var last = windowEnd
            for change in event.changes where change.key > last { last = change.key.adding(days: 1) }
            for exception in event.exceptions where exception.value > last { last = exception.value.adding(days: 1) }
            let produced = Porchlight.occurrences(of: rule, start: event.start, allDay: event.allDay, through: last,
                                                  limit: maximumOccurrences + 1, zone: event.zone)
            if produced.count > maximumOccurrences {
                problems.add(file.error(line: event.repeatLine, column: event.repeatColumn, "the series has more than \(maximumOccurrences) occurrences before \(windowEnd.icsDay)",
                                        fix: "add \"until\" or \"count\" to the repeat, or repeat less often"))
            }
            if produced.first != event.start {
                let first = produced.first.map { " (the first is \(human($0, allDay: event.allDay)))" } ?? ""
                problems.add(file.error(line: event.startLine, column: event.startColumn, "the start \(human(event.start, allDay: event.allDay)) is not one of the times the repeat rule gives\(first)",
                                        fix: "set \"start\" to the first occurrence, so every calendar app shows the same dates"))
            }
            starts = produced.prefix(maximumOccurrences).map { (start: $0, extra: nil) }
        } else {
            starts = [(event.start, nil)]
        }
        for extra in event.extraDates where !starts.contains(where: { $0.start == extra.start }) {
            starts.append((extra.start, extra))
        }
        starts.sort { $0.start < $1.start }

        var excluded: [LocalDateTime] = []
        for exception in event.exceptions {
            let matches = starts.filter { exception.isDay ? $0.start.icsDay == exception.value.icsDay : $0.start == exception.value }
            excluded += matches.map(\.start)
            starts.removeAll { exception.isDay ? $0.start.icsDay == exception.value.icsDay : $0.start == exception.value }
            if matches.isEmpty {
                problems.add(file.error(line: exception.line, column: exception.column,
                                        "\"except\" names \(human(exception.value, allDay: exception.isDay)), when the event does not happen",
                                        fix: nearby(exception.value, in: starts.map(\.start), allDay: event.allDay)))
            }
        }

        var changes: [Int: Event.Change] = [:]
        for change in event.changes {
            let matches = starts.indices.filter { change.keyIsDay ? starts[$0].start.icsDay == change.key.icsDay : starts[$0].start == change.key }
            if matches.isEmpty {
                problems.add(file.error(line: change.line, column: change.column,
                                        "\"changes\" names \(human(change.key, allDay: change.keyIsDay)), when the event does not happen",
                                        fix: nearby(change.key, in: starts.map(\.start), allDay: event.allDay)))
            } else if matches.count > 1 {
                problems.add(file.error(line: change.line, column: change.column,
                                        "the event happens \(matches.count) times on \(change.key.icsDay)",
                                        fix: "write the time too, e.g. \"\(change.key.icsDay) \(clock(starts[matches[0]].start))\":"))
            } else {
                changes[matches[0]] = change
            }
        }

        let occurrences = starts.enumerated().map { index, item in
            var start = item.start
            var end = item.extra?.end ?? start.adding(seconds: event.duration)
            if event.allDay, let extraEnd = item.extra?.end { end = extraEnd.adding(days: 1) }
            var occurrence = Occurrence(original: item.start, start: start, end: end, startInstant: Date(), endInstant: Date(),
                                        status: event.status, note: nil, location: item.extra?.location ?? event.location,
                                        isOverride: item.extra?.end != nil || item.extra?.location != nil, isExtra: item.extra != nil)
            if let change = changes[index] {
                if let newStart = change.start {
                    start = newStart
                    end = change.end ?? newStart.adding(seconds: end.secondsSinceEpoch - item.start.secondsSinceEpoch)
                } else if let newEnd = change.end {
                    end = newEnd
                }
                occurrence.start = start
                occurrence.end = end
                occurrence.status = change.status ?? occurrence.status
                occurrence.note = change.note
                occurrence.location = change.location ?? occurrence.location
                occurrence.isOverride = true
            }
            occurrence.startInstant = event.zone.instant(for: occurrence.start)
            if !event.allDay {
                // A start in a spring-forward gap moves forward by the gap (RFC 5545 §3.3.5); the event keeps its length.
                let resolved = event.zone.local(for: occurrence.startInstant)
                if resolved != occurrence.start {
                    occurrence.end = occurrence.end.adding(seconds: resolved.secondsSinceEpoch - occurrence.start.secondsSinceEpoch)
                    occurrence.start = resolved
                }
            }
            occurrence.endInstant = event.zone.instant(for: occurrence.end)
            return occurrence
        }
        return (occurrences, excluded.sorted())
    }

    static func human(_ time: LocalDateTime, allDay: Bool) -> String {
        allDay || (time.hour == 0 && time.minute == 0) ? time.icsDay : "\(time.icsDay) \(clock(time))"
    }

    static func clock(_ time: LocalDateTime) -> String {
        (time.hour < 10 ? "0" : "") + "\(time.hour):" + (time.minute < 10 ? "0" : "") + "\(time.minute)"
    }

    /// "the nearest are …" — the occurrences around a date that matched none.
    private static func nearby(_ time: LocalDateTime, in starts: [LocalDateTime], allDay: Bool) -> String {
        guard !starts.isEmpty else { return "remove it" }
        let after = starts.firstIndex { $0 >= time } ?? starts.count
        let around = starts[max(0, after - 1)..<min(starts.count, after + 1)].map { human($0, allDay: allDay) }
        return "use the date of an occurrence; the nearest \(around.count == 1 ? "is" : "are") \(around.joined(separator: " and "))"
    }
}
