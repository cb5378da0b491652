/// A Mustache template compiled once: variables, sections, inverted sections, partials and comments.
/// Our own because rendering is most of a build: it works on UTF-8 bytes and typed values, never casting.
struct Template: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        case variable(Name, escaped: Bool)
        case section(Name, inverted: Bool, [Node])
        case partial(String, indentation: [UInt8])
    }

    /// A dotted name split once: `entry.date.iso` → ["entry", "date", "iso"]; `.` is the current value.
    struct Name: Sendable {
        let parts: [String]
        let text: String
        /// `.name` looks only in the current value, not in the ones around it.
        let currentOnly: Bool
    }

    struct ParseError: Error {
        let message: String
        let fix: String
        let line: Int
        let column: Int
    }

    let nodes: [Node]

    /// Mustache's whitespace rules as swift-mustache applies them: a section, closing, comment or partial tag
    /// alone on its line takes the line with it.
    init(_ source: String) throws(ParseError) {
        var parser = TemplateParser(Array(source.utf8))
        nodes = try parser.parseAll()
    }
}

private struct TemplateParser {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let open: [UInt8] = Array("{{".utf8)
    static let close: [UInt8] = Array("}}".utf8)
    static let nameBytes = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*".utf8)
    static let partialNameBytes = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/".utf8)

    var atEnd: Bool { position >= bytes.count }
    var current: UInt8 { position < bytes.count ? bytes[position] : 0 }

