import Foundation

/// A letter or page: front matter read and checked, body still Markdown. A class: every stage and page shares one,
/// and only `path` changes, once, before the entry is shared between threads.
public final class Entry: @unchecked Sendable {
    /// Path below `Content/`, with `/` separators (`letters/2024-11-05-thanks.md`).
    public let contentPath: String
    /// The file as read; when its body is left on disk, only the text before the body (the front matter).
    public let file: SourceFile
    /// The section folder, or nil for a page at the top of `Content/`.
    public let section: String?
    public let title: String
    public let date: ContentDate?
    public let author: String?
    public let summary: String?
    public let tags: [String]
    public let districts: [String]
    public let draft: Bool
    public let publishDate: ContentDate?
    public let slug: String
    public let weight: Int?
    public let aliases: [(path: String, line: Int, column: Int)]
    public let image: String?
    public let imageAlt: String?
    /// The Markdown after the front matter: a part of `file.text`, sharing its memory; empty when it is left on disk.
    public let body: Substring
    /// The file the body is read from again when the Markdown stage needs it, or nil when `body` is the body: a build
    /// without the preview server's cache need not hold a hundred thousand letters' texts from reading to rendering.
    let bodyOnDisk: String?
    /// The file's line on which the Markdown body starts, so cmark's lines map back to the file.
    public let bodyLine: Int
    /// Site path without the base path, ending in `/` (`letters/thanks/`).
    public var path: String = ""

    init(contentPath: String, file: SourceFile, section: String?, title: String, date: ContentDate?, author: String?,
         summary: String?, tags: [String], districts: [String], draft: Bool, publishDate: ContentDate?, slug: String,
         weight: Int?, aliases: [(path: String, line: Int, column: Int)], image: String?, imageAlt: String?,
         body: Substring, bodyLine: Int, bodyOnDisk: String? = nil) {
        self.contentPath = contentPath; self.section = section; self.title = title; self.date = date
        self.author = author; self.summary = summary; self.tags = tags; self.districts = districts; self.draft = draft
        self.publishDate = publishDate; self.slug = slug; self.weight = weight; self.aliases = aliases; self.image = image
        self.imageAlt = imageAlt; self.bodyLine = bodyLine; self.bodyOnDisk = bodyOnDisk
        if bodyOnDisk == nil {
            self.file = file; self.body = body
        } else {
            // A copy of the front matter alone, so the whole text can go; the body is empty, at the end of it.
            self.file = SourceFile(path: file.path, text: String(file.text[..<body.startIndex]))
            self.body = self.file.text[self.file.text.endIndex...]
        }
    }

    /// The whole file and its body, for rendering: as kept, or read again from disk, which fails when the text before
    /// the body is no longer what was read (the file changed or went away while the site was being built).
    func markdown() -> Result<(file: SourceFile, body: Substring), Diagnostic> {
        guard let fullPath = bodyOnDisk else { return .success((file, body)) }
        let again: SourceFile
        switch SourceFile.read(atPath: fullPath, displayPath: file.path) {
        case let .success(read): again = read
        case let .failure(problem):
            // Where it could not be read or decoded: it was read before, so it went away or changed.
            return .failure(.error(problem.location, "the file was removed or changed while the site was being built", fix: "build again"))
        }
        let before = file.text.utf8, text = again.text.utf8
        // The front matter ends with its closing line's newline, unless that line ends the file; then so must the new text.
        guard again.text.utf8StartsWith(file.text), before.last == 10 || text.count == before.count else {
            let line = zip(before, text).prefix { $0 == $1 }.reduce(1) { $1.0 == 10 ? $0 + 1 : $0 }
            return .failure(again.error(line: line, "the file changed while the site was being built", fix: "build again"))
        }
        return .success((again, again.text[text.index(text.startIndex, offsetBy: before.count)...]))
    }

    static let fields = ["title", "date", "author", "summary", "tags", "districts", "draft", "publishDate",
                         "slug", "weight", "aliases", "image", "imageAlt"]
}

/// The `---` fenced YAML at the top of a Markdown file, and where the body starts.
struct FrontMatter {
    var yaml: String
    var body: Substring
    var bodyLine: Int

