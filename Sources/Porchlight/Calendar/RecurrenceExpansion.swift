import Foundation

/// Which implementation's reading of the RFC to follow where the two that we test against disagree.
/// They agree on everything except the cases listed here (see LibicalConformanceTests for each one).
public enum RecurrenceDialect: Sendable, Equatable {
    /// python-dateutil 2.9 `rrulestr(rule, dtstart=…)`: the oracle our .ics output is checked against.
    /// - `FREQ=YEARLY;BYMONTHDAY=…` without BYMONTH means that day of every month;
    /// - `BYWEEKNO` without BYDAY means every day of those weeks;
    /// - YEARLY periods are calendar years even with BYWEEKNO;
    /// - the first WEEKLY period starts at DTSTART, not at WKST (this changes BYSETPOS in that week).
    case dateutil
    /// libical (icalrecur_test.txt): takes the month (YEARLY+BYMONTHDAY) or the weekday (BYWEEKNO)
    /// from DTSTART, steps BYWEEKNO years as week-numbering years, and applies BYSETPOS to whole weeks.
    case libical
}

/// The occurrences of `rule` for an event starting at `start` (wall-clock time in the event's zone),
/// in order, that fall in `from...windowEnd` (`from` nil: from `start`), at most `limit` of them.
///
/// Semantics (RFC 5545 §3.3.10 as dateutil and libical implement it):
/// - DTSTART is an occurrence only if it matches the rule, and only matching ones count towards COUNT
///   (`FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13` from a Tuesday starts at the next Friday the 13th);
/// - invalid dates (Feb 30, day 31 of a 30-day month) are skipped, never moved;
/// - expansion is in wall-clock time, so 09:00 stays 09:00 across DST; a wall time that a DST change
///   skips is still returned as written (resolve it with `ZoneResolver.instant(for:)`);
/// - UNTIL as a date includes that whole day; as a local date-time it is compared in wall-clock time;
///   with `Z` it is an instant, compared with each occurrence's instant in `zone` (UTC when nil);
/// - `allDay` (a DATE start) ignores BYHOUR/BYMINUTE/BYSECOND and returns midnights;
/// - a rule that can never produce (e.g. `FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30`) stops after one
///   400-year Gregorian cycle × INTERVAL without a hit, at year 9999, or at `windowEnd`, whichever is first.
public func occurrences(
    of rule: RecurrenceRule,
    start: LocalDateTime,
    allDay: Bool = false,
    from: LocalDateTime? = nil,
    through windowEnd: LocalDateTime,
    limit: Int = .max,
    zone: ZoneResolver? = nil,
    dialect: RecurrenceDialect = .dateutil
) -> [LocalDateTime] {
    rule.occurrences(start: start, allDay: allDay, from: from, through: windowEnd, limit: limit, zone: zone, dialect: dialect)
}

extension RecurrenceRule {
    /// Same as the free function `occurrences(of:…)`, for call sites inside types that have an
    /// `occurrences` member of their own (which would shadow the free function).
    public func occurrences(
        start: LocalDateTime,
        allDay: Bool = false,
        from: LocalDateTime? = nil,
        through windowEnd: LocalDateTime,
        limit: Int = .max,
        zone: ZoneResolver? = nil,
        dialect: RecurrenceDialect = .dateutil
    ) -> [LocalDateTime] {
        guard limit > 0, start.isValid else { return [] }
        var expander = RecurrenceExpander(rule: self, start: allDay ? start.startOfDay : start,
                                          allDay: allDay, zone: zone, dialect: dialect)
        return expander.run(from: from, through: windowEnd, limit: limit)
    }
}

/// The expansion state. Candidates are wall-clock seconds since 1970 (`day * 86400 + secondOfDay`),
/// so a period's set is a sorted `[Int]` that BYSETPOS can index; Foundation is only touched to
/// compare a UTC UNTIL within two days of an occurrence.
struct RecurrenceExpander {
    private let rule: RecurrenceRule
    private let frequency: RecurrenceRule.Frequency
    private let interval: Int
    private let start: LocalDateTime
    private let startWall: Int
    private let allDay: Bool
    private let dialect: RecurrenceDialect
    private let zone: ZoneResolver?
    private let weekStart: Int

