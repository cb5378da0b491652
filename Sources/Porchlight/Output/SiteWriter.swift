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
    /// Pages taken from the previous build without rendering, as nothing they are made from changed.
    private(set) var filesReused = 0

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

    /// What each page of the previous build was rendered from: path → (fingerprint, size). Kept beside the output.
    private let previousManifest: [String: (UInt64, Int)]
    private var manifest: [String: (UInt64, Int)] = [:]
    let manifestFile: URL

    /// The build that unchanged pages are taken from: the output itself, unless another folder is named.
    let previous: URL

    static func manifestFile(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).manifest")
    }

    /// Prepares an empty staging folder; refuses an output folder that holds something other than a built site.
    init(output: URL, previous: URL? = nil) throws {
        self.output = output.standardizedFileURL
        self.previous = (previous ?? output).standardizedFileURL
        let parent = self.output.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(self.output.lastPathComponent).building-\(getpid())")
        manifestFile = Self.manifestFile(for: self.output)
        previousManifest = Self.readManifest(Self.manifestFile(for: self.previous))
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
        let relative = try checked(path)
        try makeFolder(for: relative)
        let url = staging.appendingPathComponent(relative)
        // An unchanged file is linked from the previous build, so its time stays and rsync or a deploy skips it.
        let previous = self.previous.appendingPathComponent(relative).path
        let unchanged = Self.readFile(previous).map { $0 == data } ?? false
        if !(unchanged && link(previous, url.path) == 0) {
            try Self.writeFile(url.path, data)
        }
        lock.withLock {
            filesWritten += 1
            if !unchanged { filesChanged += 1 }
        }
    }

    /// Links the previous build's file when it was rendered from the same inputs; false when it must be rendered again.
    func reuse(_ unchecked: String, fingerprint: UInt64) throws -> Bool {
        let path = try checked(unchecked)
        guard let (old, size) = previousManifest[path], old == fingerprint else { return false }
        let previous = self.previous.appendingPathComponent(path).path
        var info = stat()
        guard stat(previous, &info) == 0, Int(info.st_size) == size else { return false }
        try makeFolder(for: path)
        guard link(previous, staging.appendingPathComponent(path).path) == 0 else { return false }
        lock.withLock {
            filesWritten += 1
            filesReused += 1
            manifest[path] = (fingerprint, size)
        }
        return true
    }

    /// Writes a rendered page and remembers what it was rendered from.
    func write(_ path: String, _ data: Data, fingerprint: UInt64) throws {
        try write(path, data)
        lock.withLock { manifest[path] = (fingerprint, data.count) }
    }

    /// The path with empty parts removed; throws for anything that could climb out of the output folder.
    private func checked(_ path: String) throws -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." || $0.contains("\\") }) else {
            throw WriterError.unsafePath(path)
        }
        return parts.joined(separator: "/")
    }

    private func makeFolder(for path: String) throws {
        let folder = path.split(separator: "/").dropLast().joined(separator: "/")
        guard !folder.isEmpty, !lock.withLock({ createdFolders.contains(folder) }) else { return }
        try FileManager.default.createDirectory(at: staging.appendingPathComponent(folder), withIntermediateDirectories: true)
        lock.withLock { _ = createdFolders.insert(folder) }
    }

    static func readManifest(_ url: URL) -> [String: (UInt64, Int)] {
        guard let data = readFile(url.path), let text = String(data: data, encoding: .utf8) else { return [:] }
        var out: [String: (UInt64, Int)] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let fp = UInt64(parts[0], radix: 16), let size = Int(parts[1]) else { continue }
            out[String(parts[2])] = (fp, size)
        }
        return out
    }

    private func writeManifest() {
        let lines = manifest.keys.sorted().map { "\(String(manifest[$0]!.0, radix: 16)) \(manifest[$0]!.1) \($0)" }
        try? Data((lines.joined(separator: "\n") + "\n").utf8).write(to: manifestFile)
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
        defer { writeManifest() }
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
