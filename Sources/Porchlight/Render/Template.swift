import Foundation

/// A Mustache template compiled once: variables, sections, inverted sections, partials and comments.
/// Our own because rendering is most of a build: it works on UTF-8 bytes and typed values, never casting.
struct Template: Sendable {
    /// The template as parsed, a tree; `init` flattens it into `steps`.
    indirect enum Node: Sendable {
        case text([UInt8])
        case variable(Name, escaped: Bool)
        case section(Name, inverted: Bool, [Node])
        case partial(String, indentation: [UInt8])
    }

    /// One node of the tree, flattened. Steps hold only numbers (places in `text`, `keys`, `partials`), so rendering reads
    /// them without retaining anything; a section's inside is the steps after it, up to `end`.
    enum Step: Sendable {
        case text(Range<Int>)
        case variable(Path, escaped: Bool)
        case section(Path, inverted: Bool, end: Int)
        case partial(Int)
    }

    /// A dotted name split once: `entry.date.iso` → ["entry", "date", "iso"]; `.` is the current value.
    struct Name: Sendable {
        let parts: [String]
        let text: String
        /// `.name` looks only in the current value, not in the ones around it.
        let currentOnly: Bool

        init(_ text: String) {
            parts = text == "." ? [] : text.split(separator: ".").map(String.init)
            self.text = text
            currentOnly = text.hasPrefix(".")
        }
    }

    /// A name as rendering uses it: its parts are `keys[parts]`; none for `.`.
    struct Path: Sendable {
        let parts: Range<Int>
        let currentOnly: Bool
    }

    /// A `{{> name}}`, and the indentation for each line it writes when the tag is alone on its line.
    struct Partial: Sendable {
        let name: String
        let indentation: [UInt8]
    }

    struct ParseError: Error {
        let message: String
        let fix: String
        let line: Int
        let column: Int
    }

    private(set) var steps: [Step] = []
    /// Every text node's bytes, one after another.
    private(set) var text: [UInt8] = []
    /// Every name's parts, one after another, and their `TemplateObject.signature`s, taken once here rather than at every lookup.
    private(set) var keys: [String] = []
    private(set) var signatures: [UInt64] = []
    private(set) var partials: [Partial] = []

    /// Mustache's whitespace rules as swift-mustache applies them: a section, closing, comment or partial tag
    /// alone on its line takes the line with it.
    init(_ source: String) throws(ParseError) {
        var parser = TemplateParser(Array(source.utf8))
        add(try parser.parseAll())
    }

    private mutating func add(_ nodes: [Node]) {
        for node in nodes {
            switch node {
            case let .text(bytes):
                steps.append(.text(text.count..<text.count + bytes.count))
                text += bytes
            case let .variable(name, escaped):
                steps.append(.variable(add(name), escaped: escaped))
            case let .section(name, inverted, inside):
                let at = steps.count, path = add(name)
                steps.append(.section(path, inverted: inverted, end: at))
                add(inside)
                steps[at] = .section(path, inverted: inverted, end: steps.count)
            case let .partial(name, indentation):
                steps.append(.partial(partials.count))
                partials.append(Partial(name: name, indentation: indentation))
            }
        }
    }

