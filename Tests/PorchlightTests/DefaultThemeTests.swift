import Foundation
import Testing
@testable import Porchlight

struct DefaultThemeTests {
    /// The theme compiled into the executable must be exactly what is in Templates/.
    @Test func embeddedThemeMatchesTemplatesFolder() throws {
        let folder = Repo.root.appendingPathComponent("Templates")
        var onDisk: [String: String] = [:]
        var assets: [String: Data] = [:]
        for path in ContentLoader.listFiles(folder) {
            let data = try Data(contentsOf: folder.appendingPathComponent(path))
            if path.hasPrefix("assets/") { assets[String(path.dropFirst(7))] = data }
            else if path.hasSuffix(".mustache") { onDisk[String(path.dropLast(9))] = String(decoding: data, as: UTF8.self) }
        }
        let stale = Set(onDisk.keys).union(DefaultTheme.templates.keys).filter { onDisk[$0] != DefaultTheme.templates[$0] }
        #expect(stale.isEmpty, "templates differ from the embedded theme: \(stale.sorted()) — run scripts/embed-theme")
        let embedded = DefaultTheme.assets.compactMapValues { Data(base64Encoded: $0) }
        let staleAssets = Set(assets.keys).union(embedded.keys).filter { assets[$0] != embedded[$0] }
        #expect(staleAssets.isEmpty, "assets differ from the embedded theme: \(staleAssets.sorted()) — run scripts/embed-theme")
    }

    @Test func everyPageTemplateIsThere() {
        for name in Theme.requiredTemplates { #expect(DefaultTheme.templates[name] != nil, "\(name)") }
    }
}