    // Day filters, as lookup tables.
    private var months = [Bool](repeating: false, count: 13), hasMonths = false
    private var monthDaysFromStart = [Bool](repeating: false, count: 32)
    private var monthDaysFromEnd = [Bool](repeating: false, count: 32), hasMonthDays = false
    private var yearDaysFromStart = [Bool](repeating: false, count: 367)
    private var yearDaysFromEnd = [Bool](repeating: false, count: 367), hasYearDays = false
    private var weeksFromStart = [Bool](repeating: false, count: 54)
    private var weeksFromEnd = [Bool](repeating: false, count: 54), hasWeekNumbers = false
    private var weekdays = [Bool](repeating: false, count: 7), hasWeekdays = false
    private var ordinals: [RecurrenceRule.WeekdayNum] = []

    // Time: lists that expand, masks that filter (sub-daily frequencies).
    private var timesOfDay: [Int] = []  // seconds of day, DAILY and longer
    private var offsetsInUnit: [Int] = []  // seconds into an hour/minute, HOURLY and MINUTELY
    private var hourMask: [Bool]? = nil, minuteMask: [Bool]? = nil, secondMask: [Bool]? = nil

    private let setPositions: [Int]
    /// libical reading of BYWEEKNO: YEARLY periods are week-numbering years.
    private let usesWeekYears: Bool

    private enum UntilBound {
        case none
        case wall(Int)
        case instant(utc: Int, nearWall: Int)
    }
    private let until: UntilBound

    init(rule: RecurrenceRule, start: LocalDateTime, allDay: Bool, zone: ZoneResolver?, dialect: RecurrenceDialect) {
        self.rule = rule
        self.frequency = rule.frequency
        self.interval = max(1, rule.interval)
        self.start = start
        self.startWall = start.secondsSinceEpoch
        self.allDay = allDay
        self.dialect = dialect
        self.zone = zone
        self.weekStart = rule.weekStart.rawValue

        // Parts the rule leaves out come from DTSTART (RFC 5545 §3.3.10; dateutil's defaults).
        var byMonth = rule.byMonth, byMonthDay = rule.byMonthDay, byDay = rule.byDay
        if rule.byWeekNo.isEmpty && rule.byYearDay.isEmpty && byMonthDay.isEmpty && byDay.isEmpty {
            switch frequency {
            case .yearly:
                if byMonth.isEmpty { byMonth = [start.month] }
                byMonthDay = [start.day]
            case .monthly: byMonthDay = [start.day]
            case .weekly: byDay = [.init(start.weekday)]
            default: break
            }
        }
        if dialect == .libical && frequency == .yearly {
            if !byMonthDay.isEmpty && byMonth.isEmpty && rule.byWeekNo.isEmpty && rule.byYearDay.isEmpty {
                byMonth = [start.month]
            }
            if !rule.byWeekNo.isEmpty && byDay.isEmpty && byMonthDay.isEmpty && rule.byYearDay.isEmpty {
                byDay = [.init(start.weekday)]
            }
        }
        usesWeekYears = dialect == .libical && frequency == .yearly && !rule.byWeekNo.isEmpty
            && byMonthDay.isEmpty && rule.byYearDay.isEmpty

        for m in byMonth where (1...12).contains(m) { months[m] = true; hasMonths = true }
        for d in byMonthDay where (1...31).contains(abs(d)) {
            if d > 0 { monthDaysFromStart[d] = true } else { monthDaysFromEnd[-d] = true }
            hasMonthDays = true
        }
        for d in rule.byYearDay where (1...366).contains(abs(d)) {
            if d > 0 { yearDaysFromStart[d] = true } else { yearDaysFromEnd[-d] = true }
            hasYearDays = true
        }
        for w in rule.byWeekNo where (1...53).contains(abs(w)) {
            if w > 0 { weeksFromStart[w] = true } else { weeksFromEnd[-w] = true }
            hasWeekNumbers = true
        }
        let ordinalsApply = frequency == .monthly || frequency == .yearly
        for day in byDay {
            if day.ordinal != 0 && ordinalsApply {
                ordinals.append(day)
            } else {
                weekdays[day.weekday.rawValue] = true
                hasWeekdays = true
            }
        }

        // Time parts: BYxxx finer than FREQ expands; equal or coarser filters; missing ones come from DTSTART.
        let hours = allDay ? [0] : (rule.byHour.isEmpty ? [start.hour] : rule.byHour)
        let minutes = allDay ? [0] : (rule.byMinute.isEmpty ? [start.minute] : rule.byMinute)
        let seconds = allDay ? [0] : (rule.bySecond.isEmpty ? [start.second] : rule.bySecond)
        func mask(_ values: [Int], _ size: Int) -> [Bool]? {
            guard !allDay, !values.isEmpty else { return nil }
            var m = [Bool](repeating: false, count: size)
            for v in values where (0..<size).contains(v) { m[v] = true }
            return m
        }
        switch frequency {
        case .hourly:
            hourMask = mask(rule.byHour, 24)
            offsetsInUnit = Set(minutes.flatMap { m in seconds.map { m * 60 + $0 } }).sorted()
        case .minutely:
            hourMask = mask(rule.byHour, 24)
            minuteMask = mask(rule.byMinute, 60)
            offsetsInUnit = Set(seconds).sorted()
        case .secondly:
            hourMask = mask(rule.byHour, 24)
            minuteMask = mask(rule.byMinute, 60)
            secondMask = mask(rule.bySecond, 60)
            offsetsInUnit = [0]
        default:
            timesOfDay = Set(hours.flatMap { h in minutes.flatMap { m in seconds.map { h * 3600 + m * 60 + $0 } } }).sorted()
        }
        setPositions = rule.bySetPos

        switch rule.until {
        case nil:
            until = .none
        case .utc(let t)? where zone != nil:
            let instant = Date(timeIntervalSince1970: Double(t.secondsSinceEpoch))
            until = .instant(utc: t.secondsSinceEpoch, nearWall: zone!.local(for: instant).secondsSinceEpoch)
        case let bound?:  // date, local, or UTC for a floating start (read as UTC)
            until = .wall(RecurrenceRule.localBound(of: bound, zone: zone).secondsSinceEpoch)
        }
    }

