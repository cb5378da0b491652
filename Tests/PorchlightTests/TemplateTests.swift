import Testing
@testable import Porchlight

@Suite struct TemplateTests {
    func render(_ source: String, _ context: [String: Any], partials: [String: String] = [:]) throws -> String {
        var library = TemplateLibrary()
        library.templates["main"] = try Template(source)
        for (name, text) in partials { library.templates[name] = try Template(text) }
        return String(decoding: library.render("main", .object(TemplateObject(context))), as: UTF8.self)
    }

    func parseError(_ source: String) -> Template.ParseError? {
        do {
            _ = try Template(source)
            return nil
        } catch {
            return error
        }
    }

    @Test func standaloneTagsTakeTheirLineWithThem() throws {
        let source = "<ul>\n  {{#items}}\n  <li>{{name}}</li>\n  {{/items}}\n  {{! a note }}\n</ul>\n"
        #expect(try render(source, ["items": [["name": "a"], ["name": "b"]]]) == "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n")
    }

    @Test func inlineTagsKeepTheSpaceAroundThem() throws {
        #expect(try render("a {{#yes}}b{{/yes}} c {{^yes}}d{{/yes}}\n", ["yes": true]) == "a b c \n")
        #expect(try render("  {{name}}  \n", ["name": "x"]) == "  x  \n")
    }

    @Test func escapesFiveCharactersUnlessTripleBraced() throws {
        let html = "<a href=\"x\">'Tom & Jerry'</a>"
        #expect(try render("{{v}}", ["v": html]) == "&lt;a href=&quot;x&quot;&gt;&#39;Tom &amp; Jerry&#39;&lt;/a&gt;")
        #expect(try render("{{{v}}}|{{& v}}", ["v": html]) == html + "|" + html)
        #expect(try render("{{v}}", ["v": "Café — “quoted”"]) == "Café — “quoted”")
    }

