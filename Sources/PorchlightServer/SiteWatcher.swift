import Foundation

/// Notices edits under `Content/` and `Templates/` by comparing snapshots of paths, sizes and modification times.
///
/// Polling is portable and sees editors' atomic saves (write a new file, rename it over the old one) as a change of the
/// file's identity; a change is reported only once nothing has changed for `quietPeriod`, so a save of many files
/// gives one rebuild.
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
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            var now = snapshot()
            guard now != last else { continue }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: longestWait)
            while clock.now < deadline {
                do { try await Task.sleep(for: quietPeriod) } catch { return }
                let again = snapshot()
                if again == now { break }
                now = again
            }
            let paths = Self.difference(last, now)
            last = now
            await changed(paths)
        }
    }

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