    /// Splits the file; a file without front matter is all body.
    static func split(_ file: SourceFile, problems: Problems) -> FrontMatter? {
        let text = file.text
        guard text.hasPrefix("---") else {
            problems.add(file.error(line: 1, "the file has no front matter", fix: "start it with a line \"---\", then \"title: …\", then another \"---\""))
            return nil
        }
        // Lines are cut at "\n" bytes: after CRLF normalisation a newline always ends a character.
        let bytes = text.utf8
        var lineNumber = 0
        var yamlStart: String.Index?
        var yamlEnd = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let end = Self.newline(in: text, from: index) ?? text.endIndex
            let line = text[index..<end]
            let next = end < text.endIndex ? bytes.index(after: end) : text.endIndex
            lineNumber += 1
            if lineNumber == 1 {
                if line.withoutOuterSpaces != "---" {
                    problems.add(file.error(line: 1, "the first line must be \"---\" alone", fix: "put the front matter fields on the lines after \"---\""))
                    return nil
                }
                yamlStart = next
                yamlEnd = next
            } else if Self.mayClose(line), line == "---" || line == "..." || line.withoutOuterSpaces == "---" {
                let yaml = lineNumber > 2 ? String(text[yamlStart!..<yamlEnd]) : ""
                return FrontMatter(yaml: yaml, body: text[next...], bodyLine: lineNumber + 1)
            } else {
                yamlEnd = end
            }
            index = next
        }
        problems.add(file.error(line: 1, "the front matter is not closed", fix: "add a line \"---\" after the last field"))
        return nil
    }

    /// Whether a line can be the closing "---" or "...": only one starting with a dash, a dot or a space (any Unicode
    /// space starts with a byte of 0x80 or more) can, and the fields' lines are passed over without comparing them.
    private static func mayClose(_ line: Substring) -> Bool {
        guard let first = line.utf8.first else { return false }
        return first == UInt8(ascii: "-") || first == UInt8(ascii: ".") || first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") || first >= 0x80
    }

    /// The next "\n" at or after `start`, found with memchr: ten thousand front matters are cut into lines before anything else.
    private static func newline(in text: String, from start: String.Index) -> String.Index? {
        let bytes = text.utf8
        let offset = bytes.distance(from: bytes.startIndex, to: start)
        let found: Int?? = bytes.withContiguousStorageIfAvailable { buffer in
            guard offset < buffer.count, let hit = memchr(buffer.baseAddress! + offset, 10, buffer.count - offset) else { return nil }
            return buffer.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        guard let found else { return bytes[start...].firstIndex(of: 10) }
        return found.map { bytes.index(bytes.startIndex, offsetBy: $0) }
    }
}

extension Entry {
    /// Reads one Markdown file into an entry, reporting every problem in its front matter.
    /// With `bodyOnDisk`, the entry keeps only the front matter and reads its body from that path again when rendered.
    static func read(_ file: SourceFile, contentPath: String, section: String?, config: SiteConfig, problems: Problems,
                     bodyOnDisk: String? = nil) -> Entry? {
        let timeZone = config.timeZone
        guard let matter = FrontMatter.split(file, problems: problems) else { return nil }
        let root = YAMLNode.parse(matter.yaml, file: file, lineOffset: 1, problems: problems)
        guard let root else {
            if !problems.hasErrors {
                problems.add(file.error(line: 2, "the front matter is empty", fix: "add \"title: …\" between the --- lines"))
            }
            return nil
        }
        guard let f = Fields(root, problems: problems, what: "the front matter") else { return nil }
        f.rejectUnknown(fields, what: "the front matter")

        let title = f.requiredString("title", what: "the front matter", example: "A letter to our community")
        func date(_ key: String) -> ContentDate? {
            guard let text = f.string(key) else { return nil }
            switch ContentDate.parse(text, timeZone: timeZone) {
            case let .success(value): return value
            case .failure(.format):
                problems.add(f[key]!.error("\"\(text)\" is not a date", fix: "write \"\(key): 2024-11-05\" or \"\(key): 2024-11-05T09:00:00-06:00\""))
            case let .failure(.impossible(why)):
                problems.add(f[key]!.error("\"\(text)\" is not a real date: \(why)", fix: "correct the day or month"))
            }
            return nil
        }
        let fileName = String(contentPath.fileName)
        var slug = Slug.fromFileName(fileName)
        if let written = f.string("slug") {
            if written.contains("/") || written.contains("\\") || written.hasPrefix(".") || written.contains("..") {
                problems.add(f["slug"]!.error("the slug \"\(written)\" would place the page outside its section",
                                              fix: "use letters, digits and hyphens only, e.g. \"slug: \(Slug.make(written))\""))
            } else {
                slug = Slug.make(written)
            }
        }
        if slug.isEmpty {
            problems.add(file.error(line: 1, "cannot make a URL from the file name \"\(fileName)\"", fix: "rename the file with letters or digits, or add \"slug: …\""))
        }
        let aliases = f.strings("aliases").map { (path: $0.0, line: $0.1.line, column: $0.1.column) }
        let image = f.string("image")
        let imageAlt = f.string("imageAlt")
        if image != nil, imageAlt == nil {
            problems.add(f["image"]!.warning("the image has no description for screen readers", fix: "add \"imageAlt: what the picture shows\""))
        }
        var districts: [String] = []
        for (name, node) in f.strings("districts") {
            if let district = config.district(named: name) {
                districts.append(district.slug)
            } else {
                let known = config.districts.map(\.slug)
                problems.add(node.error("unknown district \"\(name)\"", fix: known.isEmpty
                    ? "list the districts in Content/site.yml first"
                    : (Spelling.closest(to: name, in: known).map { "did you mean \"\($0)\"?" } ?? "use one of: \(known.joined(separator: ", "))")))
            }
        }
        // Every field is read even when the title is missing, so one run reports every problem in the file.
        let tags = f.strings("tags").map(\.0).filter { !$0.isEmpty }
        let draft = f.bool("draft") ?? false
        let weight = f.int("weight")
        return Entry(contentPath: contentPath, file: file, section: section, title: title ?? "", date: date("date"),
                     author: f.string("author"), summary: f.string("summary"), tags: tags,
                     districts: districts, draft: draft, publishDate: date("publishDate"), slug: slug, weight: weight,
                     aliases: aliases, image: image, imageAlt: imageAlt, body: matter.body, bodyLine: matter.bodyLine,
                     bodyOnDisk: bodyOnDisk)
    }
}
