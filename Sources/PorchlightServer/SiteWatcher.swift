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
        while !Task.isCancelled {
            var now: Snapshot
            if let doorbell {
                let wake = clock.now.advanced(by: interval)
                var rang = false
                while !rang, clock.now < wake {
                    rang = doorbell.rang()
                    if !rang { do { try await Task.sleep(for: .milliseconds(5)) } catch { return } }
                }
                if rang {
                    // Settled once the kernel reports nothing more for a moment; then one walk finds what changed.
                    let deadline = clock.now.advanced(by: longestWait)
                    repeat {
                        do { try await Task.sleep(for: Self.doorbellQuiet) } catch { return }
                    } while doorbell.rang() && clock.now < deadline
                    doorbell.watchFolders()
                }
                // Without a ring this is the safety net for changes the kernel did not report.
                now = snapshot()
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

    /// Hidden files and editor droppings (`.x.swp`, `x~`, `#x#`) are left out, as the content reader leaves them out.
    private static func walk(_ path: String, relative: String, into out: inout Snapshot) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where !name.hasPrefix(".") && !name.hasPrefix("#") && !name.hasSuffix("~") {
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

/// Rings when anything changes in the watched folders (inotify on Linux; nil elsewhere, where polling does the work).
final class Doorbell: @unchecked Sendable {
    #if os(Linux)
    private let fd: Int32
    private let folders: [String]

    init?(folders: [String]) {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.folders = folders
        watchFolders()
    }

    deinit { close(fd) }

    /// Watches every folder below the watched ones; run again after a change, as new folders may have appeared.
    func watchFolders() {
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB)
        func add(_ path: String) {
            guard inotify_add_watch(fd, path, mask) >= 0 else { return }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where !name.hasPrefix(".") {
                var info = stat()
                if stat(path + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { add(path + "/" + name) }
            }
        }
        for folder in folders { add(folder) }
    }

    /// True when the kernel reported changes since the last call.
    func rang() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var any = false
        while read(fd, &buffer, buffer.count) > 0 { any = true }
        return any
    }
    #else
    init?(folders: [String]) { return nil }
    func watchFolders() {}
    func rang() -> Bool { false }
    #endif
}
