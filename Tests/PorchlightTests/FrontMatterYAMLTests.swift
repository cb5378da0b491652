import Foundation
import Testing
import Yams
@testable import Porchlight

/// FrontMatterYAML, the fast reader of simple YAML, gives exactly the tree Yams composes — shape, texts, styles, tags,
/// lines and columns — or leaves the text to Yams; and it does take the files sites are made of.
struct FrontMatterYAMLTests {
    /// Compares both readers on one text; returns what differs, or nil. `fast` tells whether the fast reader took it.
    /// Expects both readers to agree on a generated text; whether the fast one took it.
    static func expectSame(_ scalars: [Unicode.Scalar]) -> Bool {
        var yaml = ""
        yaml.unicodeScalars.append(contentsOf: scalars)
        let result = check(yaml)
        #expect(result.difference == nil, "\(result.difference ?? "") in \(yaml.debugDescription)")
        return result.fast
    }

    static func check(_ text: String) -> (fast: Bool, difference: String?) {
        let file = SourceFile(path: "a.yml", text: text)
        let problems = Problems()
        let yams = YAMLNode.composeWithYams(text, file: file, lineOffset: 3, problems: problems)
        // Whichever reader takes the text, parse reports what Yams reports.
        let parseProblems = Problems()
        let parsed = YAMLNode.parse(text, file: file, lineOffset: 3, problems: parseProblems)
        if parseProblems.list != problems.list { return (false, "diagnostics \(parseProblems.list) ≠ \(problems.list)") }
        if (parsed == nil) != (yams == nil) { return (false, "parse gave \(parsed == nil ? "nothing" : "a tree"), Yams did not") }
        guard let fast = FrontMatterYAML.parse(text) else {
            // Yams' tree, tags and anchors aside, is what the readers get.
            if let parsed, let yams, let difference = difference(parsed.value, yams, at: "converted", textOnly: false) {
                return (false, difference)
            }
            return (false, nil)
        }
        guard let yams, problems.list.isEmpty else { return (true, "the fast reader took a text Yams rejects: \(problems.list)") }
        if let difference = difference(fast, yams, at: "root") { return (true, difference) }
        if let parsed, let difference = difference(parsed.value, yams, at: "parse") { return (true, difference) }
        return (true, nil)
    }

    /// The first difference between a value and a Yams node, walking both; with `textOnly`, Yams' node must also have
    /// no anchor and no tag but text, list and mapping, as the fast reader reads none.
    static func difference(_ value: YAMLValue, _ node: Node, at path: String, textOnly: Bool = true) -> String? {
        guard let mark = node.mark, value.line == mark.line, value.column == mark.column else {
            return "\(path): at \(value.line):\(value.column), Yams at \(node.mark.map(\.description) ?? "none")"
        }
        switch (value.content, node) {
        case let (.scalar(text, style), .scalar(scalar)):
            if Array(text.utf8) != Array(scalar.string.utf8) { return "\(path): \(text.debugDescription) ≠ \(scalar.string.debugDescription)" }
            if style != scalar.style { return "\(path): style \(style) ≠ \(scalar.style)" }
            // The fast reader never sees a tag or an anchor: every scalar it takes is text.
            if textOnly && (node.tag.rawValue != Tag.Name.str.rawValue || scalar.anchor != nil) { return "\(path): Yams' tag \(node.tag) or anchor" }
        case let (.sequence(items), .sequence(sequence)):
            if textOnly && (node.tag.rawValue != Tag.Name.seq.rawValue || sequence.anchor != nil) { return "\(path): Yams' tag \(node.tag) or anchor" }
            if items.count != sequence.count { return "\(path): \(items.count) items, Yams \(sequence.count)" }
            for (index, (item, other)) in zip(items, sequence).enumerated() {
                if let difference = difference(item, other, at: "\(path)[\(index)]", textOnly: textOnly) { return difference }
            }
        case let (.mapping(pairs), .mapping(mapping)):
            if textOnly && (node.tag.rawValue != Tag.Name.map.rawValue || mapping.anchor != nil) { return "\(path): Yams' tag \(node.tag) or anchor" }
            if pairs.count != mapping.count { return "\(path): \(pairs.count) pairs, Yams \(mapping.count)" }
            for (pair, other) in zip(pairs, mapping) {
                if Array(pair.text.utf8) != Array((other.key.string ?? "").utf8) { return "\(path): key \(pair.text.debugDescription)" }
                if let difference = difference(pair.key, other.key, at: "\(path).key(\(pair.text))", textOnly: textOnly)
                    ?? difference(pair.value, other.value, at: "\(path).\(pair.text)", textOnly: textOnly) { return difference }
            }
        default:
            return "\(path): \(value.content) ≠ \(node)"
        }
        return nil
    }

