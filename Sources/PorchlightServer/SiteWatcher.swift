import Foundation

/// Notices edits under `Content/` and `Templates/` by comparing snapshots of paths, sizes and modification times.
///
/// Comparing snapshots is portable and sees editors' atomic saves (write a new file, rename it over the old one) as a
/// change of the file's identity. On Linux the kernel (inotify) says at once that something changed, so a save is
/// noticed within milliseconds instead of at the next poll; polling stays as the safety net. A change is reported
/// only once nothing has changed for a quiet moment, so a save of many files gives one rebuild.
public struct SiteWatcher: Sendable {
    /// What identifies one version of a file.
    public struct Stamp: Hashable, Sendable {
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
        var inode: UInt64
    }

    /// Every watched file by its path relative to the site folder.
    public typealias Snapshot = [String: Stamp]

    public var siteFolder: URL
    public var folders: [String]
    public var interval: Duration
    public var quietPeriod: Duration
    /// Reports a change anyway when files keep changing for this long.
    public var longestWait: Duration = .seconds(3)

    public init(siteFolder: URL, folders: [String] = ["Content", "Templates"],
                interval: Duration = .milliseconds(300), quietPeriod: Duration = .milliseconds(150)) {
        self.siteFolder = siteFolder
        self.folders = folders
        self.interval = interval
        self.quietPeriod = quietPeriod
    }

    /// Calls `changed` with the changed paths after every settled change, until the task is cancelled; `start` is
    /// the state to compare with first (taken before a build, so edits made during it are not missed).
    public func watch(from start: Snapshot? = nil, _ changed: @Sendable ([String]) async -> Void) async {
        var last = start ?? snapshot()
        let clock = ContinuousClock()
        let doorbell = Doorbell(folders: folders.map { siteFolder.appendingPathComponent($0).path })
        var lastWalk = clock.now
        while !Task.isCancelled {
            var now: Snapshot
            if let doorbell {
                // The kernel names what changed; walking everything is the safety net, now and then.
                let wake = clock.now.advanced(by: doorbell.isComplete ? Self.safetyWalk : interval)
                var news = Doorbell.News()
                while news.isEmpty, clock.now < wake {
                    news = doorbell.news()
                    if news.isEmpty { do { try await Task.sleep(for: .milliseconds(5)) } catch { return } }
                }
                if !news.isEmpty {
                    // Settled once the kernel reports nothing more for a moment.
                    let deadline = clock.now.advanced(by: longestWait)
                    while clock.now < deadline {
                        do { try await Task.sleep(for: Self.doorbellQuiet) } catch { return }
                        let more = doorbell.news()
                        if more.isEmpty { break }
                        news.merge(more)
                    }
                }
                if news.needsWalk || news.isEmpty || clock.now - lastWalk > Self.safetyWalk {
                    if news.needsWalk { doorbell.watchFolders() }
                    now = snapshot()
                    lastWalk = clock.now
                } else {
                    // Only the named files are looked at: comparing whole snapshots of ten thousand files is the slow part of a save.
                    let paths = news.paths.compactMap { update(&last, absolutePath: $0) }.sorted()
                    if !paths.isEmpty { await changed(paths) }
                    continue
                }
                guard now != last else { continue }
            } else {
                do { try await Task.sleep(for: interval) } catch { return }
                now = snapshot()
                guard now != last else { continue }
                let deadline = clock.now.advanced(by: longestWait)
                while clock.now < deadline {
                    do { try await Task.sleep(for: quietPeriod) } catch { return }
                    let again = snapshot()
                    if again == now { break }
                    now = again
                }
            }
            let paths = Self.difference(last, now)
            last = now
            if !paths.isEmpty { await changed(paths) }
        }
    }

    /// With the kernel watching every folder, how often everything is walked anyway, in case it missed something.
    static let safetyWalk = Duration.seconds(5)

