import Foundation

/// When an event property happens; the three RFC 5545 forms a subscriber can resolve without guessing.
enum EventTime: Hashable, Sendable {
    case date(year: Int, month: Int, day: Int)           // all-day: VALUE=DATE
    case local(LocalDateTime, tzid: String)              // DTSTART;TZID=America/Chicago:20261205T090000
    case utc(LocalDateTime)                              // ...Z

    /// The TZID this value refers to, so the writer knows which VTIMEZONEs to emit.
    var tzid: String? {
        if case .local(_, let tzid) = self { return tzid }
        return nil
    }

    var isDate: Bool {
        if case .date = self { return true }
        return false
    }
}

/// One VEVENT: a single event, a recurring series, or (with `recurrenceID`) an override of one occurrence.
struct CalendarEvent: Sendable {
    var uid: String
    var dtstamp: LocalDateTime          // UTC; the caller makes it stable (derived from content, not the clock)
    var lastModified: LocalDateTime? = nil   // UTC; only when the content says when it changed
    var start: EventTime
    var end: EventTime?                 // DTEND (exclusive, as RFC); nil → none
    var summary: String
    var description: String?
    var location: String?
    var geo: (Double, Double)? = nil    // (latitude, longitude)
    var url: String?
    var status: String?                 // CONFIRMED | TENTATIVE | CANCELLED
    var categories: [String] = []
    var organizer: (name: String?, email: String)?   // ORGANIZER;CN=...:mailto:...
    var rrule: String?                  // already-canonical RRULE value, e.g. FREQ=MONTHLY;BYDAY=1SA
    var rdates: [EventTime] = []
    var exdates: [EventTime] = []
    var recurrenceID: EventTime?        // set on an override VEVENT (same uid)
    var sequence: Int = 0
}

/// A whole `.ics` feed: calendar-level names and refresh hints plus its events.
struct CalendarFile: Sendable {
    var productID = "-//Porchlight//Porchlight//EN"
    var name: String                    // X-WR-CALNAME and NAME (RFC 7986)
    var description: String?            // X-WR-CALDESC and DESCRIPTION
    var refreshInterval: String = "PT12H"   // REFRESH-INTERVAL;VALUE=DURATION and X-PUBLISHED-TTL
    var url: String?                    // URL / SOURCE
    var defaultTimeZone: String?        // X-WR-TIMEZONE
    var events: [CalendarEvent]
    /// Events already written as lines (see `ICalendar.lines`), after `events`: an event in several feeds is written once.
    var written: [ICalendar.WrittenEvents] = []
}

/// RFC 5545 writer: deterministic text, CRLF line ends, lines folded at 75 octets.
enum ICalendar {
    /// Writes the calendar; `timeZoneRange` is the span of years the VTIMEZONEs must describe.
    /// TZIDs are expected to be valid (the content loader rejects unknown zones); one Foundation
    /// does not know gets no VTIMEZONE rather than an invented one.
    /// `timeZones` holds VTIMEZONE blocks already written for these years (see `timeZoneBlock`), so feeds share them.
    static func write(_ file: CalendarFile, timeZoneRange: ClosedRange<Int>, timeZones: [String: String] = [:]) -> String {
        var out = ContentLines()
        out.add("BEGIN", value: "VCALENDAR")
        out.add("VERSION", value: "2.0")
        out.add("PRODID", value: escapeText(file.productID))
        out.add("CALSCALE", value: "GREGORIAN")
        out.add("METHOD", value: "PUBLISH")
        out.add("NAME", value: escapeText(file.name))
        out.add("X-WR-CALNAME", value: escapeText(file.name))
        if let description = file.description {
            out.add("DESCRIPTION", value: escapeText(description))
            out.add("X-WR-CALDESC", value: escapeText(description))
        }
        if let tz = file.defaultTimeZone { out.add("X-WR-TIMEZONE", value: escapeText(tz)) }
        if let url = file.url {
            out.add("URL", value: plain(url))
            out.add("SOURCE", value: plain(url))
        }
        out.add("REFRESH-INTERVAL", ["VALUE": "DURATION"], value: plain(file.refreshInterval))
        out.add("X-PUBLISHED-TTL", value: plain(file.refreshInterval))

        let tzids = file.written.reduce(into: zoneIDs(file.events)) { $0.formUnion($1.tzids) }
        for tzid in tzids.sorted() {
            if let block = timeZones[tzid] { out.append(lines: block) } else { writeTimeZone(tzid, years: timeZoneRange, to: &out) }
        }
        for event in file.events { write(event, to: &out) }
        for written in file.written { out.append(lines: written.lines) }
        out.add("END", value: "VCALENDAR")
        return out.text
    }

