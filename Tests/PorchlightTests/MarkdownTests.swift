import Testing
@testable import Porchlight

struct MarkdownTests {
    func html(_ markdown: String, _ options: CommonMark.Options = [.smart]) -> String {
        CommonMark.render(markdown, options: options, rewrite: { _ in nil }).html
    }

    @Test func smartPunctuation() {
        #expect(html("\"Safe streets\" -- for everyone...") == "<p>“Safe streets” – for everyone…</p>\n")
    }

    /// Ids repeat with -2, -3 …, a slug that looks like a repeat is taken as written, and a page of many headings
    /// (past the short list, into the dictionary) numbers them as a page of few does.
    @Test func headingIDsCountRepeatsOnLongPages() {
        var random = SeededRandom(seed: 23)
        let words = ["Plan", "plan", "Next steps", "next-steps", "Plan 2", "Plan-2", "", "¿?", "Café", "cafe"]
        for count in [1, 5, 33, 34, 200] {
            let texts = (0..<count).map { _ in words[random.next(words.count)] + (random.next(3) == 0 ? " \(random.next(40))" : "") }
            var ids = HeadingIDs()
            var seen: [String: Int] = [:]
            for text in texts {
                var expected = Slug.make(text)
                if expected.isEmpty { expected = "section" }
                if let n = seen[expected] { seen[expected] = n + 1; expected += "-\(n + 1)" } else { seen[expected] = 1 }
                #expect(ids.next(for: text) == expected, "\(text) among \(count)")
            }
        }
    }

    @Test func headingsGetStableUniqueIDs() {
        let out = html("## Our Plan\n\ntext\n\n## Our plan\n\n### Step 1: *listen*")
        #expect(out.contains("<h2 id=\"our-plan\">Our Plan</h2>"))
        #expect(out.contains("<h2 id=\"our-plan-2\">Our plan</h2>"))
        #expect(out.contains("<h3 id=\"step-1-listen\">Step 1: <em>listen</em></h3>"))
    }

    /// Pins the newlines dropped inside headings (and only there), around empty headings, raw HTML and `>` at a line's end.
    @Test func headingsKeepNoNewlinesInside() {
        let markdown = "# One\n\n##\n\nA line ending in >\nand one more\n\n### With <em>html</em> >\n\n<h2 id=\"raw\">\nraw\n</h2>\n\n<p>\n</h3>\n\n###### Six"
        #expect(html(markdown, [.smart, .unsafe]) == "<h1 id=\"one\">One</h1>\n<h2 id=\"section\"></h2>\n<p>A line ending in &gt;\nand one more</p>\n"
            + "<h3 id=\"with-html\">With <em>html</em> &gt;</h3>\n<h2 id=\"raw\">raw</h2>\n<p></h3>\n<h6 id=\"six\">Six</h6>\n")
    }

    /// Rendering finds the ids that link checking looks for, in the same order, without parsing again.
    @Test(arguments: [CommonMark.Options.smart, [.smart, .unsafe]])
    func renderingFindsTheAnchors(options: CommonMark.Options) {
        let markdown = "# Plan\n\n<div id=\"top\">\n\n## Plan <a name='x'></a>\n\n- ### In a *list*\n\n> #### Quoted [link](javascript:x)\n\n"
            + "Text <span id=\"inline\">here</span>.\n\n##\n\n## Plan\n"
        let rendered = CommonMark.render(markdown, options: options) { _ in nil }
        #expect(rendered.anchors == CommonMark.anchors(in: markdown, options: options))
        #expect(rendered.anchors.count == (options.contains(.unsafe) ? 9 : 6))
    }

    @Test func rawHTMLIsDroppedUnlessAllowed() {
        let markdown = "<script>alert(1)</script>\n\nHello <b onclick=\"x()\">there</b>"
        let safe = html(markdown)
        #expect(!safe.contains("<script>"))
        #expect(!safe.contains("onclick"))
        #expect(html(markdown, [.smart, .unsafe]).contains("<script>alert(1)</script>"))
    }

    @Test func scriptLinksAreDroppedEvenWhenUnsafe() {
        let resolver = LinkResolver(pathByContentPath: [:], allContentPaths: [], mediaFiles: [], basePath: "/")
        for url in ["javascript:alert(1)", "JavaScript:alert(1)", " java\tscript:x"] {
            #expect(resolver.resolve(url, from: "letters/a.md") == .replace(""))
        }
    }

    @Test func firstParagraphIsPlainText() {
        let rendered = CommonMark.render("# Title\n\nWe *will* meet at `9:00`\nin the park.\n\nMore.", options: [.smart], rewrite: { _ in nil })
        #expect(rendered.firstParagraph == "We will meet at 9:00 in the park.")
    }

    @Test func linksReportTheirLines() {
        var seen: [CommonMark.Link] = []
        _ = CommonMark.render("Intro.\n\nSee [the plan](../strategy/plan.md) and\n[more](x.md).", options: [.smart]) { link in
            seen.append(link)
            return nil
        }
        #expect(seen.map(\.url) == ["../strategy/plan.md", "x.md"])
        #expect(seen.map(\.line) == [3, 4])
    }

    @Test func inlineRenderingDropsTheParagraph() {
        #expect(CommonMark.renderInline("Closed *Thursday*", options: [.smart]) == "Closed <em>Thursday</em>")
    }
}

