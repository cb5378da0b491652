import Foundation
import Testing
@testable import Porchlight

/// Bad content gives `path:line:column: error: what — fix`, with lines counted in the file, all in one run.
struct ContentErrorTests {
    func diagnostics(_ files: [String: String]) throws -> [Diagnostic] {
        var all = files
        if all["Content/site.yml"] == nil { all["Content/site.yml"] = minimalSiteYML }
        let site = try TempSite(all)
        defer { site.remove() }
        return site.build(write: false).diagnostics.sortedForDisplay()
    }

    func first(_ files: [String: String]) throws -> String {
        try #require(try diagnostics(files).first.map(DiagnosticPrinter.text))
    }

    @Test func badDateNamesItsLineInTheFile() throws {
        let text = try first(["Content/letters/a.md": "---\ntitle: A\nauthor: Me\ndate: 2024-02-30\n---\nBody.\n"])
        #expect(text.hasPrefix("Content/letters/a.md:4:7: error: \"2024-02-30\" is not a real date: February 2024 has 29 days, not 30 — correct the day or month\n"))
        #expect(text.contains("    date: 2024-02-30\n          ^\n"))
    }

    @Test(arguments: [("en", true), ("es", true), ("en-US", true), ("zh-Hant-TW", true), ("haw", true), ("de-1996", true),
                      ("e", false), ("english", false), ("english please", false), ("en-", false), ("-en", false),
                      ("en--US", false), ("en-abcdefghi", false), ("en_US", false), ("", false), ("é", false)])
    func languageTags(tag: String, isTag: Bool) {
        #expect(SiteConfig.isLanguageTag(tag) == isTag)
    }

