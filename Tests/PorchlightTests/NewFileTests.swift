import Foundation
import Testing
@testable import Porchlight

struct NewFileTests {
    /// A file made by `porchlight new` must build without errors in an otherwise empty site.
    @Test(arguments: ["letter", "page", "event"])
    func newFilesBuildCleanly(kind: String) throws {
        let file = NewFile.make(kind: kind, title: "Thank you, \"neighbors\"", section: nil, today: testNow)
        let site = try TempSite(["Content/site.yml": minimalSiteYML, "Content/\(file.path)": file.text])
        defer { site.remove() }
        let report = site.build(write: false)
        #expect(report.diagnostics.filter(\.isError).isEmpty, "\(describe(report))")
    }

    @Test func letterIsDatedAndNamedFromTheTitle() {
        let file = NewFile.make(kind: "letter", title: "Coffee with a Cop: Spring", section: nil, today: testNow)
        #expect(file.path == "letters/2026-11-21-coffee-with-a-cop-spring.md")
        #expect(file.text.contains("title: \"Coffee with a Cop: Spring\"\ndate: 2026-11-21\n"))
    }
}
