import Foundation

/// An occurrence as every list shows it, and the local day it starts on; built once, as months, lists and event pages repeat it.
struct ItemView {
    let context: TemplateValue
    let start: LocalDateTime
}

/// An occurrence by its event and its original start, which no two occurrences of an event share.
struct ItemKey: Hashable {
    let event: Int
    let original: LocalDateTime

    init(_ item: SiteCalendar.Item) {
        event = item.event
        original = item.occurrence.original
    }
}

/// The events list, the archive, one page per event, month grids, and their place on home and district pages.
extension SitePlan {
    static let upcomingOnEventPage = 10
    static let upcomingOnDistrictPage = 10
    static let homeDays = 7

    func eventPath(_ event: Event) -> String { "events/\(event.slug)/" }

    /// An occurrence as the templates show it in any list.
    func itemContext(_ item: SiteCalendar.Item) -> TemplateValue {
        itemView(item).context
    }

    func itemView(_ item: SiteCalendar.Item) -> ItemView {
        itemViews[ItemKey(item)] ?? makeItemView(item)
    }

    func makeItemView(_ item: SiteCalendar.Item) -> ItemView {
        let event = calendar.events[item.event].event
        let o = item.occurrence
        var context: [String: TemplateValue] = [
            "title": .text(event.title), "url": .text(url(eventPath(event))),
            "timeText": .text(EventText.span(start: o.start, end: o.end, allDay: event.allDay) + zoneNote(event)),
            "dayText": .text(EventText.day(o.start)),
            "startISO": .text(startISO(event, o)),
            "categories": .list(event.categories.compactMap(categoryLink)),
        ]
        if let place = o.location?.name ?? (o.location?.online != nil ? "Online" : nil) { context["place"] = .text(place) }
        if let note = o.note { context["note"] = .text(note) }
        if let summary = event.summary { context["summary"] = .text(summary) }
        for (key, value) in statusFlags(o.status) { context[key] = value }
        return ItemView(context: .shared(context), start: event.allDay ? o.start : calendar.zone.local(for: o.startInstant))
    }

    func startISO(_ event: Event, _ o: Occurrence) -> String {
        event.allDay ? o.start.icsDay : ContentDate.rfc3339(o.startInstant, timeZone: event.zone.timeZone)
    }

    /// Times are the event's own; when its zone is not the site's, say so, so residents do not misread them.
    func zoneNote(_ event: Event) -> String {
        event.allDay || event.zone.identifier == config.timeZone.identifier ? "" : " (\(event.zone.identifier.replacingOccurrences(of: "_", with: " ")) time)"
    }

    func statusFlags(_ status: Event.Status) -> [String: TemplateValue] {
        switch status {
        case .confirmed: return [:]
        case .cancelled: return ["isCancelled": true, "statusLabel": "Cancelled"]
        case .postponed: return ["isPostponed": true, "statusLabel": "Postponed"]
        case .tentative: return ["isTentative": true, "statusLabel": "To be confirmed"]
        }
    }

    func categoryLink(_ slug: String) -> TemplateValue? {
        categoryLinkBySlug[slug]
    }

    /// Items grouped under a heading per local day.
    func dayGroups(_ items: [SiteCalendar.Item]) -> [TemplateValue] {
        var groups: [TemplateValue] = []
        var currentDay: (year: Int, month: Int, day: Int)?
        var current: [TemplateValue] = []
        var iso = "", heading = ""
        func flush() {
            if !current.isEmpty { groups.append(["iso": .text(iso), "heading": .text(heading), "items": .list(current)]) }
        }
        for item in items {
            let view = itemView(item)
            let start = view.start
            if currentDay.map({ $0 != (start.year, start.month, start.day) }) ?? true {
                flush()
                currentDay = (start.year, start.month, start.day)
                iso = start.icsDay
                heading = EventText.day(start)
                current = []
            }
            current.append(view.context)
        }
        flush()
        return groups
    }

