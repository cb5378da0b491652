import Foundation

/// Every event with its occurrences, and the window of months the site shows.
struct SiteCalendar: Sendable {
    struct Scheduled: Sendable {
        var event: Event
        var occurrences: [Occurrence]
        /// Starts removed by `except`, written as EXDATEs.
        var excluded: [LocalDateTime]
    }

    /// One occurrence with the event it belongs to, for lists that mix events.
    struct Item: Sendable {
        var event: Int
        var occurrence: Occurrence
    }

    let events: [Scheduled]
    let now: Date
    let zone: ZoneResolver
    /// First day of the first month shown, and last moment of the last.
    let windowStart: LocalDateTime
    let windowEnd: LocalDateTime
    /// Every occurrence inside the window, by start instant, then title.
    let items: [Item]
    /// Occurrences that have not ended yet.
    let upcoming: [Item]
    /// Occurrences that have ended, newest first.
    let past: [Item]

    init(events input: [Event], config: SiteConfig, now: Date, problems: Problems) {
        self.now = now
        zone = ZoneResolver(config.timeZone)
        let today = zone.local(for: now)
        windowStart = SiteCalendar.addMonths(-config.windowPast, to: LocalDateTime(year: today.year, month: today.month, day: 1))
        windowEnd = SiteCalendar.addMonths(config.windowFuture + 1, to: LocalDateTime(year: today.year, month: today.month, day: 1)).adding(seconds: -1)
        let end = windowEnd
        let expanded: [(Scheduled, [Diagnostic])] = input.parallelMap { event in
            let problems = Problems()
            let schedule = EventSchedule.schedule(of: event, through: end, problems: problems)
            return (Scheduled(event: event, occurrences: schedule.occurrences, excluded: schedule.excluded), problems.list)
        }
        var events: [Scheduled] = []
        for (scheduled, diagnostics) in expanded {
            problems.add(contentsOf: diagnostics)
            events.append(scheduled)
        }
        self.events = events
        let startInstant = zone.instant(for: windowStart), endInstant = zone.instant(for: windowEnd)
        var items: [Item] = []
        for (index, scheduled) in events.enumerated() {
            for occurrence in scheduled.occurrences where occurrence.endInstant > startInstant && occurrence.startInstant <= endInstant {
                items.append(Item(event: index, occurrence: occurrence))
            }
        }
        items.sort {
            if $0.occurrence.startInstant != $1.occurrence.startInstant { return $0.occurrence.startInstant < $1.occurrence.startInstant }
            return events[$0.event].event.title < events[$1.event].event.title
        }
        self.items = items
        upcoming = items.filter { $0.occurrence.endInstant > now }
        past = items.filter { $0.occurrence.endInstant <= now }.reversed()
    }


    /// The months of the window, as (year, month).
    var months: [(year: Int, month: Int)] {
        var out: [(Int, Int)] = []
        var cursor = windowStart
        while cursor <= windowEnd {
            out.append((cursor.year, cursor.month))
            cursor = SiteCalendar.addMonths(1, to: cursor)
        }
        return out
    }

    static func addMonths(_ months: Int, to date: LocalDateTime) -> LocalDateTime {
        let index = date.year * 12 + (date.month - 1) + months
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        return LocalDateTime(year: year, month: index - year * 12 + 1, day: min(date.day, LocalDateTime.daysInMonth(year: year, month: index - year * 12 + 1)))
    }
}
