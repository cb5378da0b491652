import Foundation

/// A text file read from the site folder, decoded as UTF-8 with line endings normalised.
public struct SourceFile: Sendable {
    /// The path shown in diagnostics, relative to the site folder (`Content/letters/a.md`).
    public let path: String
    public let text: String

    /// Reads and decodes a file, or returns the diagnostic that explains why it cannot be used.
    static func read(_ url: URL, displayPath: String) -> Result<SourceFile, Diagnostic> {
        read(atPath: url.path, displayPath: displayPath)
    }

    static func read(atPath path: String, displayPath: String) -> Result<SourceFile, Diagnostic> {
        guard let bytes = readWholeFile(atPath: path) else {
            return .failure(.error(SourceLocation(path: displayPath), "cannot read the file", fix: "check that it exists and is readable"))
        }
        return decode(bytes, displayPath: displayPath)
    }

    static func decode(_ bytes: [UInt8], displayPath: String) -> Result<SourceFile, Diagnostic> {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard var text = String(validating: bytes[start...], as: UTF8.self) else {
            let (line, column) = firstInvalidUTF8(in: Array(bytes[start...]))
            return .failure(.error(SourceLocation(path: displayPath, line: line, column: column),
                                   "the file is not valid UTF-8 text",
                                   fix: "save it as UTF-8 in your editor (\"Save with encoding: UTF-8\")"))
        }
        // memchr looks at whole words at a time; most files have no CR at all.
        let hasCarriageReturn = bytes.withUnsafeBytes { buffer in buffer.baseAddress.map { memchr($0, 13, buffer.count) != nil } ?? false }
        if hasCarriageReturn { text = normalisingLineEndings(bytes[start...]) }
        return .success(SourceFile(path: displayPath, text: text))
    }

    /// CRLF and lone CR become LF; the bytes are valid UTF-8 already, and CR is never part of a longer sequence.
    private static func normalisingLineEndings(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            if byte != 13 { out.append(byte); continue }
            if index == bytes.endIndex || bytes[index] != 10 { out.append(10) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text of a 1-based line, for showing under a diagnostic.
    func line(_ number: Int) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        var start = text.startIndex
        while current < number {
            guard let newline = text[start...].firstIndex(of: "\n") else { return nil }
            start = text.index(after: newline)
            current += 1
        }
        let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
        return String(text[start..<end])
    }

    func location(line: Int, column: Int = 1) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column)
    }

    func error(line: Int, column: Int = 1, _ message: String, fix: String? = nil) -> Diagnostic {
        Diagnostic(.error, location(line: line, column: column), message, fix: fix, sourceLine: self.line(line))
    }

    func warning(line: Int, column: Int = 1, _ message: String, fix: String? = nil) -> Diagnostic {
        Diagnostic(.warning, location(line: line, column: column), message, fix: fix, sourceLine: self.line(line))
    }

    private static func firstInvalidUTF8(in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0, i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (line, i - lineStart + 1)
            }
            if i + length > bytes.count { return (line, i - lineStart + 1) }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return (line, i - lineStart + 1) }
            if b == 0x0A { line += 1; lineStart = i + 1 }
            i += length
        }
        return (line, 1)
    }
}

/// The whole file through open and read, which cost far less than Data(contentsOf:) (outside SourceFile, whose `read` would shadow the system call).
func readWholeFile(atPath path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return nil }
    /// Reads into memory that is not zeroed first (read writes every byte kept); false on an error.
    func readInto(_ buffer: UnsafeMutableBufferPointer<UInt8>, _ count: inout Int) -> Bool {
        while count < buffer.count {
            let got = read(fd, buffer.baseAddress! + count, buffer.count - count)
            if got < 0 {
                if errno == EINTR { continue }
                return false
            }
            if got == 0 { break }
            count += got
        }
        return true
    }
    var failed = false
    let size = max(Int(info.st_size), 0)
    // One byte more than the size, so a single read can see the end of the file.
    var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { failed = !readInto($0, &$1) }
    // A file that grew while it was read: the rest, a piece at a time.
    if bytes.count > size {
        while !failed {
            let more = [UInt8](unsafeUninitializedCapacity: 65_536) { failed = !readInto($0, &$1) }
            if more.isEmpty { break }
            bytes += more
        }
    }
    return failed ? nil : bytes
}

