import Foundation

/// Turns scheduled events into iCalendar feeds: one VEVENT per series, overrides for changed occurrences.
struct EventFeeds {
    let calendar: SiteCalendar
    let config: SiteConfig
    /// The years every feed's VTIMEZONEs describe.
    let timeZoneYears: ClosedRange<Int>
    /// Each event zone's VTIMEZONE, written once for all feeds.
    let timeZones: [String: String]

    init(calendar: SiteCalendar, config: SiteConfig) {
        self.calendar = calendar
        self.config = config
        let today = calendar.zone.local(for: calendar.now)
        timeZoneYears = (today.year - 1)...(calendar.windowEnd.year + 1)
        var timeZones: [String: String] = [:]
        for scheduled in calendar.events where timeZones[scheduled.event.zone.identifier] == nil {
            timeZones[scheduled.event.zone.identifier] = ICalendar.timeZoneBlock(scheduled.event.zone.identifier, years: timeZoneYears)
        }
        self.timeZones = timeZones
        trimmedLines = MadeOnce(count: calendar.events.count)
    }

    /// Each event's lines in the trimmed feeds: it is in the site's, its categories' and its districts', written once.
    private let trimmedLines: MadeOnce<ICalendar.WrittenEvents>

    /// Subscribers of the site, category and district feeds get nothing older than this.
    var cutoff: Date { Self.cutoff(at: calendar.now) }

    static func cutoff(at now: Date) -> Date { now.addingTimeInterval(-trimmedAge) }

    /// How old a date may be and still be in a trimmed feed.
    static let trimmedAge: TimeInterval = 31 * 86_400

    /// The moment the event's earliest date still in the trimmed feeds becomes too old for them, which changes the feeds.
    static func nextTrim(_ scheduled: SiteCalendar.Scheduled, now: Date) -> (date: Date, local: LocalDateTime)? {
        let zone = scheduled.event.zone
        let from = zone.local(for: cutoff(at: now))
        guard let first = (scheduled.occurrences.map(\.original) + scheduled.excluded).filter({ $0 >= from }).min() else { return nil }
        // The date leaves at the first instant whose wall-clock time is past it: a second after it, or, for a time skipped
        // when clocks go forward, the moment they do. Found by halving the hours before it, where wall-clock time only grows.
        let at = zone.instant(for: first)
        var low = at.addingTimeInterval(-4 * 3600), high = at.addingTimeInterval(1)
        while high.timeIntervalSince(low) > 0.001 {
            let middle = low.addingTimeInterval(high.timeIntervalSince(low) / 2)
            if zone.local(for: middle) > first { high = middle } else { low = middle }
        }
        return (high.addingTimeInterval(trimmedAge), first)
    }

    var host: String {
        guard let range = config.baseURL.range(of: "://") else { return "porchlight.invalid" }
        let rest = config.baseURL[range.upperBound...]
        return String(rest.prefix { $0 != "/" && $0 != ":" })
    }

    /// The .ics files the site publishes, by output path, with the events each holds and whether old ones are trimmed.
    func feeds() -> [(path: String, name: String, description: String?, events: [Int], trimmed: Bool)] {
        var out: [(String, String, String?, [Int], Bool)] = []
        let all = Array(calendar.events.indices)
        out.append(("calendar.ics", config.title, config.description.isEmpty ? nil : config.description, all, true))
        for category in config.categories {
            out.append(("calendar/\(category.slug).ics", "\(category.name) — \(config.title)",
                        category.description.isEmpty ? nil : category.description,
                        all.filter { calendar.events[$0].event.categories.contains(category.slug) }, true))
        }
        for district in config.districts {
            out.append(("districts/\(district.slug).ics", "\(district.name) — \(config.title)", nil,
                        all.filter { calendar.events[$0].event.districts.contains(district.slug) }, true))
        }
        for index in all {
            let event = calendar.events[index].event
            out.append(("events/\(event.slug).ics", event.title, event.summary, [index], false))
        }
        return out
    }

    /// Called from all cores at once, as the feeds are written.
    func text(path: String, name: String, description: String?, events: [Int], trimmed: Bool) -> String {
        let written = events.map { index in
            let write = { ICalendar.lines(calendarEvents(calendar.events[index], trimmed: trimmed)) }
            return trimmed ? trimmedLines.value(at: index, write) : write()
        }
        let file = CalendarFile(name: name, description: description, url: config.baseURL + path,
                                defaultTimeZone: config.timeZone.identifier, events: [], written: written)
        return ICalendar.write(file, timeZoneRange: timeZoneYears, timeZones: timeZones)
    }

    /// Where a trimmed feed starts for this event, in its own wall-clock time.
    func trimStart(_ scheduled: SiteCalendar.Scheduled, trimmed: Bool) -> LocalDateTime? {
        trimmed ? scheduled.event.zone.local(for: cutoff) : nil
    }