    // MARK: Running

    private var results: [LocalDateTime] = []
    private var produced = 0
    private var lastAllDayWall = Int.min
    private var fromWall = Int.min, endWall = Int.max, limit = Int.max

    mutating func run(from: LocalDateTime?, through windowEnd: LocalDateTime, limit: Int) -> [LocalDateTime] {
        self.fromWall = max(startWall, from?.secondsSinceEpoch ?? startWall)
        self.endWall = windowEnd.secondsSinceEpoch
        self.limit = limit
        guard endWall >= fromWall else { return [] }
        if frequency >= .daily { runByDays() } else { runByUnits() }
        return results
    }

    /// Offers one candidate; false once the series is over (COUNT, UNTIL, window or limit reached).
    private mutating func emit(_ candidate: Int) -> Bool {
        var wall = candidate
        if allDay {
            wall = LocalDateTime.floorDiv(wall, 86_400) * 86_400
            if wall == lastAllDayWall { return true }
        }
        if wall < startWall { return true }
        if isPastUntil(wall) || wall > endWall { return false }
        if allDay { lastAllDayWall = wall }
        produced += 1
        if wall >= fromWall { results.append(LocalDateTime(secondsSinceEpoch: wall)) }
        if let count = rule.count, produced >= count { return false }
        return results.count < limit
    }

    private func isPastUntil(_ wall: Int) -> Bool {
        switch until {
        case .none: return false
        case .wall(let bound): return wall > bound
        case .instant(let utc, let nearWall):
            // Only times within two days of the bound can be on the other side once offsets apply.
            if wall < nearWall - 172_800 { return false }
            if wall > nearWall + 172_800 { return true }
            let instant = (zone ?? .utc).instant(for: LocalDateTime(secondsSinceEpoch: wall))
            return Int(instant.timeIntervalSince1970) > utc
        }
    }

    /// Applies BYSETPOS to a period's sorted candidates and emits them; false once the series is over.
    /// `selected` tells whether BYSETPOS left anything, for the never-produces check.
    private mutating func emitPeriod(_ candidates: [Int], selected: inout Bool) -> Bool {
        if setPositions.isEmpty {
            selected = !candidates.isEmpty
            for c in candidates where !emit(c) { return false }
            return true
        }
        let n = candidates.count
        var chosen: [Int] = []
        for p in setPositions {
            let index = p > 0 ? p - 1 : n + p
            if index >= 0 && index < n && !chosen.contains(index) { chosen.append(index) }
        }
        selected = !chosen.isEmpty
        for index in chosen.sorted() where !emit(candidates[index]) { return false }
        return true
    }

