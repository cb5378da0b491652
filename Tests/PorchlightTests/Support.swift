import Foundation
@testable import Porchlight

/// Where the repository's folders are, found from this file so tests run from any working directory.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/PorchlightTests/Fixtures")
}

/// The fixed "now" every test build uses, so output never depends on the clock.
let testNow = Date(timeIntervalSince1970: 1_795_284_000)  // 2026-11-21T12:00:00-06:00

/// A throwaway site folder on disk; files are given as path → text.
struct TempSite {
    let url: URL

    init(_ files: [String: String]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("porchlight-test-\(UUID().uuidString)")
        for (path, text) in files {
            let file = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
    }

    var output: URL { url.appendingPathComponent("Public") }

    func build(write: Bool = true, drafts: Bool = false) -> BuildReport {
        Builder.build(BuildOptions(siteFolder: url, includeDrafts: drafts, now: testNow), write: write)
    }

    func read(_ path: String) -> String? {
        try? String(contentsOf: output.appendingPathComponent(path), encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

let minimalSiteYML = """
    title: Test City Police
    baseURL: https://example.org/
    timeZone: America/Chicago
    districts:
      - {name: North, slug: north, summary: The north side.}

    """

/// Renders diagnostics the way `porchlight check` prints them, for exact comparisons.
func describe(_ report: BuildReport) -> String {
    DiagnosticPrinter.render(report.diagnostics, as: .text)
}