    // MARK: Hand-written cases

    /// Texts the fast reader must take, each agreeing with Yams.
    @Test(arguments: [
        "title: Hello\ndate: 2024-05-14\n",
        "title: \"Community Block Roll Call in the 24th District\"\ndate: 2024-05-14\nauthor: Commissioner Danielle Outlaw\nsummary: We held roll call on the sidewalk...\ntags: [community, roll call]\ndistricts: [\"24th\"]",
        "a: b # a comment\n# a line of comment\n   # an indented one\nc: d#not a comment\n",
        "a: \"# not a comment\"\nb: '# nor this' # but this\nc: x # y # z\n",
        "a: \"quote \\\" backslash \\\\ slash \\/ tab \\t newline \\n\"\nb: \"\\x41\\u00e9\\U0001F600 \\0 \\a \\b \\v \\f \\r \\e \\  \\N \\_ \\L \\P\"\n",
        "a: 'it''s'\nb: ''''\nc: ''\nd: \"\"\ne: 'a \\n b'\n",
        "a: \"\\x81\\x9f\\u2028\\uFFFE\\U0010FFFF\"\n",
        "a:\nb: ~\nc: null\nd: NULL\ne:    \nf: # nothing\n",
        "title: Café — “quoted” 日本語 😀\nsummé: ünïcödé\n",
        "ключ: значение\n\"日本\": [語, \"😀\"]\n",
        "a: trailing spaces   \nb: \"kept inside  \"   \nc: [ x ,  y  ]   \n",
        "my key: value\n'quoted key': 1\n\"double key\": 2\nkey with:colon inside: 3\n",
        "a: " + String(repeating: "long ", count: 2000) + "end\n",
        "list:\n  - one\n  - \"two\"\n  - 'three'\n  - [four, five]\nnext: x\n",
        "indentless:\n- one\n- two\nafter: x\n",
        "url: https://example.org/a:b?c=d#e\ntime: 18:00\nratio: 1:2\nport: localhost:8080\n",
        "number: 42\nfloat: 3.14\nyes: yes\nbool: true\noff: Off\nhex: 0x1F\ndate: 2024-05-14 18:00\nneg: a-1\n",
        "at: a@b\nbacktick: a`b\npercent: 50%\namp: a&b\nstar: a*b\nbang: wow!\npipe: a|b\ngt: a>b\nbrackets: a[b]{c}\ndash: a - b\nq: a?\n",
        "location:\n  name: \"Hall\"\n  address: \"1 Main St, St. Louis, MO 63101\"\nrepeat:\n  every: week\n  on: [friday, saturday]\n  count: 12\n",
        "changes:\n  2026-11-25:\n    start: 2026-11-25 13:00\n    location:\n      name: Library\n  \"2027-01-16 09:00\":\n    status: cancelled\n",
        "dates:\n  - start: 2026-09-23 17:30\n    end: 2026-09-23 18:30\n    location:\n      name: Park\n  - start: 2026-10-21\n",
        "districts:\n- name: North\n  summary: The north.\n- name: South\ncategories:\n  -   name: Wide\n      slug: wide\n",
        "a:\n  b:\n    c:\n      d: deep\n  e: back\nf: top\n",
        "empty: []\nspaced: [ ]\nkey:\n",
        "a: x\n\n\n\nb: y\n\n",
        "\n\n# leading comments\n\ntitle: late start\n",
        "a: \"a\" \nb: 'b'   # c\n",
        "k:: v\nhttp://x: y\n",
        "\"a\" : b\n'c'  : d\ne  : f\n",
        "a: b\nc:\n  - d\n  - e\n",
        "seq:\n  - a\n  -  b\n",
        "a: #\n  b: c\n",
        "a: |\n  literal\n", "a: |-\n  x\n", "a: |+\n  keep\n\n\nb: x\n", "a: |-\n  strip\n\n", "a: |\n  no break at the end",
        "a: |\n  one\n  two\n\n  after a blank line\n\n\nb: x\n", "a: |\n\n  after a blank line\n", "a: | \n  x\n", "a: |\n  x\n \n  y\n",
        "a: |\n  # not a comment\n    more indented\n  trailing spaces  \n  - not a list\n  k: not a key\nb: y\n",
        "a: |\n    deep\n  # a comment, as the scalar ended\nb: |+\n  k\n",
        "location:\n  notes: |\n    Inside a mapping.\n\n    Two paragraphs.\n  name: Hall\ndescription: |\n  Café — “quoted” 😀\n",
    ])
    func fastReaderTakes(yaml: String) {
        let result = Self.check(yaml)
        #expect(result.fast, "left to Yams: \(yaml.debugDescription)")
        #expect(result.difference == nil, "\(result.difference ?? "") in \(yaml.debugDescription)")
    }