    /// Events as the lines `write` would give them, with the time zones they name.
    struct WrittenEvents: Sendable {
        let lines: String
        let tzids: Set<String>
    }

    static func lines(_ events: [CalendarEvent]) -> WrittenEvents {
        var out = ContentLines()
        for event in events { write(event, to: &out) }
        return WrittenEvents(lines: out.text, tzids: zoneIDs(events))
    }

    private static func zoneIDs(_ events: [CalendarEvent]) -> Set<String> {
        Set(events.flatMap { event in
            ([event.start, event.end, event.recurrenceID].compactMap { $0 } + event.rdates + event.exdates)
                .compactMap(\.tzid)
        })
    }

    private static func write(_ event: CalendarEvent, to out: inout ContentLines) {
        out.add("BEGIN", value: "VEVENT")
        out.add("UID", value: escapeText(event.uid))
        out.add("DTSTAMP", value: basic(event.dtstamp) + "Z")
        if let modified = event.lastModified { out.add("LAST-MODIFIED", value: basic(modified) + "Z") }
        out.add("DTSTART", event.start)
        if let end = event.end { out.add("DTEND", end) }
        if let rid = event.recurrenceID { out.add("RECURRENCE-ID", rid) }
        if let rrule = event.rrule { out.add("RRULE", value: plain(rrule)) }
        for rdate in event.rdates { out.add("RDATE", rdate) }
        for exdate in event.exdates { out.add("EXDATE", exdate) }
        out.add("SUMMARY", value: escapeText(event.summary))
        if let description = event.description { out.add("DESCRIPTION", value: escapeText(description)) }
        if let location = event.location { out.add("LOCATION", value: escapeText(location)) }
        if let geo = event.geo { out.add("GEO", value: decimal(geo.0) + ";" + decimal(geo.1)) }
        if let url = event.url { out.add("URL", value: plain(url)) }
        if let status = event.status { out.add("STATUS", value: escapeText(status.uppercased())) }
        if !event.categories.isEmpty {
            out.add("CATEGORIES", value: event.categories.map(escapeText).joined(separator: ","))
        }
        if let organizer = event.organizer {
            var email = plain(organizer.email)
            if email.lowercased().hasPrefix("mailto:") { email.removeFirst(7) }
            let name = organizer.name.map(plain) ?? ""
            out.add("ORGANIZER", name.isEmpty ? [:] : ["CN": name], value: "mailto:" + email)
        }
        out.add("SEQUENCE", value: String(event.sequence))
        out.add("TRANSP", value: event.start.isDate ? "TRANSPARENT" : "OPAQUE")
        out.add("END", value: "VEVENT")
    }

    // MARK: - Content lines

    /// Folds one content line (no trailing CRLF) so no physical line exceeds 75 octets. Breaks fall
    /// between characters, so no continuation starts with a combining mark; only a single character
    /// longer than a line is broken between its scalars. A UTF-8 sequence is never split.
    static func fold(_ line: String) -> String {
        if line.utf8.count <= 75 { return line }
        // Plain ASCII without CR (most lines) is one octet a character: 75 octets, then a space and 74 a line.
        if !line.containsByte(where: { $0 >= 0x80 || $0 == 0x0D }) {
            let bytes = Array(line.utf8)
            var result = Array(bytes[..<75])
            var i = 75
            while i < bytes.count {
                result += "\r\n ".utf8
                result += bytes[i..<min(i + 74, bytes.count)]
                i += 74
            }
            return String(decoding: result, as: UTF8.self)
        }
        var result = ""
        var width = 0                       // octets on the current physical line
        for character in line {
            let octets = character.utf8.count
            if width + octets > 75 && octets <= 74 {
                result += "\r\n "
                width = 1
            }
            for scalar in character.unicodeScalars {
                let n = UTF8.width(scalar)
                if width + n > 75 {
                    result += "\r\n "
                    width = 1
                }
                result.unicodeScalars.append(scalar)
                width += n
            }
        }
        return result
    }