    /// Brings one file's entry in a snapshot up to date (a path the kernel named); its path when that changed it.
    private func update(_ snapshot: inout Snapshot, absolutePath: String) -> String? {
        let root = siteFolder.path + "/"
        guard absolutePath.hasPrefix(root) else { return nil }
        let relative = String(absolutePath.dropFirst(root.count))
        let name = relative.split(separator: "/").last.map(String.init) ?? relative
        guard folders.contains(where: { relative.hasPrefix($0 + "/") }), Self.isWatched(name: name) else { return nil }
        var info = stat()
        let stamp = stat(absolutePath, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Stamp(info) : nil
        guard snapshot[relative] != stamp else { return nil }
        snapshot[relative] = stamp
        return relative
    }

    /// Hidden files and editor droppings (`.x.swp`, `x~`, `#x#`) are left out, as the content reader leaves them out.
    static func isWatched(name: String) -> Bool { !name.hasPrefix(".") && !name.hasPrefix("#") && !name.hasSuffix("~") }

    /// How long the kernel must report nothing before a change counts as settled: an editor's save is a few
    /// events within a millisecond or two.
    static let doorbellQuiet = Duration.milliseconds(20)

    public func snapshot() -> Snapshot {
        var out: Snapshot = [:]
        for folder in folders {
            Self.walk(siteFolder.appendingPathComponent(folder).path, relative: folder, into: &out)
        }
        return out
    }

    /// Paths added, removed or changed between two snapshots, sorted.
    public static func difference(_ a: Snapshot, _ b: Snapshot) -> [String] {
        var paths = Set<String>()
        for (path, stamp) in b where a[path] != stamp { paths.insert(path) }
        for path in a.keys where b[path] == nil { paths.insert(path) }
        return paths.sorted()
    }

    private static func walk(_ path: String, relative: String, into out: inout Snapshot) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where isWatched(name: name) {
            let full = path + "/" + name
            let rel = relative + "/" + name
            var info = stat()
            guard stat(full, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: walk(full, relative: rel, into: &out)
            case S_IFREG: out[rel] = Stamp(info)
            default: continue
            }
        }
    }
}

extension SiteWatcher.Stamp {
    init(_ info: stat) {
        size = Int64(info.st_size)
        inode = UInt64(info.st_ino)
        #if canImport(Darwin)
        seconds = Int(info.st_mtimespec.tv_sec)
        nanoseconds = Int(info.st_mtimespec.tv_nsec)
        #else
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
        #endif
    }
}

/// Tells what changed in the watched folders (inotify on Linux; nil elsewhere, where polling does the work).
final class Doorbell: @unchecked Sendable {
    /// What the kernel reported since the last look: the files named, and whether only a walk can tell the rest
    /// (a folder appeared or moved, or the kernel's queue overflowed).
    struct News {
        var paths: Set<String> = []
        var needsWalk = false
        var isEmpty: Bool { paths.isEmpty && !needsWalk }
        mutating func merge(_ other: News) {
            paths.formUnion(other.paths)
            needsWalk = needsWalk || other.needsWalk
        }
    }

    #if os(Linux)
    private let fd: Int32
    private let folders: [String]
    /// The folder each watch stands for.
    private var watched: [Int32: String] = [:]
    /// Whether every folder has a watch (the kernel limits how many a user may have).
    private(set) var isComplete = true

    init?(folders: [String]) {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.folders = folders
        watchFolders()
    }

    deinit { close(fd) }

    /// Watches every folder below the watched ones; run again when new folders may have appeared.
    func watchFolders() {
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB)
        var complete = true
        func add(_ path: String) {
            let wd = inotify_add_watch(fd, path, mask)
            guard wd >= 0 else { complete = false; return }
            watched[wd] = path
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where !name.hasPrefix(".") {
                var info = stat()
                if stat(path + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { add(path + "/" + name) }
            }
        }
        for folder in folders where FileManager.default.fileExists(atPath: folder) { add(folder) }
        isComplete = complete
    }

    /// Reads the kernel's events since the last call.
    func news() -> News {
        var news = News()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { break }
            var offset = 0
            buffer.withUnsafeBytes { bytes in
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let event = bytes.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = bytes[nameStart..<min(nameStart + Int(event.len), count)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    if event.mask & UInt32(IN_Q_OVERFLOW) != 0 || event.mask & UInt32(IN_ISDIR) != 0 {
                        news.needsWalk = true
                    } else if let folder = watched[event.wd], !name.isEmpty {
                        news.paths.insert(folder + "/" + name)
                    }
                    offset = nameStart + Int(event.len)
                }
            }
        }
        return news
    }
    #else
    init?(folders: [String]) { return nil }
    var isComplete: Bool { false }
    func watchFolders() {}
    func news() -> News { News() }
    #endif
}
