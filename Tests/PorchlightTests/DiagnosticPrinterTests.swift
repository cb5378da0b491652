import Foundation
import Testing
@testable import Porchlight

struct DiagnosticPrinterTests {
    let diagnostics = [
        Diagnostic(.warning, SourceLocation(path: "Content/b.md", line: 2, column: 1), "no summary", fix: "add one"),
        Diagnostic(.error, SourceLocation(path: "Content/a.md", line: 4, column: 7), "bad \"date\"", fix: "write 2024-11-05",
                   sourceLine: "date: 2024-02-30"),
    ]

    @Test func textIsSortedAndPointsAtTheColumn() {
        #expect(DiagnosticPrinter.render(diagnostics, as: .text) == """
            Content/a.md:4:7: error: bad "date" — write 2024-11-05
                date: 2024-02-30
                      ^
            Content/b.md:2:1: warning: no summary — add one

            """)
    }

    @Test func githubAnnotations() {
        #expect(DiagnosticPrinter.render(diagnostics, as: .github) == """
            ::error file=Content/a.md,line=4,col=7,title=Porchlight::bad "date" — write 2024-11-05
            ::warning file=Content/b.md,line=2,col=1,title=Porchlight::no summary — add one

            """)
    }

    @Test func jsonParsesAndCounts() throws {
        let data = Data(DiagnosticPrinter.render(diagnostics, as: .json).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["errors"] as? Int == 1)
        #expect(object["warnings"] as? Int == 1)
        let first = try #require((object["diagnostics"] as? [[String: Any]])?.first)
        #expect(first["file"] as? String == "Content/a.md")
        #expect(first["line"] as? Int == 4)
        #expect(first["message"] as? String == "bad \"date\"")
        #expect(first["fix"] as? String == "write 2024-11-05")
    }
}