    /// Escapes a TEXT value (RFC 5545 §3.3.11); other control characters are not allowed, so they go.
    static func escapeText(_ s: String) -> String {
        // Most values need no escaping; check the bytes before walking scalars.
        if !s.containsByte(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ",") }) {
            return s
        }
        // On bytes, as every byte replaced is ASCII.
        var result: [UInt8] = []
        result.reserveCapacity(s.utf8.count + 16)
        var afterCR = false
        for byte in s.utf8 {
            defer { afterCR = byte == 0x0D }
            switch byte {
            case UInt8(ascii: "\\"): result += #"\\"#.utf8
            case UInt8(ascii: ";"): result += #"\;"#.utf8
            case UInt8(ascii: ","): result += #"\,"#.utf8
            case 0x0D: result += #"\n"#.utf8
            case 0x0A: if !afterCR { result += #"\n"#.utf8 }
            case 0x09: result.append(byte)
            case ..<0x20, 0x7F: continue
            default: result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// A parameter value: no DQUOTE or controls allowed at all; quoted when it holds `:`, `;` or `,`.
    static func paramValue(_ s: String) -> String {
        let cleaned = String(String.UnicodeScalarView(s.unicodeScalars.filter {
            $0 != "\"" && $0.value >= 0x20 && $0.value != 0x7F
        }))
        return cleaned.contains(where: { ":;,".contains($0) }) ? "\"\(cleaned)\"" : cleaned
    }

    /// Non-TEXT values (URIs, RRULE, durations) take no escaping, but a stray newline would break the line.
    static func plain(_ s: String) -> String {
        if !s.containsByte(where: { $0 < 0x20 || $0 == 0x7F }) { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
    }

    /// `YYYYMMDDTHHMMSS`, the basic ISO 8601 form RFC 5545 uses for DATE-TIME.
    static func basic(_ t: LocalDateTime) -> String {
        date(t.year, t.month, t.day) + "T" + pad(t.hour, 2) + pad(t.minute, 2) + pad(t.second, 2)
    }

    static func date(_ year: Int, _ month: Int, _ day: Int) -> String {
        pad(year, 4) + pad(month, 2) + pad(day, 2)
    }

    /// Fixed-point with six decimals: FLOAT has no exponent form, and `Double.description` may use one.
    static func decimal(_ x: Double) -> String {
        let micro = Int((abs(x) * 1_000_000).rounded())
        return (x < 0 && micro != 0 ? "-" : "") + String(micro / 1_000_000) + "." + pad(micro % 1_000_000, 6)
    }
}

/// Accumulates folded, CRLF-terminated content lines.
struct ContentLines {
    private(set) var text = ""

    /// `value` must already be escaped for its type; parameters are written in key order.
    mutating func add(_ name: String, _ params: [String: String] = [:], value: String) {
        var line = name
        for (key, param) in params.sorted(by: { $0.key < $1.key }) {
            line += ";" + key + "=" + ICalendar.paramValue(param)
        }
        line += ":"
        line += value
        text += ICalendar.fold(line)
        text += "\r\n"
    }

    /// Lines another `ContentLines` already folded and terminated.
    mutating func append(lines: String) {
        text += lines
    }

    mutating func add(_ name: String, _ time: EventTime) {
        switch time {
        case let .date(year, month, day):
            add(name, ["VALUE": "DATE"], value: ICalendar.date(year, month, day))
        case let .local(t, tzid):
            add(name, ["TZID": tzid], value: ICalendar.basic(t))
        case let .utc(t):
            add(name, value: ICalendar.basic(t) + "Z")
        }
    }
}
