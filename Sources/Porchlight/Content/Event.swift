import Foundation

/// One event or recurring series from `Content/events/*.yml`, checked, times still in wall-clock form.
public struct Event: Sendable {
    public enum Status: String, Sendable { case confirmed, tentative, cancelled, postponed }

    public struct Location: Sendable, Hashable {
        public var name: String?
        public var address: String?
        public var url: String?
        public var notes: String?
        public var online: String?
    }

    public struct Organizer: Sendable {
        public var name: String?
        public var email: String?
        public var phone: String?
    }

    /// An extra occurrence (RDATE), possibly with its own end and place.
    public struct ExtraDate: Sendable {
        public var start: LocalDateTime
        public var end: LocalDateTime?
        public var location: Location?
    }

    /// A change to one occurrence, keyed by the occurrence's original start (a day, or a day and time).
    public struct Change: Sendable {
        public var key: LocalDateTime
        public var keyIsDay: Bool
        public var status: Status?
        public var note: String?
        public var start: LocalDateTime?
        public var end: LocalDateTime?
        public var location: Location?
        /// Where the key was written, so "the rule never produces this date" can point at it.
        public var line: Int
        public var column: Int
    }

    public struct Exception: Sendable {
        public var value: LocalDateTime
        public var isDay: Bool
        public var line: Int
        public var column: Int
    }

    public var file: SourceFile
    public var slug: String
    public var title: String
    public var summary: String?
    public var description: String?
    public var categories: [String]
    public var districts: [String]
    public var allDay: Bool
    public var start: LocalDateTime
    /// Seconds for timed events; for all-day events, whole days × 86 400.
    public var duration: Int
    public var zone: ZoneResolver
    public var location: Location?
    public var rule: RecurrenceRule?
    public var extraDates: [ExtraDate]
    public var exceptions: [Exception]
    public var changes: [Change]
    public var status: Status
    public var organizer: Organizer?
    public var cost: String?
    public var registration: String?
    public var accessibility: String?
    public var languages: [String]
    public var image: String?
    public var imageAlt: String?
    /// Where `start:` is written, for problems with the series as a whole.
    public var startLine: Int
    public var startColumn: Int
    /// Where `repeat:` is written, for problems with the rule's dates.
    public var repeatLine: Int
    public var repeatColumn: Int

    static let fields = ["title", "summary", "description", "category", "categories", "districts", "start", "end",
                         "duration", "timeZone", "location", "repeat", "dates", "except", "changes", "status",
                         "organizer", "cost", "registration", "accessibility", "languages", "image", "imageAlt"]
}

/// Reads event YAML files, reporting every problem with its line.
struct EventReader {
    let config: SiteConfig
    let problems: Problems
    let file: SourceFile

    /// Local date-time as staff write it: `2026-12-05 09:00`, or a date `2026-10-31`.
    func time(_ node: YAMLNode, what: String) -> (value: LocalDateTime, isDay: Bool)? {
        guard let text = node.scalarText else {
            problems.add(node.error("\(what) must be a date or a date and time", fix: "write e.g. 2026-12-05 09:00 or 2026-10-31"))
            return nil
        }
        let trimmed = String(text.withoutOuterSpaces)
        if trimmed.hasSuffix("Z") || trimmed.dropFirst(10).contains("+") || trimmed.dropFirst(10).contains("-") {
            problems.add(node.error("\(what) \"\(text)\" has a UTC offset", fix: "write the local time (2026-12-05 09:00) and set \"timeZone:\" if it is not the site's"))
            return nil
        }
        switch ContentDate.parse(trimmed, timeZone: ZoneResolver.utc.timeZone) {
        case let .success(d):
            return (LocalDateTime(year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute, second: d.second), !d.hasTime)
        case .failure(.format):
            problems.add(node.error("\(what) \"\(text)\" is not a date", fix: "write e.g. 2026-12-05 09:00, or 2026-10-31 for an all-day event"))
        case let .failure(.impossible(why)):
            problems.add(node.error("\(what) \"\(text)\" is not a real date: \(why)", fix: "correct the day, month or time"))
        }
        return nil
    }

