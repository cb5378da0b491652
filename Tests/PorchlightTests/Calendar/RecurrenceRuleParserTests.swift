import Testing
@testable import Porchlight

@Suite("RecurrenceRule.parse and rruleText")
struct RecurrenceRuleParserTests {
    @Test("reads every part")
    func readsParts() throws {
        let rule = try RecurrenceRule.parse(
            "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=11;BYWEEKNO=20,-1;BYYEARDAY=1,-1;BYMONTHDAY=2,-3;"
                + "BYDAY=TU,SU;BYHOUR=9,14;BYMINUTE=0,30;BYSECOND=0;BYSETPOS=1,-1;WKST=SU")
        #expect(rule.frequency == .yearly)
        #expect(rule.interval == 2)
        #expect(rule.count == 10)
        #expect(rule.byMonth == [11])
        #expect(rule.byWeekNo == [-1, 20])
        #expect(rule.byYearDay == [-1, 1])
        #expect(rule.byMonthDay == [-3, 2])
        #expect(rule.byDay == [.init(.tuesday), .init(.sunday)])
        #expect(rule.byHour == [9, 14])
        #expect(rule.byMinute == [0, 30])
        #expect(rule.bySecond == [0])
        #expect(rule.bySetPos == [-1, 1])
        #expect(rule.weekStart == .sunday)
    }

    @Test("BYDAY ordinals", arguments: [
        ("1SA", RecurrenceRule.WeekdayNum(.saturday, ordinal: 1)),
        ("-1FR", .init(.friday, ordinal: -1)),
        ("+2MO", .init(.monday, ordinal: 2)),
        ("2 TH", .init(.thursday, ordinal: 2)),
        ("su", .init(.sunday)),
    ])
    func ordinals(text: String, expected: RecurrenceRule.WeekdayNum) throws {
        #expect(try RecurrenceRule.parse("FREQ=MONTHLY;BYDAY=" + text).byDay == [expected])
    }

