import Foundation

/// VTIMEZONE generation from Foundation's time-zone data (RFC 5545 §3.6.5).
extension ICalendar {
    /// One change of UTC offset, in the terms a STANDARD/DAYLIGHT sub-component uses.
    struct Transition: Equatable {
        var onset: LocalDateTime        // wall time in the offset in force BEFORE the change, as the RFC requires
        var from: Int                   // seconds east of UTC before the change
        var to: Int                     // … and after it
        var isDaylight: Bool
        var name: String?

        /// Transitions with equal keys may be one sub-component with a yearly RRULE.
        fileprivate var ruleKey: [AnyHashable] {
            [isDaylight, from, to, name, onset.month, weekday(onset), onset.hour, onset.minute, onset.second]
        }
    }

    /// Writes one VTIMEZONE covering Jan 1 of the first year through Dec 31 of the last; no-op for unknown zones.
    static func writeTimeZone(_ tzid: String, years: ClosedRange<Int>, to out: inout ContentLines) {
        guard let tz = TimeZone(identifier: tzid) else { return }
        out.add("BEGIN", value: "VTIMEZONE")
        out.add("TZID", value: escapeText(tzid))
        for group in observances(transitions(in: tz, years: years)) {
            let first = group[0]
            out.add("BEGIN", value: first.isDaylight ? "DAYLIGHT" : "STANDARD")
            out.add("DTSTART", value: basic(first.onset))
            out.add("TZOFFSETFROM", value: offset(first.from))
            out.add("TZOFFSETTO", value: offset(first.to))
            if let rule = yearlyRule(group, lastYear: years.upperBound) {
                out.add("RRULE", value: rule)
            } else {
                for later in group.dropFirst() { out.add("RDATE", value: basic(later.onset)) }
            }
            if let name = first.name { out.add("TZNAME", value: escapeText(name)) }
            out.add("END", value: first.isDaylight ? "DAYLIGHT" : "STANDARD")
        }
        out.add("END", value: "VTIMEZONE")
    }

    /// One VTIMEZONE as folded lines, for `write(_:timeZoneRange:timeZones:)`; empty for unknown zones.
    static func timeZoneBlock(_ tzid: String, years: ClosedRange<Int>) -> String {
        var out = ContentLines()
        writeTimeZone(tzid, years: years, to: &out)
        return out.text
    }

    /// The transitions in the range, led by the one in force on Jan 1 of the first year (so that
    /// every instant in range has an observance); a zone with none there gets one at 1970-01-01.
    static func transitions(in tz: TimeZone, years: ClosedRange<Int>) -> [Transition] {
        func instant(_ year: Int) -> Date {
            Date(timeIntervalSince1970: TimeInterval(LocalDateTime(year: year, month: 1, day: 1).secondsSinceEpoch))
        }
        var found: [Transition] = []
        var cursor = instant(years.lowerBound - 1)
        let end = instant(years.upperBound + 1) + 86_400
        while let next = tz.nextDaylightSavingTimeTransition(after: cursor), next > cursor, next < end {
            let from = tz.secondsFromGMT(for: next - 1), to = tz.secondsFromGMT(for: next)
            let utc = Int(next.timeIntervalSince1970.rounded())
            found.append(Transition(onset: LocalDateTime(secondsSinceEpoch: utc + from), from: from, to: to,
                                    isDaylight: tz.isDaylightSavingTime(for: next),
                                    name: tzName(tz.abbreviation(for: next))))
            cursor = next
        }
        let inRange = found.filter { years.contains($0.onset.year) }
        if let inForce = found.last(where: { $0.onset.year < years.lowerBound }) {
            return [inForce] + inRange
        }
        let start = instant(years.lowerBound)
        let offset = inRange.first?.from ?? tz.secondsFromGMT(for: start)
        let epoch = Transition(onset: LocalDateTime(year: 1970, month: 1, day: 1), from: offset, to: offset,
                               isDaylight: tz.isDaylightSavingTime(for: start),
                               name: tzName(tz.abbreviation(for: start)))
        return [epoch] + inRange
    }

    /// Groups transitions that share kind, offsets, name, month, weekday and time, in order of first onset.
    static func observances(_ transitions: [Transition]) -> [[Transition]] {
        var groups: [[Transition]] = []
        for t in transitions {
            if let i = groups.firstIndex(where: { $0[0].ruleKey == t.ruleKey }) {
                groups[i].append(t)
            } else {
                groups.append([t])
            }
        }
        return groups
    }

    /// `FREQ=YEARLY;BYMONTH=m;BYDAY=nWD` when the group is one onset a year in consecutive years
    /// on the same nth (or last) weekday; UNTIL is added when the rule stops before the range ends.
    static func yearlyRule(_ group: [Transition], lastYear: Int) -> String? {
        let onsets = group.map(\.onset)
        guard onsets.count >= 2,
              zip(onsets, onsets.dropFirst()).allSatisfy({ $1.year == $0.year + 1 }) else { return nil }
        let nth: Int
        let isLastWeek = { (t: LocalDateTime) in LocalDateTime(secondsSinceEpoch: t.secondsSinceEpoch + 7 * 86_400).month != t.month }
        let ordinals = Set(onsets.map { ($0.day - 1) / 7 + 1 })
        if onsets.allSatisfy(isLastWeek) {
            nth = -1                    // "lastSun" rules are far more common than "4th Sunday"
        } else if ordinals.count == 1 {
            nth = ordinals.first!
        } else {
            return nil
        }
        let days = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
        var rule = "FREQ=YEARLY;BYMONTH=\(onsets[0].month);BYDAY=\(nth)\(days[weekday(onsets[0])])"
        if let last = group.last, last.onset.year < lastYear {
            // UNTIL must be UTC, but dateutil (python icalendar) compares it with the local onset;
            // the later of the two readings keeps the last onset for both and adds no other.
            let utc = LocalDateTime(secondsSinceEpoch: last.onset.secondsSinceEpoch - last.from)
            rule += ";UNTIL=" + basic(max(utc, last.onset)) + "Z"
        }
        return rule
    }

    /// `±hhmm[ss]`; zero is `+0000` because the RFC forbids `-0000`.
    static func offset(_ seconds: Int) -> String {
        let a = abs(seconds)
        let hhmm = (seconds < 0 ? "-" : "+") + pad(a / 3600, 2) + pad(a % 3600 / 60, 2)
        return a % 60 == 0 ? hhmm : hhmm + pad(a % 60, 2)
    }

    /// Foundation on Linux (ICU) answers "GMT-5" instead of "CDT"; numeric names tell a reader nothing.
    static func tzName(_ abbreviation: String?) -> String? {
        guard let name = abbreviation, !name.isEmpty, !name.contains(where: \.isNumber) else { return nil }
        return name
    }
}

/// Day of week, 0 = Sunday (1970-01-01 was a Thursday).
private func weekday(_ t: LocalDateTime) -> Int {
    let days = LocalDateTime(year: t.year, month: t.month, day: t.day).secondsSinceEpoch / 86_400
    return ((days + 4) % 7 + 7) % 7
}
