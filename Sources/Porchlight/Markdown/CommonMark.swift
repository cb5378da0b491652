import CCmark
import CDocumentArena
import Foundation

/// The only door to the cmark C library: Markdown in, HTML and a little structure out.
struct CommonMark {
    struct Options: OptionSet, Sendable {
        let rawValue: Int32
        /// Curly quotes, en and em dashes, ellipses.
        static let smart = Options(rawValue: CMARK_OPT_SMART)
        /// Let raw HTML and every URL scheme through (`unsafeHTML: true`).
        static let unsafe = Options(rawValue: CMARK_OPT_UNSAFE)
    }

    /// A link or image destination and where it was written, relative to the Markdown's first line.
    struct Link {
        var url: String
        var line: Int
        var column: Int
        var isImage: Bool
    }

    struct Rendered {
        var html: String
        /// The text of the first paragraph, for a summary when none is written.
        var firstParagraph: String?
        var headings: [(level: Int, id: String, text: String)]
        /// What `anchors(in:)` finds in the same Markdown, found while rendering.
        var anchors: [String]
    }

    /// cmark's allocator for every document: the calling thread's arena (Sources/CDocumentArena), where a node or a
    /// string costs a few additions and a whole document is freed at once.
    nonisolated(unsafe) private static let arena: UnsafeMutablePointer<cmark_mem> = {
        let memory = UnsafeMutablePointer<cmark_mem>.allocate(capacity: 1)
        memory.initialize(to: cmark_mem(calloc: document_arena_calloc, realloc: document_arena_realloc, free: document_arena_free))
        return memory
    }()

    /// cmark's document of the text up to its first NUL byte (where a C string ends), read in place without a copy.
    /// Its memory is the arena's: call within `inArena`, and use nothing of it after.
    private static func parse<Text: StringProtocol>(_ markdown: Text, options: Options) -> OpaquePointer {
        let parser = cmark_parser_new_with_mem(options.rawValue, arena)
        let inPlace: Void? = markdown.utf8.withContiguousStorageIfAvailable { (bytes: UnsafeBufferPointer<UInt8>) in
            guard let base = bytes.baseAddress else { return }
            let text = UnsafeRawPointer(base)
            var length = bytes.count
            if let nul = memchr(text, 0, length) { length = text.distance(to: UnsafeRawPointer(nul)) }
            cmark_parser_feed(parser, text.assumingMemoryBound(to: CChar.self), length)
        }
        if inPlace == nil {
            markdown.withCString { (text: UnsafePointer<CChar>) in cmark_parser_feed(parser, text, strlen(text)) }
        }
        let document = cmark_parser_finish(parser)!
        cmark_parser_free(parser)
        return document
    }

    /// Runs `body` with the arena's mark taken before and released after: every document parsed inside is freed at once.
    private static func inArena<T>(_ body: () -> T) -> T {
        let mark = document_arena_mark_now()
        defer { document_arena_release(mark) }
        return body()
    }

    /// Renders Markdown; `rewrite` may replace each link's URL (return nil to keep it).
    static func render<Text: StringProtocol>(_ markdown: Text, options: Options, rewrite: (Link) -> String?) -> Rendered {
        inArena { renderInArena(markdown, options: options, rewrite: rewrite) }
    }

