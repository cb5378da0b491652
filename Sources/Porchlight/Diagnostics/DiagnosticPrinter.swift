import Foundation

/// Formats diagnostics for people (like a compiler), for scripts (JSON) and for GitHub Actions annotations.
public enum DiagnosticFormat: String, CaseIterable, Sendable {
    case text, json, github
}

public enum DiagnosticPrinter {
    /// `nextChange` (an RFC 3339 time and a reason) is added to the JSON form for CI schedulers.
    public static func render(_ diagnostics: [Diagnostic], as format: DiagnosticFormat, nextChange: (at: String, reason: String)? = nil) -> String {
        let sorted = diagnostics.sortedForDisplay()
        switch format {
        case .text: return sorted.map(text).joined()
        case .github: return sorted.map(github).joined()
        case .json: return json(sorted, nextChange: nextChange)
        }
    }

    /// `path:line:column: error: message — fix`, then the source line and a caret under the column.
    public static func text(_ d: Diagnostic) -> String {
        let loc = d.location
        var out = "\(loc.path):\(loc.line):\(loc.column): \(d.severity.rawValue): \(d.message)"
        if let fix = d.fix { out += " — \(fix)" }
        out += "\n"
        if let line = d.sourceLine {
            let shown = line.replacingOccurrences(of: "\t", with: " ")
            out += "    \(shown)\n"
            let caretColumn = min(loc.column - 1, shown.count)
            out += "    " + String(repeating: " ", count: max(0, caretColumn)) + "^\n"
        }
        return out
    }

    static func github(_ d: Diagnostic) -> String {
        let loc = d.location
        var message = d.message
        if let fix = d.fix { message += " — \(fix)" }
        let kind = d.isError ? "error" : "warning"
        return "::\(kind) file=\(escapeProperty(loc.path)),line=\(loc.line),col=\(loc.column),title=Porchlight::\(escapeData(message))\n"
    }

    static func json(_ sorted: [Diagnostic], nextChange: (at: String, reason: String)? = nil) -> String {
        var out = "{\n  \"errors\": \(sorted.errorCount),\n  \"warnings\": \(sorted.warningCount),\n"
        if let nextChange {
            out += "  \"nextChange\": {\"at\": \(JSONText.quote(nextChange.at)), \"reason\": \(JSONText.quote(nextChange.reason))},\n"
        }
        out += "  \"diagnostics\": ["
        for (i, d) in sorted.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            out += "    {\"severity\": \(JSONText.quote(d.severity.rawValue)), \"file\": \(JSONText.quote(d.location.path)), "
            out += "\"line\": \(d.location.line), \"column\": \(d.location.column), "
            out += "\"message\": \(JSONText.quote(d.message)), \"fix\": \(d.fix.map(JSONText.quote) ?? "null")}"
        }
        out += sorted.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }

    private static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    private static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

/// Minimal JSON string quoting, so output does not depend on JSONSerialization's key order or escaping.
enum JSONText {
    /// Works on bytes, as every byte it replaces is ASCII: feeds and the search index quote whole pages, so runs
    /// of bytes that need nothing are copied at once.
    static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        append(quoted: s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `s` in quotes, escaped as JSON (and `<` as `\u003c`, so JSON in a page's script stays harmless).
    static func append(quoted s: String, to out: inout [UInt8]) {
        if s.utf8.withContiguousStorageIfAvailable({ append(quoted: $0, to: &out) }) == nil {
            Array(s.utf8).withUnsafeBufferPointer { append(quoted: $0, to: &out) }
        }
    }

    private static func append(quoted bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count + 2)
        out.append(UInt8(ascii: "\""))
        var copied = 0
        for i in bytes.indices {
            let byte = bytes[i]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<") else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<i]))
            copied = i + 1
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case 0x0A: out += #"\n"#.utf8
            case 0x0D: out += #"\r"#.utf8
            case 0x09: out += #"\t"#.utf8
            case UInt8(ascii: "<"): out += #"\u003c"#.utf8  // keeps "</script>" harmless when JSON is embedded in HTML
            default: out += #"\u00"#.utf8; out += [hexDigit(byte >> 4), hexDigit(byte & 0xF)]
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 48 + value : 87 + value }
}
