import Foundation
import Yams

/// Diagnostics gathered while reading one file; each file gets its own, so parallel reads share nothing.
final class Problems {
    private(set) var list: [Diagnostic] = []
    func add(_ diagnostic: Diagnostic) { list.append(diagnostic) }
    func add(contentsOf diagnostics: [Diagnostic]) { list.append(contentsOf: diagnostics) }
    var hasErrors: Bool { list.contains(where: \.isError) }
}

/// A composed YAML value and where it starts: the part of a Yams node the readers use, without tags and anchors.
struct YAMLValue {
    /// Plain, quoted, literal or folded: only plain scalars can be null.
    typealias Style = Node.Scalar.Style

    enum Content {
        case scalar(String, Style)
        case sequence([YAMLValue])
        case mapping([YAMLPair])
        /// Yams composes aliases into the nodes they name; kept so a converted tree loses nothing.
        case alias
    }

    let content: Content
    let line: Int
    let column: Int
}

/// One "key: value" of a mapping.
struct YAMLPair {
    /// The key's text as Yams' `Node.string` reads it: "" for a key that is not text.
    let text: String
    let key: YAMLValue
    let value: YAMLValue
}

extension YAMLValue {
    /// The same value as a Yams node; the rule-less resolver's tags are not kept, as nothing reads them after composing.
    init(_ node: Node) {
        line = node.mark?.line ?? 1
        column = node.mark?.column ?? 1
        switch node {
        case let .scalar(scalar): content = .scalar(scalar.string, scalar.style)
        case let .sequence(items): content = .sequence(items.map(YAMLValue.init))
        case let .mapping(pairs): content = .mapping(pairs.map { YAMLPair(text: $0.key.string ?? "", key: YAMLValue($0.key), value: YAMLValue($0.value)) })
        case .alias: content = .alias
        }
    }
}

/// A YAML node that knows where it stands in its file, so every complaint can name a line.
struct YAMLNode {
    let value: YAMLValue
    let file: SourceFile
    /// Lines before the YAML starts in the file (front matter begins after the `---` line).
    let lineOffset: Int

    var line: Int { value.line + lineOffset }
    var column: Int { value.column }

    func child(_ value: YAMLValue) -> YAMLNode { YAMLNode(value: value, file: file, lineOffset: lineOffset) }

    func error(_ message: String, fix: String? = nil) -> Diagnostic {
        file.error(line: line, column: column, message, fix: fix)
    }

    func warning(_ message: String, fix: String? = nil) -> Diagnostic {
        file.warning(line: line, column: column, message, fix: fix)
    }

    /// The scalar's text, or nil for a YAML null (`~`, `null`, or nothing).
    var scalarText: String? {
        guard case let .scalar(text, style) = value.content else { return nil }
        guard style == .plain else { return text }
        switch text {
        case "", "~", "null", "Null", "NULL": return nil
        default: return text
        }
    }

    var isNull: Bool {
        if case .scalar = value.content { return scalarText == nil }
        return false
    }

