import Foundation

/// A text file read from the site folder, decoded as UTF-8 with line endings normalised.
public struct SourceFile: Sendable {
    /// The path shown in diagnostics, relative to the site folder (`Content/letters/a.md`).
    public let path: String
    public let text: String

    /// Reads and decodes a file, or returns the diagnostic that explains why it cannot be used.
    static func read(_ url: URL, displayPath: String) -> Result<SourceFile, Diagnostic> {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            return .failure(.error(SourceLocation(path: displayPath), "cannot read the file", fix: "check that it exists and is readable"))
        }
        return decode(data, displayPath: displayPath)
    }

    static func decode(_ data: Data, displayPath: String) -> Result<SourceFile, Diagnostic> {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            let (line, column) = firstInvalidUTF8(in: Array(bytes))
            return .failure(.error(SourceLocation(path: displayPath, line: line, column: column),
                                   "the file is not valid UTF-8 text",
                                   fix: "save it as UTF-8 in your editor (\"Save with encoding: UTF-8\")"))
        }
        var text = decoded
        if text.utf8.contains(13) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        return .success(SourceFile(path: displayPath, text: text))
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