    /// How many of the event's dates (occurrences and exceptions) a trimmed feed leaves out. The feed compares only
    /// these dates with its start, so with the event's text and the day this count decides what the feed holds.
    func trimmedCount(_ scheduled: SiteCalendar.Scheduled) -> Int {
        guard let from = trimStart(scheduled, trimmed: true) else { return 0 }
        return scheduled.occurrences.count { $0.original < from } + scheduled.excluded.count { $0 < from }
    }

    /// The occurrences a feed holds for the event: what a calendar app should show.
    func included(_ scheduled: SiteCalendar.Scheduled, trimmed: Bool) -> [Occurrence] {
        guard let from = trimStart(scheduled, trimmed: trimmed) else { return scheduled.occurrences }
        return scheduled.occurrences.filter { $0.original >= from }
    }

    func calendarEvents(_ scheduled: SiteCalendar.Scheduled, trimmed: Bool) -> [CalendarEvent] {
        let event = scheduled.event
        let from = trimStart(scheduled, trimmed: trimmed)
        let occurrences = included(scheduled, trimmed: trimmed)
        guard !occurrences.isEmpty else { return [] }
        func time(_ t: LocalDateTime) -> EventTime {
            event.allDay ? .date(year: t.year, month: t.month, day: t.day) : .local(t, tzid: event.zone.identifier)
        }
        let uid = "\(event.slug)@\(host)"
        let revision = Self.revision(of: event)

        // The series' own rule, started at its first occurrence in the feed.
        var rule = event.rule
        var start = event.start
        if var r = rule, let from {
            let produced = Porchlight.occurrences(of: r, start: event.start, allDay: event.allDay, through: calendar.windowEnd,
                                                  limit: EventSchedule.maximumOccurrences, zone: event.zone)
            if let first = produced.first(where: { $0 >= from }) {
                if first != event.start, r.count != nil, let last = produced.last {
                    r.count = nil  // COUNT would restart at the new start; the last date says the same thing
                    r.until = event.allDay ? .date(last) : .local(last)
                }
                start = first
                rule = r
            } else {
                rule = nil
                start = occurrences[0].original
            }
        } else if rule == nil, let from, start < from {
            start = occurrences[0].original
        }
        let rdates = occurrences.filter { $0.original != start && ($0.isExtra || rule == nil) }.map(\.original)
        let exdates = scheduled.excluded.filter { from == nil || $0 >= from! }

        // The end follows the start's place in time, so a start in a spring-forward gap keeps the event's length.
        let resolvedStart = event.allDay ? start : event.zone.local(for: event.zone.instant(for: start))
        var master = base(event, uid: uid, revision: revision, start: time(start), end: time(resolvedStart.adding(seconds: event.duration)))
        master.status = Self.status(event.status)
        if event.status == .postponed { master.summary = "Postponed: \(event.title)" }
        if event.status == .cancelled { master.summary = "Cancelled: \(event.title)" }
        if let rule { master.rrule = rule.rruleText(start: start, allDay: event.allDay, zone: event.zone) }
        master.rdates = rdates.map(time)
        master.exdates = exdates.map(time)
        var out = [master]
        for o in occurrences where o.isOverride {
            var override = base(event, uid: uid, revision: revision, start: time(o.start), end: time(o.end))
            override.recurrenceID = time(o.original)
            override.status = Self.status(o.status)
            if o.status == .postponed { override.summary = "Postponed: \(event.title)" }
            if o.status == .cancelled { override.summary = "Cancelled: \(event.title)" }
            override.location = place(o.location)
            override.description = [o.note, override.description].compactMap { $0 }.joined(separator: "\n\n")
            out.append(override)
        }
        return out
    }

    private func base(_ event: Event, uid: String, revision: EventRevision, start: EventTime, end: EventTime) -> CalendarEvent {
        let page = config.baseURL + "events/\(event.slug)/"
        var description = [event.summary, page].compactMap { $0 }.joined(separator: "\n\n")
        if let cost = event.cost { description += "\nCost: \(cost)" }
        if let accessibility = event.accessibility { description += "\nAccessibility: \(accessibility)" }
        return CalendarEvent(uid: uid, dtstamp: revision.stamp, lastModified: revision.lastModified, start: start, end: end,
                             summary: event.title, description: description, location: place(event.location), url: page, status: nil,
                             categories: event.categories.compactMap { slug in config.categories.first { $0.slug == slug }?.name },
                             organizer: event.organizer?.email.map { (name: event.organizer?.name, email: $0) },
                             sequence: revision.sequence)
    }

    private func place(_ location: Event.Location?) -> String? {
        guard let location else { return nil }
        let text = [location.name, location.address, location.online].compactMap { $0 }.joined(separator: ", ")
        return text.isEmpty ? nil : text
    }

    static func status(_ status: Event.Status) -> String {
        switch status {
        case .confirmed: return "CONFIRMED"
        case .tentative: return "TENTATIVE"
        case .cancelled, .postponed: return "CANCELLED"
        }
    }
}
