import Foundation

extension Builder {
    /// A `build` after edits that changed only the words of published letters or pages — front matter, summary, heading
    /// ids and links as the last build saw them, no problem in the file before or after — puts each new body in its place
    /// in the files the last build wrote (its page and feeds) and builds nothing else: the bytes a full build would write,
    /// in a few milliseconds. Nil for any other change, or when the last build left no record (see `SavedBodies`); the
    /// caller then builds the site, which reports every problem as usual.
    /// `record` is the last build's, current at `options.now`, and every file it wrote is still there as written (a page
    /// deleted or cut short by hand needs a build of the site, as with no change at all).
    static func spliceUpdate(_ options: BuildOptions, scan: SourceScan, record: UpToDate) -> BuildReport? {
        guard let optionsKey = scan.optionsKey, let data = readWholeFile(atPath: SavedBodies.file(for: options.output).path) else { return nil }
        let clock = PhaseClock()
        // A whole record ends with a line giving the length of what comes before it.
        guard let endStart = data.dropLast().lastIndex(of: 0x0A).map({ $0 + 1 }),
              data[endStart...].elementsEqual(SavedBodies.endLine(length: endStart).utf8) else { return nil }
        let saved = SavedText(data)
        guard saved.line(at: 0).elementsEqual(SavedBodies.header.utf8.dropLast()) else { return nil }
        var at = SavedBodies.header.utf8.count
        let optionsFields = saved.fields(at: at)
        guard optionsFields.count == 3, optionsFields[0] == "options", optionsFields[1] == SavedBodies.hex(optionsKey),
              let rawOptions = Int32(optionsFields[2]) else { return nil }
        at = saved.next(after: at)

        // Which files changed: the same files must be there, in the same order; only stamps may differ.
        var replacedLines: [(Range<Int>, String)] = []
        var changed: [String] = []
        var line: [UInt8] = []
        for file in scan.files {
            guard at < saved.bytes.count else { return nil }
            let end = saved.lineEnd(at)
            line.removeAll(keepingCapacity: true)
            SavedBodies.appendFileLine(file, to: &line)
            // A file too young for its stamp to be trusted is read again, whatever its stamp says.
            if file.stamp == nil || !saved.same(line, at: at) {
                let fields = saved.fields(at: at)
                guard fields.count == 3, fields[0] == "file", SavedBodies.unescape(fields[2]) == file.path else { return nil }
                changed.append(file.path)
                replacedLines.append((at..<end + 1, String(decoding: line, as: UTF8.self)))
            }
            at = end + 1
        }
        guard saved.fields(at: at).first != "file", !changed.isEmpty else { return nil }
        clock.mark("compare stamps")
        guard changed.allSatisfy({ $0.hasPrefix("Content/") && $0.hasSuffix(".md") && !$0.hasSuffix("/_index.md") && $0 != "Content/_index.md" }),
              !record.diagnostics.contains(where: { changed.contains($0.location.path) }) else { return nil }

        // Each body again, with its links taken from the last build's answers.
        let markdownOptions = CommonMark.Options(rawValue: rawOptions)
        var bodies: [String: String] = [:]
        for path in changed {
            let contentPath = String(path.dropFirst("Content/".count))
            guard let facts = saved.entry(contentPath),
                  case let .success(file) = SourceFile.read(atPath: options.siteFolder.path + "/" + path, displayPath: path),
                  file.text.utf8.count >= facts.frontLength,
                  Fingerprint.of([String(decoding: file.text.utf8.prefix(facts.frontLength), as: UTF8.self)]) == facts.frontHash,
                  // Front matter closed at the very end of the file: more text could run on from its closing line.
                  file.text.utf8.prefix(facts.frontLength).last == 0x0A else { return nil }
            let body = file.text[file.text.utf8.index(file.text.startIndex, offsetBy: facts.frontLength)...]
            let answers = Dictionary(facts.links.map { ($0.url, $0.to) }, uniquingKeysWith: { first, _ in first })
            var unknownLink = false
            let result = CommonMark.render(body, options: markdownOptions) { link in
                if let answer = answers[link.url] { return answer }
                // A link that leaves the site resolves the same way whatever the site holds; any other needs the whole site.
                if !LinkResolver.isScript(link.url), LinkResolver.leavesSite(link.url) { return nil }
                unknownLink = true
                return nil
            }
            guard !unknownLink, Fingerprint.of(result.anchors) == facts.anchorsHash else { return nil }
            if let summaryHash = facts.summaryHash {
                let summary = shorten(result.firstParagraph ?? "")
                guard !summary.isEmpty, Fingerprint.of([summary]) == summaryHash else { return nil }
            }
            bodies[contentPath] = result.html
        }

        // The files that show them, and where.
        var outputs: [(lines: Range<Int>, path: String, form: ShownBodies.Form, places: [(contentPath: String, range: Range<Int>?)])] = []
        for line in saved.outputLines(showing: Array(bodies.keys)) {
            let fields = saved.fields(at: line.lowerBound)
            guard fields.count >= 3, (fields.count - 3) % 3 == 0, let form = ShownBodies.Form(rawValue: String(fields[2])) else { return nil }
            var places: [(contentPath: String, range: Range<Int>?)] = []
            var lastEnd = 0
            for i in stride(from: 3, to: fields.count, by: 3) {
                guard let offset = Int(fields[i + 1]), let length = Int(fields[i + 2]), offset >= lastEnd else { return nil }
                places.append((SavedBodies.unescape(fields[i]), offset..<offset + length))
                lastEnd = offset + length
            }
            outputs.append((line, SavedBodies.unescape(fields[1]), form, places))
        }
        // Each body has its page.
        let pages = outputs.filter { $0.form == .html }.flatMap { $0.places.map(\.contentPath) }
        guard pages.count == bodies.count, Set(pages) == Set(bodies.keys) else { return nil }
        clock.mark("render the changed bodies")

        // Every new file is made before anything is written, so a refusal changes nothing.
        guard let manifest = SiteWriter.ManifestText(output: options.output) else { return nil }
        var files: [(path: String, data: Data)] = []
        var manifestLines: [(Range<Int>, [UInt8])] = []
        var filesChanged = 0
        for output in outputs {
            guard !output.path.hasPrefix("/"), !output.path.split(separator: "/").contains(".."),
                  let old = SiteWriter.readFile(options.output.path + "/" + output.path),
                  let (recorded, line) = manifest.record(output.path), recorded.size == old.count, recorded.content == SiteWriter.hash(old),
                  output.places.last.map({ $0.range!.upperBound <= old.count }) ?? true else { return nil }
            var new = Data()
            new.reserveCapacity(old.count + 4096)
            var places: [(contentPath: String, range: Range<Int>?)] = []
            var copied = 0
            for place in output.places {
                let range = place.range!
                new.append(old[copied..<range.lowerBound])
                let start = new.count
                if let html = bodies[place.contentPath] {
                    switch output.form {
                    case .html: new.append(contentsOf: html.utf8)
                    case .atom: new.append(contentsOf: Feeds.xml(html).utf8)
                    case .json: new.append(contentsOf: JSONText.quote(html).utf8)
                    }
                } else {
                    new.append(old[range])
                }
                places.append((place.contentPath, start..<new.count))
                copied = range.upperBound
            }
            new.append(old[copied...])
            // A body saved unchanged leaves its files alone, their times too (rsync and deploys skip them).
            guard new != old else { continue }
            // Its key and inputs are not known without the site, so the next full build renders it again (and keeps it if the same).
            let record = SiteWriter.Record(key: 0, inputs: 0, content: SiteWriter.hash(new), size: new.count)
            filesChanged += 1
            files.append((output.path, new))
            var manifestLine: [UInt8] = []
            SiteWriter.appendManifestLine(output.path, record, to: &manifestLine)
            manifestLines.append((line, manifestLine))
            replacedLines.append((output.lines, SavedBodies.outputLine(output.path, output.form, places)))
        }

        // Nothing may mislead a later build if this one stops halfway: without the records and the manifest it starts afresh.
        UpToDate.remove(for: options)
        SavedBodies.remove(for: options)
        unlink(SiteWriter.manifestFile(for: options.output).path)
        for file in files {
            guard SiteWriter.replaceFile(options.output.path + "/" + file.path, file.data) else { return nil }
        }
        guard SiteWriter.replaceFile(SiteWriter.manifestFile(for: options.output).path, manifest.replacing(manifestLines)) else { return nil }
        clock.mark("put the new bodies in place")

        var updated = record
        updated.sources = scan.key
        updated.write(for: options)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(saved.bytes.count + 4096)
        var copied = 0
        for (range, line) in replacedLines.sorted(by: { $0.0.lowerBound < $1.0.lowerBound }) {
            bytes += saved.bytes[copied..<range.lowerBound]
            bytes += line.utf8
            copied = range.upperBound
        }
        bytes += saved.bytes[copied..<endStart]
        bytes += SavedBodies.endLine(length: bytes.count).utf8
        SiteWriter.replaceFile(SavedBodies.file(for: options.output).path, Data(bytes))

        var report = record.report
        report.filesChanged = filesChanged
        report.filesReused = record.filesWritten - filesChanged
        report.spliced = bodies.count
        return report
    }
}

