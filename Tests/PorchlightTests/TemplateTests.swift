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