    /// `90m`, `2h`, `1h30m`, `3d` → seconds.
    static func duration(_ text: String) -> Int? {
        var total = 0, number = 0, sawDigit = false, sawUnit = false
        for c in text.replacingOccurrences(of: " ", with: "").lowercased() {
            if let d = c.wholeNumberValue { number = number * 10 + d; sawDigit = true; continue }
            guard sawDigit else { return nil }
            switch c {
            case "m": total += number * 60
            case "h": total += number * 3600
            case "d": total += number * 86_400
            default: return nil
            }
            number = 0; sawDigit = false; sawUnit = true
        }
        return sawUnit && !sawDigit && total > 0 ? total : nil
    }

    func location(_ node: YAMLNode?) -> Event.Location? {
        guard let node else { return nil }
        if let text = node.scalarText { return Event.Location(name: text) }
        guard let f = Fields(node, problems: problems, what: "location") else { return nil }
        f.rejectUnknown(["name", "address", "url", "notes", "online"], what: "location")
        var place = Event.Location(name: f.string("name"), address: f.string("address"), url: f.string("url"),
                                   notes: f.string("notes"), online: f.string("online"))
        for key in ["url", "online"] {
            if let url = key == "url" ? place.url : place.online, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                problems.add(f[key]!.error("\"\(key)\" must be a web address starting with https://", fix: "write the full address, e.g. https://meet.example.org/town-hall"))
                if key == "url" { place.url = nil } else { place.online = nil }
            }
        }
        if place.name == nil, place.address == nil, place.online == nil {
            problems.add(node.error("the location has no name, address or online link", fix: "add \"name:\" and \"address:\", or \"online: https://…\""))
        }
        return place
    }

    func read(slug: String) -> Event? {
        guard let root = YAMLNode.parse(file.text, file: file, lineOffset: 0, problems: problems) else {
            if !problems.hasErrors { problems.add(file.error(line: 1, "the event file is empty", fix: "add at least \"title:\" and \"start:\"")) }
            return nil
        }
        guard let f = Fields(root, problems: problems, what: "an event file") else { return nil }
        f.rejectUnknown(Event.fields, what: "an event")
        let title = f.requiredString("title", what: "the event", example: "Coffee with a Cop")

        var zone = ZoneResolver(config.timeZone)
        if let name = f.string("timeZone") {
            if let resolved = ZoneResolver(identifier: name), name.contains("/") || name == "UTC" {
                zone = resolved
            } else {
                problems.add(f["timeZone"]!.error("unknown time zone \"\(name)\"", fix: "use an IANA name such as America/Chicago"))
            }
        }

        var start = LocalDateTime(year: 2000, month: 1, day: 1), allDay = false, startOK = false
        if let node = f["start"] {
            if let t = time(node, what: "start") { start = t.value; allDay = t.isDay; startOK = true }
        } else {
            problems.add(root.error("the event has no \"start\"", fix: "add e.g. \"start: 2026-12-05 09:00\""))
        }

        var duration = allDay ? 86_400 : 3600
        if f["end"] != nil, f["duration"] != nil {
            problems.add(f["duration"]!.error("give either \"end\" or \"duration\", not both", fix: "remove one of them"))
        } else if let node = f["end"], startOK, let end = time(node, what: "end") {
            if allDay != end.isDay {
                problems.add(node.error(allDay ? "the event starts on a day but ends at a time" : "the event starts at a time but ends on a day",
                                        fix: allDay ? "write the last day as a date, e.g. end: 2026-10-12" : "write the end as a date and time, e.g. end: 2026-12-05 10:30"))
            } else if allDay {
                // People write the last day; the span runs to the end of it.
                let days = end.value.dayNumber - start.dayNumber + 1
                if days < 1 { problems.add(node.error("the event ends before it starts", fix: "make \"end\" the last day, on or after \(start.icsDay)")) }
                else { duration = days * 86_400 }
            } else {
                let seconds = end.value.secondsSinceEpoch - start.secondsSinceEpoch
                if seconds <= 0 { problems.add(node.error("the event ends before it starts", fix: "make \"end\" later than \"start\"")) }
                else { duration = seconds }
            }
        } else if let node = f["duration"], let text = node.scalarText {
            if let seconds = Self.duration(text) {
                if allDay, seconds % 86_400 != 0 {
                    problems.add(node.error("an all-day event lasts whole days", fix: "write e.g. \"duration: 3d\", or give \"start\" a time"))
                } else { duration = seconds }
            } else {
                problems.add(node.error("\"\(text)\" is not a duration", fix: "write e.g. 90m, 2h, 1h30m or 3d"))
            }
        }

        let before = problems.list.count
        let rule = readRepeat(f["repeat"], start: &start, allDay: allDay)
        // A rule with a mistake in it would only add confusing complaints about which dates it gives.
        let ruleBroken = problems.list.count > before
        var extraDates: [Event.ExtraDate] = []
        if let node = f["dates"] {
            for item in node.sequence ?? [node] {
                if item.scalarText != nil {
                    if let t = time(item, what: "a date in \"dates\"") { extraDates.append(.init(start: t.value)) }
                } else if let d = Fields(item, problems: problems, what: "a date in \"dates\"") {
                    d.rejectUnknown(["start", "end", "location"], what: "a date in \"dates\"")
                    guard let startNode = d["start"] else {
                        problems.add(item.error("this date has no \"start\"", fix: "add \"start: 2026-12-05 09:00\"")); continue
                    }
                    guard let s = time(startNode, what: "start") else { continue }
                    var end: LocalDateTime?
                    if let endNode = d["end"], let e = time(endNode, what: "end") {
                        if e.value <= s.value && !allDay { problems.add(endNode.error("this date ends before it starts", fix: "make \"end\" later than \"start\"")) }
                        else { end = e.value }
                    }
                    extraDates.append(.init(start: s.value, end: end, location: location(d["location"])))
                }
            }
        }
        var exceptions: [Event.Exception] = []
        if let node = f["except"] {
            for item in node.sequence ?? [node] {
                if let t = time(item, what: "a date in \"except\"") {
                    exceptions.append(.init(value: t.value, isDay: t.isDay, line: item.line, column: item.column))
                }
            }
        }
        let changes = readChanges(f["changes"])
        let status = readStatus(f["status"]) ?? .confirmed

        var organizer: Event.Organizer?
        if let node = f["organizer"] {
            if let name = node.scalarText { organizer = .init(name: name) }
            else if let o = Fields(node, problems: problems, what: "organizer") {
                o.rejectUnknown(["name", "email", "phone"], what: "organizer")
                organizer = .init(name: o.string("name"), email: o.string("email"), phone: o.string("phone"))
            }
        }
        if f["category"] != nil, f["categories"] != nil {
            problems.add(f["categories"]!.error("give either \"category\" or \"categories\"", fix: "keep one of them"))
        }
        let categories = lookup(f.strings("category") + f.strings("categories"), known: config.categories.map { ($0.slug, $0.name) }, what: "category", listKey: "categories")
        let districts = lookup(f.strings("districts"), known: config.districts.map { ($0.slug, $0.name) }, what: "district", listKey: "districts")
        if let registration = f.string("registration"), !(registration.hasPrefix("https://") || registration.hasPrefix("http://") || registration.hasPrefix("mailto:")) {
            problems.add(f["registration"]!.error("\"registration\" must be a web address", fix: "write the full address, starting with https://"))
        }
        if f.string("image") != nil, f.string("imageAlt") == nil {
            problems.add(f["image"]!.warning("the image has no description for screen readers", fix: "add \"imageAlt: what the picture shows\""))
        }
        guard let title, startOK, !ruleBroken else { return nil }
        let startNode = f["start"]!
        return Event(file: file, slug: slug, title: title, summary: f.string("summary"), description: f.string("description"),
                     categories: categories, districts: districts, allDay: allDay, start: start, duration: duration, zone: zone,
                     location: location(f["location"]), rule: rule, extraDates: extraDates, exceptions: exceptions,
                     changes: changes, status: status, organizer: organizer, cost: f.string("cost"),
                     registration: f.string("registration"), accessibility: f.string("accessibility"),
                     languages: f.strings("languages").map(\.0), image: f.string("image"), imageAlt: f.string("imageAlt"),
                     startLine: startNode.line, startColumn: startNode.column,
                     repeatLine: f["repeat"]?.line ?? startNode.line, repeatColumn: f["repeat"]?.column ?? startNode.column)
    }

    private func readStatus(_ node: YAMLNode?) -> Event.Status? {
        guard let node, let text = node.scalarText else { return nil }
        if let status = Event.Status(rawValue: text.lowercased()) { return status }
        let names = ["confirmed", "tentative", "cancelled", "postponed"]
        problems.add(node.error("unknown status \"\(text)\"", fix: Spelling.closest(to: text, in: names + ["canceled"]).map {
            "did you mean \"\($0 == "canceled" ? "cancelled" : $0)\"?" } ?? "use one of: \(names.joined(separator: ", "))"))
        return nil
    }

    private func lookup(_ items: [(String, YAMLNode)], known: [(slug: String, name: String)], what: String, listKey: String) -> [String] {
        var out: [String] = []
        for (text, node) in items {
            let key = Slug.make(text)
            if let match = known.first(where: { $0.slug == key || Slug.make($0.name) == key }) {
                if !out.contains(match.slug) { out.append(match.slug) }
            } else {
                let slugs = known.map(\.slug)
                problems.add(node.error("unknown \(what) \"\(text)\"", fix: slugs.isEmpty
                    ? "list the \(listKey) in Content/site.yml first"
                    : Spelling.closest(to: key, in: slugs).map { "did you mean \"\($0)\"?" } ?? "use one of: \(slugs.joined(separator: ", "))"))
            }
        }
        return out
    }

    private func readChanges(_ node: YAMLNode?) -> [Event.Change] {
        guard let node, let f = Fields(node, problems: problems, what: "changes") else { return [] }
        var out: [Event.Change] = []
        for key in f.keys {
            guard let keyNode = f.keyNode(key), let valueNode = f[key] else { continue }
            guard let original = time(keyNode, what: "the occurrence") else { continue }
            guard let c = Fields(valueNode, problems: problems, what: "a change") else { continue }
            c.rejectUnknown(["status", "note", "start", "end", "location"], what: "a change")
            var change = Event.Change(key: original.value, keyIsDay: original.isDay, status: readStatus(c["status"]),
                                      note: c.string("note"), start: nil, end: nil, location: location(c["location"]),
                                      line: keyNode.line, column: keyNode.column)
            if let s = c["start"] { change.start = time(s, what: "start")?.value }
            if let e = c["end"] { change.end = time(e, what: "end")?.value }
            if let s = change.start, let e = change.end, e <= s {
                problems.add(c["end"]!.error("the changed occurrence ends before it starts", fix: "make \"end\" later than \"start\""))
                change.end = nil
            }
            out.append(change)
        }
        return out
    }

    /// `repeat:` as an RRULE string, or spelled for people; may move `start` to the first of `times`.
    private func readRepeat(_ node: YAMLNode?, start: inout LocalDateTime, allDay: Bool) -> RecurrenceRule? {
        guard let node else { return nil }
        if let text = node.scalarText {
            var ruleText = String(text.withoutOuterSpaces)
            if ruleText.uppercased().hasPrefix("RRULE:") { ruleText.removeFirst(6) }
            do {
                return try RecurrenceRule.parse(ruleText)
            } catch {
                // The offset counts characters into the rule; on a plain one-line value that is the column too.
                let shift = text.count - text.drop(while: { $0 == " " }).count + (text.uppercased().contains("RRULE:") ? 6 : 0)
                problems.add(file.error(line: node.line, column: node.column + shift + error.offset, error.message, fix: error.fix))
                return nil
            }
        }
        guard let r = Fields(node, problems: problems, what: "repeat") else { return nil }
        r.rejectUnknown(["every", "interval", "on", "nth", "times", "until", "count"], what: "repeat")
        let frequencies: [String: RecurrenceRule.Frequency] = ["day": .daily, "week": .weekly, "month": .monthly, "year": .yearly]
        guard let everyText = r.requiredString("every", what: "repeat", example: "week") else { return nil }
        guard let frequency = frequencies[String(everyText.lowercased().withoutOuterSpaces)] else {
            problems.add(r["every"]!.error("\"every: \(everyText)\" is not a repeat", fix: "use day, week, month or year"))
            return nil
        }
        var rule = RecurrenceRule(frequency: frequency, interval: 1)
        if let interval = r.int("interval") {
            if interval < 1 { problems.add(r["interval"]!.error("\"interval\" must be 1 or more", fix: "write e.g. \"interval: 2\" for every other")) }
            else { rule.interval = interval }
        }
        let ordinals = ["first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1, "second to last": -2]
        var nth: Int?
        if let nthText = r.string("nth") {
            if let n = ordinals[nthText.lowercased()] ?? Int(nthText) { nth = n }
            else { problems.add(r["nth"]!.error("\"nth: \(nthText)\" is not an ordinal", fix: "use first, second, third, fourth or last")) }
        }
        for (day, dayNode) in r.strings("on") {
            guard let weekday = Self.weekday(day) else {
                problems.add(dayNode.error("unknown weekday \"\(day)\"", fix: "use monday, tuesday, wednesday, thursday, friday, saturday or sunday"))
                continue
            }
            rule.byDay.append(RecurrenceRule.WeekdayNum(weekday, ordinal: nth ?? 0))
        }
        if nth != nil, rule.byDay.isEmpty {
            problems.add(r["nth"]!.error("\"nth\" needs a weekday in \"on\"", fix: "add e.g. \"on: [saturday]\""))
        }
        if nth != nil, frequency == .daily || frequency == .weekly {
            problems.add(r["nth"]!.error("\"nth\" works with \"every: month\" or \"every: year\"", fix: "change \"every\" to month, or remove \"nth\""))
        }
        let times = r.strings("times")
        if !times.isEmpty {
            var parsed: [(Int, Int)] = []
            for (text, timeNode) in times {
                let parts = text.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else {
                    problems.add(timeNode.error("\"\(text)\" is not a time of day", fix: "write 24-hour times in quotes, e.g. \"09:00\" or \"14:30\""))
                    continue
                }
                parsed.append((parts[0], parts[1]))
            }
            if allDay {
                problems.add(r["times"]!.error("an all-day event has no times", fix: "give \"start\" a time, or remove \"times\""))
            } else if Set(parsed.map(\.1)).count > 1 {
                problems.add(r["times"]!.error("times with different minutes cannot share one series", fix: "use times on the same minute (\"09:00\", \"14:00\"), or put the other times in a second event file"))
            } else if let first = parsed.min(by: { $0 < $1 }) {
                rule.byHour = Array(Set(parsed.map(\.0))).sorted()
                rule.byMinute = [first.1]
                start = LocalDateTime(year: start.year, month: start.month, day: start.day, hour: first.0, minute: first.1)
            }
        }
        if r["until"] != nil, r["count"] != nil {
            problems.add(r["count"]!.error("give either \"until\" or \"count\", not both", fix: "keep one of them"))
        } else if let untilNode = r["until"], let until = time(untilNode, what: "until") {
            rule.until = until.isDay ? .date(until.value) : .local(until.value)
        } else if let count = r.int("count") {
            if count < 1 { problems.add(r["count"]!.error("\"count\" must be 1 or more", fix: "write how many times it happens, e.g. \"count: 12\"")) }
            else { rule.count = count }
        }
        return rule
    }

    static func weekday(_ text: String) -> LocalDateTime.Weekday? {
        let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        let lower = String(text.lowercased().withoutOuterSpaces)
        return names.firstIndex(of: lower).flatMap { LocalDateTime.Weekday(rawValue: $0) }
    }
}