    /// How long a rule may go without a hit before it is declared never-producing: every pattern
    /// repeats after lcm(400 Gregorian years, INTERVAL periods), so a longer drought means never.
    private var droughtLimitDays: Int {
        let periodsIn400Years: Int = switch frequency {
        case .yearly: 400
        case .monthly: 4800
        case .weekly: 20_871
        case .daily: 146_097
        case .hourly: 146_097 * 24
        case .minutely: 146_097 * 1440
        case .secondly: 146_097 * 86_400
        }
        var a = periodsIn400Years, b = interval
        while b != 0 { (a, b) = (b, a % b) }
        return 146_097 * (interval / a)
    }

    // MARK: DAILY, WEEKLY, MONTHLY, YEARLY

    /// 9999-12-31, dateutil's MAXYEAR: nothing is expanded past it.
    static let lastSupportedDay = LocalDateTime.dayNumber(year: 9999, month: 12, day: 31)

    private mutating func runByDays() {
        let startDay = start.dayNumber
        let firstPeriodYear = usesWeekYears ? firstWeekYear() : start.year
        let endDay = LocalDateTime.floorDiv(endWall, 86_400)
        var k = 0
        if rule.count == nil && fromWall > startWall {  // skip whole periods before `from`
            let from = LocalDateTime(secondsSinceEpoch: fromWall)
            let steps: Int = switch frequency {
            case .yearly: from.year - 1 - firstPeriodYear
            case .monthly: (from.year * 12 + from.month) - (start.year * 12 + start.month)
            case .weekly: (weekStartDay(of: from.dayNumber) - weekStartDay(of: startDay)) / 7
            default: from.dayNumber - startDay
            }
            k = max(0, LocalDateTime.floorDiv(steps, interval))
        }
        var candidates: [Int] = []
        var lastHitDay: Int? = nil
        while true {
            let (first, last) = dayRange(ofPeriod: k, firstPeriodYear: firstPeriodYear, startDay: startDay)
            if first > endDay || first > Self.lastSupportedDay { return }
            if first - (lastHitDay ?? first) > droughtLimitDays { return }
            if lastHitDay == nil { lastHitDay = first }
            collectCandidates(first: first, last: last, into: &candidates)
            var selected = false
            if !emitPeriod(candidates, selected: &selected) { return }
            if selected { lastHitDay = first }
            k += 1
        }
    }

    /// The first and last day of period `k` (counted in INTERVAL steps from DTSTART's period).
    private func dayRange(ofPeriod k: Int, firstPeriodYear: Int, startDay: Int) -> (Int, Int) {
        switch frequency {
        case .yearly:
            let year = firstPeriodYear + k * interval
            if usesWeekYears { return (week1Start(year), week1Start(year + 1) - 1) }
            return (LocalDateTime.dayNumber(year: year, month: 1, day: 1), LocalDateTime.dayNumber(year: year, month: 12, day: 31))
        case .monthly:
            let index = start.year * 12 + (start.month - 1) + k * interval
            let year = LocalDateTime.floorDiv(index, 12), month = index - year * 12 + 1
            let first = LocalDateTime.dayNumber(year: year, month: month, day: 1)
            return (first, first + LocalDateTime.daysInMonth(year: year, month: month) - 1)
        case .weekly:
            let first = weekStartDay(of: startDay) + 7 * k * interval
            // dateutil builds DTSTART's week from DTSTART onwards, which BYSETPOS can see.
            if k == 0 && dialect == .dateutil { return (startDay, first + 6) }
            return (first, first + 6)
        default:
            let day = startDay + k * interval
            return (day, day)
        }
    }

    /// Fills `candidates` with the period's matching days × times, ascending.
    private func collectCandidates(first: Int, last: Int, into candidates: inout [Int]) {
        candidates.removeAll(keepingCapacity: true)
        let ordinalDays = ordinals.isEmpty ? [] : ordinalHits(first: first, last: last)
        var day = first
        var (year, month, dayOfMonth) = LocalDateTime.civil(fromDayNumber: first)
        while day <= last {
            if matches(day: day, year: year, month: month, dayOfMonth: dayOfMonth, ordinalDays: ordinalDays) {
                for t in timesOfDay { candidates.append(day * 86_400 + t) }
            }
            day += 1
            dayOfMonth += 1
            if dayOfMonth > LocalDateTime.daysInMonth(year: year, month: month) {
                dayOfMonth = 1
                month += 1
                if month > 12 { month = 1; year += 1 }
            }
        }
    }