    func eventOutputs(_ out: OutputCollector) {
        let upcoming = calendar.upcoming
        let filters: TemplateValue = [
            "categories": .list(config.categories.filter { slug in calendar.events.contains { $0.event.categories.contains(slug.slug) } }
                .map { ["name": .text($0.name), "url": .text(url("events/category/\($0.slug)/"))] }),
            "districts": .list(config.districts.map { ["name": .text($0.name), "url": .text(url("districts/\($0.slug)/"))] }),
        ]
        let feeds = [FeedLink(type: "text/calendar", title: "All events (iCalendar)", url: url("calendar.ics"))]
        func listPage(_ path: String, title: String, intro: String, items: [SiteCalendar.Item], isPast: Bool, icsPath: String) {
            addPage(out, path, "events", title: title, description: intro,
                    ["intro": .text(intro), "days": .list(self.dayGroups(items)), "hasDays": .flag(!items.isEmpty), "isPast": .flag(isPast), "filters": filters,
                     "upcomingURL": .text(self.url("events/")), "pastURL": .text(self.url("events/past/")), "calendarURL": .text(self.url("calendar/")),
                     "icsURL": .text(self.url(icsPath)), "webcalURL": .text(self.webcal(icsPath))], shows: .calendar([]), feeds: feeds)
        }
        listPage("events/", title: "Upcoming events", intro: "Meet your officers: community events across the city, soonest first.",
                 items: upcoming, isPast: false, icsPath: "calendar.ics")
        listPage("events/past/", title: "Past events", intro: "Events of the last \(config.windowPast) months, most recent first.",
                 items: calendar.past, isPast: true, icsPath: "calendar.ics")
        for category in config.categories {
            let items = upcoming.filter { calendar.events[$0.event].event.categories.contains(category.slug) }
            listPage("events/category/\(category.slug)/", title: category.name,
                     intro: category.description.isEmpty ? "Upcoming \(category.name) events." : category.description,
                     items: items, isPast: false, icsPath: "calendar/\(category.slug).ics")
        }
        for (index, scheduled) in calendar.events.enumerated() {
            addPage(out, eventPath(scheduled.event), "event", title: scheduled.event.title,
                    description: scheduled.event.summary ?? "", self.eventContext(index), shows: .calendar([]),
                    feeds: [FeedLink(type: "text/calendar", title: "\(scheduled.event.title) (iCalendar)", url: url("events/\(scheduled.event.slug).ics"))])
        }
        monthOutputs(out)
    }

    func webcal(_ path: String) -> String {
        let absolute = absURL(path)
        if absolute.hasPrefix("https://") { return "webcal://" + absolute.dropFirst(8) }
        if absolute.hasPrefix("http://") { return "webcal://" + absolute.dropFirst(7) }
        return absolute
    }

