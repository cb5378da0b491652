import Foundation

/// Turns links between content files (`../strategy/community-policing.md`) into the pages' URLs.
struct LinkResolver: Sendable {
    /// Site path (without base path) of every published Markdown file, by its path below `Content/`.
    var pathByContentPath: [String: String]
    /// Every Markdown file, published or not, so a link to a draft gets its own message.
    var allContentPaths: Set<String>
    var mediaFiles: Set<String>
    var basePath: String

    enum Outcome: Equatable {
        case keep
        case replace(String)
        case broken(message: String, fix: String)
    }

    /// Decides what a link written in the file at `from` (a path below `Content/`) should become.
    func resolve(_ url: String, from: String) -> Outcome {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        if Self.isScript(trimmed) { return .replace("") }
        if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("/") || Self.hasScheme(trimmed) { return .keep }

        var pathPart = Substring(trimmed)
        var suffix = ""
        if let cut = pathPart.firstIndex(where: { $0 == "#" || $0 == "?" }) {
            suffix = String(pathPart[cut...])
            pathPart = pathPart[..<cut]
        }
        let decoded = String(pathPart).removingPercentEncoding ?? String(pathPart)
        let directory = from.split(separator: "/").dropLast().map(String.init)
        guard let target = Self.normalize(directory + decoded.split(separator: "/", omittingEmptySubsequences: false).map(String.init)) else {
            return .broken(message: "the link \"\(url)\" points outside the Content folder", fix: "link to a file inside Content/")
        }
        if decoded.hasSuffix(".md") {
            if target.hasSuffix("_index.md") {
                let folder = target.dropLast("_index.md".count)
                return .replace(basePath + folder + suffix)
            }
            if let path = pathByContentPath[target] { return .replace(basePath + path + suffix) }
            if allContentPaths.contains(target) {
                return .broken(message: "the link \"\(url)\" points to Content/\(target), which is a draft or not published yet",
                               fix: "publish that page first, or remove the link")
            }
            let known = Array(pathByContentPath.keys)
            let guess = Spelling.closest(to: target, in: known)
            return .broken(message: "the link \"\(url)\" points to Content/\(target), which does not exist",
                           fix: guess.map { "did you mean \"\(Self.relative(from: from, to: $0))\"?" } ?? "check the file name, or link to an existing page")
        }
        if target.hasPrefix("media/") {
            if mediaFiles.contains(String(target.dropFirst(6))) { return .replace(basePath + target + suffix) }
            return .broken(message: "the link \"\(url)\" points to Content/\(target), which does not exist", fix: "add the file to Content/media/ or correct the name")
        }
        return .keep
    }

    /// What rendering an entry does with one of its links: the new URL (nil keeps it), and any problem found, with its line
    /// in the file. A script link gets a warning here; `CommonMark.render` leaves only its text.
    func rewrite(_ link: CommonMark.Link, file: SourceFile, firstLine: Int, from: String, diagnostics: inout [Diagnostic]) -> String? {
        let line = link.line + firstLine - 1
        if Self.isScript(link.url) {
            let what = link.isImage ? "image" : "link"
            diagnostics.append(file.warning(line: line, column: link.column,
                                            "the \(what) \"\(Self.shortened(link.url))\" runs a script, so it was dropped and only its text is shown",
                                            fix: "link to a web page (https://…) instead"))
            return nil
        }
        switch resolve(link.url, from: from) {
        case .keep: return nil
        case let .replace(url): return url
        case let .broken(message, fix):
            diagnostics.append(file.error(line: line, column: link.column, message, fix: fix))
            return nil
        }
    }

    /// A URL short enough to quote in a message.
    static func shortened(_ url: String, limit: Int = 60) -> String {
        url.count <= limit ? url : String(url.prefix(limit)) + "…"
    }

    static func hasScheme(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":") else { return false }
        let scheme = url[..<colon]
        return !scheme.isEmpty && !scheme.contains("/") && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
    }

    /// `javascript:` and friends, also when disguised with case, spaces or control characters.
    static func isScript(_ url: String) -> Bool {
        let squeezed = String(url.unicodeScalars.filter { $0.value > 0x20 }.map(Character.init)).lowercased()
        return squeezed.hasPrefix("javascript:") || squeezed.hasPrefix("vbscript:") || squeezed.hasPrefix("data:text/html")
    }

    /// Resolves `.` and `..`; nil when the path climbs above `Content/`.
    static func normalize(_ parts: [String]) -> String? {
        var stack: [String] = []
        for part in parts {
            switch part {
            case "", ".": continue
            case "..":
                if stack.isEmpty { return nil }
                stack.removeLast()
            default: stack.append(part)
            }
        }
        return stack.joined(separator: "/")
    }

    static func relative(from: String, to target: String) -> String {
        let fromDir = from.split(separator: "/").dropLast()
        let targetParts = target.split(separator: "/")
        var common = 0
        while common < fromDir.count, common < targetParts.count - 1, fromDir[fromDir.startIndex + common] == targetParts[common] { common += 1 }
        let ups = Array(repeating: "..", count: fromDir.count - common)
        return (ups + targetParts[common...].map(String.init)).joined(separator: "/")
    }
}
