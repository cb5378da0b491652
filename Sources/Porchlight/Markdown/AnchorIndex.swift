import Foundation

/// The ids a link's `#fragment` may name on each Markdown page, worked out the first time a link asks for that page,
/// so a site whose links have no fragments pays nothing. Shared by the threads that render entries.
final class AnchorIndex: @unchecked Sendable {
    /// Ids the default theme gives every page: the skip link's target.
    static let pageIDs = ["main"]

    private var sources: [String: Substring]
    private let options: CommonMark.Options
    private let lock = NSLock()
    private var cache: [String: [String]] = [:]

    /// `sources`: the Markdown each page shows, by its path below `Content/` (`letters/a.md`, `letters/_index.md`).
    init(sources: [String: Substring], options: CommonMark.Options) {
        self.sources = sources
        self.options = options
    }

    /// The ids on the page made from `contentPath`, in page order; nil when that is not a page whose ids are known.
    func ids(in contentPath: String) -> [String]? {
        let (known, markdown) = lock.withLock { (cache[contentPath], sources[contentPath]) }
        if let known { return known }
        guard let markdown else { return nil }
        let ids = CommonMark.anchors(in: markdown, options: options)
        lock.withLock { cache[contentPath] = ids }
        return ids
    }

    /// The ids a page's rendering found, so they need not be looked for again.
    func remember(_ ids: [String], for contentPath: String) {
        lock.withLock { cache[contentPath] = ids }
    }

    /// Lets go of the Markdown of every page whose ids are known, so a build need not keep every file's text.
    func forgetKnownMarkdown() {
        lock.withLock { for path in cache.keys { sources[path] = nil } }
    }
}