    private func eventContext(_ index: Int) -> [String: TemplateValue] {
        let scheduled = calendar.events[index]
        let event = scheduled.event
        let items = scheduled.occurrences.map { SiteCalendar.Item(event: index, occurrence: $0) }
        let upcoming = items.filter { $0.occurrence.endInstant > calendar.now }
        let next = upcoming.first { $0.occurrence.status != .cancelled } ?? upcoming.first
        let options = config.markdownOptions
        var context: [String: TemplateValue] = [
            "title": .text(event.title), "url": .text(url(eventPath(event))),
            "icsURL": .text(url("events/\(event.slug).ics")), "webcalURL": .text(webcal("events/\(event.slug).ics")),
            "categories": .list(event.categories.compactMap(categoryLink)),
            "districts": .list(event.districts.compactMap { slug in
                config.districts.first { $0.slug == slug }.map { ["name": .text($0.name), "url": .text(url("districts/\($0.slug)/"))] }
            }),
            "upcoming": .list(upcoming.prefix(Self.upcomingOnEventPage).map(itemContext)),
            "hasUpcoming": .flag(!upcoming.isEmpty), "isSeries": .flag(items.count > 1),
        ]
        if let summary = event.summary { context["summary"] = .text(summary) }
        if let description = event.description {
            context["descriptionHTML"] = .text(CommonMark.render(description, options: options, rewrite: { _ in nil }).html)
        }
        if let rule = EventText.rule(event) { context["ruleText"] = .text(rule) }
        if let first = items.first, items.count == 1 {
            context["when"] = .text(EventText.day(first.occurrence.start) + ", " + EventText.span(start: first.occurrence.start, end: first.occurrence.end, allDay: event.allDay))
            context["whenISO"] = .text(startISO(event, first.occurrence))
        }
        for (key, value) in statusFlags(event.status) { context[key] = value }
        if let place = event.location { context["location"] = locationContext(place) }
        if let organizer = event.organizer {
            var o: [String: TemplateValue] = [:]
            if let name = organizer.name { o["name"] = .text(name) }
            if let email = organizer.email { o["email"] = .text(email) }
            if let phone = organizer.phone { o["phone"] = .text(phone); o["phoneURL"] = .text("tel:" + phone.filter { $0.isNumber || $0 == "+" }) }
            context["organizer"] = .object(o)
        }
        context["hasDetails"] = .flag(event.cost != nil || event.registration != nil || event.accessibility != nil
            || !event.languages.isEmpty || event.organizer != nil)
        if let cost = event.cost { context["cost"] = .text(cost) }
        if let registration = event.registration { context["registration"] = .text(registration) }
        if let accessibility = event.accessibility { context["accessibility"] = .text(accessibility) }
        if !event.languages.isEmpty { context["languages"] = .text(EventText.languages(event.languages)) }
        if let image = event.image {
            context["image"] = ["url": .text(image.hasPrefix("/") ? url(String(image.drop(while: { $0 == "/" }))) : image), "alt": .text(event.imageAlt ?? "")]
        }
        if let next {
            context["next"] = itemContext(next)
            context["googleURL"] = .text(googleLink(event, next.occurrence))
            context["outlookURL"] = .text(outlookLink(event, next.occurrence))
        }
        context["jsonLDHTML"] = .text(jsonLD(event, upcoming.isEmpty ? Array(items.suffix(1)) : Array(upcoming.prefix(Self.upcomingOnEventPage))))
        return ["event": .object(context)]
    }

    func locationContext(_ place: Event.Location) -> TemplateValue {
        var l: [String: TemplateValue] = [:]
        if let name = place.name { l["name"] = .text(name) }
        if let address = place.address {
            l["address"] = .text(address)
            l["directionsURL"] = .text("https://www.google.com/maps/dir/?api=1&destination=" + Self.queryEscape(address))
        }
        if let notes = place.notes { l["notes"] = .text(notes) }
        if let link = place.url { l["placeURL"] = .text(link) }
        if let online = place.online { l["online"] = .text(online) }
        return .object(l)
    }