    @Test("UNTIL forms")
    func untilForms() throws {
        #expect(try RecurrenceRule.parse("FREQ=DAILY;UNTIL=20270630").until == .date(LocalDateTime(year: 2027, month: 6, day: 30)))
        #expect(try RecurrenceRule.parse("FREQ=DAILY;UNTIL=20270630T170000").until
                == .local(LocalDateTime(year: 2027, month: 6, day: 30, hour: 17)))
        #expect(try RecurrenceRule.parse("FREQ=DAILY;UNTIL=20270630T220000Z").until
                == .utc(LocalDateTime(year: 2027, month: 6, day: 30, hour: 22)))
    }

    @Test("writes back canonically", arguments: [
        ("FREQ=MONTHLY;BYDAY=1SA;UNTIL=20270630", "FREQ=MONTHLY;UNTIL=20270630;BYDAY=1SA"),
        ("rrule:freq=weekly; byday=FR,MO ;wkst=mo;", "FREQ=WEEKLY;BYDAY=MO,FR"),
        ("FREQ=SECONDLY;BYSECOND=5,4,4;COUNT=5", "FREQ=SECONDLY;COUNT=5;BYSECOND=4,5"),
        ("WKST=SU;BYDAY=TU,TH;COUNT=10;FREQ=WEEKLY;INTERVAL=1", "FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH;WKST=SU"),
        ("FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
         "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=MO,TU,WE,TH,FR,SA,SU"),
        ("FREQ=MONTHLY;BYDAY=-1FR,+2MO;BYSETPOS=-1", "FREQ=MONTHLY;BYDAY=2MO,-1FR;BYSETPOS=-1"),
    ])
    func canonical(input: String, output: String) throws {
        let rule = try RecurrenceRule.parse(input)
        #expect(rule.rruleText == output)
        #expect(try RecurrenceRule.parse(rule.rruleText) == rule)
    }

    @Test("UNTIL as an .ics file needs it next to DTSTART")
    func untilForICS() throws {
        let rule = try RecurrenceRule.parse("FREQ=MONTHLY;BYDAY=1SA;UNTIL=20270630")
        let start = LocalDateTime(year: 2026, month: 12, day: 5, hour: 9)
        let chicago = try #require(ZoneResolver(identifier: "America/Chicago"))
        // June 30 23:59:59 CDT is July 1 04:59:59 UTC.
        #expect(rule.rruleText(start: start, allDay: false, zone: chicago) == "FREQ=MONTHLY;UNTIL=20270701T045959Z;BYDAY=1SA")
        #expect(rule.rruleText(start: start, allDay: false, zone: nil) == "FREQ=MONTHLY;UNTIL=20270630T235959;BYDAY=1SA")
        #expect(rule.rruleText(start: start.startOfDay, allDay: true, zone: chicago) == "FREQ=MONTHLY;UNTIL=20270630;BYDAY=1SA")
        let utc = try RecurrenceRule.parse("FREQ=DAILY;UNTIL=20270101T050000Z")
        #expect(utc.rruleText(start: start, allDay: false, zone: chicago) == "FREQ=DAILY;UNTIL=20270101T050000Z")
        #expect(utc.rruleText(start: start.startOfDay, allDay: true, zone: chicago) == "FREQ=DAILY;UNTIL=20261231")
    }

    /// Each bad rule, the error kind, the part, the offset of the bad piece and the full message.
    @Test("errors say what is wrong, where, and what to do", arguments: [
        ("FREQ=WEEKLY;BYDAY=MO,FX", RecurrenceRuleError.Kind.invalidValue, "BYDAY", 21,
         "unknown weekday \"FX\" in BYDAY — use MO, TU, WE, TH, FR, SA or SU"),
        ("FREQ=WEEKLY;BYDAY=FRIDAY", .invalidValue, "BYDAY", 18, "unknown weekday \"FRIDAY\" in BYDAY — write FR"),
        ("FREQ=DAILY;COUNT=5;UNTIL=20270101", .conflict, "UNTIL", 19, "COUNT and UNTIL cannot both be given — keep one"),
        ("FREQ=DAILY;UNTIL=20270101;COUNT=5", .conflict, "COUNT", 26, "COUNT and UNTIL cannot both be given — keep one"),
        ("FREQ=DAILY;BYMOTH=1", .unknownPart, "BYMOTH", 11, "unknown part \"BYMOTH\" — did you mean BYMONTH?"),
        ("FREQ=DAILY;COLOR=red", .unknownPart, "COLOR", 11,
         "unknown part \"COLOR\" — use one of FREQ, INTERVAL, COUNT, UNTIL, BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSECOND, BYSETPOS or WKST"),
        ("FREQ=DAILY;RSCALE=HEBREW", .unsupportedPart, "RSCALE", 11,
         "RSCALE (RFC 7529 non-Gregorian calendars) is not supported — remove it; dates are Gregorian"),
        ("BYDAY=MO", .missingFrequency, "FREQ", 0, "FREQ is missing — start the rule with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=FORTNIGHTLY", .invalidValue, "FREQ", 5,
         "unknown frequency \"FORTNIGHTLY\" in FREQ — use DAILY, WEEKLY, MONTHLY or YEARLY (or HOURLY, MINUTELY, SECONDLY)"),
        ("FREQ=DAILY;FREQ=WEEKLY", .duplicatePart, "FREQ", 11, "FREQ is given twice — keep one"),
        ("FREQ", .malformedPart, nil, 0,
         "\"FREQ\" is not NAME=VALUE — write parts as NAME=VALUE separated by semicolons, e.g. FREQ=WEEKLY;BYDAY=SA"),
        ("", .empty, nil, 0, "the rule is empty — write e.g. FREQ=WEEKLY;BYDAY=SA"),
        ("FREQ=DAILY;COUNT=", .invalidValue, "COUNT", 17, "COUNT has no value — write a number after COUNT="),
        ("FREQ=MONTHLY;BYMONTHDAY=1,32", .outOfRange, "BYMONTHDAY", 26,
         "BYMONTHDAY value 32 is out of range — use 1 to 31, or -1 to -31 to count back from the end of the month"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", .outOfRange, "BYMONTHDAY", 24,
         "BYMONTHDAY cannot be 0 — use 1 to 31, or -1 to -31 to count back from the end of the month"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,,2", .invalidValue, "BYMONTHDAY", 26, "empty value in BYMONTHDAY — remove the extra comma"),
        ("FREQ=DAILY;BYHOUR=nine", .invalidValue, "BYHOUR", 18, "BYHOUR value \"nine\" is not a whole number — use 0 to 23"),
        ("RRULE:FREQ=DAILY;BYHOUR=24", .outOfRange, "BYHOUR", 24, "BYHOUR value 24 is out of range — use 0 to 23"),
        ("FREQ=DAILY;BYSECOND=60", .outOfRange, "BYSECOND", 20, "BYSECOND value 60 is out of range — use 0 to 59"),
        ("FREQ=DAILY;INTERVAL=0", .outOfRange, "INTERVAL", 20,
         "INTERVAL value 0 is out of range — a whole number of 1 or more, e.g. INTERVAL=2 for every other one"),
        ("FREQ=DAILY;COUNT=x", .invalidValue, "COUNT", 17,
         "COUNT value \"x\" is not a whole number — a whole number of 1 or more, e.g. COUNT=10"),
        ("FREQ=DAILY;UNTIL=2027-06-30", .invalidValue, "UNTIL", 17,
         "\"2027-06-30\" is not a valid UNTIL date — write a date as 20270630, or a date-time as 20270630T170000 (add Z for UTC)"),
        ("FREQ=DAILY;UNTIL=20270230", .invalidValue, "UNTIL", 17,
         "\"20270230\" is not a valid UNTIL date — write a date as 20270630, or a date-time as 20270630T170000 (add Z for UTC)"),
        ("FREQ=DAILY;WKST=XX", .invalidValue, "WKST", 16, "unknown weekday \"XX\" in WKST — use MO, TU, WE, TH, FR, SA or SU"),
        ("FREQ=WEEKLY;BYDAY=2MO", .conflict, "BYDAY", 18,
         "\"2MO\" in BYDAY needs FREQ=MONTHLY or FREQ=YEARLY, not FREQ=WEEKLY — remove the number (MO means every Monday), or use FREQ=MONTHLY"),
        ("FREQ=MONTHLY;BYDAY=6MO", .conflict, "BYDAY", 19,
         "a month has at most 5 of each weekday, so \"6MO\" never happens — use 1 to 5, or -1 for the last one"),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO", .conflict, "BYDAY", 30,
         "\"1MO\" in BYDAY cannot have a number together with BYWEEKNO — remove the number: MO"),
        ("FREQ=MONTHLY;BYDAY=0MO", .outOfRange, "BYDAY", 19,
         "\"0MO\" in BYDAY has a bad number — use 1 to 53 or -1 to -53 before the weekday, e.g. 1SA or -1FR"),
        ("FREQ=MONTHLY;BYWEEKNO=3", .conflict, "BYWEEKNO", 13,
         "BYWEEKNO only works with FREQ=YEARLY, not FREQ=MONTHLY — use FREQ=YEARLY, or remove BYWEEKNO"),
        ("FREQ=MONTHLY;BYYEARDAY=3", .conflict, "BYYEARDAY", 13,
         "BYYEARDAY cannot be used with FREQ=MONTHLY — use FREQ=YEARLY, or BYMONTHDAY for days of the month"),
        ("FREQ=WEEKLY;BYMONTHDAY=3", .conflict, "BYMONTHDAY", 12,
         "BYMONTHDAY cannot be used with FREQ=WEEKLY — use FREQ=MONTHLY, or BYDAY for days of the week"),
        ("FREQ=DAILY;BYSETPOS=1", .conflict, "BYSETPOS", 11,
         "BYSETPOS needs another BY… part to pick from — add one, e.g. BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1 for the last weekday"),
    ] as [(String, RecurrenceRuleError.Kind, String?, Int, String)])
    func errors(text: String, kind: RecurrenceRuleError.Kind, part: String?, offset: Int, message: String) {
        #expect {
            try RecurrenceRule.parse(text)
        } throws: { error in
            guard let error = error as? RecurrenceRuleError else { return false }
            #expect(error.kind == kind)
            #expect(error.part == part)
            #expect(error.offset == offset)
            #expect(error.description == message)
            return true
        }
    }

    @Test("typed throws reach the caller without casting")
    func typedThrows() {
        do {
            _ = try RecurrenceRule.parse("FREQ=WEEKLY;BYDAY=FX")
            Issue.record("should have thrown")
        } catch {
            #expect(error.message == "unknown weekday \"FX\" in BYDAY")  // `error` is RecurrenceRuleError
            #expect(error.fix == "use MO, TU, WE, TH, FR, SA or SU")
            #expect(error.length == 2)
        }
    }
}
