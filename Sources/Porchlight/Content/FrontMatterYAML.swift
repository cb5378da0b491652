/// Reads the YAML that front matter and event files are written in — a block mapping of one-line scalars, flow and
/// block lists, nested mappings — without Yams, to exactly the tree Yams composes; nil for anything else.
///
/// Accepted: a block mapping at column 0; keys that are plain or quoted scalars on one line; values that are plain,
/// single- or double-quoted scalars on one line, flow sequences of such scalars on one line (`[a, "b"]`), nested
/// block mappings, and block sequences (indented or not) of scalars, flow sequences or compact mappings
/// (`- name: x`); literal block scalars (`|`) as values of keys; blank lines and comments. Everything else —
/// anchors, aliases, tags, folded and other multi-line scalars, flow mappings, complex keys, directives and document
/// markers, tabs, control characters, duplicate keys, indentation that is not exact — returns nil, and the caller
/// composes with Yams, which also reports errors.
enum FrontMatterYAML {
    static func parse(_ text: String) -> YAMLValue? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return reader.document()
        }
    }
}

private let space: UInt8 = 0x20, newline: UInt8 = 0x0A, hash: UInt8 = 0x23, colon: UInt8 = 0x3A, dash: UInt8 = 0x2D
private let singleQuote: UInt8 = 0x27, doubleQuote: UInt8 = 0x22, backslash: UInt8 = 0x5C
private let openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D, comma: UInt8 = 0x2C, pipe: UInt8 = 0x7C, plus: UInt8 = 0x2B

/// One pass over the text's bytes; every method returns nil as soon as the text leaves the accepted subset.
private struct Reader {
    /// A line that holds a token: not blank, not only a comment.
    struct Line {
        /// The line's first byte, where columns are counted from.
        let begin: Int
        /// The first byte of its first token.
        let start: Int
        let end: Int
        /// The line's number in the text, from 1.
        let number: Int
        /// Spaces before the first token.
        var indent: Int { start - begin }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var lines: [Line] = []
    /// The next line to read.
    var current = 0

    /// libyaml nests much deeper; front matter never needs this much, and recursion stays shallow.
    static let maximumDepth = 32
    /// Every value but the root takes at least one byte of its own, so a shorter text stays within
    /// `YAMLNode.maximumNodes`, past which Yams' tree is an error.
    static let maximumLength = 50_000
    /// libyaml forgets a possible key 1024 characters after it starts; stay well inside that.
    static let maximumKeyLength = 1000

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func document() -> YAMLValue? {
        guard bytes.count <= Self.maximumLength, splitLines(), let first = lines.first, first.indent == 0 else { return nil }
        guard let root = mapping(indent: 0, keyAt: first.start, depth: 0), current == lines.count else { return nil }
        return root
    }

    // MARK: Lines

    /// Finds the lines that hold tokens; false for a character libyaml treats specially or rejects.
    mutating func splitLines() -> Bool {
        let count = bytes.count
        lines.reserveCapacity(16)
        var start = 0, number = 1
        while start <= count {
            var index = start
            while index < count && bytes[index] == space { index += 1 }
            let first = index
            while index < count {
                let byte = bytes[index]
                if byte &- space < 0x5F { index += 1; continue }  // printable ASCII, the usual case
                if byte == newline { break }
                // Tabs, carriage returns, other control characters, and special characters beyond ASCII.
                if byte < 0x80 || !isOrdinary(at: index) { return false }
                index += 1
            }
            if first < index && bytes[first] != hash {
                if first == start && isDocumentMarker(at: start, end: index) { return false }
                lines.append(Line(begin: start, start: first, end: index, number: number))
            }
            start = index + 1
            number += 1
        }
        return true
    }

