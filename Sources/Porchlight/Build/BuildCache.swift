import Foundation

/// What the preview server keeps from one build to the next: files as parsed and bodies as rendered, each reused only
/// while everything it was made from is the same, so a save costs the work of the file saved.
public final class BuildCache: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: ParsedFile] = [:]
    private var bodies: [String: RenderedBody] = [:]
    private var last: LastBuild?
    /// How many builds were quick updates, for tests.
    private(set) var quickUpdates = 0
    /// How old a file's last change must be before its stamp alone is trusted (see `FileStamp.isOlder`).
    private let settle: Double

    public convenience init() { self.init(settle: 1) }

    init(settle: Double) { self.settle = settle }

    /// A file's parse: its text, what it was read with, and the result (an entry, a section index, or an event).
    struct ParsedFile {
        var stamp: FileStamp
        /// When the file was read; a stamp younger than this by less than a second may hide a second change.
        var readAt: timespec
        var text: String
        var configKey: UInt64
        var result: ParsedResult
    }

    enum ParsedResult {
        case markdown(ContentLoader.Parsed)
        case event(Event?, [Diagnostic])
    }

    /// A body's HTML and the diagnostics it gave, with what its links were resolved against.
    struct RenderedBody {
        var path: String
        var linkKey: UInt64
        /// Pages whose headings the body's `#fragment` links were checked against, and the ids they had.
        var anchorsSeen: [String: [String]?]
        var rendered: RenderedEntry
        var diagnostics: [Diagnostic]
    }

    /// The parse of the file at `path` if it can be reused: read only when its stamp is new or too recent to trust.
    func parsed(_ path: String, fullPath: String, configKey: UInt64,
                parse: (SourceFile?, Diagnostic?) -> ParsedResult, displayPath: String) -> ParsedResult {
        let stamp = FileStamp(path: fullPath)
        let cached = lock.withLock { files[path] }
        if let cached, let stamp, cached.configKey == configKey, cached.stamp == stamp, stamp.isOlder(than: cached.readAt, by: settle) {
            return cached.result
        }
        let readAt = timespec.now
        switch SourceFile.read(atPath: fullPath, displayPath: displayPath) {
        case let .failure(diagnostic):
            lock.withLock { files[path] = nil }
            return parse(nil, diagnostic)
        case let .success(file):
            let result = cached.flatMap { $0.configKey == configKey && $0.text == file.text ? $0.result : nil } ?? parse(file, nil)
            if let stamp {
                lock.withLock { files[path] = ParsedFile(stamp: stamp, readAt: readAt, text: file.text, configKey: configKey, result: result) }
            }
            return result
        }
    }

    /// The rendered body of `entry` from an earlier build, when it is the same parse of the file (a file read again with
    /// other settings, such as a new time zone, has other dates), at the same address, with links' targets the same.
    func rendered(_ entry: Entry, linkKey: UInt64, anchors: AnchorIndex?) -> (RenderedEntry, [Diagnostic])? {
        guard let cached = lock.withLock({ bodies[entry.contentPath] }), cached.rendered.entry === entry, cached.linkKey == linkKey,
              cached.path == entry.path,
              cached.anchorsSeen.allSatisfy({ anchors?.ids(in: $0.key) == $0.value }) else { return nil }
        return (cached.rendered, cached.diagnostics)
    }

    func keep(_ rendered: RenderedEntry, diagnostics: [Diagnostic], linkKey: UInt64, anchorsSeen: [String: [String]?]) {
        let body = RenderedBody(path: rendered.entry.path, linkKey: linkKey,
                                anchorsSeen: anchorsSeen, rendered: rendered, diagnostics: diagnostics)
        lock.withLock { bodies[rendered.entry.contentPath] = body }
    }

    /// The diagnostics the file at `path` gave when it was last parsed, and its body when it was last rendered.
    func diagnostics(of path: String) -> [Diagnostic] {
        lock.withLock {
            var found = bodies[path]?.diagnostics ?? []
            if case let .markdown(parsed) = files[path]?.result { found += parsed.diagnostics }
            return found
        }
    }

    /// Keeps a file read outside `parsed` (by a quick update); `stamp` was taken before it was read.
    func remember(_ path: String, stamp: FileStamp?, readAt: timespec, text: String, configKey: UInt64, result: ParsedResult) {
        lock.withLock { files[path] = stamp.map { ParsedFile(stamp: $0, readAt: readAt, text: text, configKey: configKey, result: result) } }
    }

    /// The last good build, handed out once: a build takes it when it starts and keeps a new one only when it succeeds.
    func takeLast() -> LastBuild? {
        lock.withLock {
            defer { last = nil }
            return last
        }
    }

    func keepLast(_ build: LastBuild, quick: Bool = false) {
        lock.withLock {
            last = build
            if quick { quickUpdates += 1 }
        }
    }

    /// Forgets files that are gone, so a long preview session does not hold on to them.
    func keepOnly(files paths: Set<String>) {
        lock.withLock {
            // Most builds remove nothing; checking first spares copying ten thousand entries.
            if !files.keys.allSatisfy(paths.contains) { files = files.filter { paths.contains($0.key) } }
            if !bodies.keys.allSatisfy(paths.contains) { bodies = bodies.filter { paths.contains($0.key) } }
        }
    }
}

/// What `stat` says about a file that changes when the file does: an editor's save gives a new size, time or inode.
struct FileStamp: Equatable {
    var device: UInt64, inode: UInt64, size: Int64
    var modified: timespec, changed: timespec

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev); inode = UInt64(info.st_ino); size = Int64(info.st_size)
        modified = info.st_mtim; changed = info.st_ctim
    }

    /// Whether the file's last change came `seconds` before `moment`: a later write within the file system's clock
    /// tick could leave the stamp as it was (git's "racy" rule), so younger stamps are checked by reading.
    func isOlder(than moment: timespec, by seconds: Double) -> Bool {
        max(modified.seconds, changed.seconds) + seconds < moment.seconds
    }

    static func == (a: FileStamp, b: FileStamp) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }
}

extension timespec {
    var seconds: Double { Double(tv_sec) + Double(tv_nsec) / 1e9 }

    /// The wall clock, as file times are kept.
    static var now: timespec {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time
    }
}