struct LinkResolverTests {
    let resolver = LinkResolver(
        pathByContentPath: ["strategy/community-policing.md": "strategy/community-policing/", "letters/2024-01-02-hello.md": "letters/hello/"],
        allContentPaths: ["strategy/community-policing.md", "letters/2024-01-02-hello.md", "letters/draft.md"],
        mediaFiles: ["map.pdf"], basePath: "/police/")

    @Test(arguments: [
        ("../strategy/community-policing.md", "/police/strategy/community-policing/"),
        ("../strategy/community-policing.md#hot-spots", "/police/strategy/community-policing/#hot-spots"),
        ("2024-01-02-hello.md", "/police/letters/hello/"),
        ("./../strategy/_index.md", "/police/strategy/"),
        ("../media/map.pdf", "/police/media/map.pdf"),
    ])
    func rewritesContentLinks(url: String, expected: String) {
        #expect(resolver.resolve(url, from: "letters/2024-05-01-x.md") == .replace(expected))
    }

    @Test(arguments: ["https://stlouis-mo.gov/", "mailto:a@b.org", "#top", "/events/", "tel:+13145550100"])
    func leavesOtherLinksAlone(url: String) {
        #expect(resolver.resolve(url, from: "letters/x.md") == .keep)
    }

    @Test func missingFileIsBrokenWithASuggestion() {
        guard case let .broken(message, fix) = resolver.resolve("../strategy/comunity-policing.md", from: "letters/x.md") else {
            Issue.record("expected a broken link")
            return
        }
        #expect(message.contains("Content/strategy/comunity-policing.md, which does not exist"))
        #expect(fix == "did you mean \"../strategy/community-policing.md\"?")
    }

    @Test func draftTargetsAreBrokenWithTheirOwnReason() {
        guard case let .broken(message, _) = resolver.resolve("draft.md", from: "letters/x.md") else {
            Issue.record("expected a broken link")
            return
        }
        #expect(message.contains("draft or not published yet"))
    }

    @Test func climbingOutOfContentIsBroken() {
        guard case .broken = resolver.resolve("../../../etc/passwd.md", from: "letters/x.md") else {
            Issue.record("expected a broken link")
            return
        }
    }
}

struct ScriptLinkTests {
    @Test(arguments: [[CommonMark.Options.smart], [.smart, .unsafe]])
    func scriptLinksBecomePlainText(options: CommonMark.Options) {
        let html = CommonMark.render("Call [*our* desk](javascript:alert(1)) or see ![the map](vbscript:x).", options: options,
                                     rewrite: { _ in nil }).html
        #expect(html == "<p>Call <em>our</em> desk or see the map.</p>\n")
    }

    @Test func otherLinksAreKept() {
        let html = CommonMark.render("[a](https://example.org/) [b]()", options: [.smart], rewrite: { _ in nil }).html
        #expect(html == "<p><a href=\"https://example.org/\">a</a> <a href=\"\">b</a></p>\n")
    }
}

/// cmark's memory comes from an arena per thread (Sources/CDocumentArena): documents must come out whole however large,
/// however nested, on however many threads.
struct DocumentArenaTests {
    static let block = "A *paragraph* with a [link](../strategy/plan.md), \"quotes\" -- and `code`.\nA second line.\n\n"
        + "- one\n- **two**\n\n> quoted\n\n"

    func html(_ markdown: String) -> String { CommonMark.render(markdown, options: [.smart], rewrite: { _ in "/plan/" }).html }

    /// Several megabytes of Markdown take more than the arena's first block (a megabyte), so blocks are added and given back.
    @Test func aDocumentLargerThanABlockRendersWhole() {
        let one = html(Self.block)
        let count = 20_000
        #expect(html(String(repeating: Self.block, count: count)) == String(repeating: one, count: count))
        #expect(html(Self.block) == one)
    }

    /// A link's rewrite may parse other Markdown (link checking reads the headings of the page linked to) while the
    /// document it is in is still being rendered; the inner document's memory goes back without touching the outer's.
    @Test func documentsParsedWhileAnotherIsOpenLeaveItWhole() {
        let outer = "# Title\n\n" + String(repeating: Self.block, count: 200)
        let inner = "## Inner\n\n" + String(repeating: Self.block, count: 500)
        let expectedInner = html(inner)
        var seen = 0
        let nested = CommonMark.render(outer, options: [.smart]) { _ in
            seen += 1
            #expect(CommonMark.anchors(in: inner, options: [.smart]) == ["inner"])
            #expect(html(inner) == expectedInner)
            return "/plan/"
        }
        #expect(seen == 200)
        #expect(nested.html == html(outer))
        #expect(nested.anchors == ["title"])
    }

    @Test func everyThreadRendersItsOwnDocuments() {
        let documents = (0..<400).map { "## Letter \($0)\n\n" + String(repeating: Self.block, count: $0 % 37 + 1) }
        let alone = documents.map(html)
        #expect(documents.parallelMap { html($0) } == alone)
    }
}
