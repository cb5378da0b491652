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
        #expect(DefaultTheme.templates == onDisk, "run scripts/embed-theme")
        #expect(DefaultTheme.assets.compactMapValues { Data(base64Encoded: $0) } == assets, "run scripts/embed-theme")
    }

    @Test func everyPageTemplateIsThere() {
        for name in Theme.requiredTemplates { #expect(DefaultTheme.templates[name] != nil, "\(name)") }
    }
}