    func location(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        // Columns count characters, not bytes.
        let column = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).count + 1
        return (line, column)
    }

    func error(_ message: String, fix: String, at offset: Int) -> Template.ParseError {
        let (line, column) = location(offset)
        return Template.ParseError(message: message, fix: fix, line: line, column: column)
    }

    static let supported = "use {{name}}, {{{nameHTML}}}, {{#name}}…{{/name}}, {{^name}}…{{/name}}, {{> partial}} or {{! comment}}"

    mutating func parseAll() throws(Template.ParseError) -> [Template.Node] {
        try parseBlock(section: nil, newLine: true)
    }

    /// One block: the whole template, or a section's inside up to its closing tag.
    mutating func parseBlock(section: (name: String, start: Int)?, newLine startsOnNewLine: Bool) throws(Template.ParseError) -> [Template.Node] {
        var nodes: [Template.Node] = []
        var newLine = startsOnNewLine
        var whitespaceBefore: [UInt8] = []
        while !atEnd {
            if newLine { whitespaceBefore = readSpaces() }
            let text = readText()
            if !atEnd, current == 0x0A {
                nodes.append(.text(whitespaceBefore + text + [0x0A]))
                newLine = true
                position += 1
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(whitespaceBefore + text))
                whitespaceBefore = []
                newLine = false
            }
            if atEnd { break }
            // Just after "{{".
            let tagStart = position - 2
            var setNewLine = false
            switch current {
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                let inverted = current == UInt8(ascii: "^")
                position += 1
                let name = try readName(tagStart)
                if newLine && lineFinished() {
                    setNewLine = true
                } else if !whitespaceBefore.isEmpty {
                    nodes.append(.text(whitespaceBefore))
                    whitespaceBefore = []
                }
                let inside = try parseBlock(section: (name.text, tagStart), newLine: setNewLine)
                nodes.append(.section(name, inverted: inverted, inside))
            case UInt8(ascii: "/"):
                position += 1
                let name = try readName(tagStart)
                guard let section else {
                    throw error("{{/\(name.text)}} closes a section that was never opened", fix: "remove it, or open the section with {{#\(name.text)}}", at: tagStart)
                }
                guard name.text == section.name else {
                    let (line, column) = location(section.start)
                    throw error("{{/\(name.text)}} does not match {{#\(section.name)}} opened on line \(line), column \(column)",
                                fix: "close it with {{/\(section.name)}}", at: tagStart)
                }
                if newLine && lineFinished() {
                } else if !whitespaceBefore.isEmpty {
                    nodes.append(.text(whitespaceBefore))
                }
                return nodes
            case UInt8(ascii: "!"):
                position += 1
                guard let end = find(Self.close, from: position) else { throw error("a comment is never closed", fix: "end it with }}", at: tagStart) }
                position = end + 2
                setNewLine = newLine && lineFinished()
            case UInt8(ascii: "{"), UInt8(ascii: "&"):
                let triple = current == UInt8(ascii: "{")
                if !whitespaceBefore.isEmpty {
                    nodes.append(.text(whitespaceBefore))
                    whitespaceBefore = []
                }
                position += 1
                let name = try readName(tagStart)
                if triple {
                    guard current == UInt8(ascii: "}") else { throw error("{{{\(name.text)}} is missing its third closing brace", fix: "write {{{\(name.text)}}}", at: tagStart) }
                    position += 1
                }
                nodes.append(.variable(name, escaped: false))
            case UInt8(ascii: ">"):
                position += 1
                skipWhitespace()
                let start = position
                while !atEnd, Self.partialNameBytes.contains(current) { position += 1 }
                let partial = String(decoding: bytes[start..<position], as: UTF8.self)
                skipWhitespace()
                guard !partial.isEmpty, matches(Self.close) else { throw error("a partial tag is not finished", fix: "write {{> name}}", at: tagStart) }
                position += 2
                if !whitespaceBefore.isEmpty { nodes.append(.text(whitespaceBefore)) }
                if newLine && lineFinished() {
                    setNewLine = true
                    nodes.append(.partial(partial, indentation: whitespaceBefore))
                } else {
                    nodes.append(.partial(partial, indentation: []))
                }
                whitespaceBefore = []
            case UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: "$"), UInt8(ascii: "%"):
                throw error("Porchlight's templates do not support {{\(Character(UnicodeScalar(current)))…}} tags", fix: Self.supported, at: tagStart)
            default:
                if !whitespaceBefore.isEmpty {
                    nodes.append(.text(whitespaceBefore))
                    whitespaceBefore = []
                }
                nodes.append(.variable(try readName(tagStart), escaped: true))
            }
            newLine = setNewLine
        }
        if let section {
            throw error("{{#\(section.name)}} is never closed", fix: "add {{/\(section.name)}} where the section ends", at: section.start)
        }
        return nodes
    }

    mutating func readSpaces() -> [UInt8] {
        let start = position
        while !atEnd, current == 0x20 || current == 0x09 { position += 1 }
        return Array(bytes[start..<position])
    }

    mutating func skipWhitespace() {
        while !atEnd, [0x20, 0x09, 0x0A, 0x0D].contains(current) { position += 1 }
    }

    /// Text up to a newline (not taken) or just past the next "{{".
    mutating func readText() -> [UInt8] {
        let start = position
        while !atEnd {
            if current == 0x0A { return Array(bytes[start..<position]) }
            if matches(Self.open) {
                let text = Array(bytes[start..<position])
                position += 2
                return text
            }
            position += 1
        }
        return Array(bytes[start..<position])
    }

    func matches(_ pattern: [UInt8]) -> Bool {
        position + pattern.count <= bytes.count && bytes[position..<position + pattern.count].elementsEqual(pattern)
    }

    func find(_ pattern: [UInt8], from: Int) -> Int? {
        var i = from
        while i + pattern.count <= bytes.count {
            if bytes[i..<i + pattern.count].elementsEqual(pattern) { return i }
            i += 1
        }
        return nil
    }

    mutating func readName(_ tagStart: Int) throws(Template.ParseError) -> Template.Name {
        skipWhitespace()
        let start = position
        while !atEnd, Self.nameBytes.contains(current) { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        skipWhitespace()
        guard matches(Self.close) else { throw error("a tag is not finished", fix: "close it with }}; names may hold letters, digits, \".\", \"-\" and \"_\"", at: tagStart) }
        position += 2
        if text.contains("(") || text.contains(")") {
            throw error("Porchlight's templates do not support transforms like {{\(text)}}", fix: Self.supported, at: tagStart)
        }
        guard !text.isEmpty else { throw error("a tag has no name", fix: Self.supported, at: tagStart) }
        return Template.Name(parts: text == "." ? [] : text.split(separator: ".").map(String.init), text: text,
                             currentOnly: text.hasPrefix("."))
    }

    /// True when only spaces remain on the line; then the rest of the line, newline included, is taken.
    mutating func lineFinished() -> Bool {
        if atEnd { return true }
        var i = position
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        if i < bytes.count, bytes[i] == 0x0A {
            position = i + 1
            return true
        }
        return false
    }
}

