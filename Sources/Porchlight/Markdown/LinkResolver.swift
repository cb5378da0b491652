import Foundation

/// Turns links between content files (`../strategy/community-policing.md`, `../events/coffee.yml`) into the pages' URLs,
/// and checks what links point at: files, published pages (`/events/`) and headings (`#hot-spots`).
struct LinkResolver: Sendable {
    /// Site path (without base path) of every published Markdown file, by its path below `Content/`.
    var pathByContentPath: [String: String]
    /// Every Markdown file, published or not, so a link to a draft gets its own message.
    var allContentPaths: Set<String>
    var mediaFiles: Set<String>
    var basePath: String
    /// Slug of every event that was read, by its path below `Content/` (`events/coffee.yml` → `coffee`).
    var eventSlugByContentPath: [String: String] = [:]
    /// Files below `Content/` that exist but could not be read; their own errors say why, so links to them are left alone.
    var unreadable: Set<String> = []
    /// Every page the site publishes; when nil, root-relative links are not checked.
    var site: PublishedPaths? = nil
    /// Heading ids of the Markdown pages; when nil, `#fragment`s are not checked.
    var anchors: AnchorIndex? = nil
    /// When set, notes each page whose headings a `#fragment` was checked against, for the preview server's cache.
    var anchorLog: AnchorLog? = nil

    enum Outcome: Equatable {
        case keep
        case replace(String)
        case broken(message: String, fix: String)
    }

    /// Decides what a link written in the file at `from` (a path below `Content/`) should become.
    func resolve(_ url: String, from: String) -> Outcome {
        let trimmed = Self.hasOuterSpace(url) ? url.trimmingCharacters(in: .whitespacesAndNewlines) : url
        if Self.isScript(trimmed) { return .replace("") }
        if Self.leavesSite(trimmed) { return .keep }
        if trimmed.hasPrefix("#") {
            return anchorProblem(String(trimmed.dropFirst()), in: from, url: url, samePage: true) ?? .keep
        }

        // Byte searches: this runs for every link of every body, and Foundation's `contains` on a Substring bridges to NSString.
        var pathPart = Substring(trimmed)
        var suffix = ""
        if let cut = pathPart.utf8.firstIndex(where: { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "?") }) {
            suffix = String(pathPart[cut...])
            pathPart = pathPart[..<cut]
        }
        let fragment = suffix.utf8.firstIndex(of: UInt8(ascii: "#")).map { String(suffix[suffix.utf8.index(after: $0)...]) } ?? ""
        let decoded = pathPart.utf8.contains(UInt8(ascii: "%")) ? String(pathPart).removingPercentEncoding ?? String(pathPart) : String(pathPart)
        if trimmed.hasPrefix("/") { return resolveRootRelative(decoded, fragment: fragment, url: url) }

