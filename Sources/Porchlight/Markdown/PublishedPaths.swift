import Foundation

/// Every address the site will publish, worked out from the content before any page is rendered, so that a
/// root-relative link in Markdown (`/events/coffee/`) can be checked. SitePlan decides the pages; a test builds sites
/// and checks that every file they get is found here, so the two cannot drift apart unnoticed.
struct PublishedPaths: Sendable {
    /// Site paths without the base path: `""` (home), `letters/`, `letters/hello/`, `calendar.ics`, `media/map.pdf`.
    private(set) var paths: Set<String> = []
    /// The Markdown file a page shows, by the page's site path, so `#fragment`s can be checked against its headings.
    private(set) var sources: [String: String] = [:]

    /// Folders whose files are not known while Markdown is rendered: the theme's assets (a site may add its own).
    static let openFolders = ["assets/"]

    init() {}

    init(_ content: SiteContent) {
        let config = content.config
        let perPage = SitePlan.postsPerPage
        func paginated(_ base: String, count: Int, perPage: Int) {
            paths.insert(base)
            let pages = max(1, (count + perPage - 1) / perPage)
            if pages > 1 { for n in 2...pages { paths.insert("\(base)page/\(n)/") } }
        }
        paths = ["", "tags/", "districts/", "events/", "events/past/", "calendar/", "calendar.ics", "search/", "search.json",
                 "sitemap.xml", "robots.txt", "404.html"]
        for section in content.sections {
            paginated(section.path, count: section.entries.count, perPage: section.kind == .posts ? perPage : max(section.entries.count, 1))
            sources[section.path] = "\(section.name)/_index.md"
            if section.kind == .posts { paths.formUnion([section.path + "feed.xml", section.path + "feed.json"]) }
        }
        let entries = content.sections.flatMap(\.entries) + content.pages
        paths.reserveCapacity(paths.count + entries.count + 2 * content.events.count + content.media.count)
        sources.reserveCapacity(sources.count + entries.count)
        var tagged: [String: Int] = [:]
        for entry in entries {
            paths.insert(entry.path)
            sources[entry.path] = entry.contentPath
            for tag in Set(entry.tags.map(Slug.make)) where !tag.isEmpty { tagged[tag, default: 0] += 1 }
            for alias in entry.aliases {
                if let path = Self.aliasPath(alias.path, basePath: config.basePath) { paths.insert(path) }
            }
        }
        for (tag, count) in tagged { paginated("tags/\(tag)/", count: count, perPage: perPage) }
        for district in config.districts { paths.formUnion(["districts/\(district.slug)/", "districts/\(district.slug).ics"]) }
        for category in config.categories { paths.formUnion(["events/category/\(category.slug)/", "calendar/\(category.slug).ics"]) }
        for event in content.events { paths.formUnion(["events/\(event.slug)/", "events/\(event.slug).ics"]) }
        for file in content.media { paths.insert("media/" + file) }
    }

    /// The published path a link's path (base path removed, percent-decoded) leads to, or nil when there is none.
    /// Takes what a web server takes: a folder without its final `/`, or with `index.html`.
    func page(for written: String) -> String? {
        // A published path is already in normal form, so most links are found as written.
        if !written.hasSuffix("index.html"), paths.contains(written) { return written }
        let isFolder = written.isEmpty || written.hasSuffix("/")
        guard let normalized = LinkResolver.normalize(written.split(separator: "/").map(String.init)) else { return nil }
        var path = normalized + (isFolder && !normalized.isEmpty ? "/" : "")
        if path == "index.html" { path = "" } else if path.hasSuffix("/index.html") { path.removeLast("index.html".count) }
        if paths.contains(path) { return path }
        if !path.hasSuffix("/"), !path.isEmpty, paths.contains(path + "/") { return path + "/" }
        if Self.openFolders.contains(where: { path.hasPrefix($0) }) || Self.isMonth(path) { return path }
        return nil
    }

    /// Published paths a reader might have meant by one that is not published.
    func suggestions(for written: String) -> [String] {
        var path = written
        if !path.isEmpty, !path.hasSuffix("/"), !path.contains(".") { path += "/" }
        return LinkSuggestions.close(to: path, in: Array(paths))
    }

    /// `calendar/2027/03/`: month pages exist for the months around "now", which Markdown rendering does not know.
    static func isMonth(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "calendar", parts[3].isEmpty, parts[1].count == 4, Int(parts[1]) != nil,
              parts[2].count == 2, let month = Int(parts[2]) else { return false }
        return (1...12).contains(month)
    }

    /// An alias as the path its redirect page answers at (the rule of `SitePlan.aliasFile`).
    static func aliasPath(_ alias: String, basePath: String) -> String? {
        guard !LinkResolver.hasScheme(alias), !alias.hasPrefix("//") else { return nil }
        var path = alias
        if path.hasPrefix(basePath) { path.removeFirst(basePath.count) }
        let parts = path.split(separator: "/").map(String.init)
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        if parts.last!.hasSuffix(".html") || parts.last!.hasSuffix(".htm") { return parts.joined(separator: "/") }
        return parts.joined(separator: "/") + "/"
    }
}
