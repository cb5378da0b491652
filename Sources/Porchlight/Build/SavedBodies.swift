import Foundation

/// What a build knew of a letter's or page's body, which a later `build` checks before putting new words in its place.
struct BodyFacts: Sendable {
    /// The bytes before the body, the front matter: their length and hash.
    var frontLength: Int
    var frontHash: UInt64
    /// The summary's hash; nil when the front matter writes it.
    var summaryHash: UInt64?
    /// The hash of the body's heading ids, which links elsewhere may point at.
    var anchorsHash: UInt64
    /// Each link as written, and what it became (nil: kept as written).
    var links: [(url: String, to: String?)]
}

/// Kept beside the output after a `build`: every source file's stamp, each entry's `BodyFacts`, and where each body sits
/// in the files that show it. With it, a later `build` after an edit to a letter's words alone rewrites just its page and
/// feeds (see `Builder.spliceUpdate`). One line a record, fields split by tabs:
///
///     porchlight bodies 1
///     options <options key> <Markdown options>
///     file <stamp, or - to read again> <path>           every source file, in the order `SourceScan` lists them
///     entry <content path> <front length> <front hash> <summary hash or -> <anchors hash> [<url> <=new URL or ->]…
///     output <path> <form> [<content path> <offset or -> <length>]…
///     end <length of everything before this line>
///
/// Entry and output lines follow the stamps in any order, as the build's threads write them. The last line's length
/// tells a record cut short or with lines taken out from a whole one.
enum SavedBodies {
    static let header = "porchlight bodies 1\n"

