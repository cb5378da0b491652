import Foundation
import Testing
@testable import Porchlight

/// DTSTAMP, LAST-MODIFIED and SEQUENCE: the same bytes on every rebuild, and never lower after an edit.
struct EventRevisionTests {
    /// The organiser's edits to one event file, in the order they were made.
    static let versions = [
        "title: Coffee with a Cop\nstart: 2026-12-05 09:00\nrepeat: FREQ=MONTHLY;BYDAY=1SA\n",
        "title: Coffee with a Cop\nstart: 2026-12-05 09:00\nduration: 90m\nrepeat: FREQ=MONTHLY;BYDAY=1SA\n",
        "title: Coffee with a Cop\nstart: 2026-12-05 09:30\nduration: 90m\nrepeat: FREQ=MONTHLY;BYDAY=1SA\n",
        "title: Coffee with a Cop\nstart: 2026-12-05 09:30\nduration: 90m\nrepeat: FREQ=MONTHLY;BYDAY=1SA\nexcept: [2027-01-02]\n",
        "title: Coffee with a Cop\nstart: 2026-12-05 09:30\nduration: 90m\nrepeat: FREQ=MONTHLY;BYDAY=1SA\nexcept: [2027-01-02]\nstatus: tentative\n",
        "title: Coffee and Conversation\nstart: 2026-12-05 09:30\nduration: 90m\nrepeat: FREQ=MONTHLY;BYDAY=1SA\nexcept: [2027-01-02]\n",
        "title: Coffee and Conversation\nstart: 2026-12-05 09:30\nduration: 2h\nrepeat: FREQ=MONTHLY;BYDAY=1SA\nexcept: [2027-01-02]\nlocation: City Hall\n",
    ]

    func ics(_ event: String) throws -> String {
        let site = try TempSite(["Content/site.yml": minimalSiteYML, "Content/events/coffee.yml": event])
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(describe(report))")
        return try #require(site.read("events/coffee.ics"))
    }

    func values(_ name: String, in ics: String) -> [String] {
        ics.components(separatedBy: "\r\n").filter { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
    }

    @Test func editsNeverMoveTheStampOrSequenceBackwards() throws {
        var previous: (stamp: String, sequence: Int)?
        for (number, version) in Self.versions.enumerated() {
            let text = try ics(version)
            let stamp = try #require(values("DTSTAMP", in: text).first)
            let sequence = try #require(values("SEQUENCE", in: text).first.flatMap { Int($0) })
            if let previous {
                #expect(stamp >= previous.stamp, "edit \(number) moved DTSTAMP back from \(previous.stamp) to \(stamp)")
                #expect(sequence >= previous.sequence, "edit \(number) lowered SEQUENCE")
            }
            previous = (stamp, sequence)
        }
    }

    @Test func anEventThatDoesNotSayWhenItChangedIsAtTheFloor() throws {
        let text = try ics(Self.versions[3])
        #expect(values("DTSTAMP", in: text) == ["20250101T000000Z"])
        #expect(values("SEQUENCE", in: text) == ["0"])
        #expect(values("LAST-MODIFIED", in: text).isEmpty)
        #expect(try ics(Self.versions[3]) == text, "a rebuild gives the same bytes")
    }

    @Test func aStatedChangeMovesStampLastModifiedAndSequenceForward() {
        let dates = [LocalDateTime(year: 2026, month: 11, day: 20), LocalDateTime(year: 2026, month: 11, day: 20, hour: 20, minute: 30),
                     LocalDateTime(year: 2026, month: 11, day: 20, hour: 20, minute: 31), LocalDateTime(year: 2027, month: 3, day: 1)]
        let revisions = dates.map(EventRevision.init(updated:))
        #expect(revisions.map(\.lastModified) == dates)
        #expect(revisions.map(\.stamp) == dates)
        for (a, b) in zip(revisions, revisions.dropFirst()) {
            #expect(a.sequence < b.sequence)
            #expect(a.sequence > EventRevision.unstated.sequence)
        }
        #expect(revisions[2].sequence - revisions[1].sequence == 1, "one minute later is one higher")
        #expect(EventRevision(updated: LocalDateTime(year: 2099, month: 12, day: 31)).sequence < Int(Int32.max))
        // A date before the floor cannot take the stamp below it.
        let old = EventRevision(updated: LocalDateTime(year: 2023, month: 5, day: 1))
        #expect(old.stamp == EventRevision.floor && old.sequence == 0 && old.lastModified == LocalDateTime(year: 2023, month: 5, day: 1))
    }

    @Test func lastModifiedIsWrittenWhenKnown() {
        var event = CalendarEvent(uid: "coffee@example.org", dtstamp: LocalDateTime(year: 2026, month: 11, day: 20, hour: 20, minute: 30),
                                  start: .date(year: 2026, month: 12, day: 5), summary: "Coffee", description: nil, location: nil,
                                  url: nil, status: nil, organizer: nil, rrule: nil)
        event.lastModified = event.dtstamp
        event.sequence = 7
        let text = ICalendar.write(CalendarFile(name: "Test", events: [event]), timeZoneRange: 2026...2026)
        #expect(text.contains("DTSTAMP:20261120T203000Z\r\nLAST-MODIFIED:20261120T203000Z\r\n"))
        #expect(text.contains("SEQUENCE:7\r\n"))
    }
}