    /// Whether a day passes BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY and BYDAY (RFC 5545's order).
    private func matches(day: Int, year: Int, month: Int, dayOfMonth: Int, ordinalDays: Set<Int>) -> Bool {
        if hasMonths && !months[month] { return false }
        if hasWeekNumbers && !matchesWeekNumber(day: day, year: year) { return false }
        if hasYearDays {
            let dayOfYear = day - LocalDateTime.dayNumber(year: year, month: 1, day: 1) + 1
            let fromEnd = LocalDateTime.daysInYear(year) - dayOfYear + 1
            if !yearDaysFromStart[dayOfYear] && !yearDaysFromEnd[fromEnd] { return false }
        }
        if hasMonthDays {
            let fromEnd = LocalDateTime.daysInMonth(year: year, month: month) - dayOfMonth + 1
            if !monthDaysFromStart[dayOfMonth] && !monthDaysFromEnd[fromEnd] { return false }
        }
        if hasWeekdays || !ordinals.isEmpty {
            // Plain and numbered weekdays are a union (BYDAY=MO,1FR: Mondays and the first Friday).
            let plain = hasWeekdays && weekdays[LocalDateTime.weekday(ofDayNumber: day).rawValue]
            if !plain && !ordinalDays.contains(day) { return false }
        }
        return true
    }

    /// Days picked by numbered BYDAY (`2MO`, `-1FR`) within each month (MONTHLY, or YEARLY with
    /// BYMONTH) or each year overlapping the period.
    private func ordinalHits(first: Int, last: Int) -> Set<Int> {
        var ranges: [(Int, Int)] = []
        let firstYear = LocalDateTime.civil(fromDayNumber: first).year
        let lastYear = LocalDateTime.civil(fromDayNumber: last).year
        if frequency == .monthly {
            ranges = [(first, last)]
        } else {
            for year in firstYear...lastYear {
                if hasMonths {
                    for month in 1...12 where months[month] {
                        let a = LocalDateTime.dayNumber(year: year, month: month, day: 1)
                        ranges.append((a, a + LocalDateTime.daysInMonth(year: year, month: month) - 1))
                    }
                } else {
                    ranges.append((LocalDateTime.dayNumber(year: year, month: 1, day: 1),
                                   LocalDateTime.dayNumber(year: year, month: 12, day: 31)))
                }
            }
        }
        var hits = Set<Int>()
        for (a, b) in ranges {
            for day in ordinals {
                let wd = day.weekday.rawValue
                let hit: Int
                if day.ordinal > 0 {
                    hit = a + LocalDateTime.floorMod(wd - LocalDateTime.weekday(ofDayNumber: a).rawValue, 7) + 7 * (day.ordinal - 1)
                } else {
                    hit = b - LocalDateTime.floorMod(LocalDateTime.weekday(ofDayNumber: b).rawValue - wd, 7) + 7 * (day.ordinal + 1)
                }
                if hit >= a && hit <= b { hits.insert(hit) }
            }
        }
        return hits
    }

    // MARK: Week numbers (WKST-based, ISO 8601 when WKST=MO)

    /// The first day of the week (per WKST) containing `day`.
    private func weekStartDay(of day: Int) -> Int {
        day - LocalDateTime.floorMod(LocalDateTime.weekday(ofDayNumber: day).rawValue - weekStart, 7)
    }

    /// Week 1 is the first week with at least four days in the year (RFC 5545 BYWEEKNO).
    private func week1Start(_ year: Int) -> Int {
        let jan1 = LocalDateTime.dayNumber(year: year, month: 1, day: 1)
        let sinceWeekStart = LocalDateTime.floorMod(LocalDateTime.weekday(ofDayNumber: jan1).rawValue - weekStart, 7)
        return sinceWeekStart <= 3 ? jan1 - sinceWeekStart : jan1 + 7 - sinceWeekStart
    }

    /// The week-numbering year a day belongs to (Dec 30 may be in next year's week 1).
    private func weekYear(of day: Int, calendarYear year: Int) -> Int {
        if day >= week1Start(year + 1) { return year + 1 }
        if day < week1Start(year) { return year - 1 }
        return year
    }

    private func matchesWeekNumber(day: Int, year: Int) -> Bool {
        let weekYear = weekYear(of: day, calendarYear: year)
        let week1 = week1Start(weekYear)
        let week = (day - week1) / 7 + 1
        let weeksInYear = (week1Start(weekYear + 1) - week1) / 7
        return weeksFromStart[week] || weeksFromEnd[weeksInYear - week + 1]
    }