    static func queryEscape(_ s: String) -> String {
        // ASCII (most titles and places) is escaped on bytes; Foundation, which keeps letters beyond ASCII, takes the rest.
        if !s.containsByte(where: { $0 >= 0x80 }) {
            let hex = Array("0123456789ABCDEF".utf8)
            var out: [UInt8] = []
            out.reserveCapacity(s.utf8.count * 2)
            for byte in s.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                    out.append(byte)
                default:
                    out.append(UInt8(ascii: "%"))
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    private func plainDescription(_ event: Event) -> String {
        [event.summary, url(eventPath(event)).isEmpty ? nil : absURL(eventPath(event))].compactMap { $0 }.joined(separator: "\n\n")
    }

    private func placeText(_ place: Event.Location?) -> String {
        guard let place else { return "" }
        return [place.name, place.address, place.online].compactMap { $0 }.joined(separator: ", ")
    }

    private func googleLink(_ event: Event, _ o: Occurrence) -> String {
        let dates = event.allDay ? "\(o.start.icsText(dateOnly: true))/\(o.end.icsText(dateOnly: true))"
                                 : "\(o.start.icsText())/\(o.end.icsText())"
        return "https://calendar.google.com/calendar/render?action=TEMPLATE&text=\(Self.queryEscape(event.title))&dates=\(dates)"
            + "&ctz=\(Self.queryEscape(event.zone.identifier))&details=\(Self.queryEscape(plainDescription(event)))&location=\(Self.queryEscape(placeText(o.location)))"
    }

    private func outlookLink(_ event: Event, _ o: Occurrence) -> String {
        let start = event.allDay ? o.start.icsDay : ContentDate.rfc3339(o.startInstant, timeZone: event.zone.timeZone)
        let end = event.allDay ? o.end.icsDay : ContentDate.rfc3339(o.endInstant, timeZone: event.zone.timeZone)
        return "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent"
            + "&subject=\(Self.queryEscape(event.title))&startdt=\(Self.queryEscape(start))&enddt=\(Self.queryEscape(end))"
            + "&allday=\(event.allDay)&body=\(Self.queryEscape(plainDescription(event)))&location=\(Self.queryEscape(placeText(o.location)))"
    }

    /// schema.org Event objects for the next occurrences, so search engines show dates and places.
    private func jsonLD(_ event: Event, _ items: [SiteCalendar.Item]) -> String {
        let q = JSONText.quote
        let statuses: [Event.Status: String] = [.confirmed: "EventScheduled", .tentative: "EventScheduled",
                                                .cancelled: "EventCancelled", .postponed: "EventPostponed"]
        let objects = items.map { item -> String in
            let o = item.occurrence
            let start = event.allDay ? o.start.icsDay : ContentDate.rfc3339(o.startInstant, timeZone: event.zone.timeZone)
            let end = event.allDay ? o.end.adding(days: -1).icsDay : ContentDate.rfc3339(o.endInstant, timeZone: event.zone.timeZone)
            var fields = ["\"@context\": \"https://schema.org\"", "\"@type\": \"Event\"", "\"name\": \(q(event.title))",
                          "\"startDate\": \(q(start))", "\"endDate\": \(q(end))", "\"url\": \(q(absURL(eventPath(event))))",
                          "\"eventStatus\": \"https://schema.org/\(statuses[o.status]!)\""]
            if let summary = event.summary { fields.append("\"description\": \(q(summary))") }
            if let place = o.location {
                if let online = place.online {
                    fields.append("\"eventAttendanceMode\": \"https://schema.org/OnlineEventAttendanceMode\"")
                    fields.append("\"location\": {\"@type\": \"VirtualLocation\", \"url\": \(q(online))}")
                } else {
                    fields.append("\"eventAttendanceMode\": \"https://schema.org/OfflineEventAttendanceMode\"")
                    var placeFields = ["\"@type\": \"Place\""]
                    if let name = place.name { placeFields.append("\"name\": \(q(name))") }
                    if let address = place.address { placeFields.append("\"address\": \(q(address))") }
                    fields.append("\"location\": {\(placeFields.joined(separator: ", "))}")
                }
            }
            if let organizer = event.organizer, let name = organizer.name {
                fields.append("\"organizer\": {\"@type\": \"Organization\", \"name\": \(q(name))\(organizer.email.map { ", \"email\": \(q($0))" } ?? "")}")
            }
            if let cost = event.cost, cost.lowercased() == "free" { fields.append("\"isAccessibleForFree\": true") }
            return "{" + fields.joined(separator: ", ") + "}"
        }
        return objects.count == 1 ? objects[0] : "[" + objects.joined(separator: ",\n") + "]"
    }

    // MARK: Month grids

    static let gridDayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    private func monthPath(_ m: (year: Int, month: Int)) -> String { "calendar/\(m.year)/" + (m.month < 10 ? "0" : "") + "\(m.month)/" }