    private mutating func add(_ name: Name) -> Path {
        let start = keys.count
        keys += name.parts
        signatures += name.parts.map(TemplateObject.signature)
        return Path(parts: start..<keys.count, currentOnly: name.currentOnly)
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
        return Template.Name(text)
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

    /// The page's bytes, as they are written.
    func render(_ name: String, _ context: TemplateValue) -> Data {
        render(name, context, marking: nil).data
    }

    /// The page's bytes, and where each `{{{…}}}` whose text is `marked` began (-1 for one escaped or indented), so a
    /// later build can put other text in its place (see `SavedBodies`).
    func render(_ name: String, _ context: TemplateValue, marking marked: String?) -> (data: Data, marks: [Int]) {
        var output = RenderOutput(capacity: 32_768)
        output.marked = marked
        // The stack holds where values are, not copies: the context and every object in it outlive the render.
        withUnsafePointer(to: context) { root in
            var stack: [UnsafePointer<TemplateValue>] = []
            stack.reserveCapacity(8)
            stack.append(root)
            if let template = templates[name] { render(template, template.steps.indices, &stack, into: &output, indentation: []) }
        }
        let marks = output.marks
        return (output.data(), marks)
    }

    private func render(_ template: Template, _ steps: Range<Int>, _ stack: inout [UnsafePointer<TemplateValue>],
                        into output: inout RenderOutput, indentation: [UInt8]) {
        var i = steps.lowerBound
        while i < steps.upperBound {
            // An indented partial indents every line it writes, as the Mustache spec asks.
            let before = output.count
            let lineStart = !indentation.isEmpty && output.last == 0x0A
            var next = i + 1
            switch template.steps[i] {
            case let .text(range):
                template.text.withUnsafeBufferPointer { output.append(UnsafeBufferPointer(rebasing: $0[range])) }
            case let .variable(path, escaped):
                guard let value = lookup(path, in: template, stack) else { break }
                switch value.pointee {
                case let .text(text): output.append(text, escaped: escaped, indented: !indentation.isEmpty)
                case let .number(number): output.append(String(number))
                case let .flag(flag): output.append(flag ? "true" : "false")
                case .list, .object: break
                }
            case let .section(path, inverted, end):
                next = end
                let inside = i + 1..<end
                let value = lookup(path, in: template, stack)
                if inverted {
                    if Self.isFalsy(value) { render(template, inside, &stack, into: &output, indentation: indentation) }
                    break
                }
                guard let value, !Self.isFalsy(value) else { break }
                if case let .list(items) = value.pointee {
                    items.withUnsafeBufferPointer { items in
                        for item in items.indices {
                            stack.append(items.baseAddress! + item)
                            render(template, inside, &stack, into: &output, indentation: indentation)
                            stack.removeLast()
                        }
                    }
                } else if case .flag = value.pointee {
                    render(template, inside, &stack, into: &output, indentation: indentation)
                } else {
                    stack.append(value)
                    render(template, inside, &stack, into: &output, indentation: indentation)
                    stack.removeLast()
                }
            case let .partial(index):
                let partial = template.partials[index]
                if let called = templates[partial.name] {
                    render(called, called.steps.indices, &stack, into: &output,
                           indentation: partial.indentation.isEmpty ? indentation : partial.indentation)
                }
            }
            if lineStart && output.count > before { output.insert(indentation, at: before) }
            i = next
        }
    }

    /// Nothing, `false` and an empty list: what skips a section and shows an inverted one.
    private static func isFalsy(_ value: UnsafePointer<TemplateValue>?) -> Bool {
        guard let value else { return true }
        switch value.pointee {
        case .flag(false): return true
        case let .list(items): return items.isEmpty
        default: return false
        }
    }

    // Inlined into its two callers in the render loop: a twentieth of rendering's instructions.
    @inline(__always)
    private func lookup(_ path: Template.Path, in template: Template, _ stack: [UnsafePointer<TemplateValue>]) -> UnsafePointer<TemplateValue>? {
        guard !path.parts.isEmpty else { return stack.last }
        let first = path.parts.lowerBound
        var found: UnsafePointer<TemplateValue>?
        if path.currentOnly {
            if case let .object(object) = stack.last!.pointee { found = object.address(of: template.keys[first], signature: template.signatures[first]) }
        } else {
            var i = stack.count - 1
            while i >= 0 {
                if case let .object(object) = stack[i].pointee,
                   let child = object.address(of: template.keys[first], signature: template.signatures[first]) {
                    found = child
                    break
                }
                i -= 1
            }
        }
        for part in path.parts.dropFirst() {
            guard let current = found, case let .object(object) = current.pointee else { return nil }
            found = object.address(of: template.keys[part], signature: template.signatures[part])
        }
        return found
    }
}

/// The bytes of one render. A page is some hundreds of short runs, and appending each to an Array costs more than copying
/// it, so runs are copied straight into memory this owns.
private struct RenderOutput: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    /// False once `data()` has handed the bytes over.
    private var owns = true

