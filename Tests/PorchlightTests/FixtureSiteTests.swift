import Foundation
import Testing
@testable import Porchlight

/// Whole sites on disk: the good one must build to exactly its expected output, each invalid one must
/// fail with exactly its expected messages. `UPDATE_FIXTURES=1 swift test` rewrites the expectations.
struct FixtureSiteTests {
    static let update = ProcessInfo.processInfo.environment["UPDATE_FIXTURES"] == "1"

    @Test func goodSiteBuildsToItsExpectedOutput() throws {
        let site = Repo.fixtures.appendingPathComponent("good-site")
        let expected = Repo.fixtures.appendingPathComponent("good-site-expected")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("good-site-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let report = Builder.build(BuildOptions(siteFolder: site, output: output, now: testNow))
        #expect(report.diagnostics.isEmpty, "\(describe(report))")
        if Self.update {
            try? FileManager.default.removeItem(at: expected)
            try FileManager.default.copyItem(at: output, to: expected)
        }
        let built = ContentLoader.listFiles(output)
        let wanted = ContentLoader.listFiles(expected)
        #expect(Set(built).subtracting(wanted).sorted() == [], "built but not expected")
        #expect(Set(wanted).subtracting(built).sorted() == [], "expected but not built")
        for path in built {
            let a = try Data(contentsOf: output.appendingPathComponent(path))
            guard let b = try? Data(contentsOf: expected.appendingPathComponent(path)) else { continue }
            #expect(a == b, "\(path) differs from Tests/PorchlightTests/Fixtures/good-site-expected/\(path)")
        }
    }

    static var invalidSites: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Repo.fixtures.appendingPathComponent("invalid").path)) ?? []).sorted()
    }

    @Test(arguments: invalidSites)
    func invalidSiteFailsWithItsExpectedMessages(name: String) throws {
        let site = Repo.fixtures.appendingPathComponent("invalid/\(name)")
        let report = Builder.build(BuildOptions(siteFolder: site, now: testNow), write: false)
        let text = describe(report)
        let expectedFile = site.appendingPathComponent("expected.txt")
        if Self.update { try Data(text.utf8).write(to: expectedFile) }
        #expect(!report.succeeded)
        #expect(text == (try String(contentsOf: expectedFile, encoding: .utf8)))
    }

    @Test func thereAreInvalidSites() {
        #expect(Self.invalidSites.count >= 5)
    }
}
