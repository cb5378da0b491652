import Foundation

/// Writes a build into a temporary folder beside the output and swaps it in only when everything succeeded.
final class SiteWriter: @unchecked Sendable {
    let output: URL
    let staging: URL
    private let lock = NSLock()
    private var createdFolders: Set<String> = []
    private(set) var filesWritten = 0
    /// Files whose bytes differ from the previous build's (new ones included); the rest keep their old inode and time.
    private(set) var filesChanged = 0

    enum WriterError: Error, CustomStringConvertible {
        case unsafePath(String)
        case io(String)
        var description: String {
            switch self {
            case let .unsafePath(path): return "refusing to write \"\(path)\" outside the output folder"
            case let .io(message): return message
            }
        }
    }

    /// Prepares an empty staging folder; refuses an output folder that holds something other than a built site.
    init(output: URL) throws {
        self.output = output.standardizedFileURL
        let parent = self.output.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(self.output.lastPathComponent).building-\(getpid())")
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: self.output.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw WriterError.io("the output \(self.output.path) is a file, not a folder") }
            let items = (try? fm.contentsOfDirectory(atPath: self.output.path)) ?? []
            if !items.isEmpty, !items.contains("index.html"), !items.contains("404.html") {
                throw WriterError.io("the output folder \(self.output.path) is not empty and is not a built site; Porchlight replaces the whole folder, so choose a new or empty one")
            }
        }
        try? fm.removeItem(at: staging)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw WriterError.io("cannot create \(staging.path): \(error.localizedDescription)")
        }
    }

    /// Writes one file; `path` is relative to the site root and may not climb out of it.
    func write(_ path: String, _ data: Data) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." || $0.contains("\\") }) else {
            throw WriterError.unsafePath(path)
        }
        let folder = parts.dropLast().joined(separator: "/")
        if !folder.isEmpty {
            let known = lock.withLock { createdFolders.contains(folder) }
            if !known {
                try FileManager.default.createDirectory(at: staging.appendingPathComponent(folder), withIntermediateDirectories: true)
                lock.withLock { _ = createdFolders.insert(folder) }
            }
        }
        let relative = parts.joined(separator: "/")
        let url = staging.appendingPathComponent(relative)
        // An unchanged file is linked from the previous build, so its time stays and rsync or a deploy skips it.
        let previous = output.appendingPathComponent(relative).path
        let unchanged = Self.readFile(previous).map { $0 == data } ?? false
        if !(unchanged && link(previous, url.path) == 0) {
            try Self.writeFile(url.path, data)
        }
        lock.withLock {
            filesWritten += 1
            if !unchanged { filesChanged += 1 }
        }
    }

    /// The bytes of a file, or nil when there is none; plain POSIX reads, as this runs for every file of every build.
    static func readFile(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var data = Data(count: Int(info.st_size))
        let complete = data.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) -> Bool in
            var offset = 0
            while offset < buffer.count {
                let got = read(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if got < 0, errno == EINTR { continue }
                if got <= 0 { return false }
                offset += got
            }
            return true
        }
        return complete ? data : nil
    }

    /// Plain open/write/close: Foundation's Data.write syncs every file to disk, which made builds wait on the disk.
    private static func writeFile(_ path: String, _ data: Data) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriterError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if data.isEmpty { return }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw WriterError.io("cannot write \(path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    /// Puts the staged site in place of the old one; the old one is removed only after the swap.
    func commit() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: output.path) {
            let old = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).old-\(getpid())")
            try? fm.removeItem(at: old)
            try fm.moveItem(at: output, to: old)
            try fm.moveItem(at: staging, to: output)
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: staging, to: output)
        }
    }

    /// Throws the staged files away, leaving the previous output untouched.
    func discard() {
        try? FileManager.default.removeItem(at: staging)
    }
}
