import Foundation

/// Writes a build. The first build of an output goes into a staging folder beside it that is swapped in only
/// when everything succeeded. Once the output holds a site and its manifest, a build changes it in place:
/// only files whose bytes differ are written (each by an atomic rename), and files no longer made are removed.
final class SiteWriter: @unchecked Sendable {
    let output: URL
    /// Where files go: the staging folder, or the output itself when updating in place.
    let root: URL
    let inPlace: Bool
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

    /// What each file of a build was made from and what it holds, kept beside the output.
    struct Record {
        /// Sums up what the file is made from (see SiteOutput.key); 0 for none.
        var key: UInt64
        /// The fingerprint of a page's template and context; 0 for files that are not rendered pages.
        var inputs: UInt64
        var content: UInt64
        var size: Int
    }

    private let previousManifest: [String: Record]
    /// Every file written or kept so far; after `commit`, the manifest of the whole output.
    private(set) var manifest: [String: Record] = [:]
    let manifestFile: URL

    /// The build that unchanged files are taken from: the output itself, unless another folder is named.
    let previous: URL

    static func manifestFile(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).manifest")
    }

    /// Writes only the files it is given and keeps every other file of the previous build (a quick update).
    let patching: Bool

    /// Refuses an output folder that holds something other than a built site; then stages, or updates in place.
    /// `manifest` is the previous build's, when the caller kept it; `patching` keeps the files not written.
    init(output: URL, previous: URL? = nil, manifest known: [String: Record]? = nil, patching: Bool = false) throws {
        self.output = output.standardizedFileURL
        self.previous = (previous ?? output).standardizedFileURL
        self.patching = patching
        manifestFile = Self.manifestFile(for: self.output)
        previousManifest = known ?? Self.readManifest(Self.manifestFile(for: self.previous))
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        let exists = fm.fileExists(atPath: self.output.path, isDirectory: &isFolder)
        if exists {
            guard isFolder.boolValue else { throw WriterError.io("the output \(self.output.path) is a file, not a folder") }
            let items = (try? fm.contentsOfDirectory(atPath: self.output.path)) ?? []
            if !items.isEmpty, !items.contains("index.html"), !items.contains("404.html") {
                throw WriterError.io("the output folder \(self.output.path) is not empty and is not a built site; Porchlight replaces the whole folder, so choose a new or empty one")
            }
        }
        inPlace = exists && self.previous == self.output && !previousManifest.isEmpty
        if patching, !inPlace { throw WriterError.io("there is no earlier build in \(self.output.path) to update") }
        if inPlace {
            root = self.output
            return
        }
        root = self.output.deletingLastPathComponent().appendingPathComponent(".\(self.output.lastPathComponent).building-\(getpid())")
        try? fm.removeItem(at: root)
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw WriterError.io("cannot create \(root.path): \(error.localizedDescription)")
        }
    }

    /// Keeps (or links) the previous build's file when it was made from the same inputs: the same key, or,
    /// for a page, the same context; false when it must be made again.
    func reuse(_ unchecked: String, key: UInt64, fingerprint: UInt64? = nil) throws -> Bool {
        let path = try checked(unchecked)
        guard let old = previousManifest[path] else { return false }
        let same = fingerprint.map { $0 == old.inputs } ?? (key != 0 && key == old.key)
        guard same, try keepPrevious(path, old) else { return false }
        var record = old
        record.key = key
        lock.withLock {
            filesWritten += 1
            filesReused += 1
            manifest[path] = record
        }
        return true
    }

    /// Writes one file; `path` is relative to the site root and may not climb out of it.
    func write(_ unchecked: String, _ data: Data, key: UInt64 = 0, fingerprint: UInt64 = 0) throws {
        let path = try checked(unchecked)
        let record = Record(key: key, inputs: fingerprint, content: Self.hash(data), size: data.count)
        // An unchanged file stays (or is linked from the previous build), so its time stays and rsync or a deploy skips it.
        let unchanged = try previousManifest[path].map { $0.content == record.content && $0.size == record.size ? try keepPrevious(path, $0) : false } ?? false
        if !unchanged {
            try makeFolder(for: path)
            let target = root.path + "/" + path
            if inPlace {
                removeManifestOnce()
                let temporary = target + ".porchlight-\(getpid())"
                try Self.writeFile(temporary, data)
                guard rename(temporary, target) == 0 else {
                    unlink(temporary)
                    throw WriterError.io("cannot replace \(target): \(String(cString: strerror(errno)))")
                }
            } else {
                try Self.writeFile(target, data)
            }
        }
        lock.withLock {
            filesWritten += 1
            if !unchanged { filesChanged += 1 }
            manifest[path] = record
        }
    }

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    /// Keeps the previous build's file when it is still there as the manifest describes it.
    private func keepPrevious(_ path: String, _ old: Record) throws -> Bool {
        let previousPath = previous.path + "/" + path
        var info = stat()
        guard stat(previousPath, &info) == 0, Int(info.st_size) == old.size else { return false }
        if inPlace { return true }
        try makeFolder(for: path)
        return link(previousPath, root.path + "/" + path) == 0
    }

    /// The path with empty parts removed; throws for anything that could climb out of the output folder.
    private func checked(_ path: String) throws -> String {
        // The usual path is already clean, and one pass over its bytes says so.
        if path.utf8.withContiguousStorageIfAvailable(Self.isClean) == true { return path }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." || $0.contains("\\") }) else {
            throw WriterError.unsafePath(path)
        }
        return parts.joined(separator: "/")
    }

    private var manifestRemoved = false

    /// In place, the manifest goes before the first file changes: without one the next build starts afresh, so a build
    /// that stops halfway cannot mislead it, and a build that fails before changing anything leaves it.
    private func removeManifestOnce() {
        lock.withLock {
            if !manifestRemoved { unlink(manifestFile.path) }
            manifestRemoved = true
        }
    }

    /// Folders being made before their files are written (see `makeFoldersAhead`).
    private var foldersAhead: InBackground<Void>?

    /// Starts making the folders of these files on another thread, the last first, as writing starts from the first; for a
    /// build into a new folder, where every folder is new (a mkdir costs more than writing the file in it). Failures are
    /// left for the files' own writes to report. Called once, before anything is written.
    func makeFoldersAhead(_ paths: [String]) {
        guard !inPlace, foldersAhead == nil else { return }
        foldersAhead = InBackground { [self] in
            for path in paths.reversed() {
                if let path = try? checked(path) { try? makeFolder(for: path) }
            }
        }
    }

    /// No backslash, and no part empty, `.` or `..`.
    private static func isClean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var partLength = 0, dots = 0
        for b in bytes {
            if b == UInt8(ascii: "/") {
                if partLength == 0 || (partLength <= 2 && dots == partLength) { return false }
                partLength = 0
                dots = 0
            } else if b == UInt8(ascii: "\\") {
                return false
            } else {
                partLength += 1
                if b == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return partLength > 0 && !(partLength <= 2 && dots == partLength)
    }

    /// Creates the folders of a path with plain mkdir calls, each folder once per build.
    private func makeFolder(for path: String) throws {
        guard let slash = path.lastIndex(ofByte: UInt8(ascii: "/")) else { return }
        let folder = String(path[..<slash])
        if lock.withLock({ createdFolders.contains(folder) }) { return }
        try makeFolder(for: folder)
        let full = root.path + "/" + folder
        if mkdir(full, 0o755) != 0, errno != EEXIST {
            throw WriterError.io("cannot create the folder \(full): \(String(cString: strerror(errno)))")
        }
        lock.withLock { _ = createdFolders.insert(folder) }
    }

    /// A 64-bit hash of a file's bytes, to tell whether it changed without reading the old one.
    static func hash(_ data: Data) -> UInt64 {
        data.withUnsafeBytes { Fingerprint.hash($0, seed: 0xcbf2_9ce4_8422_2325) }
    }

    /// One line a file: `key inputs content size path`, the numbers in hex; a manifest in any other form is ignored.
    /// Read on bytes: it is thirteen thousand lines before every build, the preview server's too.
    static func readManifest(_ url: URL) -> [String: Record] {
        readFile(url.path).map { readManifest(lines: $0) } ?? [:]
    }

    static func readManifest(lines data: Data) -> [String: Record] {
        guard data.starts(with: manifestHeader.utf8) else { return [:] }
        var out: [String: Record] = [:]
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            out.reserveCapacity(bytes.count / 60)
            var i = manifestHeader.utf8.count
            /// A hex number ending in a space, or nil (and `i` past the line) when the line is not in the format.
            func hex() -> UInt64? {
                var value: UInt64 = 0, digits = 0
                while i < bytes.count, bytes[i] != 0x20, bytes[i] != 0x0A {
                    let b = bytes[i]
                    let digit: UInt64
                    switch b {
                    case 0x30...0x39: digit = UInt64(b - 0x30)
                    case 0x61...0x66: digit = UInt64(b - 0x61 + 10)
                    default: return nil
                    }
                    guard digits < 16 else { return nil }
                    value = value << 4 | digit
                    digits += 1
                    i += 1
                }
                guard digits > 0, i < bytes.count, bytes[i] == 0x20 else { return nil }
                i += 1
                return value
            }
            while i < bytes.count {
                let start = i
                let numbers = (0..<4).compactMap { _ in hex() }
                var end = i
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                if numbers.count == 4, end > i, let size = Int(exactly: numbers[3]),
                   let path = String(validating: bytes[i..<end], as: UTF8.self) {
                    out[path] = Record(key: numbers[0], inputs: numbers[1], content: numbers[2], size: size)
                }
                i = max(end + 1, start + 1)
            }
        }
        return out
    }

    static let manifestHeader = "porchlight manifest 3\n"

    /// One manifest line: `key inputs content size path`, the numbers in hex.
    static func appendManifestLine(_ path: String, _ r: Record, to bytes: inout [UInt8]) {
        bytes.appendHex([r.key, r.inputs, r.content, UInt64(r.size)], separator: UInt8(ascii: " "))
        bytes.append(UInt8(ascii: " "))
        bytes += path.utf8
        bytes.append(UInt8(ascii: "\n"))
    }

    /// A finished build's manifest as its bytes, for changing a few lines of thousands without reading the others.
    struct ManifestText {
        let bytes: [UInt8]

        init?(output: URL) {
            guard let bytes = readWholeFile(atPath: SiteWriter.manifestFile(for: output).path),
                  bytes.starts(with: SiteWriter.manifestHeader.utf8) else { return nil }
            self.bytes = bytes
        }

        /// A file's record and the range of its line.
        func record(_ path: String) -> (record: Record, line: Range<Int>)? {
            let needle = Array((" " + path + "\n").utf8)
            var from = 0
            while let found = SavedBodies.find(needle, in: bytes, from: from) {
                var start = found
                while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
                let end = found + needle.count
                let line = Data(bytes[start..<end])
                // The path is the rest of the line after four numbers; another path may end with this one.
                if let record = SiteWriter.readManifest(lines: Data(SiteWriter.manifestHeader.utf8) + line)[path] { return (record, start..<end) }
                from = found + 1
            }
            return nil
        }

        /// Every file the manifest lists is in `output` with its size (stat on all cores: thirteen thousand files before a splice).
        func filesAreIntact(in output: URL) -> Bool {
            // Each path as its place in the text, not a String: twelve thousand Strings cost more to make and free than to stat.
            var files: [(start: Int, end: Int, size: Int)] = []
            var i = SiteWriter.manifestHeader.utf8.count
            while i < bytes.count {
                // `key inputs content size path`: the size is the fourth number.
                var field = 0, size = 0
                while i < bytes.count, field < 4 {
                    if bytes[i] == 0x20 {
                        field += 1
                    } else if field == 3 {
                        let b = bytes[i]
                        size = size << 4 | Int(b <= 0x39 ? b &- 0x30 : b &- 0x61 &+ 10) & 0xF
                    }
                    i += 1
                }
                let start = i
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
                files.append((start, i, size))
                i += 1
            }
            // Asked by path below the open output folder: the kernel walks three names, not the whole path, per file.
            let root = open(output.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard !files.isEmpty, root >= 0 else { return false }
            defer { close(root) }
            return files.parallelMap(chunksOf: 1024) { [bytes] file in
                var info = stat()
                let found = bytes.withUnsafeBufferPointer { text in
                    withUnsafeTemporaryAllocation(of: CChar.self, capacity: file.end - file.start + 1) { path in
                        UnsafeMutableRawBufferPointer(path).copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: text[file.start..<file.end])))
                        path[file.end - file.start] = 0
                        return fstatat(root, path.baseAddress!, &info, 0)
                    }
                }
                return found == 0 && Int(info.st_size) == file.size
            }.allSatisfy { $0 }
        }

        /// The text with these lines replaced (ranges from `record`, not overlapping).
        func replacing(_ lines: [(Range<Int>, [UInt8])]) -> Data {
            var out = Data()
            out.reserveCapacity(bytes.count + 256)
            var copied = 0
            for (range, line) in lines.sorted(by: { $0.0.lowerBound < $1.0.lowerBound }) {
                out.append(contentsOf: bytes[copied..<range.lowerBound])
                out.append(contentsOf: line)
                copied = range.upperBound
            }
            out.append(contentsOf: bytes[copied...])
            return out
        }
    }

    /// Built as bytes: it is written after every build, the preview server's quick updates too.
    private func writeManifest() throws {
        var bytes = Array(Self.manifestHeader.utf8)
        bytes.reserveCapacity(manifest.count * 120)
        // In no particular order: sorting thirteen thousand paths took longer than writing them.
        for (path, record) in manifest { Self.appendManifestLine(path, record, to: &bytes) }
        try Self.writeFile(manifestFile.path, Data(bytes))
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

    /// Writes a file beside the output whole or not at all: a temporary file renamed over it, without waiting on the disk.
    @discardableResult
    static func replaceFile(_ path: String, _ data: Data) -> Bool {
        let temporary = path + ".porchlight-\(getpid())"
        do {
            try writeFile(temporary, data)
            guard rename(temporary, path) == 0 else {
                unlink(temporary)
                return false
            }
            return true
        } catch {
            unlink(temporary)
            return false
        }
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

    /// Staged: puts the new site in place of the old one, removing the old one only after the swap.
    /// In place: removes the files the build no longer makes, and folders left empty.
    func commit() throws {
        _ = foldersAhead?.value
        if inPlace { removeManifestOnce() }
        let fm = FileManager.default
        if patching {
            manifest = previousManifest.merging(manifest) { $1 }
        } else if inPlace {
            for path in previousManifest.keys where manifest[path] == nil {
                unlink(root.path + "/" + path)
                var folder = path
                while let slash = folder.lastIndex(of: "/") {
                    folder = String(folder[..<slash])
                    if rmdir(root.path + "/" + folder) != 0 { break }
                }
            }
        } else if fm.fileExists(atPath: output.path) {
            let old = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).old-\(getpid())")
            try? fm.removeItem(at: old)
            try fm.moveItem(at: output, to: old)
            try fm.moveItem(at: root, to: output)
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: root, to: output)
        }
        try writeManifest()
    }

    /// Throws the staged files away, leaving the previous output untouched. In place, files already replaced
    /// stay replaced; the manifest went with the first of them, so the next build starts afresh.
    func discard() {
        _ = foldersAhead?.value
        if !inPlace { try? FileManager.default.removeItem(at: root) }
    }
}

extension Array where Element == UInt8 {
    /// Numbers in lower-case hex without leading zeros, `separator` between them, as the manifest and the saved
    /// bodies write them: put together on the stack and appended at once, as an append per digit costs more.
    mutating func appendHex<let count: Int>(_ numbers: InlineArray<count, UInt64>, separator: UInt8) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count * 17) { buffer in
            var end = 0
            for i in numbers.indices {
                if i > 0 { buffer[end] = separator; end += 1 }
                var rest = numbers[i]
                end += Swift.max(1, (67 &- rest.leadingZeroBitCount) / 4)
                var at = end
                repeat {  // the last digit first
                    let digit = UInt8(truncatingIfNeeded: rest & 0xF)
                    at &-= 1
                    buffer[at] = digit < 10 ? 48 &+ digit : 87 &+ digit
                    rest >>= 4
                } while rest != 0
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<end]))
        }
    }
}
