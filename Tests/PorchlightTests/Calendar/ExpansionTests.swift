import Foundation
import Testing
@testable import Porchlight

@Suite("expansion behaviour")
struct ExpansionTests {
    func t(_ text: String) -> LocalDateTime { LocalDateTime.parseICS(text)!.value }
    let farEnd = LocalDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59)

    func expand(_ rule: String, _ start: String, from: String? = nil, through: String = "21000101T000000",
                limit: Int = .max, dialect: RecurrenceDialect = .dateutil) throws -> [String] {
        let parsed = LocalDateTime.parseICS(start)!
        return occurrences(of: try RecurrenceRule.parse(rule), start: parsed.value, allDay: parsed.isDate,
                           from: from.map(t), through: t(through), limit: limit, dialect: dialect)
            .map { $0.icsText(dateOnly: parsed.isDate) }
    }

    @Test("rules that can never happen stop quickly instead of looping", arguments: [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=3",
        "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6,9,11",
        "FREQ=DAILY;BYSETPOS=2;BYHOUR=9",
        "FREQ=WEEKLY;INTERVAL=2;BYMONTH=2;BYDAY=MO;BYSETPOS=5",
        "FREQ=HOURLY;INTERVAL=24;BYHOUR=5",
        "FREQ=MINUTELY;INTERVAL=60;BYMINUTE=30",
    ])
    func neverProduces(rule: String) throws {
        let clock = ContinuousClock()
        var result: [LocalDateTime] = []
        let elapsed = try clock.measure {
            result = occurrences(of: try RecurrenceRule.parse(rule), start: t("20260101T090000"), through: farEnd)
        }
        #expect(result.isEmpty)
        #expect(elapsed < .seconds(10), "took \(elapsed)")
    }

    @Test("DTSTART is an occurrence only when it matches, and only matches count")
    func startMustMatch() throws {
        // 2026-01-01 is a Thursday.
        #expect(try expand("FREQ=WEEKLY;BYDAY=SA;COUNT=2", "20260101T100000") == ["20260103T100000", "20260110T100000"])
        #expect(try expand("FREQ=MONTHLY;BYDAY=1SA;COUNT=2", "20260101T100000") == ["20260103T100000", "20260207T100000"])
    }

    @Test("invalid dates are skipped, not moved")
    func invalidDatesSkipped() throws {
        #expect(try expand("FREQ=MONTHLY;COUNT=4", "20260131T090000")
                == ["20260131T090000", "20260331T090000", "20260531T090000", "20260731T090000"])
        #expect(try expand("FREQ=YEARLY;COUNT=2", "20240229") == ["20240229", "20280229"])
        #expect(try expand("FREQ=MONTHLY;BYMONTHDAY=30;COUNT=3", "20260130T090000")
                == ["20260130T090000", "20260330T090000", "20260430T090000"])
    }

    @Test("the window: from, through and limit")
    func window() throws {
        let weekly = "FREQ=WEEKLY;BYDAY=TU,TH"
        #expect(try expand(weekly, "20260106T180000", from: "20260115T000000", through: "20260122T180000")
                == ["20260115T180000", "20260120T180000", "20260122T180000"])
        #expect(try expand(weekly, "20260106T180000", from: "20260115T180000", through: "20260120T175959")
                == ["20260115T180000"])
        #expect(try expand(weekly, "20260106T180000", limit: 3) == ["20260106T180000", "20260108T180000", "20260113T180000"])
        #expect(try expand(weekly, "20260106T180000", through: "20260101T000000").isEmpty)
    }

    @Test("COUNT is counted from DTSTART even when the window starts later")
    func countFromStart() throws {
        #expect(try expand("FREQ=DAILY;COUNT=5", "20260101T090000", from: "20260104T000000")
                == ["20260104T090000", "20260105T090000"])
        #expect(try expand("FREQ=DAILY;INTERVAL=3", "20260101T090000", from: "20260601T000000", through: "20260610T000000")
                == ["20260603T090000", "20260606T090000", "20260609T090000"])
    }

    @Test("skipping to `from` gives the same as expanding from DTSTART", arguments: [
        "FREQ=YEARLY;INTERVAL=3;BYMONTH=2;BYDAY=-1MO",
        "FREQ=MONTHLY;INTERVAL=5;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,SA;WKST=SU",
        "FREQ=DAILY;INTERVAL=7;BYMONTHDAY=1,2,3,4,5,6,7",
        "FREQ=HOURLY;INTERVAL=7;BYHOUR=9,10,11",
        "FREQ=YEARLY;BYWEEKNO=1,53;BYDAY=MO",
    ])
    func skipMatchesFullExpansion(rule: String) throws {
        for dialect in [RecurrenceDialect.dateutil, .libical] {
            let all = try expand(rule, "20251231T100000", through: "20350101T000000", dialect: dialect)
            let later = try expand(rule, "20251231T100000", from: "20300615T000000", through: "20350101T000000", dialect: dialect)
            #expect(later == all.filter { $0 >= "20300615T000000" })
        }
    }

    @Test("all-day starts ignore BYHOUR/BYMINUTE/BYSECOND")
    func allDay() throws {
        #expect(try expand("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9;COUNT=3", "20261031") == ["20261031", "20261101", "20261107"])
    }

    @Test("plain and numbered BYDAY together are a union (dateutil returns nothing here)")
    func mixedByDay() throws {
        #expect(try expand("FREQ=MONTHLY;BYDAY=MO,1FR;COUNT=4", "20260101T090000")
                == ["20260102T090000", "20260105T090000", "20260112T090000", "20260119T090000"])
    }

    @Test("series from PRODUCT.md")
    func productExamples() throws {
        // National Night Out: first Tuesday in August; Coffee with a Cop: first Saturday monthly until June 30.
        #expect(try expand("FREQ=YEARLY;BYMONTH=8;BYDAY=1TU;COUNT=3", "20260804T170000")
                == ["20260804T170000", "20270803T170000", "20280801T170000"])
        #expect(try expand("FREQ=MONTHLY;BYDAY=1SA;UNTIL=20270630", "20261205T090000")
                == ["20261205T090000", "20270102T090000", "20270206T090000", "20270306T090000",
                    "20270403T090000", "20270501T090000", "20270605T090000"])
    }
}