        let directory = from.split(separator: "/").dropLast().map(String.init)
        guard let target = Self.normalize(directory + decoded.split(separator: "/", omittingEmptySubsequences: false).map(String.init)) else {
            return .broken(message: "the link \"\(url)\" points outside the Content folder", fix: "link to a file inside Content/")
        }
        if decoded.hasSuffix(".md") {
            if target == "_index.md" || target.hasSuffix("/_index.md") {
                let folder = String(target.dropLast("_index.md".count))
                if let site, site.page(for: folder) == nil {
                    return .broken(message: "the link \"\(url)\" points to Content/\(target), but Content/\(folder) is not a section",
                                   fix: missingFileFix(target, from: from, among: Array(pathByContentPath.keys)) ?? "link to a section that has pages")
                }
                return anchorProblem(fragment, in: target, url: url) ?? .replace(basePath + folder + suffix)
            }
            if let path = pathByContentPath[target] {
                return anchorProblem(fragment, in: target, url: url) ?? .replace(basePath + path + suffix)
            }
            if unreadable.contains(target) { return .keep }
            if allContentPaths.contains(target) {
                return .broken(message: "the link \"\(url)\" points to Content/\(target), which is a draft or not published yet",
                               fix: "publish that page first, or remove the link")
            }
            return .broken(message: "the link \"\(url)\" points to Content/\(target), which does not exist",
                           fix: missingFileFix(target, from: from, among: Array(pathByContentPath.keys)) ?? "check the file name, or link to an existing page")
        }
        if target.hasPrefix("events/"), decoded.hasSuffix(".yml") || decoded.hasSuffix(".yaml") {
            if let slug = eventSlugByContentPath[target] { return .replace(basePath + "events/\(slug)/" + suffix) }
            if unreadable.contains(target) { return .keep }
            return .broken(message: "the link \"\(url)\" points to Content/\(target), which does not exist",
                           fix: missingFileFix(target, from: from, among: Array(eventSlugByContentPath.keys))
                               ?? "check the file name, or link to an event file in Content/events/")
        }
        if target.hasPrefix("media/") {
            if mediaFiles.contains(String(target.dropFirst(6))) { return .replace(basePath + target + suffix) }
            return .broken(message: "the link \"\(url)\" points to Content/\(target), which does not exist",
                           fix: missingFileFix(target, from: from, among: mediaFiles.map { "media/" + $0 }) ?? "add the file to Content/media/ or correct the name")
        }
        return .keep
    }

    /// A link that starts with `/`: inside the base path it must be a page the site publishes (and name one of its
    /// headings); outside it, it belongs to another site on the same host and is left alone.
    private func resolveRootRelative(_ decoded: String, fragment: String, url: String) -> Outcome {
        guard let site else { return .keep }
        let relative: String
        if decoded.hasPrefix(basePath) {
            relative = String(decoded.dropFirst(basePath.count))
        } else if decoded + "/" == basePath {
            relative = ""
        } else {
            return .keep
        }
        guard let page = site.page(for: relative) else {
            let fix = LinkSuggestions.didYouMean(site.suggestions(for: relative).map { basePath + $0 })
                ?? "link to a page the site publishes; for a page another server provides, write its full address (https://…)"
            return .broken(message: "the link \"\(url)\" is not a page of this site", fix: fix)
        }
        if let source = site.sources[page], let problem = anchorProblem(fragment, in: source, url: url) { return problem }
        return .keep
    }

    /// Whether `fragment` names an id on the page made from `contentPath`: nil when it does, or when that page's ids
    /// are not known (events, calendars, the home page).
    func anchorProblem(_ fragment: String, in contentPath: String, url: String, samePage: Bool = false) -> Outcome? {
        guard !fragment.isEmpty, let anchors else { return nil }
        let found = anchors.ids(in: contentPath)
        anchorLog?.seen[contentPath] = .some(found)
        guard let ids = found else { return nil }
        let id = fragment.removingPercentEncoding ?? fragment
        if ids.contains(id) || AnchorIndex.pageIDs.contains(id) { return nil }
        let message = samePage ? "the link \"\(url)\" is not a heading on this page"
                               : "the link \"\(url)\" points to \"#\(id)\", which is not a heading in Content/\(contentPath)"
        let unique = ids.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let fix = LinkSuggestions.didYouMean(LinkSuggestions.close(to: id, in: unique).map { "#" + $0 })
            ?? (unique.isEmpty ? "the page has no headings; link to the page without \"#\(id)\""
                : "use one of its headings: " + unique.prefix(8).map { "#" + $0 }.joined(separator: ", ") + (unique.count > 8 ? ", …" : ""))
        return .broken(message: message, fix: fix)
    }

    /// "did you mean" with the files close to a missing one, written as links from the file at `from`.
    private func missingFileFix(_ target: String, from: String, among candidates: [String]) -> String? {
        LinkSuggestions.didYouMean(LinkSuggestions.closeFiles(to: target, in: candidates).map { Self.relative(from: from, to: $0) })
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

    /// Sums up everything a link is resolved against but headings, which `anchorLog` follows page by page.
    /// Element hashes are added up, so the order sets and dictionaries iterate in does not matter and nothing is sorted.
    var key: UInt64 {
        func unordered<S: Sequence>(_ items: S, _ add: (inout Fingerprint, S.Element) -> Void) -> UInt64 {
            items.reduce(0) { sum, item in
                var f = Fingerprint()
                add(&f, item)
                return sum &+ f.value
            }
        }
        var f = Fingerprint()
        f.add(unordered(pathByContentPath) { $0.add($1.key); $0.add($1.value) })
        f.add(unordered(eventSlugByContentPath) { $0.add($1.key); $0.add($1.value) })
        for set in [allContentPaths, mediaFiles, unreadable, site?.paths ?? []] { f.add(unordered(set) { $0.add($1) }) }
        f.add(unordered(site?.sources ?? [:]) { $0.add($1.key); $0.add($1.value) })
        f.add(basePath)
        f.add(site == nil ? "unchecked" : "checked")
        return f.value
    }

    /// A link to elsewhere (`https://…`, `mailto:…`, `//host/…`) or to nothing, kept as written whatever the site holds;
    /// ask `isScript` first.
    static func leavesSite(_ url: String) -> Bool {
        let trimmed = hasOuterSpace(url) ? url.trimmingCharacters(in: .whitespacesAndNewlines) : url
        return trimmed.isEmpty || trimmed.hasPrefix("//") || hasScheme(trimmed)
    }

    /// A URL short enough to quote in a message.
    static func shortened(_ url: String, limit: Int = 60) -> String {
        url.count <= limit ? url : String(url.prefix(limit)) + "…"
    }

    /// Whether the URL may start or end with white space; asked of every link, so plain ASCII ends answer without Foundation.
    static func hasOuterSpace(_ url: String) -> Bool {
        guard let first = url.utf8.first, let last = url.utf8.last else { return false }
        return !(0x21..<0x7F).contains(first) || !(0x21..<0x7F).contains(last)
    }

    static func hasScheme(_ url: String) -> Bool {
        // Most links are ASCII paths: a `/` before any `:` answers without walking characters.
        for byte in url.utf8 {
            if byte == UInt8(ascii: "/") { return false }
            if byte == UInt8(ascii: ":") || byte >= 0x80 { break }
        }
        guard let colon = url.firstIndex(of: ":") else { return false }
        let scheme = url[..<colon]
        return !scheme.isEmpty && !scheme.contains("/") && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
    }

    /// `javascript:` and friends, also when disguised with case, spaces or control characters.
    static func isScript(_ url: String) -> Bool {
        guard url.utf8.contains(UInt8(ascii: ":")) else { return false }  // most links are paths; asked of every link
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

/// The pages one body's `#fragment` links were checked against, and the ids each had (nil: a page whose ids are not known).
final class AnchorLog: @unchecked Sendable {
    var seen: [String: [String]?] = [:]
}
