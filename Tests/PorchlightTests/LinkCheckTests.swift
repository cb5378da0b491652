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