    /// Texts the fast reader must leave to Yams: what it does not read, and every error.
    @Test(arguments: [
        "", "# only a comment\n", "   \n",
        "plain scalar at the root\n", "- a\n- b\n", "[a, b]\n", "{a: b}\n", "  indented: root\n",
        "a: &anchor x\nb: *anchor\n", "a: !!str x\n", "a: !custom x\n", "!!map\na: b\n",
        "a: >\n  folded\n", "a: |2\n  x\n", "a: |-2\n  x\n", "a: | # comment\n  x\n", "a: |x\n  y\n", "a: |\nb: c\n",
        "a: |\n   \n  x\n", "a: |\n  x\n     \n", "a:\n  b: |\n  x\n", "- |\n  x\n", "a: [|]\n", "a: |\n  x\n y\n", "a: |\n  x\n\tb\n",
        "a: first line\n  continued\n", "a: \"open\n  close\"\n", "a: 'open\n  close'\n",
        "a: \"escaped line break \\\n  x\"\n", "a: \"bad \\q escape\"\n", "a: \"\\uD800\"\n", "a: \"\\uFEFF\"\n", "a: \"\\x4\"\n",
        "a: value: more\n", "a: value:\n", "a: 1\na: 2\n", "\"a\": 1\na: 2\n", "on: 1\n\"on\": 2\n", "caf\u{E9}: 1\ncafe\u{301}: 2\n",
        "a:\tb\n", "a: b\t\n", "\ta: b\n", "a: b\r\nc: d\n",
        "a: {b: c}\n", "? a\n: b\n", "a: [b, [c]]\n", "a: [b: c]\n", "a: [b, ]\n", "a: [, b]\n", "a: [b,,c]\n", "a: [\n  b]\n",
        "a: [b] c\n", "a: [b]#c\n", "a: \"b\"c\n", "a: \"b\"#c\n", "[a]: b\n", "a: [b, \"c\": d]\n", "a: [b #c]\n",
        "%YAML 1.1\n---\na: b\n", "---\na: b\n", "a: b\n---\nc: d\n", "a: b\n...\n",
        "a: @b\n", "a: `b\n", "a: %b\n", "a: &\n", "a: *\n", "a: !\n", "a: |\n", "a: >\n", "a: [\n", "a: {\n", "a: -\n",
        "a: -b\n", "a: ?b\n", "a: :b\n", "a: ,b\n", "a: ]\n", "a: }\n", "-a: b\n", "?a: b\n", ":a: b\n",
        "a:\n  b: c\n d: e\n", "a:\n  b: c\n    d: e\n", "a: b\n  # comment\n  c: d\n", "a:\n  - b\n  c: d\n",
        "a:\n- b\n  c\n", "a:\n  -\n  - b\n", "a:\n  - - b\n", "a:\n  - # comment\n    b\n",
        "- a: b\n", "a:\n  value on next line\n", "a:\n  - b: c\n    - d\n",
        "a: b\u{85}c\n", "a: b\u{2028}c\n", "a: b\u{FEFF}\n", "\u{FEFF}a: b\n", "a: b\u{1}\n", "a: \u{7F}\n", "a: \u{9F}\n",
        String(repeating: "k", count: 1100) + ": v\n",
    ])
    func yamsReads(yaml: String) {
        let result = Self.check(yaml)
        #expect(!result.fast, "taken by the fast reader: \(yaml.debugDescription)")
        #expect(result.difference == nil, "\(result.difference ?? "") in \(yaml.debugDescription)")
    }

    /// A sequence nested deeper than the fast reader goes, and a text longer than it reads, go to Yams alike.
    @Test func limits() {
        var deep = "a:\n"
        for level in 1...40 { deep += String(repeating: " ", count: level) + "b\(level):\n" }
        #expect(!Self.check(deep).fast)
        let long = (0..<10_000).map { "key\($0): value\n" }.joined()
        #expect(!Self.check(long).fast)
        #expect(Self.check(long).difference == nil)
    }

    // MARK: Real and generated files