/// The saved record's bytes, read a line at a time; only the lines a splice needs are taken apart.
private struct SavedText {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The index of the newline ending the line at `start` (or the end of the bytes).
    func lineEnd(_ start: Int) -> Int {
        bytes.withUnsafeBytes { buffer in
            guard start < buffer.count, let found = memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start) else { return buffer.count }
            return buffer.baseAddress!.distance(to: UnsafeRawPointer(found))
        }
    }

    func next(after start: Int) -> Int { lineEnd(start) + 1 }

    /// Whether `line` is what the bytes hold at `start`.
    func same(_ line: [UInt8], at start: Int) -> Bool {
        guard start + line.count <= bytes.count else { return false }
        return bytes.withUnsafeBytes { saved in line.withUnsafeBytes { memcmp(saved.baseAddress! + start, $0.baseAddress!, line.count) == 0 } }
    }

    func line(at start: Int) -> ArraySlice<UInt8> { bytes[start..<min(lineEnd(start), bytes.count)] }

    func fields(at start: Int) -> [Substring] {
        guard start < bytes.count else { return [] }
        return Substring(decoding: line(at: start), as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
    }

    /// Where `needle` next occurs at or after `from`.
    func find(_ needle: String, from: Int) -> Int? {
        SavedBodies.find(Array(needle.utf8), in: bytes, from: from)
    }

    func entry(_ contentPath: String) -> BodyFacts? {
        guard let found = find("\nentry\t" + SavedBodies.escape(contentPath) + "\t", from: 0) else { return nil }
        let fields = fields(at: found + 1)
        let summaryHash = UInt64(fields.count > 4 ? fields[4] : "", radix: 16)
        guard fields.count >= 6, (fields.count - 6) % 2 == 0, let frontLength = Int(fields[2]), let frontHash = UInt64(fields[3], radix: 16),
              summaryHash != nil || fields[4] == "-", let anchorsHash = UInt64(fields[5], radix: 16) else { return nil }
        var links: [(url: String, to: String?)] = []
        for i in stride(from: 6, to: fields.count, by: 2) {
            let to = fields[i + 1]
            links.append((SavedBodies.unescape(fields[i]), to == "-" ? nil : SavedBodies.unescape(to.dropFirst())))
        }
        return BodyFacts(frontLength: frontLength, frontHash: frontHash, summaryHash: summaryHash, anchorsHash: anchorsHash, links: links)
    }

    /// The output lines that name any of these content paths, each once.
    func outputLines(showing contentPaths: [String]) -> [Range<Int>] {
        var starts: Set<Int> = []
        for contentPath in contentPaths {
            let needle = "\t" + SavedBodies.escape(contentPath) + "\t"
            var from = 0
            while let found = find(needle, from: from) {
                var start = found
                while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
                // Entry lines name content paths too; output and entry lines come in any order after the stamps.
                if bytes[start...].starts(with: "output\t".utf8) { starts.insert(start) }
                from = found + 1
            }
        }
        return starts.sorted().map { $0..<min(next(after: $0), bytes.count) }
    }
}