    var kindName: String {
        switch value.content {
        case .scalar: return "a single value"
        case .mapping: return "a group of fields"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    var sequence: [YAMLNode]? {
        guard case let .sequence(items) = value.content else { return nil }
        return items.map(child)
    }

    /// Parses YAML text into a node; errors carry the file's real line numbers.
    static func parse(_ text: String, file: SourceFile, lineOffset: Int, problems: Problems) -> YAMLNode? {
        // Most front matter is a simple block mapping, which FrontMatterYAML reads to Yams' tree for a fraction of
        // the work; anything else, and every error, is Yams' to read and report.
        if let root = FrontMatterYAML.parse(text) { return YAMLNode(value: root, file: file, lineOffset: lineOffset) }
        guard let root = composeWithYams(text, file: file, lineOffset: lineOffset, problems: problems) else { return nil }
        return YAMLNode(value: YAMLValue(root), file: file, lineOffset: lineOffset)
    }

    /// Composes the text with Yams, reporting its errors, as every file was read before FrontMatterYAML.
    static func composeWithYams(_ text: String, file: SourceFile, lineOffset: Int, problems: Problems) -> Node? {
        // Yams' default resolver runs seven regular expressions on every key, and we read every scalar as text.
        // Only its duplicate-key check compares resolved types, so the rule-less resolver's tree is kept
        // when no key's type can matter; on any error, or a tagged or non-text key, we compose the default way.
        if let root = try? Yams.compose(yaml: text, .basic, textOnly, .utf8) {
            var budget = maximumNodes
            if withinBudget(root, &budget, textKeys: true) { return root }
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .default, textOnly, .utf8)
        } catch let error as YamlError {
            problems.add(diagnostic(for: error, file: file, lineOffset: lineOffset))
            return nil
        } catch {
            problems.add(file.error(line: lineOffset + 1, "cannot read the YAML: \(error)"))
            return nil
        }
        guard let root else { return nil }
        var budget = maximumNodes
        if !withinBudget(root, &budget) {
            problems.add(file.error(line: (root.mark?.line ?? 1) + lineOffset, column: root.mark?.column ?? 1,
                                    "the YAML expands to more than \(maximumNodes) values",
                                    fix: "remove the anchors (&) and aliases (*) that repeat each other"))
            return nil
        }
        return root
    }

    /// We never turn nodes into Swift values, so the constructor needs no maps (`Constructor.default` builds three dictionaries per call).
    private static var textOnly: Constructor { Constructor([:], [:], [:]) }

    /// A key without a tag, with `!`, quoted, or tagged `!!str`: the rule-less resolver makes each of them text.
    private static let textTags: Set<String> = [Tag.Name.implicit.rawValue, Tag.Name.nonSpecific.rawValue, Tag.Name.str.rawValue]

    /// Aliases share nodes, so a few lines can stand for billions of values; stop walking long before that.
    static let maximumNodes = 100_000

    /// Whether the tree has at most `budget` nodes; with `textKeys`, also whether every mapping key is a scalar of
    /// type text, for which both resolvers agree on which keys are the same.
    private static func withinBudget(_ node: Node, _ budget: inout Int, textKeys: Bool = false) -> Bool {
        budget -= 1
        if budget < 0 { return false }
        switch node {
        case .scalar, .alias: return true
        case let .sequence(items):
            for item in items where !withinBudget(item, &budget, textKeys: textKeys) { return false }
            return true
        case let .mapping(pairs):
            for (key, value) in pairs {
                if textKeys {
                    guard case let .scalar(scalar) = key, textTags.contains(scalar.tag.rawValue) else { return false }
                }
                if !withinBudget(key, &budget, textKeys: textKeys) || !withinBudget(value, &budget, textKeys: textKeys) { return false }
            }
            return true
        }
    }

    private static func diagnostic(for error: YamlError, file: SourceFile, lineOffset: Int) -> Diagnostic {
        func at(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> Diagnostic {
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line + lineOffset))" }
            let line = mark.line + lineOffset
            let fix = file.line(line)?.contains("\t") == true ? "indent with spaces, not tabs" : yamlFix(problem + " " + (context?.text ?? ""))
            return file.error(line: line, column: mark.column, message, fix: fix)
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            return at(mark, problem, context)
        case let .duplicatedKeysInMapping(duplicates, context):
            return file.error(line: context.mark.line + lineOffset, column: context.mark.column,
                              "the field \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) is given twice",
                              fix: "keep one of them")
        case let .reader(problem, _, _, _):
            return file.error(line: lineOffset + 1, "invalid YAML: \(problem)", fix: "save the file as UTF-8 text")
        default:
            return file.error(line: lineOffset + 1, "invalid YAML: \(error)")
        }
    }

    private static func yamlFix(_ problem: String) -> String {
        if problem.contains("mapping values are not allowed") {
            return "put quotes around a value that contains \": \" (title: \"Safety: a plan\")"
        }
        if problem.contains("quoted scalar") { return "close the quotes that start on the line named" }
        if problem.contains("did not find expected") { return "check the indentation and that quotes and brackets are closed" }
        return "check the YAML syntax on this line"
    }
}

