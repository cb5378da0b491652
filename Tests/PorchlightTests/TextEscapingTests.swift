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