    private static func renderInArena<Text: StringProtocol>(_ markdown: Text, options: Options, rewrite: (Link) -> String?) -> Rendered {
        let document = parse(markdown, options: options)

        var headingNodes: [OpaquePointer] = []
        // In page order: nil for a heading (its id comes later), or the ids written in raw HTML.
        var anchorParts: [[String]?] = []
        var scriptLinks: [OpaquePointer] = []
        var firstParagraph: String?
        let iterator = cmark_iter_new(document)
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                let (line, column) = position(of: node)
                let link = Link(url: url, line: line, column: column, isImage: cmark_node_get_type(node) == CMARK_NODE_IMAGE)
                let replacement = rewrite(link)
                if LinkResolver.isScript(url) {
                    scriptLinks.append(node)
                } else if let replacement {
                    cmark_node_set_url(node, replacement)
                }
            case CMARK_NODE_HEADING:
                headingNodes.append(node)
                anchorParts.append(nil)
            case CMARK_NODE_PARAGRAPH where firstParagraph == nil:
                firstParagraph = plainText(node)
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                if options.contains(.unsafe), let literal = cmark_node_get_literal(node) { anchorParts.append(htmlIDs(String(cString: literal))) }
            default:
                break
            }
        }
        cmark_iter_free(iterator)
        // Changing the tree while iterating would invalidate the iterator, so dropped links are unwrapped afterwards.
        for node in scriptLinks { unwrap(node) }

        var headings: [(Int, String, String)] = []
        var ids = HeadingIDs()
        for heading in headingNodes {
            let level = Int(cmark_node_get_heading_level(heading))
            let text = plainText(heading)
            let id = ids.next(for: text)
            headings.append((level, id, text))
            replaceWithAnchoredHeading(heading, level: level, id: id)
        }
        var headingIDs = headings.makeIterator()
        let anchors = anchorParts.flatMap { $0 ?? [headingIDs.next()!.1] }

        guard let cHTML = cmark_render_html(document, options.rawValue) else {
            return Rendered(html: "", firstParagraph: firstParagraph, headings: headings, anchors: anchors)
        }
        let html = headings.isEmpty ? String(cString: cHTML) : tightenHeadings(cHTML)
        return Rendered(html: html, firstParagraph: firstParagraph, headings: headings, anchors: anchors)
    }

    /// The ids a `#fragment` can name in the HTML `render` makes of this Markdown: every heading's, and, when raw HTML is
    /// let through, the `id` and `name` attributes written in it. Parses without rendering, for link checking.
    static func anchors<Text: StringProtocol>(in markdown: Text, options: Options) -> [String] {
        inArena { anchorsInArena(markdown, options: options) }
    }

    private static func anchorsInArena<Text: StringProtocol>(_ markdown: Text, options: Options) -> [String] {
        let document = parse(markdown, options: options)
        var out: [String] = []
        var ids = HeadingIDs()
        let iterator = cmark_iter_new(document)
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HEADING:
                out.append(ids.next(for: plainText(node)))
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                if options.contains(.unsafe), let literal = cmark_node_get_literal(node) { out += htmlIDs(String(cString: literal)) }
            default:
                break
            }
        }
        return out
    }

    /// `id="…"` and `name="…"` attribute values in a piece of raw HTML.
    static func htmlIDs(_ html: String) -> [String] {
        guard let pattern = try? NSRegularExpression(pattern: #"\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')"#, options: [.caseInsensitive]) else { return [] }
        let range = NSRange(html.startIndex..., in: html)
        return pattern.matches(in: html, range: range).compactMap { match in
            [1, 2].lazy.compactMap { Range(match.range(at: $0), in: html).map { String(html[$0]) } }.first
        }
    }

    /// Replaces a link (or image) by what it contains: a `javascript:` link becomes its plain text, not `<a href="">`.
    /// Nodes taken out of the tree are freed with the document's arena.
    private static func unwrap(_ node: OpaquePointer) {
        while let child = cmark_node_first_child(node) {
            cmark_node_unlink(child)
            cmark_node_insert_before(node, child)
        }
        cmark_node_unlink(node)
    }

    /// cmark writes `<h2>` without attributes; a custom block carrying `<h2 id="…">` gives stable anchors.
    private static func replaceWithAnchoredHeading(_ heading: OpaquePointer, level: Int, id: String) {
        guard let custom = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, arena) else { return }
        // The tags as C strings built from bytes: every heading of every letter gets one.
        let digit = UInt8(truncatingIfNeeded: 48 + level)
        var enter: [UInt8] = [UInt8(ascii: "<"), UInt8(ascii: "h"), digit]
        enter.reserveCapacity(id.utf8.count + 12)
        enter += #" id=""#.utf8
        enter += id.utf8
        enter += [UInt8(ascii: "\""), UInt8(ascii: ">"), 0]
        _ = enter.withUnsafeBufferPointer { cmark_node_set_on_enter(custom, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) }
        let exit: [CChar] = [0x3C, 0x2F, 0x68, CChar(digit), 0x3E, 0]  // "</hN>"
        _ = exit.withUnsafeBufferPointer { cmark_node_set_on_exit(custom, $0.baseAddress!) }
        while let child = cmark_node_first_child(heading) {
            cmark_node_unlink(child)
            cmark_node_append_child(custom, child)
        }
        cmark_node_replace(heading, custom)
    }

    /// cmark puts custom blocks on lines of their own; this drops the newlines just inside `<hN id=…>` … `</hN>` in one pass.
    private static func tightenHeadings(_ html: UnsafePointer<CChar>) -> String {
        let count = strlen(html)
        return html.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
            String(unsafeUninitializedCapacity: count) { out in
                var o = 0, i = 0
                // Only newlines can go, so the text between them is copied whole.
                while i < count {
                    let newline = memchr(bytes + i, 0x0A, count - i).map { UnsafeRawPointer(bytes).distance(to: UnsafeRawPointer($0)) } ?? count
                    let start = i
                    memcpy(out.baseAddress! + o, bytes + i, newline - i)
                    o += newline - i
                    i = newline + 1
                    guard newline < count else { break }
                    // "<hN id=\"…\">\n" → "<hN id=\"…\">", and "\n</hN>" → "</hN>"
                    let closesHeading = newline + 4 < count && bytes[newline + 1] == 0x3C && bytes[newline + 2] == 0x2F
                        && bytes[newline + 3] == 0x68 && bytes[newline + 4] >= 0x31 && bytes[newline + 4] <= 0x36
                    let opensHeading = newline > start && o >= 2 && bytes[newline - 1] == 0x3E && endsHeadingOpenTag(out, o)
                    if !closesHeading && !opensHeading {
                        out[o] = 0x0A
                        o += 1
                    }
                }
                return o
            }
        }
    }

    /// Whether the tag that just ended at `end` is `<hN id=…>`.
    private static func endsHeadingOpenTag(_ out: UnsafeMutableBufferPointer<UInt8>, _ end: Int) -> Bool {
        var k = end - 1
        while k > 0, end - k < 200, out[k] != 0x3C { k -= 1 }
        guard out[k] == 0x3C, end - k > 8 else { return false }
        return out[k + 1] == 0x68 && out[k + 2] >= 0x31 && out[k + 2] <= 0x36 && out[k + 3] == 0x20
            && out[k + 4] == 0x69 && out[k + 5] == 0x64 && out[k + 6] == 0x3D
    }

    /// Inline nodes may lack a position; then the nearest block's start is the best we know.
    private static func position(of node: OpaquePointer) -> (Int, Int) {
        var current: OpaquePointer? = node
        while let n = current {
            let line = Int(cmark_node_get_start_line(n))
            if line > 0 { return (line, max(1, Int(cmark_node_get_start_column(n)))) }
            current = cmark_node_parent(n)
        }
        return (1, 1)
    }

    /// The words of a node with markup removed.
    static func plainText(_ node: OpaquePointer) -> String {
        var text = ""
        let iterator = cmark_iter_new(node)
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(child) { text += String(cString: literal) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            default:
                break
            }
        }
        return text
    }

    /// Renders a line of Markdown (a notice, a district summary) without a wrapping paragraph.
    static func renderInline(_ markdown: String, options: Options) -> String {
        var html = render(markdown, options: options, rewrite: { _ in nil }).html
        if html.hasPrefix("<p>"), html.hasSuffix("</p>\n"), html.components(separatedBy: "<p>").count == 2 {
            html = String(html.dropFirst(3).dropLast(5))
        }
        return html.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Heading ids as pages get them: the slug of the heading's text (`section` when it has none), `-2`, `-3` … on repeats.
struct HeadingIDs {
    /// Each id given and how often, searched from the start while a page has few headings.
    private var used: [(id: String, count: Int)] = []
    /// Where each id is in `used`, once a page has more headings than a short search suits.
    private var positions: [String: Int]?

    mutating func next(for text: String) -> String {
        var id = Slug.make(text)
        if id.isEmpty { id = "section" }
        let found = positions != nil ? positions![id] : used.firstIndex(where: { $0.id == id })
        if let found {
            used[found].count += 1
            return id + "-\(used[found].count)"
        }
        used.append((id, 1))
        if positions != nil {
            positions![id] = used.count - 1
        } else if used.count > 32 {
            positions = Dictionary(uniqueKeysWithValues: used.indices.map { (used[$0].id, $0) })
        }
        return id
    }
}
