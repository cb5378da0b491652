import Foundation
import Testing
@testable import Porchlight

/// The escapers work on UTF-8 bytes; text beyond ASCII must come through whole.
struct TextEscapingTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("say \"hi\"\\ <b>", #""say \"hi\"\\ \u003cb>""#),
        ("line\nnext\r\tend\u{01}", #""line\nnext\r\tend\u0001""#),
        ("Café 😀 — “quoted”", "\"Café 😀 — “quoted”\""),
    ])
    func quotesJSON(text: String, quoted: String) {
        #expect(JSONText.quote(text) == quoted)
    }

    @Test func quotedJSONReadsBackAsTheText() throws {
        // Every control byte and escaped character, among plain runs and text beyond ASCII, read back by Foundation's parser.
        var generator = SystemRandomNumberGenerator()
        let pieces = (0..<32).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "<", "/", "plain words ", "é", "😀", "\u{7F}"]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let quoted = JSONText.quote(text)
            #expect(!quoted.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "<") })
            let read = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: [.fragmentsAllowed]) as? String
            #expect(read == text, "\(quoted)")
        }
    }

    @Test(arguments: [
        ("Fish & Chips <b>\"ok\"</b>", "Fish &amp; Chips &lt;b&gt;&quot;ok&quot;&lt;/b&gt;"),
        ("keep\nlines\tand\r; drop\u{01}\u{1F}", "keep\nlines\tand\r; drop"),
        ("Olé & 😀", "Olé &amp; 😀"),
    ])
    func escapesXML(text: String, escaped: String) {
        #expect(Feeds.xml(text) == escaped)
    }

    @Test(arguments: [
        ("a,b;c\\d", #"a\,b\;c\\d"#),
        ("one\r\ntwo\nthree\rfour", #"one\ntwo\nthree\nfour"#),
        ("tab\tbell\u{07}del\u{7F}é, ü", "tab\tbelldelé\\, ü"),
    ])
    func escapesICalendarText(text: String, escaped: String) {
        #expect(ICalendar.escapeText(text) == escaped)
    }

    @Test(arguments: [
        String(repeating: "abcdefghij", count: 30),
        "DESCRIPTION:" + String(repeating: "Café olé 😀 ", count: 20),
        "SUMMARY:" + String(repeating: "e\u{301}", count: 60),
    ])
    func foldsLongLinesWithinSeventyFiveOctets(line: String) {
        let folded = ICalendar.fold(line)
        let lines = folded.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(lines[0] + lines.dropFirst().map { String($0.dropFirst()) }.joined() == line)
    }

    @Test func foldsPlainASCIIAtSeventyFiveThenSeventyFour() {
        let line = String(repeating: "x", count: 75 + 74 + 10)
        #expect(ICalendar.fold(line) == String(repeating: "x", count: 75) + "\r\n " + String(repeating: "x", count: 74) + "\r\n " + String(repeating: "x", count: 10))
    }

    @Test(arguments: [
        ("https://example.org/", true), ("mailto:chief@example.org", true), ("tel:+12155551234", true),
        ("/letters/a:b/", false), ("../letters/x.md", false), ("letters/x.md", false), (":nothing", false), ("a b:c", false),
    ])
    func tellsSchemes(url: String, hasScheme: Bool) {
        #expect(LinkResolver.hasScheme(url) == hasScheme)
    }
}

extension TextEscapingTests {
    /// ASCII is escaped on bytes; Foundation, the judge here, must agree.
    @Test(arguments: ["Coffee with a Cop", "Trunk or Treat: 5–7 p.m.", "A&B / C?d=e#f", "~safe-._", "Café Olé", "100% \"quoted\" <tag>"])
    func escapesQueriesAsFoundationDoes(text: String) {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        #expect(SitePlan.queryEscape(text) == text.addingPercentEncoding(withAllowedCharacters: allowed))
    }

    @Test(arguments: [(0, 2, "00"), (7, 2, "07"), (42, 2, "42"), (123, 2, "123"), (2026, 4, "2026"), (5, 4, "0005"), (-5, 2, "-5")])
    func padsNumbers(n: Int, width: Int, text: String) {
        #expect(pad(n, width) == text)
    }
}

extension TextEscapingTests {
    @Test(arguments: [UInt64(0), 9, 10, 15, 16, 255, 0xABCDEF, 1 << 63, UInt64.max])
    func writesHexAsTheStandardLibraryDoes(value: UInt64) {
        var bytes: [UInt8] = Array("x".utf8)
        bytes.appendHex([value, 1, value], separator: UInt8(ascii: ","))
        let hex = String(value, radix: 16)
        #expect(String(decoding: bytes, as: UTF8.self) == "x\(hex),1,\(hex)")
    }

    /// Source paths are sorted by their bytes; for ASCII and NFC text that is the order `<` gives.
    @Test func sortsPathsAsLessThanDoes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab-./_0zé")
        let paths = (0..<2000).map { _ in
            String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        } + ["Content/letters", "Content/letters-old.md", "Content/letters/a.md", ""]
        #expect(paths.sorted { $0.utf8Precedes($1) } == paths.sorted())
        #expect(!"a".utf8Precedes("a") && "a".utf8Precedes("ab") && !"ab".utf8Precedes("a"))
        // With texts that are not NFC among them (é written as e and a combining accent), still the order of `<`.
        let mixed = paths + ["e\u{301}/a", "é/b", "e\u{301}", "ea", "f", "e/"]
        #expect(mixed.sorted(byText: { $0 }) == mixed.sorted())
        for (text, prefix) in [("---\ntitle: A\n---\n", "---\ntitle: A\n"), ("abc", ""), ("", ""), ("ab", "abc"), ("Olé!", "Olé"), ("Olé", "Ole")] {
            #expect(text.utf8StartsWith(prefix) == text.utf8.starts(with: prefix.utf8), "\(text) \(prefix)")
        }
        for path in paths + ["/", "a/", "/a", "é/ü/x", "a//b"] {
            #expect(path.lastIndex(ofByte: UInt8(ascii: "/")) == path.utf8.lastIndex(of: UInt8(ascii: "/")), "\(path)")
        }
    }
}