    /// Every front matter and event file of the demo site and the fixtures; the good ones all take the fast path.
    @Test func repositoryFiles() throws {
        var checked = 0, fast = 0
        var slow: [String] = []
        for folder in [Repo.root.appendingPathComponent("Content"), Repo.fixtures] {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
            for case let url as URL in files where ["md", "yml"].contains(url.pathExtension) {
                guard case let .success(file) = SourceFile.decode(Array(try Data(contentsOf: url)), displayPath: url.path) else { continue }
                var text = file.text
                if url.pathExtension == "md" {
                    guard let matter = FrontMatter.split(file, problems: Problems()) else { continue }
                    text = matter.yaml
                }
                let result = Self.check(text)
                #expect(result.difference == nil, "\(result.difference ?? "") in \(url.path)")
                checked += 1
                if result.fast { fast += 1 } else { slow.append(url.path) }
            }
        }
        #expect(checked > 60)
        // Letters and pages of the good sites all take the fast path; event files (block scalars) and the site
        // settings (folded scalars, flow mappings) mostly do not.
        let slowFrontMatter = slow.filter { $0.hasSuffix(".md") && !$0.contains("/invalid/") }
        #expect(slowFrontMatter.isEmpty, "left to Yams: \(slowFrontMatter)")
        #expect(fast * 2 > checked, "\(fast) of \(checked) took the fast path")
    }