/// Typed access to the fields of a YAML mapping, reporting every wrong or unknown field.
struct Fields {
    let node: YAMLNode
    let problems: Problems
    /// The keys' texts, in the order written, apart from the pairs so a lookup compares texts only.
    let keys: [String]
    private let pairs: [YAMLPair]

    init?(_ node: YAMLNode, problems: Problems, what: String) {
        guard case let .mapping(pairs) = node.value.content else {
            if !node.isNull {
                problems.add(node.error("\(what) must be a group of \"field: value\" lines, not \(node.kindName)",
                                        fix: "write one \"field: value\" per line"))
            }
            return nil
        }
        self.node = node
        self.problems = problems
        self.keys = pairs.map(\.text)
        self.pairs = pairs
    }

    subscript(_ key: String) -> YAMLNode? {
        guard let index = keys.firstIndex(of: key) else { return nil }
        let value = node.child(pairs[index].value)
        return value.isNull ? nil : value
    }

    func keyNode(_ key: String) -> YAMLNode? { keys.firstIndex(of: key).map { node.child(pairs[$0].key) } }

    /// Flags fields the reader does not know, suggesting the closest known one.
    func rejectUnknown(_ known: [String], what: String) {
        for (key, pair) in zip(keys, pairs) where !known.contains(key) {
            let suggestion = Spelling.closest(to: key, in: known)
            let fix = suggestion.map { "did you mean \"\($0)\"?" } ?? "remove it, or use one of: \(known.joined(separator: ", "))"
            problems.add(node.child(pair.key).error("unknown field \"\(key)\" in \(what)", fix: fix))
        }
    }

    func string(_ key: String) -> String? {
        guard let value = self[key] else { return nil }
        guard let text = value.scalarText else {
            problems.add(value.error("\"\(key)\" must be text, not \(value.kindName)", fix: "write it on one line after \"\(key):\""))
            return nil
        }
        return text
    }

    func requiredString(_ key: String, what: String, example: String) -> String? {
        guard self[key] != nil else {
            problems.add(node.error("\(what) has no \"\(key)\"", fix: "add a line \"\(key): \(example)\""))
            return nil
        }
        let value = string(key)
        if let value, value.withoutOuterSpaces.isEmpty {
            problems.add(self[key]!.error("\"\(key)\" is empty", fix: "add a line \"\(key): \(example)\""))
            return nil
        }
        return value
    }

    func bool(_ key: String) -> Bool? {
        guard let value = self[key] else { return nil }
        switch value.scalarText?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problems.add(value.error("\"\(key)\" must be true or false", fix: "write \"\(key): true\" or \"\(key): false\""))
            return nil
        }
    }

    func int(_ key: String) -> Int? {
        guard let value = self[key] else { return nil }
        guard let text = value.scalarText, let number = Int(text) else {
            problems.add(value.error("\"\(key)\" must be a whole number", fix: "write e.g. \"\(key): 10\""))
            return nil
        }
        return number
    }

    /// A list of texts; a single text is taken as a list of one.
    func strings(_ key: String) -> [(String, YAMLNode)] {
        guard let value = self[key] else { return [] }
        if value.scalarText != nil { return [(value.scalarText!, value)] }
        guard let items = value.sequence else {
            problems.add(value.error("\"\(key)\" must be a list", fix: "write \"\(key): [first, second]\""))
            return []
        }
        var out: [(String, YAMLNode)] = []
        for item in items {
            if let text = item.scalarText { out.append((text, item)) } else {
                problems.add(item.error("each item of \"\(key)\" must be text", fix: "write \"\(key): [first, second]\""))
            }
        }
        return out
    }
}

/// Suggests the known word a typo was meant to be.
enum Spelling {
    static func closest(to word: String, in candidates: [String]) -> String? {
        let lower = word.lowercased()
        let scored = candidates.map { ($0, distance(lower, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