    deinit { if owns { base.deallocate() } }

    /// The bytes, handed over without a copy.
    consuming func data() -> Data {
        owns = false
        return Data(bytesNoCopy: base, count: count, deallocator: .custom { bytes, _ in bytes.deallocate() })
    }

    var last: UInt8? { count > 0 ? base[count - 1] : nil }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: String) {
        Self.withUTF8(text) { append($0) }
    }

    /// A variable's text. The same bytes as `marked`, written unescaped outside any indented partial, leave a mark where
    /// they start; written any other way, a mark that no place can be (-1), so the caller knows no single place holds them.
    var marked: String?
    private(set) var marks: [Int] = []

    mutating func append(_ text: String, escaped: Bool, indented: Bool) {
        if let marked, marked.utf8.count == text.utf8.count, Self.sameBytes(marked, text) { marks.append(escaped || indented ? -1 : count) }
        escaped ? appendEscaped(text) : append(text)
    }

    /// memcmp on the two strings' bytes: a letter's body is compared on every page that shows it.
    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        var same = false
        withUTF8(a) { x in withUTF8(b) { y in same = x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
        return same
    }

    /// A string's UTF-8 without copying the string, as `String.withUTF8` would (it is mutating).
    private static func withUTF8(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if text.utf8.withContiguousStorageIfAvailable(body) == nil {
            var text = text
            text.withUTF8(body)
        }
    }

    /// Puts `bytes` at `index`, moving what follows: an indented partial's indentation, once its first line is written.
    mutating func insert(_ bytes: [UInt8], at index: Int) {
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + index + bytes.count).moveInitialize(from: base + index, count: count - index)
        bytes.withUnsafeBufferPointer { (base + index).update(from: $0.baseAddress!, count: $0.count) }
        count += bytes.count
    }

    private mutating func grow(to needed: Int) {
        capacity = max(needed, capacity * 2)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        bigger.initialize(from: base, count: count)
        base.deallocate()
        base = bigger
    }

    /// HTML-escapes `&`, `<`, `>`, `"` and `'`; the runs between them are copied whole, found eight bytes a step.
    mutating func appendEscaped(_ text: String) {
        Self.withUTF8(text) { bytes in
            guard let raw = UnsafeRawPointer(bytes.baseAddress) else { return }
            var start = 0, i = 0
            while i < bytes.count {
                if i + 8 <= bytes.count, !Self.hasSpecial(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                    i += 8
                    continue
                }
                for j in i..<min(i + 8, bytes.count) {
                    let entity: StaticString
                    switch bytes[j] {
                    case UInt8(ascii: "&"): entity = "&amp;"
                    case UInt8(ascii: "<"): entity = "&lt;"
                    case UInt8(ascii: ">"): entity = "&gt;"
                    case UInt8(ascii: "\""): entity = "&quot;"
                    case UInt8(ascii: "'"): entity = "&#39;"
                    default: continue
                    }
                    append(UnsafeBufferPointer(rebasing: bytes[start..<j]))
                    append(UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
                    start = j + 1
                }
                i = min(i + 8, bytes.count)
            }
            append(UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    /// Whether any of the eight bytes is `"` (0x22), `&` or `'` (0x26, 0x27: alike but for the last bit), `<` or `>`
    /// (0x3C, 0x3E: alike but for the second bit). Each test makes the bytes it looks for zero, and
    /// `(v - 0x01…) & ~v & 0x80…` is not zero exactly when some byte of `v` is.
    private static func hasSpecial(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let ampersandOrApostrophe = (word | ones) ^ (ones &* 0x27)
        let angle = (word | (ones &* 2)) ^ (ones &* 0x3E)
        let zero = (quote &- ones) & ~quote | (ampersandOrApostrophe &- ones) & ~ampersandOrApostrophe | (angle &- ones) & ~angle
        return zero & (ones &* 0x80) != 0
    }
}