extension String {
    /// The text without the spaces and tabs around it (see `Substring.withoutOuterSpaces`).
    var withoutOuterSpaces: Substring { self[...].withoutOuterSpaces }

    /// Whether any UTF-8 byte passes `test`, read in place: the byte view's own iterator costs several times more,
    /// and escapers ask this of every path, URL and page they write. Inlined, so `test` is not called through a pointer.
    @inline(__always) func containsByte(where test: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(where: test) } ?? utf8.contains(where: test)
    }

    /// Where the last `byte` is, read in place: `utf8.lastIndex(of:)` steps back through generic index code, a byte at a time.
    func lastIndex(ofByte byte: UInt8) -> String.Index? {
        let offset: Int?? = utf8.withContiguousStorageIfAvailable { buffer in
            var i = buffer.count
            while i > 0 {
                i &-= 1
                if buffer[i] == byte { return i }
            }
            return nil
        }
        guard let offset else { return utf8.lastIndex(of: byte) }
        return offset.map { utf8.index(utf8.startIndex, offsetBy: $0) }
    }

    /// Whether the UTF-8 bytes come before `other`'s: `<` for ASCII and NFC text, a third of the cost when sorting
    /// ten thousand paths (`<` goes through the runtime's Unicode-aware comparison).
    func utf8Precedes(_ other: String) -> Bool {
        let inPlace = withUTF8Bytes(other) { a, b in
            let common = Swift.min(a.count, b.count)
            let bytes = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
            return bytes != 0 ? bytes < 0 : a.count < b.count
        }
        return inPlace ?? utf8.lexicographicallyPrecedes(other.utf8)
    }

    /// Whether the UTF-8 bytes begin with `prefix`'s, by memcmp: the generic `starts(with:)` took a hundredth of a
    /// build where the front matter is read again.
    func utf8StartsWith(_ prefix: String) -> Bool {
        let inPlace = withUTF8Bytes(prefix) { text, start in
            text.count >= start.count && (start.isEmpty || memcmp(text.baseAddress!, start.baseAddress!, start.count) == 0)
        }
        return inPlace ?? utf8.starts(with: prefix.utf8)
    }

    /// `body` given both texts' UTF-8 bytes where they are stored; nil when either is not stored as UTF-8 in one piece.
    private func withUTF8Bytes<Result>(_ other: String, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        utf8.withContiguousStorageIfAvailable { a in other.utf8.withContiguousStorageIfAvailable { b in body(a, b) } } ?? nil
    }
}

extension Substring {
    /// The text without the spaces and tabs around it, exactly as `trimmingCharacters(in: .whitespaces)` cuts them, without bridging to NSString.
    var withoutOuterSpaces: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isTrimmedSpace }) else { return self[endIndex...] }
        let end = scalars.index(after: scalars.lastIndex(where: { !$0.isTrimmedSpace })!)
        return Substring(scalars[first..<end])
    }
}

extension Unicode.Scalar {
    /// Tab, the space separators (Unicode Zs) and the zero-width space: the members of `CharacterSet.whitespaces`.
    var isTrimmedSpace: Bool {
        switch value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}

extension Array {
    /// Sorted by a text of each element in the order `<` gives: pages by path in the sitemap and the search index.
    /// Two ASCII texts (site paths are) are compared by their bytes, where `<` costs several times more.
    func sorted(byText text: (Element) -> String) -> [Element] {
        let keys = map { element -> (text: String, ascii: Bool) in
            let key = text(element)
            return (key, !key.containsByte { $0 >= 0x80 })
        }
        return indices.sorted { i, j in
            keys[i].ascii && keys[j].ascii ? keys[i].text.utf8Precedes(keys[j].text) : keys[i].text < keys[j].text
        }.map { self[$0] }
    }
}