/// Every template of a theme by name, rendering straight into UTF-8 bytes.
struct TemplateLibrary: Sendable {
    var templates: [String: Template] = [:]

    func render(_ name: String, _ context: TemplateValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(32_768)
        var stack: [TemplateValue] = [context]
        if let template = templates[name] { render(template.nodes, &stack, into: &output, indentation: []) }
        return output
    }

    private func render(_ nodes: [Template.Node], _ stack: inout [TemplateValue], into output: inout [UInt8], indentation: [UInt8]) {
        for node in nodes {
            // An indented partial indents every line it writes, as the Mustache spec asks.
            let before = output.count
            let lineStart = !indentation.isEmpty && (output.last == 0x0A)
            switch node {
            case let .text(bytes):
                output.append(contentsOf: bytes)
            case let .variable(name, escaped):
                guard let value = lookup(name, stack) else { break }
                switch value {
                case let .text(text): escaped ? Self.appendEscaped(text, to: &output) : output.append(contentsOf: text.utf8)
                case let .number(number): output.append(contentsOf: String(number).utf8)
                case let .flag(flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
                case .list, .object: break
                }
            case let .section(name, inverted, inside):
                let value = lookup(name, stack)
                if inverted {
                    switch value {
                    case nil, .flag(false): render(inside, &stack, into: &output, indentation: indentation)
                    case let .list(items) where items.isEmpty: render(inside, &stack, into: &output, indentation: indentation)
                    default: break
                    }
                    break
                }
                switch value {
                case nil, .flag(false): break
                case .flag(true): render(inside, &stack, into: &output, indentation: indentation)
                case let .list(items):
                    for item in items {
                        stack.append(item)
                        render(inside, &stack, into: &output, indentation: indentation)
                        stack.removeLast()
                    }
                case let .some(value):
                    stack.append(value)
                    render(inside, &stack, into: &output, indentation: indentation)
                    stack.removeLast()
                }
            case let .partial(partial, partialIndentation):
                if let template = templates[partial] {
                    render(template.nodes, &stack, into: &output, indentation: partialIndentation.isEmpty ? indentation : partialIndentation)
                }
            }
            if lineStart && output.count > before { output.insert(contentsOf: indentation, at: before) }
        }
    }

    private func lookup(_ name: Template.Name, _ stack: [TemplateValue]) -> TemplateValue? {
        guard let first = name.parts.first else { return stack.last }
        var found: TemplateValue?
        if name.currentOnly {
            if case let .object(object) = stack.last { found = object[first] }
        } else {
            var i = stack.count - 1
            while i >= 0 {
                if case let .object(object) = stack[i], let child = object[first] {
                    found = child
                    break
                }
                i -= 1
            }
        }
        for part in name.parts.dropFirst() {
            guard case let .object(object) = found else { return nil }
            found = object[part]
        }
        return found
    }

    private static let escapes: [UInt8: [UInt8]] = [
        UInt8(ascii: "&"): Array("&amp;".utf8), UInt8(ascii: "<"): Array("&lt;".utf8), UInt8(ascii: ">"): Array("&gt;".utf8),
        UInt8(ascii: "\""): Array("&quot;".utf8), UInt8(ascii: "'"): Array("&#39;".utf8),
    ]

    static func appendEscaped(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for i in 0..<bytes.count {
                let byte = bytes[i]
                guard byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27 else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                output.append(contentsOf: escapes[byte]!)
                start = i + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
    }
}