    /// libical starts counting BYWEEKNO years at DTSTART's week-numbering year when DTSTART is itself an
    /// occurrence there (20100102 is in week 53 of 2009), else at its calendar year.
    private func firstWeekYear() -> Int {
        let weekYear = weekYear(of: start.dayNumber, calendarYear: start.year)
        guard weekYear != start.year else { return start.year }
        var candidates: [Int] = []
        collectCandidates(first: week1Start(weekYear), last: week1Start(weekYear + 1) - 1, into: &candidates)
        let picked = setPositions.isEmpty ? candidates : candidates.indices.filter { i in
            setPositions.contains { $0 > 0 ? $0 - 1 == i : candidates.count + $0 == i }
        }.map { candidates[$0] }
        return picked.contains(startWall) ? weekYear : start.year
    }

    // MARK: HOURLY, MINUTELY, SECONDLY

    /// Whether stepping INTERVAL units from DTSTART can ever land on an allowed time of day:
    /// the steps only reach times ≡ DTSTART modulo gcd(INTERVAL, units per day).
    /// (dateutil raises "Invalid combination of interval and byhour…" for the same rules.)
    private func timeOfDayIsReachable(unit: Int) -> Bool {
        let unitsPerDay = 86_400 / unit
        var a = unitsPerDay, b = interval
        while b != 0 { (a, b) = (b, a % b) }
        let residue = LocalDateTime.floorMod(LocalDateTime.floorDiv(startWall, unit), a)
        for u in stride(from: residue, to: unitsPerDay, by: a) {
            let secondOfDay = u * unit
            if let hourMask, !hourMask[secondOfDay / 3600] { continue }
            if unit <= 60, let minuteMask, !minuteMask[secondOfDay / 60 % 60] { continue }
            if unit == 1, let secondMask, !secondMask[secondOfDay % 60] { continue }
            return true
        }
        return false
    }

    private mutating func runByUnits() {
        let unit = frequency == .hourly ? 3600 : frequency == .minutely ? 60 : 1
        guard timeOfDayIsReachable(unit: unit) else { return }
        let startUnit = LocalDateTime.floorDiv(startWall, unit)
        var k = 0
        if rule.count == nil && fromWall > startWall {
            k = max(0, LocalDateTime.floorDiv(LocalDateTime.floorDiv(fromWall, unit) - startUnit, interval))
        }
        /// The first step at or after wall time `wall`, for skipping a day/hour/minute that cannot match.
        func step(atOrAfter wall: Int) -> Int {
            let units = LocalDateTime.floorDiv(wall + unit - 1, unit) - startUnit
            return LocalDateTime.floorDiv(units + interval - 1, interval)
        }
        var candidates: [Int] = []
        var lastHitDay: Int? = nil
        var checkedDay = Int.min, checkedDayMatches = false
        while true {
            let wall = (startUnit + k * interval) * unit
            if wall > endWall { return }
            let day = LocalDateTime.floorDiv(wall, 86_400)
            if day - (lastHitDay ?? day) > droughtLimitDays { return }
            if lastHitDay == nil { lastHitDay = day }
            if day != checkedDay {
                if day > Self.lastSupportedDay { return }
                let (year, month, dayOfMonth) = LocalDateTime.civil(fromDayNumber: day)
                checkedDay = day
                checkedDayMatches = matches(day: day, year: year, month: month, dayOfMonth: dayOfMonth, ordinalDays: [])
            }
            if !checkedDayMatches { k = step(atOrAfter: (day + 1) * 86_400); continue }
            let secondOfDay = wall - day * 86_400
            if let hourMask, !hourMask[secondOfDay / 3600] {
                k = unit < 3600 ? step(atOrAfter: day * 86_400 + (secondOfDay / 3600 + 1) * 3600) : k + 1
                continue
            }
            if let minuteMask, !minuteMask[secondOfDay / 60 % 60] {
                k = unit < 60 ? step(atOrAfter: wall - secondOfDay % 60 + 60) : k + 1
                continue
            }
            if unit == 1, let secondMask, !secondMask[secondOfDay % 60] { k += 1; continue }
            candidates.removeAll(keepingCapacity: true)
            for offset in offsetsInUnit { candidates.append(wall + offset) }
            var selected = false
            if !emitPeriod(candidates, selected: &selected) { return }
            if selected { lastHitDay = day }
            k += 1
        }
    }
}
