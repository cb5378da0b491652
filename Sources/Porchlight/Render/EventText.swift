import Foundation

/// Dates, times and repeat rules in the words residents read.
enum EventText {
    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// "Saturday, December 5, 2026"
    static func day(_ t: LocalDateTime) -> String {
        "\(weekdayNames[t.weekday.rawValue]), \(ContentDate.monthNames[t.month - 1]) \(t.day), \(t.year)"
    }

    /// "December 5"
    static func shortDay(_ t: LocalDateTime) -> String { "\(ContentDate.monthNames[t.month - 1]) \(t.day)" }

    /// "9:00 AM", "12:30 PM"
    static func clock(_ t: LocalDateTime) -> String {
        "\(clockDigits(t)) \(t.hour < 12 ? "AM" : "PM")"
    }

    private static func clockDigits(_ t: LocalDateTime) -> String {
        let hour = t.hour % 12 == 0 ? 12 : t.hour % 12
        return "\(hour):" + (t.minute < 10 ? "0" : "") + "\(t.minute)"
    }

    /// "9:00–10:30 AM", "11:00 AM–1:00 PM", "All day", "All day, October 9–12", "9:00 PM – December 6, 1:00 AM"
    static func span(start: LocalDateTime, end: LocalDateTime, allDay: Bool) -> String {
        if allDay {
            let last = end.adding(days: -1)
            if last.dayNumber <= start.dayNumber { return "All day" }
            let to = last.month == start.month ? "\(last.day)" : shortDay(last)
            return "All day, \(shortDay(start))–\(to)"
        }
        if end.dayNumber != start.dayNumber {
            return "\(clock(start)) – \(shortDay(end)), \(clock(end))"
        }
        if (start.hour < 12) == (end.hour < 12) {
            return "\(clockDigits(start))–\(clockDigits(end)) \(end.hour < 12 ? "AM" : "PM")"
        }
        return "\(clock(start))–\(clock(end))"
    }

    static let ordinals = [1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"]

    /// "Every month on the first Saturday, 9:00–10:30 AM"; nil when a rule is beyond plain words.
    static func rule(_ event: Event) -> String? {
        guard let rule = event.rule else { return nil }
        let units: [RecurrenceRule.Frequency: (String, String)] = [.daily: ("day", "days"), .weekly: ("week", "weeks"),
                                                                   .monthly: ("month", "months"), .yearly: ("year", "years")]
        guard let unit = units[rule.frequency], rule.byWeekNo.isEmpty, rule.byYearDay.isEmpty, rule.bySetPos.isEmpty,
              rule.bySecond.isEmpty else { return nil }
        var text = rule.interval == 1 ? "Every \(unit.0)" : rule.interval == 2 ? "Every other \(unit.0)" : "Every \(rule.interval) \(unit.1)"
        if !rule.byMonth.isEmpty {
            text += " in " + list(rule.byMonth.map { ContentDate.monthNames[$0 - 1] })
        }
        if !rule.byDay.isEmpty {
            let days = rule.byDay.map { day -> String in
                let name = weekdayNames[day.weekday.rawValue]
                return day.ordinal == 0 ? name : "the \(ordinals[day.ordinal] ?? "\(day.ordinal)th") \(name)"
            }
            text += " on " + list(days)
        }
        if !rule.byMonthDay.isEmpty {
            text += " on day " + list(rule.byMonthDay.map { $0 < 0 ? ($0 == -1 ? "the last" : "\(-$0) from the end") : "\($0)" })
        }
        if event.allDay {
            if event.duration > 86_400 { text += ", \(event.duration / 86_400) days" }
        } else if rule.byHour.count > 1 {
            let starts = rule.byHour.map { clock(LocalDateTime(year: 2000, month: 1, day: 1, hour: $0, minute: rule.byMinute.first ?? 0)) }
            text += ", at " + list(starts) + " (\(duration(event.duration)))"
        } else {
            text += ", " + span(start: event.start, end: event.start.adding(seconds: event.duration), allDay: false)
        }
        if let count = rule.count { text += ", \(count) times" }
        if let until = rule.until {
            switch until {
            case let .date(d), let .local(d), let .utc(d): text += ", until \(ContentDate.monthNames[d.month - 1]) \(d.day), \(d.year)"
            }
        }
        return text
    }

    /// "90 minutes", "1 hour", "2 hours 30 minutes"
    static func duration(_ seconds: Int) -> String {
        let hours = seconds / 3600, minutes = seconds % 3600 / 60
        if hours == 0 { return "\(minutes) minutes" }
        let h = hours == 1 ? "1 hour" : "\(hours) hours"
        return minutes == 0 ? h : "\(h) \(minutes) minutes"
    }

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }

    static let languageNames = ["en": "English", "es": "Spanish", "fr": "French", "de": "German", "vi": "Vietnamese",
                                "zh": "Chinese", "ar": "Arabic", "bs": "Bosnian", "so": "Somali", "ru": "Russian",
                                "ko": "Korean", "tl": "Tagalog", "ase": "American Sign Language", "asl": "American Sign Language"]

    static func languages(_ codes: [String]) -> String {
        list(codes.map { languageNames[$0.lowercased()] ?? $0 })
    }
}
