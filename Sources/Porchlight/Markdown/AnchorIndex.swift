import Foundation

/// The ids a link's `#fragment` may name on each Markdown page, worked out the first time a link asks for that page,
/// so a site whose links have no fragments pays nothing. Shared by the threads that render entries.
final class AnchorIndex: @unchecked Sendable {
    /// Ids the default theme gives every page: the skip link's target.
    static let pageIDs = ["main"]

    /// Where a page's Markdown is: in memory, or with an entry that may have left its body on disk.
    enum Source {
        case markdown(Substring)
        case entry(Entry)
    }

    private let sources: [String: Source]
    private let options: CommonMark.Options
    private let lock = NSLock()
    private var cache: [String: [String]] = [:]

    /// `sources`: the Markdown each page shows, by its path below `Content/` (`letters/a.md`, `letters/_index.md`).
    init(sources: [String: Source], options: CommonMark.Options) {
        self.sources = sources
        self.options = options
    }

    /// The ids on the page made from `contentPath`, in page order; nil when that is not a page whose ids are known,
    /// or when its file can no longer be read as it was (the build then fails on that file when it renders it).
    func ids(in contentPath: String) -> [String]? {
        let (known, source) = lock.withLock { (cache[contentPath], sources[contentPath]) }
        if let known { return known }
        let markdown: Substring
        switch source {
        case nil: return nil
        case let .markdown(text)?: markdown = text
        case let .entry(entry)?:
            guard case let .success(read) = entry.markdown() else { return nil }
            markdown = read.body
        }
        let ids = CommonMark.anchors(in: markdown, options: options)
        lock.withLock { cache[contentPath] = ids }
        return ids
    }

    /// The ids a page's rendering found, so they need not be looked for again.
    func remember(_ ids: [String], for contentPath: String) {
        lock.withLock { cache[contentPath] = ids }
    }
}