    static func file(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).bodies")
    }

    /// Forgets the record before a build changes anything, so a build that stops halfway leaves none to mislead the next.
    static func remove(for options: BuildOptions) {
        unlink(file(for: options.output).path)
    }

    /// `file <stamp's numbers in hex, split by commas, or -> <path>`, as bytes: ten thousand of them are compared before a splice.
    static func appendFileLine(_ file: SourceScan.File, to bytes: inout [UInt8]) {
        bytes += "file\t".utf8
        if let stamp = file.stamp {
            bytes.appendHex(stamp.numbers, separator: UInt8(ascii: ","))
        } else {
            bytes.append(UInt8(ascii: "-"))
        }
        bytes.append(UInt8(ascii: "\t"))
        bytes += escape(file.path).utf8
        bytes.append(UInt8(ascii: "\n"))
    }


    /// An output's line: its path, its form, then each body's content path, offset (- when not known) and length.
    static func outputLine(_ path: String, _ form: ShownBodies.Form, _ places: [(contentPath: String, range: Range<Int>?)]) -> String {
        var line = "output\t\(escape(path))\t\(form.rawValue)"
        for place in places {
            line += "\t\(escape(place.contentPath))\t\(place.range.map { String($0.lowerBound) } ?? "-")\t\(place.range.map { String($0.count) } ?? "-")"
        }
        return line + "\n"
    }

    static func hex(_ value: UInt64) -> String { String(value, radix: 16) }

    static func endLine(length: Int) -> String { "end\t\(length)\n" }

    /// Where `needle` next occurs at or after `from`: memchr for its first byte, memcmp for the rest.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard let first = needle.first else { return from <= bytes.count ? from : nil }
        return bytes.withUnsafeBytes { haystack -> Int? in
            needle.withUnsafeBytes { n -> Int? in
                var i = from
                while i + n.count <= haystack.count {
                    guard let hit = memchr(haystack.baseAddress! + i, Int32(first), haystack.count - n.count + 1 - i) else { return nil }
                    let at = haystack.baseAddress!.distance(to: UnsafeRawPointer(hit))
                    if memcmp(haystack.baseAddress! + at, n.baseAddress!, n.count) == 0 { return at }
                    i = at + 1
                }
                return nil
            }
        }
    }

    /// Tabs, newlines and backslashes in paths and URLs would break the lines.
    static func escape(_ text: String) -> String {
        // memchr reads sixteen bytes at a time; a byte loop over ten thousand paths costs more than writing them.
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let start = bytes.baseAddress else { return true }
            return memchr(start, 0x5C, bytes.count) == nil && memchr(start, 0x09, bytes.count) == nil && memchr(start, 0x0A, bytes.count) == nil
        } ?? !text.containsByte(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A })
        guard !plain else { return text }
        return text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func unescape<S: StringProtocol>(_ text: S) -> String {
        guard text.contains("\\") else { return String(text) }
        var out = ""
        var escaped = false
        for c in text {
            if escaped {
                out.append(c == "t" ? "\t" : c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// The output lines of the saved record, by output path, for a build that keeps files of the last one.
    static func outputLines(for options: BuildOptions) -> [String: Substring] {
        guard let data = SiteWriter.readFile(file(for: options.output).path), data.starts(with: header.utf8),
              let text = String(data: data, encoding: .utf8) else { return [:] }
        var lines: [String: Substring] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.hasPrefix("output\t") {
            let rest = line.dropFirst("output\t".count)
            guard let tab = rest.firstIndex(of: "\t") else { continue }
            lines[unescape(rest[..<tab])] = line
        }
        return lines
    }
}

/// Writes the record as the build goes — the stamps first, each body's facts as it is rendered, where bodies sit in each
/// file as it is written (found in files rendered now, taken from the last record for files kept) — a megabyte at a time
/// into a temporary file that `finish` puts in place, so a hundred thousand letters' record never sits in memory.
/// Lines come from all cores in any order after the stamps.
final class SavedBodiesWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let fd: Int32
    private let path: String, temporary: String
    private var buffer: [UInt8] = []
    private var failed = false, closed = false
    /// Bytes handed to the file so far.
    private var written = 0
    private let previous: [String: Substring]

    init?(options: BuildOptions, scan: SourceScan, markdownOptions: CommonMark.Options, previous: [String: Substring]) {
        guard let optionsKey = scan.optionsKey else { return nil }
        path = SavedBodies.file(for: options.output).path
        temporary = path + ".porchlight-\(getpid())"
        fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        self.previous = previous
        buffer.reserveCapacity(1 << 20)
        buffer += SavedBodies.header.utf8
        buffer += "options\t\(SavedBodies.hex(optionsKey))\t\(markdownOptions.rawValue)\n".utf8
        for file in scan.files {
            SavedBodies.appendFileLine(file, to: &buffer)
            if buffer.count >= 1 << 20 { flush() }
        }
    }

    deinit { discard() }

    func entry(_ contentPath: String, _ facts: BodyFacts) {
        var line = "entry\t\(SavedBodies.escape(contentPath))\t\(facts.frontLength)\t\(SavedBodies.hex(facts.frontHash))"
        line += "\t\(facts.summaryHash.map(SavedBodies.hex) ?? "-")\t\(SavedBodies.hex(facts.anchorsHash))"
        var seen: Set<String> = []
        for link in facts.links where seen.insert(link.url).inserted {
            line += "\t\(SavedBodies.escape(link.url))\t\(link.to.map { "=" + SavedBodies.escape($0) } ?? "-")"
        }
        add(line + "\n")
    }

    /// Whether a file of the last build may be kept: it shows no body, or the last record says where they are.
    func canKeep(_ output: SiteOutput) -> Bool {
        output.bodies == nil || previous[output.path] != nil
    }

    func kept(_ output: SiteOutput) {
        guard output.bodies != nil, let line = previous[output.path] else { return }
        add(line + "\n")
    }

    /// Puts the record in place; false when it could not be written (then there is none, and the next build builds the site).
    @discardableResult
    func finish() -> Bool {
        lock.withLock {
            buffer += SavedBodies.endLine(length: written + buffer.count).utf8
            flush()
            closed = true
            let ok = close(fd) == 0 && !failed && rename(temporary, path) == 0
            if !ok { unlink(temporary) }
            return ok
        }
    }

    func discard() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            close(fd)
            unlink(temporary)
        }
    }

    private func add(_ line: String) {
        lock.withLock {
            buffer += line.utf8
            if buffer.count >= 1 << 20 { flush() }
        }
    }

    /// Called with the lock held (or before the writer is shared).
    private func flush() {
        written += buffer.count
        buffer.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count, !failed {
                let written = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { failed = true } else { done += written }
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// A page rendered now, with the marks of where its one body began (see `TemplateLibrary.render(_:_:marking:)`).
    func rendered(_ output: SiteOutput, _ data: Data, marks: [Int], body: String) {
        guard let bodies = output.bodies, let contentPath = bodies.entries.first else { return }
        var range: Range<Int>?
        if marks.count == 1, marks[0] >= 0, bodies.entries.count == 1 {
            // An indented partial may have moved the body after it was marked, or changed its lines: then no place is known.
            let candidate = marks[0]..<marks[0] + body.utf8.count
            if candidate.upperBound <= data.count, Self.bytes(of: data, at: candidate, are: body) { range = candidate }
        }
        add(SavedBodies.outputLine(output.path, bodies.form, [(contentPath, range)]))
    }

    private static func bytes(of data: Data, at range: Range<Int>, are text: String) -> Bool {
        var text = text
        return data.withUnsafeBytes { page in
            text.withUTF8 { body in body.isEmpty || memcmp(page.baseAddress! + range.lowerBound, body.baseAddress!, body.count) == 0 }
        }
    }

    /// A feed rendered now: its bodies are found by the markup around them, which their escaping cannot imitate.
    func rendered(_ output: SiteOutput, _ data: Data) {
        guard let bodies = output.bodies else { return }
        let ranges = Self.feedBodies(data, form: bodies.form)
        let known = ranges.count == bodies.entries.count
        add(SavedBodies.outputLine(output.path, bodies.form, bodies.entries.indices.map { (bodies.entries[$0], known ? ranges[$0] : nil) }))
    }

    /// Each body's bytes in a feed, in order: escaped text up to `</content>` in Atom, a quoted string in JSON.
    static func feedBodies(_ data: Data, form: ShownBodies.Form) -> [Range<Int>] {
        let bytes = [UInt8](data)
        let opening: [UInt8] = Array((form == .atom ? "<content type=\"html\">" : "\"content_html\": ").utf8)
        var ranges: [Range<Int>] = []
        var i = 0
        while let start = SavedBodies.find(opening, in: bytes, from: i) {
            let from = start + opening.count
            var end = from
            if form == .atom {
                guard let close = SavedBodies.find(Array("</content>".utf8), in: bytes, from: from) else { break }
                end = close
            } else {
                guard from < bytes.count, bytes[from] == UInt8(ascii: "\"") else { break }
                end = from + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                guard end < bytes.count else { break }
                end += 1
            }
            ranges.append(from..<end)
            i = end
        }
        return ranges
    }
}