    /// Front matter as the benchmark corpus writes it, with the variations letters have.
    @Test func generatedFrontMatter() {
        var random = SeededRandom(seed: 7)
        let words = ["Community", "roll", "call", "24th", "District", "Café", "naïve", "O'Fallon", "#1", "a:b", "—", "x#y", "50%"]
        let tags = ["community", "roll call", "youth", "compstat", "partnerships", "\"quoted\"", "'single'", "Ünïcode"]
        for _ in 0..<400 {
            func sentence() -> String { (0..<random.next(4) + 2).map { _ in words[random.next(words.count)] }.joined(separator: " ") }
            func list() -> String { (0..<random.next(3) + 1).map { _ in tags[random.next(tags.count)] }.joined(separator: random.next(2) == 0 ? ", " : ",") }
            var lines = [
                "title: \"\(sentence().replacingOccurrences(of: "\"", with: "\\\""))\"",
                "date: 2024-0\(random.next(9) + 1)-1\(random.next(10))",
                "author: Commissioner",
                "summary: '\(sentence().replacingOccurrences(of: "'", with: "''"))'",
                "tags: [\(list())]",
            ]
            if random.next(2) == 0 { lines.append("districts: [\"\(random.next(30))th\"]") }
            if random.next(3) == 0 { lines.append("draft: true  # not yet") }
            if random.next(4) == 0 { lines.append("tags2:\n  - \(words[random.next(3)])\n  - \"\(sentence())\"") }
            if random.next(5) == 0 { lines.insert("# written by hand", at: random.next(lines.count)) }
            let yaml = lines.joined(separator: "\n")
            let result = Self.check(yaml)
            #expect(result.difference == nil, "\(result.difference ?? "") in \(yaml.debugDescription)")
            #expect(result.fast, "left to Yams: \(yaml.debugDescription)")
        }
    }

    /// Random nestings of mappings, indented and indentless lists, compact "- key: value" items, flow lists and
    /// comments, at random indents, with scalars that are often not plain text; a quarter get one more random edit.
    @Test func generatedStructures() {
        var random = SeededRandom(seed: 11)
        let texts = ["a", "b c", "x:y", "http://e.org/a#b", "C# x", "it's", "日本", "~", "null", "", "1", "-1", "a - b",
                     "a,b", "a]b", "{x", "100%", "a@b", "a #c", "#", "'", "\"", "\\", "a:", ":a", "-", "- a", "? a", "x: y"]
        func scalar() -> String {
            let text = random.next(3) == 0 ? texts[random.next(texts.count)] : ["word", "two words", "Ünï", "x-1"][random.next(4)]
            switch random.next(4) {
            case 0: return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
            case 1: return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            default: return text
            }
        }
        func comment() -> String { random.next(5) == 0 ? " # note" : random.next(8) == 0 ? "  " : "" }
        func flow() -> String {
            "[" + (0..<random.next(4)).map { _ in (random.next(3) == 0 ? " " : "") + scalar() }.joined(separator: random.next(2) == 0 ? ", " : ",") + "]"
        }
        /// A mapping whose keys stand at `indent`; a compact one starts on the current line.
        func mapping(_ indent: Int, depth: Int, compact: Bool) -> String {
            var out = ""
            for index in 0..<(random.next(4) + 1) {
                if random.next(12) == 0 { out += String(repeating: " ", count: random.next(4)) + (random.next(2) == 0 ? "# note\n" : "\n") }
                if !(index == 0 && compact) { out += String(repeating: " ", count: indent + (random.next(30) == 0 ? 1 : 0)) }
                out += (random.next(6) == 0 ? scalar() : "k\(random.next(6))") + ":" + value(indent, depth: depth)
            }
            return out
        }
        func value(_ indent: Int, depth: Int) -> String {
            switch depth > 3 ? random.next(3) : random.next(6) {
            case 0:
                guard random.next(6) == 0 else { return " " + scalar() + comment() + "\n" }
                // A literal block scalar: lines of text, blank lines and more indented ones.
                let inner = indent + random.next(3) + 1
                var out = " |" + ["", "-", "+"][random.next(3)] + "\n"
                for _ in 0..<(random.next(4) + 1) {
                    switch random.next(5) {
                    case 0: out += String(repeating: " ", count: random.next(inner + 1)) + "\n"
                    case 1: out += String(repeating: " ", count: inner + random.next(3)) + "# " + scalar() + "\n"
                    default: out += String(repeating: " ", count: inner) + scalar() + (random.next(4) == 0 ? "  " : "") + "\n"
                    }
                }
                return out
            case 1: return " " + flow() + comment() + "\n"
            case 2: return comment() + "\n"
            case 3: return comment() + "\n" + mapping(indent + random.next(4) + 1, depth: depth + 1, compact: false)
            default:
                let dashes = random.next(2) == 0 ? indent : indent + random.next(3) + 1
                var out = comment() + "\n"
                for _ in 0..<(random.next(3) + 1) {
                    let gap = random.next(3) + 1
                    out += String(repeating: " ", count: dashes) + "-" + String(repeating: " ", count: gap)
                    switch random.next(4) {
                    case 0: out += mapping(dashes + 1 + gap, depth: depth + 1, compact: true)
                    case 1: out += flow() + comment() + "\n"
                    default: out += scalar() + comment() + "\n"
                    }
                }
                return out
            }
        }
        var fast = 0
        for _ in 0..<1500 {
            var scalars = Array(mapping(0, depth: 0, compact: false).unicodeScalars)
            if random.next(4) == 0 {
                let at = random.next(scalars.count + 1)
                if random.next(2) == 0, at < scalars.count { scalars.remove(at: at) } else { scalars.insert([" ", "\n", ":", "-", "#", "'"][random.next(6)], at: at) }
            }
            if Self.expectSame(scalars) { fast += 1 }
        }
        #expect(fast > 150 && fast < 1350, "\(fast) of 1500 took the fast path")
    }

    /// Small random edits of real and hand-written texts, made of YAML's own characters, must never make the two
    /// readers differ; many of the edits are errors, which the fast reader must leave to Yams.
    @Test func randomEdits() {
        let seeds = [
            "title: \"A: b\"\ndate: 2024-05-14\nsummary: We held roll call # comment\ntags: [community, 'roll call']\n",
            "location:\n  name: Hall\n  notes: a b\nlist:\n- x\n- 'y'\ndates:\n  - start: 1\n    end: 2\n  - [a, b]\n",
            "a: \"esc \\\" \\\\ \\u00e9\"\nb: 'it''s'\nc:\nd: ~\n",
            "title: Coffee\ndescription: |\n  First paragraph.\n\n  # Second, a heading\n    indented\nnext: x\n",
        ]
        let pieces = [" ", "  ", "\n", "\n  ", "-", "- ", ":", ": ", "#", " #", "'", "\"", "\\", "[", "]", ",", "{", "}",
                      "?", "&", "*", "!", "|", ">", "%", "@", "`", "é", "\t", "---", "x", "''", "\\\""]
        var random = SeededRandom(seed: 42)
        var fast = 0
        for round in 0..<3000 {
            var text = Array(seeds[round % seeds.count].unicodeScalars)
            for _ in 0..<(random.next(3) + 1) {
                let at = random.next(text.count + 1)
                switch random.next(3) {
                case 0: text.insert(contentsOf: pieces[random.next(pieces.count)].unicodeScalars, at: at)
                case 1: if at < text.count { text.remove(at: at) }
                default: if at < text.count { text[at] = pieces[random.next(pieces.count)].unicodeScalars.first! }
                }
            }
            if Self.expectSame(text) { fast += 1 }
        }
        // The edits leave many texts readable, so both paths are exercised.
        #expect(fast > 300 && fast < 2700, "\(fast) of 3000 took the fast path")
    }
}

/// A small deterministic generator (SplitMix64), so a failing case is the same on every run.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
