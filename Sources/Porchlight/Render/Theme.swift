import Foundation

/// The templates and assets a site renders with: the default theme, overridden file by file by the site's `Templates/`.
struct Theme: Sendable {
    let library: TemplateLibrary
    /// Files to copy below `assets/`, by path.
    let assets: [String: Data]
    /// Changes whenever any template does, so every page is rendered again after a template edit.
    let fingerprint: UInt64

    static let requiredTemplates = ["home", "section", "entry", "tag", "tags", "district", "districts", "404", "redirect", "events", "event", "month", "search"]

    static func load(siteFolder: URL, problems: Problems) -> Theme {
        var sources: [String: (text: String, path: String)] = [:]
        for (name, text) in DefaultTheme.templates {
            sources[name] = (text, "(default theme)/\(name).mustache")
        }
        var assets: [String: Data] = [:]
        for (path, base64) in DefaultTheme.assets {
            assets[path] = Data(base64Encoded: base64) ?? Data()
        }

        let folder = siteFolder.appendingPathComponent("Templates")
        for relative in ContentLoader.listFiles(folder) {
            let url = folder.appendingPathComponent(relative)
            if relative.hasPrefix("assets/") {
                if let data = try? Data(contentsOf: url) { assets[String(relative.dropFirst(7))] = data }
            } else if relative.hasSuffix(".mustache") {
                switch SourceFile.read(url, displayPath: "Templates/" + relative) {
                case let .success(file): sources[String(relative.dropLast(9))] = (file.text, file.path)
                case let .failure(diagnostic): problems.add(diagnostic)
                }
            }
        }

        var library = TemplateLibrary()
        for name in sources.keys.sorted() {
            let (text, path) = sources[name]!
            do {
                library.templates[name] = try Template(text)
            } catch {
                let file = SourceFile(path: path, text: text)
                problems.add(file.error(line: error.line, column: error.column, "the template cannot be read: \(error.message)", fix: error.fix))
            }
        }
        for name in sources.keys.sorted() {
            let (text, path) = sources[name]!
            for (partial, line, column) in partials(in: text) where sources[partial] == nil {
                let file = SourceFile(path: path, text: text)
                problems.add(file.error(line: line, column: column, "the partial \"\(partial)\" does not exist",
                                        fix: "create Templates/\(partial).mustache or correct the name"))
            }
        }
        for name in requiredTemplates where sources[name] == nil {
            problems.add(.error(SourceLocation(path: "Templates/\(name).mustache"), "the template \"\(name)\" is missing",
                                fix: "create Templates/\(name).mustache"))
        }
        let fingerprint = Fingerprint.of(sources.keys.sorted().flatMap { [$0, sources[$0]!.text] })
        return Theme(library: library, assets: assets, fingerprint: fingerprint)
    }

    func render(_ template: String, _ context: TemplateValue) -> Data {
        library.render(template, context)
    }

    /// `{{> name}}` references with their line and column, so a missing partial is an error, not an empty string.
    static func partials(in text: String) -> [(String, Int, Int)] {
        var found: [(String, Int, Int)] = []
        var line = 1
        var lineStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\n" {
                line += 1
                lineStart = text.index(after: index)
            } else if text[index...].hasPrefix("{{>") {
                let nameStart = text.index(index, offsetBy: 3)
                if let close = text[nameStart...].range(of: "}}") {
                    let name = text[nameStart..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                    let column = text.distance(from: lineStart, to: index) + 1
                    if !name.isEmpty { found.append((name, line, column)) }
                }
            }
            index = text.index(after: index)
        }
        return found
    }
}
