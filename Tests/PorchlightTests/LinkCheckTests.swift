import Foundation
import Testing
@testable import Porchlight

/// Links in Markdown as a whole build sees them: rewritten, checked, reported where they are written.
struct LinkCheckTests {
    func build(_ files: [String: String]) throws -> (report: BuildReport, site: TempSite) {
        var all = files
        if all["Content/site.yml"] == nil { all["Content/site.yml"] = minimalSiteYML }
        let site = try TempSite(all)
        return (site.build(), site)
    }

    @Test func scriptLinkBecomesItsTextWithAWarning() throws {
        let (report, site) = try build([
            "Content/about.md": "---\ntitle: About\n---\n\nCall [our desk](javascript:alert(1)) or ![the map](JavaScript:x) today.\n",
        ])
        defer { site.remove() }
        #expect(report.succeeded)
        #expect(describe(report) == """
            Content/about.md:5:6: warning: the link "javascript:alert(1)" runs a script, so it was dropped and only its text is shown — link to a web page (https://…) instead
                Call [our desk](javascript:alert(1)) or ![the map](JavaScript:x) today.
                     ^
            Content/about.md:5:41: warning: the image "JavaScript:x" runs a script, so it was dropped and only its text is shown — link to a web page (https://…) instead
                Call [our desk](javascript:alert(1)) or ![the map](JavaScript:x) today.
                                                        ^

            """)
        let page = try #require(site.read("about/index.html"))
        #expect(page.contains("<p>Call our desk or the map today.</p>"))
        #expect(!page.contains("our desk</a>"))
    }

    /// A build keeps no letter's Markdown in memory (it reads each file again to render it); intros, rendered later,
    /// still check links to the letters' headings.
    @Test func introsCheckHeadingsOfLettersWhoseTextIsLetGo() throws {
        let (report, site) = try build([
            "Content/site.yml": minimalSiteYML + "unsafeHTML: true\n",
            "Content/_index.md": "---\ntitle: Home\n---\nSee [the plan](letters/a.md#our-plan) and [the map](letters/b.md#map).\n",
            "Content/letters/_index.md": "---\ntitle: Letters\n---\nStart with [step two](a.md#step-two) or [the map](b.md#mapp).\n",
            "Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nBody.\n\n## Our plan\n\n- ### Step one\n\n> ### Step two\n",
            "Content/letters/b.md": "---\ntitle: B\ndate: 2024-01-03\n---\nBody with <span id=\"map\">a map</span> and [a link](a.md#step-one).\n",
        ])
        defer { site.remove() }
        #expect(describe(report) == """
            Content/letters/_index.md:4:41: error: the link "b.md#mapp" points to "#mapp", which is not a heading in Content/letters/b.md — did you mean "#map"?
                Start with [step two](a.md#step-two) or [the map](b.md#mapp).
                                                        ^

            """)
        try Data("---\ntitle: Letters\n---\nStart with [step two](a.md#step-two) or [the map](b.md#map).\n".utf8)
            .write(to: site.url.appendingPathComponent("Content/letters/_index.md"))
        let fixed = site.build()
        #expect(fixed.succeeded, "\(describe(fixed))")
        let letters = try #require(site.read("letters/index.html"))
        #expect(letters.contains("<a href=\"/letters/a/#step-two\">step two</a> or <a href=\"/letters/b/#map\">the map</a>"))
    }

    /// Letters' bodies wait on disk until they are rendered; links between letters still check headings, and a broken
    /// one is shown on its line of the file.
    @Test func lettersCheckHeadingsOfLettersWhoseBodiesAreOnDisk() throws {
        let (report, site) = try build([
            "Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nSee [the map](b.md#map) and [the plan](b.md#plann).\n\n## Our plan\n",
            "Content/letters/b.md": "---\ntitle: B\ndate: 2024-01-03\n---\nBack to [our plan](a.md#our-plan).\n\n## Map\n\n## Plan\n",
        ])
        defer { site.remove() }
        #expect(describe(report) == """
            Content/letters/a.md:5:29: error: the link "b.md#plann" points to "#plann", which is not a heading in Content/letters/b.md — did you mean "#plan"?
                See [the map](b.md#map) and [the plan](b.md#plann).
                                            ^

            """)
    }

    @Test func scriptLinkInASectionIntroIsDroppedWithAWarning() throws {
        let (report, site) = try build([
            "Content/letters/_index.md": "---\ntitle: Letters\n---\nRead [this](javascript:void(0)).\n",
            "Content/letters/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nBody.\n",
        ])
        defer { site.remove() }
        #expect(report.succeeded)
        #expect(describe(report).hasPrefix("Content/letters/_index.md:4:6: warning: the link \"javascript:void(0)\" runs a script"))
        #expect(try #require(site.read("letters/index.html")).contains("Read this."))
    }
}

extension LinkCheckTests {
    @Test func aLinkToAFileWithErrorsIsNotReportedAsMissing() throws {
        let (report, site) = try build([
            "Content/events/coffee.yml": "start: 2026-12-05 09:00\n",
            "Content/letters/broken.md": "---\ntitle: Broken\ndate: 2026-02-30\n---\nBody.\n",
            "Content/about.md": "---\ntitle: About\n---\n\nSee [coffee](events/coffee.yml) and [the letter](letters/broken.md).\n",
        ])
        defer { site.remove() }
        #expect(report.diagnostics.sortedForDisplay().map(\.location.path) == ["Content/events/coffee.yml", "Content/letters/broken.md"], "\(describe(report))")
    }
}

/// The resolver as a build makes it: pages, events, media and headings of a small site under a base path.
struct LinkTargetTests {
    static let files: [String: String] = [
        "Content/site.yml": minimalSiteYML.replacingOccurrences(of: "https://example.org/", with: "https://example.org/police/")
            + "categories:\n  - {name: Coffee with a Cop, slug: coffee}\n",
        "Content/letters/_index.md": "---\ntitle: Letters\nkind: posts\n---\n## From the Chief\n",
        "Content/letters/2024-01-02-hello.md": "---\ntitle: Hello\ndate: 2024-01-02\ntags: [Safety]\n---\n## Our plan\n\n## Our plan\n\n### Step 1: *listen*\n",
        "Content/letters/bar.md": "---\ntitle: Bar\ndate: 2024-01-03\naliases: [/news/old-bar/]\n---\nNo headings.\n",
        "Content/strategy/community-policing.md": "---\ntitle: Community policing\n---\n## Hot spots\n\n## Hot-spot map\n\n## Partners\n",
        "Content/about.md": "---\ntitle: About\n---\n## Who we are\n",
        "Content/events/coffee.yml": "title: Coffee\nstart: 2026-12-05 09:00\ncategory: coffee\n",
        "Content/events/night-out.yaml": "title: Night Out\nstart: 2026-08-04 18:00\n",
        "Content/media/map.pdf": "%PDF",
    ]

    static let resolver: LinkResolver = {
        let site = try! TempSite(files)
        defer { site.remove() }
        let problems = Problems()
        // Read with a cache, so the pages' texts stay in memory for the headings after the folder is gone.
        var options = BuildOptions(siteFolder: site.url, now: testNow)
        options.cache = BuildCache()
        var content = ContentLoader.load(options, problems: problems)
        Builder.assignPaths(&content, problems: problems)
        precondition(!problems.hasErrors, "\(problems.list.map(DiagnosticPrinter.text))")
        return Builder.linkResolver(content)
    }()

    func broken(_ url: String, from: String = "letters/bar.md") -> (message: String, fix: String)? {
        if case let .broken(message, fix) = Self.resolver.resolve(url, from: from) { return (message, fix) }
        return nil
    }

    func fixFor(_ url: String, from: String = "letters/bar.md") -> String {
        broken(url, from: from)?.fix ?? "(not broken)"
    }

    @Test(arguments: [
        ("../events/coffee.yml", "letters/bar.md", "/police/events/coffee/"),
        ("events/coffee.yml", "about.md", "/police/events/coffee/"),
        ("events/night-out.yaml?utm=x#when", "about.md", "/police/events/night-out/?utm=x#when"),
        ("../strategy/community-policing.md#hot-spots", "letters/bar.md", "/police/strategy/community-policing/#hot-spots"),
        ("2024-01-02-hello.md#our-plan-2", "letters/bar.md", "/police/letters/hello/#our-plan-2"),
        ("_index.md#from-the-chief", "letters/bar.md", "/police/letters/"),
    ])
    func rewrites(url: String, from: String, expected: String) {
        let outcome = Self.resolver.resolve(url, from: from)
        if url.hasPrefix("_index") {
            #expect(outcome == .replace("/police/letters/#from-the-chief"))
        } else {
            #expect(outcome == .replace(expected))
        }
    }

    @Test func missingEventSuggestsTheCloseOne() throws {
        let (message, fix) = try #require(broken("../events/cofee.yml"))
        #expect(message == "the link \"../events/cofee.yml\" points to Content/events/cofee.yml, which does not exist")
        #expect(fix == "did you mean \"../events/coffee.yml\"?")
        #expect(fixFor("../events/town-hall.yml") == "check the file name, or link to an event file in Content/events/")
    }

    @Test(arguments: [
        "/police/", "/police", "/police/letters/", "/police/letters", "/police/letters/hello/", "/police/letters/hello/index.html",
        "/police/letters/feed.xml", "/police/strategy/", "/police/strategy/community-policing/", "/police/about/",
        "/police/tags/", "/police/tags/safety/", "/police/districts/north/", "/police/districts/north.ics", "/police/events/",
        "/police/events/past/", "/police/events/coffee/", "/police/events/night-out.ics", "/police/events/category/coffee/",
        "/police/calendar/", "/police/calendar/2027/03/", "/police/calendar.ics", "/police/calendar/coffee.ics",
        "/police/search/", "/police/search.json", "/police/sitemap.xml", "/police/media/map.pdf", "/police/assets/style.css",
        "/police/news/old-bar/", "/police/letters/?page=2", "/other-site/", "//cdn.example.org/x.js", "/police/about/#main",
    ])
    func publishedOrOutsideTheSiteIsFine(url: String) {
        #expect(Self.resolver.resolve(url, from: "letters/bar.md") == .keep)
    }

    @Test(arguments: [
        ("/police/nowhere/", "link to a page the site publishes; for a page another server provides, write its full address (https://…)"),
        ("/police/leters/", "did you mean \"/police/letters/\"?"),
        ("/police/letters/helo/", "did you mean \"/police/letters/hello/\"?"),
        ("/police/events/cofee/", "did you mean \"/police/events/coffee/\"?"),
        ("/police/media/map.pfd", "did you mean \"/police/media/map.pdf\"?"),
        ("/police/calendar/2027/13/", "link to a page the site publishes; for a page another server provides, write its full address (https://…)"),
        ("/police/letters/page/2/", "link to a page the site publishes; for a page another server provides, write its full address (https://…)"),
    ])
    func unpublishedPathsInsideTheSiteAreBroken(url: String, fix: String) throws {
        let (message, actualFix) = try #require(broken(url))
        #expect(message == "the link \"\(url)\" is not a page of this site")
        #expect(actualFix == fix)
    }

    @Test func headingsOfOtherPagesAreChecked() throws {
        let (message, fix) = try #require(broken("../strategy/community-policing.md#hotspots"))
        #expect(message == "the link \"../strategy/community-policing.md#hotspots\" points to \"#hotspots\", which is not a heading in Content/strategy/community-policing.md")
        #expect(fix == "did you mean \"#hot-spots\"?")
        #expect(fixFor("/police/strategy/community-policing/#hot-spot-maps") == "did you mean \"#hot-spot-map\"?")
        #expect(fixFor("../strategy/community-policing.md#budget") == "use one of its headings: #hot-spots, #hot-spot-map, #partners")
        #expect(fixFor("2024-01-02-hello.md#our-plan-3") == "did you mean \"#our-plan-2\" or \"#our-plan\"?")
        #expect(fixFor("_index.md#from-the-chef") == "did you mean \"#from-the-chief\"?")
        #expect(fixFor("letters/bar.md#top", from: "about.md") == "the page has no headings; link to the page without \"#top\"")
    }

    @Test func headingsOfThisPageAreChecked() throws {
        #expect(Self.resolver.resolve("#step-1-listen", from: "letters/2024-01-02-hello.md") == .keep)
        #expect(Self.resolver.resolve("#main", from: "letters/bar.md") == .keep)
        let (message, fix) = try #require(broken("#step-1", from: "letters/2024-01-02-hello.md"))
        #expect(message == "the link \"#step-1\" is not a heading on this page")
        #expect(fix == "use one of its headings: #our-plan, #our-plan-2, #step-1-listen")
    }

    @Test func aLinkToASectionThatDoesNotExistIsBroken() throws {
        #expect(try #require(broken("../ghosts/_index.md")).message == "the link \"../ghosts/_index.md\" points to Content/ghosts/_index.md, but Content/ghosts/ is not a section")
    }

    @Test func didYouMeanOnlyNamesFilesWithACloseName() throws {
        // "bar.md" is three letters away from "foo.md": no more alike than any two short names.
        #expect(fixFor("foo.md") == "check the file name, or link to an existing page")
        #expect(fixFor("helo.md") == "did you mean \"2024-01-02-hello.md\"?")
        #expect(fixFor("../letters/community-policing.md") == "did you mean \"../strategy/community-policing.md\"?")
        #expect(fixFor("../media/mapp.pdf") == "did you mean \"../media/map.pdf\"?")
        #expect(fixFor("../strategy/policing.md") == "check the file name, or link to an existing page")
    }
}

/// The link checker knows every page a build publishes; if SitePlan gains a page, this fails until PublishedPaths knows it.
struct PublishedPathsTests {
    @Test(arguments: ["Tests/PorchlightTests/Fixtures/good-site", "."])
    func everyBuiltFileIsALinkThatPasses(site: String) throws {
        let folder = Repo.root.appendingPathComponent(site)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("porchlight-paths-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let report = Builder.build(BuildOptions(siteFolder: folder, output: output, now: testNow))
        #expect(report.succeeded, "\(describe(report))")
        let problems = Problems()
        var content = ContentLoader.load(BuildOptions(siteFolder: folder, now: testNow), problems: problems)
        Builder.assignPaths(&content, problems: problems)
        let resolver = Builder.linkResolver(content)
        let files = ContentLoader.listFiles(output)
        #expect(files.count > 20)
        for file in files {
            let page = file == "index.html" ? "" : file.hasSuffix("/index.html") ? String(file.dropLast("index.html".count)) : file
            let url = content.config.basePath + page
            #expect(resolver.resolve(url, from: "about.md") == .keep, "\(url) is published but a link to it is reported")
        }
    }
}