    @Test func missingTitle() throws {
        #expect(try first(["Content/letters/a.md": "---\ndate: 2024-01-02\n---\nBody.\n"])
            .hasPrefix("Content/letters/a.md:2:1: error: the front matter has no \"title\" — add a line \"title: A letter to our community\""))
    }

    @Test func unknownFieldSuggestsTheRightOne() throws {
        #expect(try first(["Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\ndraf: true\n---\nBody.\n"])
            .hasPrefix("Content/letters/a.md:4:1: error: unknown field \"draf\" in the front matter — did you mean \"draft\"?"))
    }

    @Test func unknownDistrict() throws {
        #expect(try first(["Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\ndistricts: [north, nroth, east]\n---\nBody.\n"])
            .hasPrefix("Content/letters/a.md:4:20: error: unknown district \"nroth\" — did you mean \"north\"?"))
    }

    @Test func brokenYAMLReportsTheFileLine() throws {
        #expect(try first(["Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\nsummary: Safety: a plan\n---\nBody.\n"])
            .hasPrefix("Content/letters/a.md:4:16: error: invalid YAML: mapping values are not allowed in this context — put quotes around a value that contains \": \""))
    }

    @Test func brokenLinkIsReportedWhereItIsWritten() throws {
        let text = try first(["Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\n\nIntro.\n\nRead [the plan](../strategy/plan.md).\n"])
        #expect(text.hasPrefix("Content/letters/a.md:8:6: error: the link \"../strategy/plan.md\" points to Content/strategy/plan.md, which does not exist"))
    }

    @Test func twoPagesWithOneURL() throws {
        let d = try diagnostics([
            "Content/letters/2024-01-01-hello.md": "---\ntitle: A\ndate: 2024-01-01\n---\nA.\n",
            "Content/letters/2024-02-01-hello.md": "---\ntitle: B\ndate: 2024-02-01\n---\nB.\n",
        ])
        #expect(d.map(DiagnosticPrinter.text).first?.hasPrefix(
            "Content/letters/2024-02-01-hello.md:1:1: error: this page and Content/letters/2024-01-01-hello.md would both be published at /letters/hello/") == true)
    }

    @Test func slugThatLeavesTheFolder() throws {
        #expect(try first(["Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\nslug: ../../../etc\n---\nBody.\n"])
            .hasPrefix("Content/letters/a.md:4:7: error: the slug \"../../../etc\" would place the page outside its section"))
    }

    @Test func notUTF8() throws {
        let site = try TempSite(["Content/site.yml": minimalSiteYML])
        defer { site.remove() }
        let file = site.url.appendingPathComponent("Content/letters/latin1.md")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("---\ntitle: Caf".utf8 + [0xE9] + Data("\n---\n".utf8)).write(to: file)
        let text = describe(site.build(write: false))
        #expect(text.hasPrefix("Content/letters/latin1.md:2:11: error: the file is not valid UTF-8 text"))
    }

    @Test func aliasBombIsRefused() throws {
        var yaml = "title: Bomb\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h"] {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        let text = try first(["Content/site.yml": yaml])
        #expect(text.hasPrefix("Content/site.yml:1:1: error: the YAML expands to more than 100000 values"))
    }

    @Test func everyProblemInOneRun() throws {
        let d = try diagnostics([
            "Content/letters/a.md": "---\ntitle: A\ndate: tomorrow\n---\nBody.\n",
            "Content/letters/b.md": "---\ndate: 2024-01-02\n---\nBody.\n",
            "Content/strategy/c.md": "no front matter\n",
        ])
        #expect(d.filter(\.isError).map(\.location.path) == ["Content/letters/a.md", "Content/letters/b.md", "Content/strategy/c.md"])
    }

    @Test func warningsDoNotFailTheBuild() throws {
        let site = try TempSite([
            "Content/site.yml": minimalSiteYML,
            "Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\nimage: https://example.org/a.jpg\n---\n",
        ])
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded)
        #expect(report.diagnostics.map(\.message).sorted() == [
            "the image has no description for screen readers",
            "the page has no summary and no first paragraph to take one from",
        ])
    }

    @Test func brokenTemplateNamesItsLine() throws {
        let text = try first([
            "Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nBody.\n",
            "Templates/entry.mustache": "{{> header}}\n<h1>{{page.title}}</h1>\n{{#entry}}\n{{/entri}}\n{{> footer}}\n",
        ])
        #expect(text.hasPrefix("Templates/entry.mustache:4:1: error: the template cannot be read: {{/entri}} does not match {{#entry}} opened on line 3, column 1 — close it with {{/entry}}"))
    }

    @Test func missingPartial() throws {
        #expect(try first(["Templates/home.mustache": "{{> header}}\n  {{> sidebar}}\n{{> footer}}\n"])
            .hasPrefix("Templates/home.mustache:2:3: error: the partial \"sidebar\" does not exist — create Templates/sidebar.mustache or correct the name"))
    }

    @Test func yamlOnKeyStaysAKey() throws {
        let problems = Problems()
        let file = SourceFile(path: "x.yml", text: "on: [friday, saturday]\nyes: no\n")
        let root = try #require(YAMLNode.parse(file.text, file: file, lineOffset: 0, problems: problems))
        let fields = try #require(Fields(root, problems: problems, what: "x"))
        #expect(fields.keys == ["on", "yes"])
        #expect(fields.strings("on").map(\.0) == ["friday", "saturday"])
    }

    /// Without a cache a letter's body is read again when it is rendered: a letter changed, removed or no longer UTF-8 by
    /// then fails the build, and the site built before stays as it was.
    @Test(arguments: [
        ("---\ntitle: A, revised\ndate: 2024-01-02\n---\nBody.\n", """
            Content/letters/a.md:2:1: error: the file changed while the site was being built — build again
                title: A, revised
                ^

            """),
        (nil, "Content/letters/a.md:1:1: error: the file was removed or changed while the site was being built — build again\n"),
        ("---\ntitle: A\ndate: 2024-01-02\n---\nCaf\u{E9}?\n", ""),
    ])
    func letterChangedWhileTheSiteIsBuilt(newText: String?, expected: String) throws {
        let site = try TempSite([
            "Content/site.yml": minimalSiteYML,
            "Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nBody.\n",
            "Content/letters/b.md": "---\ntitle: B\ndate: 2024-01-03\n---\nFirst words.\n",
        ])
        defer { site.remove() }
        #expect(site.build().succeeded)
        let b = site.url.appendingPathComponent("Content/letters/b.md"), a = site.url.appendingPathComponent("Content/letters/a.md")
        try Data("---\ntitle: B\ndate: 2024-01-03\n---\nSecond words.\n".utf8).write(to: b)
        var options = BuildOptions(siteFolder: site.url, now: testNow)
        options.afterReading = {
            if let newText {
                // Latin-1 for the "é" row: the same front matter, a body that is no longer UTF-8.
                try? (newText.data(using: newText.contains("\u{E9}") ? .isoLatin1 : .utf8) ?? Data()).write(to: a)
            } else {
                try? FileManager.default.removeItem(at: a)
            }
        }
        let report = Builder.build(options)
        #expect(!report.succeeded && report.pagesWritten == 0)
        if expected.isEmpty {
            #expect(describe(report).hasPrefix("Content/letters/a.md:5:4: error: the file was removed or changed while the site was being built"), "\(describe(report))")
        } else {
            #expect(describe(report) == expected)
        }
        #expect(try #require(site.read("letters/b/index.html")).contains("First words."), "the site built before is left as it was")
    }
}