    /// Escaping looks at eight bytes a step: a special character at every place in and around a step, in texts stored
    /// inline (up to 15 bytes) and on the heap, must come out as one character at a time would have it.
    @Test(arguments: ["&", "<", ">", "\"", "'"])
    func escapesEverySpecialCharacterAtEveryPlace(special: String) throws {
        func expected(_ text: String) -> String {
            text.map { ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"][$0] ?? String($0) }.joined()
        }
        for length in 0...26 {
            for place in 0..<max(length, 1) {
                var text = String(repeating: "a", count: length)
                if length > 0 { text.replaceSubrange(text.index(text.startIndex, offsetBy: place)...text.index(text.startIndex, offsetBy: place), with: special) }
                var onHeap = String()
                onHeap.reserveCapacity(64)
                onHeap += text
                for value in [text, onHeap, text + "é—" + special, "“" + text + special + special] {
                    #expect(try render("[{{v}}]", ["v": value]) == "[" + expected(value) + "]")
                    #expect(try render("[{{{v}}}]", ["v": value]) == "[" + value + "]")
                }
            }
        }
        #expect(try render("{{v}}", ["v": "&<>\"'&<>\"'&<>\"'"]) == "&amp;&lt;&gt;&quot;&#39;&amp;&lt;&gt;&quot;&#39;&amp;&lt;&gt;&quot;&#39;")
        // Bytes next to the special ones (% ' ( ; = ? and UTF-8 continuation bytes) are left alone.
        #expect(try render("{{v}}", ["v": "!#$%()*;=?@ ¢ħ\u{2022}"]) == "!#$%()*;=?@ ¢ħ\u{2022}")
    }

    /// Lookups compare a key's length and first seven bytes before its text, so keys alike in both must still be told apart.
    @Test func keysAlikeInLengthAndFirstBytesAreToldApart() throws {
        let context: [String: Any] = ["summaryA": "a", "summaryB": "b", "summary": "c", "summaryHTMLx": "d", "summaryHTMLy": "e",
                                      "group": ["summaryB": "inner"]]
        #expect(try render("{{summaryA}} {{summaryB}} {{summary}} {{summaryHTMLx}} {{summaryHTMLy}} {{summaryC}}|", context) == "a b c d e |")
        #expect(try render("{{#group}}{{summaryA}} {{summaryB}} {{.summaryA}}{{/group}}", context) == "a inner ")
    }

    @Test func sectionsSkipToTheirEndWhateverTheyHold() throws {
        let context: [String: Any] = ["days": [["name": "Mon", "items": [["t": "a"], ["t": "b"]]], ["name": "Tue", "items": [Any]()]],
                                      "yes": true, "title": "T"]
        let source = "{{#days}}{{name}}:{{#items}}{{t}}{{^yes}}never{{/yes}}{{/items}}{{^items}}none{{/items}};{{/days}}"
            + "{{^days}}x{{/days}}{{#missing}}{{#days}}y{{/days}}{{/missing}}{{> p}}{{title}}"
        #expect(try render(source, context, partials: ["p": "({{#yes}}{{title}}{{/yes}})"]) == "Mon:ab;Tue:none;(T)T")
    }

    /// A page longer than the first allocation grows it; an indented partial late in a long page shifts what follows.
    @Test func longPagesAndLateIndentedPartials() throws {
        let line = String(repeating: "0123456789", count: 10) + "\n"
        let long = String(repeating: line, count: 400)
        let output = try render("{{{long}}}\n{{#items}}\n  {{> item}}\n{{/items}}\n{{{long}}}", ["long": long, "items": [["n": "a"], ["n": "b"]]],
                                partials: ["item": "<li>{{n}}</li>\n<li>again</li>\n"])
        #expect(output == long + "\n  <li>a</li>\n  <li>again</li>\n  <li>b</li>\n  <li>again</li>\n" + long)
        #expect(TemplateLibrary().render("absent", [:]).isEmpty)
    }

    @Test func namesAreLookedUpOutwardsUnlessTheyStartWithADot() throws {
        let context: [String: Any] = ["site": ["title": "PD"], "title": "outer", "entry": ["url": "/a/"]]
        #expect(try render("{{#entry}}{{url}} {{site.title}} {{title}}{{/entry}}", context) == "/a/ PD outer")
        #expect(try render("{{#entry}}[{{.title}}]{{/entry}}", context) == "[]")
        #expect(try render("{{#items}}{{.}},{{/items}}", ["items": ["x", "y"]]) == "x,y,")
        #expect(try render("{{site.missing.deeper}}|{{nothing}}", context) == "|")
    }

    @Test func sectionsFollowTheValue() throws {
        let context: [String: Any] = ["yes": true, "no": false, "empty": [Any](), "text": "", "count": 3, "group": ["a": 1]]
        #expect(try render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#empty}}E{{/empty}}{{#missing}}M{{/missing}}{{#group}}{{a}}{{/group}}", context) == "Y1")
        #expect(try render("{{^yes}}Y{{/yes}}{{^no}}N{{/no}}{{^empty}}E{{/empty}}{{^missing}}M{{/missing}}{{^text}}T{{/text}}", context) == "NEM")
        #expect(try render("{{count}} {{yes}} {{no}}", context) == "3 true false")
        let optional: String? = nil
        #expect(try render("{{^gone}}absent{{/gone}}", ["gone": optional as Any]) == "absent")
    }

    @Test func partialsRenderInTheSameContextAndIndentEachLine() throws {
        let partials = ["item": "<li>{{name}}</li>\n<li>again</li>\n"]
        #expect(try render("<ul>\n{{#items}}\n  {{> item}}\n{{/items}}\n</ul>\n", ["items": [["name": "a"]]], partials: partials)
            == "<ul>\n  <li>a</li>\n  <li>again</li>\n</ul>\n")
        #expect(try render("{{> nowhere}}x", [:]) == "x")
    }

    @Test func errorsNameWhereTheProblemStarts() throws {
        let unclosed = try #require(parseError("<main>\n  {{#entry}}\n  <h1>{{title}}</h1>\n</main>\n"))
        #expect((unclosed.line, unclosed.column) == (2, 3))
        #expect(unclosed.message == "{{#entry}} is never closed")
        #expect(unclosed.fix == "add {{/entry}} where the section ends")

        let mismatched = try #require(parseError("{{#entry}}\n{{/entri}}\n"))
        #expect((mismatched.line, mismatched.column) == (2, 1))
        #expect(mismatched.message == "{{/entri}} does not match {{#entry}} opened on line 1, column 1")

        #expect(parseError("é {{title")?.column == 3)
        #expect(parseError("{{/x}}")?.message == "{{/x}} closes a section that was never opened")
        #expect(parseError("{{=<% %>=}}")?.message == "Porchlight's templates do not support {{=…}} tags")
        #expect(parseError("{{uppercased(title)}}")?.message == "Porchlight's templates do not support transforms like {{uppercased(title)}}")
        #expect(parseError("{{{bodyHTML}}")?.message == "{{{bodyHTML}} is missing its third closing brace")
    }
}