    private func monthOutputs(_ out: OutputCollector) {
        let months = calendar.months
        let today = calendar.zone.local(for: calendar.now)
        var byMonth: [Int: [SiteCalendar.Item]] = [:]
        for item in calendar.items {
            let start = itemView(item).start
            byMonth[start.year * 12 + start.month, default: []].append(item)
        }
        for (i, m) in months.enumerated() {
            let inMonth = byMonth[m.year * 12 + m.month] ?? []
            let title = "\(ContentDate.monthNames[m.month - 1]) \(m.year)"
            addPage(out, monthPath(m), "month", title: "Calendar: \(title)", description: "Community events in \(title).", self.monthContext(i, months, inMonth), shows: .calendar([]),
                    feeds: [FeedLink(type: "text/calendar", title: "All events (iCalendar)", url: url("calendar.ics"))])
            if m.year == today.year && m.month == today.month {
                addPage(out, "calendar/", "month", title: "Calendar: \(title)", description: "Community events this month.", self.monthContext(i, months, inMonth),
                        shows: .calendar([]), index: false)
            }
        }
    }

    /// The grid and list of one month of the calendar window.
    private func monthContext(_ i: Int, _ months: [(year: Int, month: Int)], _ inMonth: [SiteCalendar.Item]) -> [String: TemplateValue] {
        let m = months[i]
        let today = calendar.zone.local(for: calendar.now)
        let first = LocalDateTime(year: m.year, month: m.month, day: 1)
        let length = LocalDateTime.daysInMonth(year: m.year, month: m.month)
        var byDay: [Int: [SiteCalendar.Item]] = [:]
        for item in inMonth { byDay[itemView(item).start.day, default: []].append(item) }
        let leading = (first.weekday.rawValue + 1) % 7  // Sunday-first grid
        var weeks: [TemplateValue] = []
        var cells: [TemplateValue] = []
        for _ in 0..<leading { cells.append(["blank": true]) }
        for day in 1...length {
            let items = byDay[day] ?? []
            let date = LocalDateTime(year: m.year, month: m.month, day: day)
            var cell: [String: TemplateValue] = ["number": .number(day), "iso": .text(date.icsDay), "label": .text(EventText.day(date)),
                                                 "items": .list(items.map(itemContext)), "hasItems": .flag(!items.isEmpty), "count": .number(items.count),
                                                 "countText": .text(items.count == 1 ? "1 event" : "\(items.count) events")]
            if date.icsDay == today.icsDay { cell["isToday"] = true }
            cells.append(.object(cell))
            if cells.count == 7 { weeks.append(["days": .list(cells)]); cells = [] }
        }
        if !cells.isEmpty {
            while cells.count < 7 { cells.append(["blank": true]) }
            weeks.append(["days": .list(cells)])
        }
        let title = "\(ContentDate.monthNames[m.month - 1]) \(m.year)"
        var month: [String: TemplateValue] = ["title": .text(title), "weeks": .list(weeks),
                                              "dayNames": .list(Self.gridDayNames.map { ["full": .text($0), "short": .text(String($0.prefix(3)))] }),
                                              "days": .list(dayGroups(inMonth)), "hasDays": .flag(!inMonth.isEmpty),
                                              "isCurrent": .flag(m.year == today.year && m.month == today.month)]
        if i > 0 {
            month["prevURL"] = .text(url(monthPath(months[i - 1])))
            month["prevTitle"] = .text("\(ContentDate.monthNames[months[i - 1].month - 1]) \(months[i - 1].year)")
        }
        if i + 1 < months.count {
            month["nextURL"] = .text(url(monthPath(months[i + 1])))
            month["nextTitle"] = .text("\(ContentDate.monthNames[months[i + 1].month - 1]) \(months[i + 1].year)")
        }
        return ["month": .object(month), "icsURL": .text(url("calendar.ics")), "webcalURL": .text(webcal("calendar.ics")),
                "eventsURL": .text(url("events/"))]
    }
}