    /// Whether the character starting at a byte of 0x80 or more is plain text to libyaml: not a C1 control
    /// (NEL among them), not a line or paragraph separator (line breaks to libyaml), not a byte order mark
    /// (skipped), not U+FFFE or U+FFFF (rejected). The text is valid UTF-8, so the sequence is complete.
    func isOrdinary(at index: Int) -> Bool {
        let byte = bytes[index]
        if byte == 0xC2 { return bytes[index + 1] >= 0xA0 }
        if byte == 0xE2 { return !(bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)) }
        if byte == 0xEF {
            if bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF { return false }
            if bytes[index + 1] == 0xBF && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF) { return false }
        }
        return true
    }

    /// `---` or `...` at the start of a line, alone or followed by a space.
    func isDocumentMarker(at start: Int, end: Int) -> Bool {
        guard end - start >= 3, bytes[start] == dash || bytes[start] == 0x2E else { return false }
        let byte = bytes[start]
        return bytes[start + 1] == byte && bytes[start + 2] == byte && (end - start == 3 || bytes[start + 3] == space)
    }

    // MARK: Block collections

    /// A block mapping whose keys stand at `indent`, the first of them at `keyAt` on the current line.
    mutating func mapping(indent: Int, keyAt start: Int, depth: Int) -> YAMLValue? {
        guard depth < Self.maximumDepth else { return nil }
        let mark = position(of: start, in: lines[current])
        var pairs: [YAMLPair] = []
        pairs.reserveCapacity(8)
        var keyStart = start
        while true {
            let line = lines[current]
            guard let (keyValue, afterColon) = key(at: keyStart, in: line) else { return nil }
            let valueStart = skipSpaces(from: afterColon, to: line.end)
            let value: YAMLValue
            if valueStart == line.end || bytes[valueStart] == hash {
                current += 1
                guard let nested = nested(under: indent, empty: position(of: afterColon, in: line), depth: depth) else { return nil }
                value = nested
            } else if bytes[valueStart] == pipe {
                guard let literal = literal(at: valueStart, in: line, parentIndent: indent) else { return nil }
                value = literal
            } else {
                guard let inline = inlineValue(at: valueStart, in: line) else { return nil }
                current += 1
                // A more indented line would continue a plain scalar, or be an error.
                if current < lines.count && lines[current].indent > indent { return nil }
                value = inline
            }
            if case let .scalar(text, _) = keyValue.content, !pairs.contains(where: { $0.text == text }) {
                pairs.append(YAMLPair(text: text, key: keyValue, value: value))
            } else {
                return nil  // a duplicate key: Yams reports it
            }
            guard current < lines.count, lines[current].indent >= indent else { break }
            guard lines[current].indent == indent else { return nil }
            keyStart = lines[current].start
        }
        return YAMLValue(content: .mapping(pairs), line: mark.line, column: mark.column)
    }

    /// The value of a key with nothing after its colon: a block collection on the next lines, or an empty scalar
    /// that stands just after the colon.
    mutating func nested(under indent: Int, empty: (line: Int, column: Int), depth: Int) -> YAMLValue? {
        if current < lines.count {
            let next = lines[current]
            if next.indent > indent {
                return isEntry(at: next.start, in: next)
                    ? sequence(indent: next.indent, indentless: false, depth: depth + 1)
                    : mapping(indent: next.indent, keyAt: next.start, depth: depth + 1)
            }
            if next.indent == indent && isEntry(at: next.start, in: next) {
                return sequence(indent: indent, indentless: true, depth: depth + 1)
            }
        }
        return YAMLValue(content: .scalar("", .plain), line: empty.line, column: empty.column)
    }

    /// A block sequence whose dashes stand at `indent`, starting on the current line. An indentless one (the value
    /// of a key at the same indent) ends at the first line there that is no entry; any other must not have such a line.
    mutating func sequence(indent: Int, indentless: Bool, depth: Int) -> YAMLValue? {
        guard depth < Self.maximumDepth else { return nil }
        let first = lines[current]
        let mark = position(of: first.start, in: first)
        var items: [YAMLValue] = []
        while true {
            let line = lines[current]
            let itemStart = skipSpaces(from: line.start + 1, to: line.end)
            // A bare dash (an empty or nested item) and a dash followed by another are left to Yams.
            guard itemStart < line.end, bytes[itemStart] != hash, !isEntry(at: itemStart, in: line) else { return nil }
            if key(at: itemStart, in: line) != nil {
                // A compact mapping (`- name: x`): its keys stand where the first one does.
                guard let item = mapping(indent: itemStart - line.begin, keyAt: itemStart, depth: depth + 1) else { return nil }
                items.append(item)
            } else {
                guard let item = inlineValue(at: itemStart, in: line) else { return nil }
                current += 1
                if current < lines.count && lines[current].indent > indent { return nil }
                items.append(item)
            }
            guard current < lines.count, lines[current].indent >= indent else { break }
            let next = lines[current]
            guard next.indent == indent else { return nil }
            if !isEntry(at: next.start, in: next) {
                if indentless { break }
                return nil
            }
        }
        return YAMLValue(content: .sequence(items), line: mark.line, column: mark.column)
    }

    // MARK: Literal block scalars

    /// A literal block scalar (`|`, `|-` or `|+` alone after its key) whose lines are more indented than the key, as
    /// libyaml reads it; the current line moves past it. Indentation indicators, comments after the indicator, an
    /// empty scalar, lines of spaces longer than the indentation and leading blank lines longer than the first line
    /// of text are left to Yams. The lines come from the bytes, as a line of text may start with `#`.
    mutating func literal(at start: Int, in line: Line, parentIndent: Int) -> YAMLValue? {
        var index = start + 1
        var chomping = 0
        if index < line.end && (bytes[index] == dash || bytes[index] == plus) {
            chomping = bytes[index] == dash ? -1 : 1
            index += 1
        }
        guard skipSpaces(from: index, to: line.end) == line.end, line.end < bytes.count else { return nil }
        var text: [UInt8] = []
        var indent = 0, longestLeading = 0
        /// Line breaks of the blank lines since the last line of text; the break after that line is counted apart.
        var blankBreaks = 0
        var lastHadBreak = false
        var lineStart = line.end + 1
        while lineStart < bytes.count {
            let lineEnd = nextLineBreak(from: lineStart)
            let spaces = skipSpaces(from: lineStart, to: lineEnd) - lineStart
            if lineStart + spaces == lineEnd {
                if indent == 0 {
                    longestLeading = max(longestLeading, spaces)
                } else if spaces > indent {
                    return nil
                }
                blankBreaks += 1
            } else {
                if indent == 0 {
                    guard spaces > parentIndent, longestLeading <= spaces else { return nil }
                    indent = spaces
                } else if spaces < indent {
                    break
                }
                if lastHadBreak { text.append(newline) }
                text.append(contentsOf: repeatElement(newline, count: blankBreaks))
                text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(lineStart + indent)..<lineEnd]))
                blankBreaks = 0
                lastHadBreak = lineEnd < bytes.count
            }
            lineStart = lineEnd + 1
        }
        guard indent > 0 else { return nil }
        if chomping >= 0 && lastHadBreak { text.append(newline) }
        if chomping == 1 { text.append(contentsOf: repeatElement(newline, count: blankBreaks)) }
        // The scalar ends where the less indented line begins, or at the end of the text.
        let end = min(lineStart, bytes.count)
        while current < lines.count && lines[current].begin < end { current += 1 }
        return value(.scalar(String(decoding: text, as: UTF8.self), .literal), at: start, in: line)
    }

    /// The index of the next line break at or after `index`, or the end of the text.
    func nextLineBreak(from index: Int) -> Int {
        var index = index
        while index < bytes.count && bytes[index] != newline { index += 1 }
        return index
    }

    /// `-` followed by a space or the end of the line.
    func isEntry(at index: Int, in line: Line) -> Bool {
        bytes[index] == dash && (index + 1 == line.end || bytes[index + 1] == space)
    }

    // MARK: Keys and one-line values

    /// A key at `start` and the index just after its colon, which must be followed by a space or the line's end.
    func key(at start: Int, in line: Line) -> (YAMLValue, Int)? {
        let byte = bytes[start]
        let colonIndex: Int
        let key: YAMLValue
        if byte == doubleQuote || byte == singleQuote {
            guard let (scalar, after) = quoted(at: start, in: line) else { return nil }
            colonIndex = skipSpaces(from: after, to: line.end)
            guard colonIndex < line.end, bytes[colonIndex] == colon else { return nil }
            key = scalar
        } else {
            guard startsPlain(byte) else { return nil }
            var index = start, last = start
            while true {
                guard index < line.end else { return nil }
                let byte = bytes[index]
                if byte == colon && (index + 1 == line.end || bytes[index + 1] == space) { break }
                if byte == space {
                    if index + 1 < line.end && bytes[index + 1] == hash { return nil }
                } else {
                    last = index
                }
                index += 1
            }
            colonIndex = index
            key = scalar(start, last + 1, .plain, in: line)
        }
        guard colonIndex + 1 == line.end || bytes[colonIndex + 1] == space,
              colonIndex - start <= Self.maximumKeyLength else { return nil }
        return (key, colonIndex + 1)
    }

    /// A scalar or flow sequence that ends on its line, with at most a comment after it.
    func inlineValue(at start: Int, in line: Line) -> YAMLValue? {
        let byte = bytes[start]
        let value: YAMLValue, end: Int
        if byte == openBracket {
            guard let (sequence, after) = flowSequence(at: start, in: line) else { return nil }
            (value, end) = (sequence, after)
        } else if byte == doubleQuote || byte == singleQuote {
            guard let (scalar, after) = quoted(at: start, in: line) else { return nil }
            (value, end) = (scalar, after)
        } else {
            guard startsPlain(byte) else { return nil }
            var index = start, last = start
            while index < line.end {
                let byte = bytes[index]
                if byte == space {
                    if index + 1 < line.end && bytes[index + 1] == hash { break }
                } else if byte == colon && (index + 1 == line.end || bytes[index + 1] == space) {
                    return nil  // `key: value: more` is an error
                } else {
                    last = index
                }
                index += 1
            }
            return scalar(start, last + 1, .plain, in: line)
        }
        return endsLine(after: end, in: line) ? value : nil
    }

    /// A flow sequence of scalars, closed on its line; returns the index after `]`.
    func flowSequence(at start: Int, in line: Line) -> (YAMLValue, Int)? {
        var items: [YAMLValue] = []
        var index = skipSpaces(from: start + 1, to: line.end)
        if index < line.end && bytes[index] == closeBracket {
            return (value(.sequence(items), at: start, in: line), index + 1)
        }
        while true {
            guard index < line.end else { return nil }
            let byte = bytes[index]
            if byte == doubleQuote || byte == singleQuote {
                guard let (scalar, after) = quoted(at: index, in: line) else { return nil }
                items.append(scalar)
                index = skipSpaces(from: after, to: line.end)
            } else {
                guard startsPlain(byte) else { return nil }
                let itemStart = index
                var last = index
                while index < line.end {
                    let byte = bytes[index]
                    if byte == comma || byte == closeBracket { break }
                    // Nested collections, `:` (a pair, or an error) and comments are left to Yams.
                    if byte == openBracket || byte == 0x7B || byte == 0x7D || byte == colon { return nil }
                    if byte == space {
                        if index + 1 < line.end && bytes[index + 1] == hash { return nil }
                    } else {
                        last = index
                    }
                    index += 1
                }
                items.append(scalar(itemStart, last + 1, .plain, in: line))
            }
            guard index < line.end else { return nil }
            if bytes[index] == closeBracket { break }
            guard bytes[index] == comma else { return nil }
            index = skipSpaces(from: index + 1, to: line.end)
            // An empty entry, or a comma before `]`, is left to Yams.
            guard index < line.end, bytes[index] != closeBracket, bytes[index] != comma else { return nil }
        }
        return (value(.sequence(items), at: start, in: line), index + 1)
    }

    /// A single- or double-quoted scalar closed on its line; returns the index after the closing quote.
    func quoted(at start: Int, in line: Line) -> (YAMLValue, Int)? {
        let quote = bytes[start]
        var index = start + 1, segment = index
        var decoded: [UInt8]? = nil
        while true {
            guard index < line.end else { return nil }
            let byte = bytes[index]
            if quote == singleQuote {
                if byte == singleQuote {
                    guard index + 1 < line.end && bytes[index + 1] == singleQuote else { break }
                    decoded = (decoded ?? []) + UnsafeBufferPointer(rebasing: bytes[segment...index])  // keeps one quote
                    index += 2
                    segment = index
                    continue
                }
            } else if byte == doubleQuote {
                break
            } else if byte == backslash {
                var text = decoded ?? []
                text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment..<index]))
                guard let after = unescape(at: index, in: line, into: &text) else { return nil }
                decoded = text
                index = after
                segment = index
                continue
            }
            index += 1
        }
        let style: YAMLValue.Style = quote == singleQuote ? .singleQuoted : .doubleQuoted
        let mark = position(of: start, in: line)
        let text: String
        if var decoded {
            decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment..<index]))
            text = String(decoding: decoded, as: UTF8.self)
        } else {
            text = String(decoding: UnsafeBufferPointer(rebasing: bytes[segment..<index]), as: UTF8.self)
        }
        return (YAMLValue(content: .scalar(text, style), line: mark.line, column: mark.column), index + 1)
    }

    /// Appends what the escape at `index` stands for, as libyaml decodes it; returns the index after it.
    func unescape(at index: Int, in line: Line, into text: inout [UInt8]) -> Int? {
        guard index + 1 < line.end else { return nil }  // an escaped line break: a multi-line scalar
        let simple: [UInt8]
        var digits = 0
        switch bytes[index + 1] {
        case 0x30: simple = [0x00]                  // 0
        case 0x61: simple = [0x07]                  // a
        case 0x62: simple = [0x08]                  // b
        case 0x74: simple = [0x09]                  // t
        case 0x6E: simple = [0x0A]                  // n
        case 0x76: simple = [0x0B]                  // v
        case 0x66: simple = [0x0C]                  // f
        case 0x72: simple = [0x0D]                  // r
        case 0x65: simple = [0x1B]                  // e
        case space: simple = [space]
        case doubleQuote: simple = [doubleQuote]
        case 0x2F: simple = [0x2F]                  // /
        case backslash: simple = [backslash]
        case 0x4E: simple = [0xC2, 0x85]            // N
        case 0x5F: simple = [0xC2, 0xA0]            // _
        case 0x4C: simple = [0xE2, 0x80, 0xA8]      // L
        case 0x50: simple = [0xE2, 0x80, 0xA9]      // P
        case 0x78: simple = []; digits = 2          // x
        case 0x75: simple = []; digits = 4          // u
        case 0x55: simple = []; digits = 8          // U
        default: return nil                         // unknown: Yams reports it
        }
        guard digits > 0 else {
            text.append(contentsOf: simple)
            return index + 2
        }
        guard index + 2 + digits <= line.end else { return nil }
        var code: UInt32 = 0
        for offset in 0..<digits {
            let byte = bytes[index + 2 + offset]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            code = code << 4 | UInt32(digit)
        }
        // Surrogates and values past Unicode are errors; Foundation, which turns Yams' bytes into a String, drops a
        // leading byte order mark.
        guard code != 0xFEFF, let scalar = Unicode.Scalar(code) else { return nil }
        text.append(contentsOf: Character(scalar).utf8)
        return index + 2 + digits
    }

    // MARK: Helpers

    /// Whether a plain scalar may start with this byte: not a space, not an indicator. libyaml lets `-`, `?` and `:`
    /// start one when a non-space follows; those are left to Yams.
    func startsPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case space, dash, 0x3F, colon, comma, openBracket, closeBracket, 0x7B, 0x7D, hash, 0x26, 0x2A, 0x21, 0x7C, 0x3E,
             singleQuote, doubleQuote, 0x25, 0x40, 0x60:
            return false
        default:
            return true
        }
    }

    /// Whether only spaces, then perhaps a comment after at least one space, follow `index` on the line.
    func endsLine(after index: Int, in line: Line) -> Bool {
        let next = skipSpaces(from: index, to: line.end)
        return next == line.end || (bytes[next] == hash && next > index)
    }

    func skipSpaces(from index: Int, to end: Int) -> Int {
        var index = index
        while index < end && bytes[index] == space { index += 1 }
        return index
    }

    func scalar(_ start: Int, _ end: Int, _ style: YAMLValue.Style, in line: Line) -> YAMLValue {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        return value(.scalar(text, style), at: start, in: line)
    }

    func value(_ content: YAMLValue.Content, at index: Int, in line: Line) -> YAMLValue {
        let mark = position(of: index, in: line)
        return YAMLValue(content: content, line: mark.line, column: mark.column)
    }

    /// Line and column as libyaml counts them: the column in Unicode scalars, from 1.
    func position(of index: Int, in line: Line) -> (line: Int, column: Int) {
        var column = 1
        for offset in line.begin..<index where bytes[offset] & 0xC0 != 0x80 { column += 1 }
        return (line.number, column)
    }
}
