import Foundation

/// What a build or check found and did.
public struct BuildReport: Sendable {
    public var diagnostics: [Diagnostic]
    public var pagesWritten: Int
    public var filesWritten: Int
    /// Files that differ from the previous build's output.
    public var filesChanged: Int = 0
    /// Pages reused from the previous build without rendering.
    public var filesReused: Int = 0
    /// Letters and pages whose new words were put into the last build's files without building the site (see `Builder.spliceUpdate`).
    public var spliced: Int = 0
    /// The next moment the site would change with no edit (a scheduled letter, an event ending, a new day), and why.
    public var nextChange: (at: String, reason: String)?
    public var succeeded: Bool { diagnostics.errorCount == 0 }
}

/// A letter or page with its Markdown rendered and its summary settled.
final class RenderedEntry: Sendable {
    let entry: Entry
    let summary: String
    /// Sums up the entry's file and address; with the site's key it stands for everything pages show of it.
    let version: UInt64
    private let html: HTML

    /// The body in memory, or where it waits in a spill file.
    private enum HTML {
        case text(String)
        case spilled(SpillFile, offset: Int64, length: Int)
    }

    var bodyHTML: String {
        switch html {
        case let .text(text): return text
        case let .spilled(file, offset, length): return file.text(at: offset, length: length)
        }
    }

    /// `file`: the whole file the body was rendered from, when the entry keeps only its front matter.
    init(entry: Entry, bodyHTML: String, summary: String, spill: SpillFile? = nil, file: SourceFile? = nil) {
        self.entry = entry
        self.summary = summary
        version = Fingerprint.of([entry.contentPath, entry.path, (file ?? entry.file).text])
        html = spill.flatMap { file in file.store(bodyHTML).map { .spilled(file, offset: $0.offset, length: $0.length) } } ?? .text(bodyHTML)
    }
}

/// The build pipeline: read content, render Markdown, plan pages, render templates, write atomically.
public enum Builder {
    public static func build(_ options: BuildOptions, write: Bool = true) -> BuildReport {
        // A plain `build` first asks whether anything changed since the last one, and whether only the words of some
        // letters did; the preview server has its cache.
        let clock = PhaseClock()
        let plain = write && options.cache == nil && options.previous == nil
        let record = plain ? UpToDate.current(for: options) : nil
        // Both ways out need the last output whole; its files are checked while the sources are scanned.
        let intact = record.map { _ in InBackground { UpToDate.outputIsIntact(options.output) } }
        let scan = plain ? SourceScan(options, startedAt: .now) : nil
        clock.mark("scan sources")
        if let scan, let record, let intact, intact.value {
            if record.matches(sources: scan.key) { return record.report }
            if let report = spliceUpdate(options, scan: scan, record: record) { return report }
        }
        // Where bodies sat in the files of the last build, for the files this one keeps.
        let previousPlaces = scan.map { _ in SavedBodies.outputLines(for: options) }
        if write {
            UpToDate.remove(for: options)
            SavedBodies.remove(for: options)
        }
        // The preview server's last good build: a save of a few bodies changes only their pages; anything else builds it all.
        let last = options.cache?.takeLast()
        if write, let last, let report = quickUpdate(options, last: last) { return report }
        let problems = Problems()
        var content = ContentLoader.load(options, problems: problems, listed: scan?.contentFiles)
        clock.mark("read content")
        let theme = Theme.load(siteFolder: options.siteFolder, problems: problems)
        assignPaths(&content, problems: problems)
        // Without the preview server's cache nothing is kept for a later build: rendered bodies wait in a temporary file
        // and the Markdown is let go, so a hundred thousand letters build in well under their size in memory.
        let spill = options.cache == nil ? SpillFile() : nil
        let saved = scan.flatMap { SavedBodiesWriter(options: options, scan: $0, markdownOptions: content.config.markdownOptions, previous: previousPlaces ?? [:]) }
        let (rendered, resolver, linkKey) = renderMarkdown(content, cache: options.cache, spill: spill, saved: saved, problems: problems)
        clock.mark("render markdown")
        let calendar = SiteCalendar(events: content.events, config: content.config, now: options.now, problems: problems)
        clock.mark("expand events")
        guard !problems.hasErrors else { return BuildReport(diagnostics: problems.list, pagesWritten: 0, filesWritten: 0) }
        let kept = last.flatMap { $0.options.sameSite(as: options) ? $0.manifest : nil }
        let writer = write ? openWriter(options, manifest: kept, problems: problems) : nil
        if write, writer == nil { return BuildReport(diagnostics: problems.list, pagesWritten: 0, filesWritten: 0) }
        // Into a new folder, the letters' folders are made while the plan below keeps only one core busy.
        writer?.makeFoldersAhead((content.sections.flatMap(\.entries) + content.pages).map { SitePlan.pageFile($0.path) })

        let plan = SitePlan(content: content, rendered: rendered, resolver: resolver, theme: theme, calendar: calendar, now: options.now, problems: problems)
        clock.mark("shared contexts")
        let outputs = plan.outputs()
        clock.mark("plan pages")
        let nextChange = nextChange(content: content, calendar: calendar, now: options.now)
        let next = nextChange.map { (at: ContentDate.rfc3339($0.date, timeZone: content.config.timeZone), reason: $0.reason) }
        guard !problems.hasErrors, let writer else {
            writer?.discard()
            var report = BuildReport(diagnostics: problems.list, pagesWritten: 0, filesWritten: 0)
            report.nextChange = next
            return report
        }
        var (report, manifest) = writeSite(outputs, with: writer, theme: theme, options: options, spill: spill, saved: saved, problems: problems)
        report.nextChange = next
        clock.mark("render and write")
        if let cache = options.cache, let manifest, report.succeeded {
            cache.keepLast(LastBuild(options: options, plan: plan, linkKey: linkKey, manifest: manifest, report: report, nextChange: nextChange?.date))
        }
        if let scan, report.succeeded {
            // Today's date shows on pages (the calendar, the footer's year), so a record lasts until midnight at most.
            let today = calendar.zone.local(for: options.now)
            let midnight = calendar.zone.instant(for: LocalDateTime(year: today.year, month: today.month, day: today.day).adding(days: 1))
            let until = min(nextChange?.date ?? midnight, midnight)
            UpToDate(sources: scan.key, madeAt: options.now.timeIntervalSince1970, validUntil: until.timeIntervalSince1970,
                     pagesWritten: report.pagesWritten, filesWritten: report.filesWritten,
                     nextChangeAt: next?.at, nextChangeReason: next?.reason, diagnostics: report.diagnostics).write(for: options)
            saved?.finish()
            clock.mark("save records")
        }
        if options.exitsAfter { _ = Unmanaged.passRetained(KeptUntilExit([content, rendered, plan, outputs, calendar])) }
        return report
    }

    /// Gives every entry its URL and rejects two entries, or an entry and a generated page, claiming the same one.
    static func assignPaths(_ content: inout SiteContent, problems: Problems) {
        var owners: [String: String] = [:]
        let sectionNames = Set(content.sections.map(\.name))
        for section in content.sections where ContentLoader.generatedFolders.contains(section.name) {
            let file = section.introFile?.path ?? "Content/\(section.name)"
            problems.add(.error(SourceLocation(path: file), "the folder Content/\(section.name)/ has a name Porchlight uses for its own pages",
                                fix: "rename the folder, e.g. Content/\(section.name)-pages/"))
        }
        func claim(_ entry: Entry, _ path: String) {
            entry.path = path
            if let owner = owners[path] {
                problems.add(entry.file.error(line: 1, "this page and \(owner) would both be published at /\(path)",
                                              fix: "give one of them another \"slug:\""))
            } else {
                owners[path] = entry.file.path
            }
        }
        for s in content.sections.indices {
            for e in content.sections[s].entries.indices {
                let entry = content.sections[s].entries[e]
                claim(entry, "\(content.sections[s].name)/\(entry.slug)/")
            }
        }
        var eventOwners: [String: String] = [:]
        for event in content.events {
            if ["past", "category"].contains(event.slug) {
                problems.add(event.file.error(line: 1, "an event named \"\(event.slug)\" would take the address of Porchlight's /events/\(event.slug)/ page",
                                              fix: "rename the file, e.g. \(event.slug)-event.yml"))
            } else if let owner = eventOwners[event.slug] {
                problems.add(event.file.error(line: 1, "this event and \(owner) would both be published at /events/\(event.slug)/",
                                              fix: "rename one of the files"))
            }
            eventOwners[event.slug] = event.file.path
        }
        for p in content.pages.indices {
            let slug = content.pages[p].slug
            if sectionNames.contains(slug) || ContentLoader.generatedFolders.contains(slug) || ContentLoader.reservedFolders.contains(slug) {
                problems.add(content.pages[p].file.error(line: 1, "the page would be published at /\(slug)/, which is already a section or a page Porchlight makes",
                                                         fix: "add another \"slug:\" to its front matter"))
            }
            claim(content.pages[p], "\(slug)/")
        }
    }

    /// Renders every body on all cores; link problems come back with the file's real line numbers.
    /// With a cache, a body is rendered again only when its file, address or what its links point at changed.
    /// With a spill file, bodies wait in it; entries that left their Markdown on disk read it again as they are rendered.
    static func renderMarkdown(_ content: SiteContent, cache: BuildCache? = nil, spill: SpillFile? = nil, saved: SavedBodiesWriter? = nil,
                               problems: Problems)
        -> (rendered: [String: RenderedEntry], resolver: LinkResolver, linkKey: UInt64) {
        let unreadable = Set(problems.list.filter { $0.isError && $0.location.path.hasPrefix("Content/") }
            .map { String($0.location.path.dropFirst("Content/".count)) })
        let resolver = linkResolver(content, unreadable: unreadable)
        let options = content.config.markdownOptions
        let linkKey = cache == nil ? 0 : Fingerprint.of([String(resolver.key), String(options.rawValue)])
        let entries = content.sections.flatMap(\.entries) + content.pages
        let results: [(RenderedEntry, [Diagnostic])] = entries.parallelMap { entry in
            if let cache, let reused = cache.rendered(entry, linkKey: linkKey, anchors: resolver.anchors) { return reused }
            return renderBody(entry, resolver: resolver, options: options, cache: cache, linkKey: linkKey, spill: spill, saved: saved)
        }
        var byPath: [String: RenderedEntry] = [:]
        for (rendered, diagnostics) in results {
            problems.add(contentsOf: diagnostics)
            byPath[rendered.entry.contentPath] = rendered
        }
        // Intros are rendered with their pages, after every check has passed; their links are checked now, so that
        // their problems come in the same run as everyone else's (a page is only planned when none were found).
        var intros = content.sections.map { ($0.intro, $0.introFile, $0.introLine, "\($0.name)/_index.md") }
        intros.append((content.homeIntro, content.homeIntroFile, content.homeIntroLine, "_index.md"))
        for (markdown, file, line, from) in intros {
            guard let file, !markdown.isEmpty else { continue }
            var diagnostics: [Diagnostic] = []
            _ = CommonMark.render(markdown, options: options) { link in
                resolver.rewrite(link, file: file, firstLine: line, from: from, diagnostics: &diagnostics)
            }
            problems.add(contentsOf: diagnostics)
        }
        return (byPath, resolver, linkKey)
    }

    /// One entry's body as HTML and its summary settled, with the problems of its links; kept in the cache when there is one.
    static func renderBody(_ entry: Entry, resolver: LinkResolver, options: CommonMark.Options, cache: BuildCache?, linkKey: UInt64,
                           spill: SpillFile? = nil, saved: SavedBodiesWriter? = nil) -> (RenderedEntry, [Diagnostic]) {
        var resolver = resolver
        let anchorLog = cache == nil ? nil : AnchorLog()
        resolver.anchorLog = anchorLog
        var diagnostics: [Diagnostic] = []
        let markdown: (file: SourceFile, body: Substring)
        switch entry.markdown() {
        case let .success(read): markdown = read
        case let .failure(problem): return (RenderedEntry(entry: entry, bodyHTML: "", summary: ""), [problem])
        }
        var links: [(url: String, to: String?)] = []
        let result = CommonMark.render(markdown.body, options: options) { link in
            let to = resolver.rewrite(link, file: markdown.file, firstLine: entry.bodyLine, from: entry.contentPath, diagnostics: &diagnostics)
            if saved != nil { links.append((link.url, to)) }
            return to
        }
        resolver.anchors?.remember(result.anchors, for: entry.contentPath)
        var summary = entry.summary ?? ""
        if summary.isEmpty { summary = Self.shorten(result.firstParagraph ?? "") }
        if summary.isEmpty {
            diagnostics.append(entry.file.warning(line: 1, "the page has no summary and no first paragraph to take one from",
                                                  fix: "add \"summary: one sentence\" to the front matter"))
        }
        if let saved {
            let front = markdown.file.text.utf8[..<markdown.body.startIndex]
            saved.entry(entry.contentPath, BodyFacts(frontLength: front.count, frontHash: Fingerprint.of([String(Substring(front))]),
                                                     summaryHash: entry.summary?.isEmpty == false ? nil : Fingerprint.of([summary]),
                                                     anchorsHash: Fingerprint.of(result.anchors), links: links))
        }
        let rendered = RenderedEntry(entry: entry, bodyHTML: result.html, summary: summary, spill: spill, file: markdown.file)
        cache?.keep(rendered, diagnostics: diagnostics, linkKey: linkKey, anchorsSeen: anchorLog?.seen ?? [:])
        return (rendered, diagnostics)
    }

    /// Everything a link in Markdown may point at; `unreadable` are files whose own errors are already reported.
    static func linkResolver(_ content: SiteContent, unreadable: Set<String> = []) -> LinkResolver {
        // Every published path is worked out on another core meanwhile: on one, this waits before any Markdown is rendered.
        let site = InBackground { PublishedPaths(content) }
        let entries = content.sections.flatMap(\.entries) + content.pages
        var paths: [String: String] = [:]
        var sources: [String: AnchorIndex.Source] = [:]
        paths.reserveCapacity(entries.count)
        sources.reserveCapacity(entries.count + content.sections.count)
        for entry in entries {
            paths[entry.contentPath] = entry.path
            sources[entry.contentPath] = .entry(entry)
        }
        // The home page also lists events under ids of its own, so only section intros count as pages here.
        for section in content.sections { sources["\(section.name)/_index.md"] = .markdown(section.intro[...]) }
        var events: [String: String] = [:]
        for event in content.events { events[String(event.file.path.dropFirst("Content/".count))] = event.slug }
        let options = content.config.markdownOptions
        return LinkResolver(pathByContentPath: paths, allContentPaths: content.allContentPaths,
                            mediaFiles: Set(content.media), basePath: content.config.basePath,
                            eventSlugByContentPath: events, unreadable: unreadable,
                            site: site.value, anchors: AnchorIndex(sources: sources, options: options))
    }

    /// Markdown of a file, links rewritten; `firstLine` is the file line the Markdown starts on.
    static func render(_ markdown: String, file: SourceFile, firstLine: Int, from: String, options: CommonMark.Options,
                       resolver: LinkResolver, diagnostics: inout [Diagnostic]) -> CommonMark.Rendered {
        var found: [Diagnostic] = []
        let result = CommonMark.render(markdown, options: options) { link in
            switch resolver.resolve(link.url, from: from) {
            case .keep: return nil
            case let .replace(url): return url
            case let .broken(message, fix):
                found.append(file.error(line: link.line + firstLine - 1, column: link.column, message, fix: fix))
                return nil
            }
        }
        diagnostics.append(contentsOf: found)
        return result
    }

    static func shorten(_ text: String, limit: Int = 300) -> String {
        let trimmed = LinkResolver.hasOuterSpace(text) ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text
        guard trimmed.utf8.count > limit, trimmed.count > limit else { return trimmed }
        let cut = trimmed.prefix(limit)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return cut[..<end].trimmingCharacters(in: .punctuationCharacters.union(.whitespaces)) + "…"
    }

    /// The writer of the output folder, or nil with the problem added when the folder cannot be written to.
    private static func openWriter(_ options: BuildOptions, manifest: [String: SiteWriter.Record]?, problems: Problems) -> SiteWriter? {
        let outputPath = options.output.path
        let source = options.siteFolder.path
        if outputPath == source || source.hasPrefix(outputPath + "/")
            || outputPath.hasPrefix(source + "/Content") || outputPath.hasPrefix(source + "/Templates") {
            problems.add(.error(SourceLocation(path: outputPath), "the output folder would overwrite the site's own files",
                                fix: "choose an output folder outside Content/ and Templates/, e.g. Public/"))
            return nil
        }
        do {
            return try SiteWriter(output: options.output, previous: options.previous, manifest: manifest)
        } catch {
            problems.add(.error(SourceLocation(path: outputPath), "\(error)", fix: "pass another --output folder"))
            return nil
        }
    }

    /// Writes the whole site; with the manifest of what the output folder now holds when it succeeded.
    private static func writeSite(_ outputs: [SiteOutput], with writer: SiteWriter, theme: Theme, options: BuildOptions,
                                  spill: SpillFile?, saved: SavedBodiesWriter?, problems: Problems) -> (BuildReport, [String: SiteWriter.Record]?) {
        write(outputs, with: writer, theme: theme, options: options, spill: spill, saved: saved, problems: problems)
        guard !problems.hasErrors else { return (BuildReport(diagnostics: problems.list, pagesWritten: 0, filesWritten: 0), nil) }
        let pages = outputs.filter { $0.path.hasSuffix(".html") }.count
        return (BuildReport(diagnostics: problems.list, pagesWritten: pages, filesWritten: writer.filesWritten, filesChanged: writer.filesChanged,
                            filesReused: writer.filesReused), writer.manifest)
    }

    /// Renders and writes files on all cores, each only when its key or context is not the previous build's, then puts them in
    /// place; on any failure the writer's work is discarded and the errors are in `problems`. With `saved`, notes where
    /// bodies sit in the files, and keeps a file showing bodies only when the last build's record says where they are.
    static func write(_ outputs: [SiteOutput], with writer: SiteWriter, theme: Theme, options: BuildOptions, spill: SpillFile? = nil,
                      saved: SavedBodiesWriter? = nil, problems: Problems) {
        let outputPath = options.output.path
        let mediaFolder = options.siteFolder.appendingPathComponent("Content/media")
        let done = ProgressCounter(total: outputs.count, report: options.progress)
        // Text files (the search index, the sitemap, feeds) go first: a long one started last would leave the other cores idle.
        let order = outputs.indices.filter { outputs[$0].isText } + outputs.indices.filter { !outputs[$0].isText }
        let failuresAsRun: [String?] = order.parallelMap { index in
            let output = outputs[index]
            defer { done.advance() }
            do {
                let keepable = saved?.canKeep(output) ?? true
                // A page whose key is the previous build's is kept without even building its context.
                if output.key != 0, keepable, try writer.reuse(output.path, key: output.key) {
                    saved?.kept(output)
                    return nil
                }
                switch output.body {
                case let .template(name, context):
                    let value = context.make()
                    let fingerprint = Fingerprint.of(context: value, template: name, theme: theme.fingerprint)
                    if keepable, try writer.reuse(output.path, key: output.key, fingerprint: fingerprint) {
                        saved?.kept(output)
                    } else if let saved, output.bodies != nil, case let .text(body)? = value["entry"]?["bodyHTML"] {
                        let (data, marks) = theme.library.render(name, value, marking: body)
                        saved.rendered(output, data, marks: marks, body: body)
                        try writer.write(output.path, data, key: output.key, fingerprint: fingerprint)
                    } else {
                        try writer.write(output.path, theme.render(name, value), key: output.key, fingerprint: fingerprint)
                    }
                case let .text(text):
                    let data = Data(text.make().utf8)
                    saved?.rendered(output, data)
                    try writer.write(output.path, data, key: output.key)
                case let .data(data): try writer.write(output.path, data)
                case let .media(relative): try writer.write(output.path, try Data(contentsOf: mediaFolder.appendingPathComponent(relative)))
                }
                return nil
            } catch {
                return "\(output.path): \(error)"
            }
        }
        // Reported in the plan's order, not in the order they ran.
        var failures = [String?](repeating: nil, count: outputs.count)
        for (position, index) in order.enumerated() { failures[index] = failuresAsRun[position] }
        for failure in failures.compactMap({ $0 }) {
            problems.add(.error(SourceLocation(path: outputPath), "could not write \(failure)", fix: "check the disk space and permissions of the output folder"))
        }
        if spill?.failed == true {
            problems.add(.error(SourceLocation(path: NSTemporaryDirectory()), "could not read back rendered pages from a temporary file",
                                fix: "check the disk space of the temporary folder (TMPDIR), then build again"))
        }
        if problems.hasErrors {
            writer.discard()
            return
        }
        do {
            try writer.commit()
        } catch {
            writer.discard()
            problems.add(.error(SourceLocation(path: outputPath), "could not put the new site in place: \(error)", fix: "check the permissions of the output folder"))
        }
    }
}

/// What a build leaves unfreed when the process ends right after it (see `BuildOptions.exitsAfter`).
private final class KeptUntilExit {
    let values: [Any]
    init(_ values: [Any]) { self.values = values }
}

/// Prints how long each stage took when PORCHLIGHT_TIMING is set; for profiling, not for users.
final class PhaseClock {
    private let enabled = ProcessInfo.processInfo.environment["PORCHLIGHT_TIMING"] != nil
    private var last = Date()
    private var lastCPU = PhaseClock.cpuSeconds()
    /// Wall and CPU time of each stage: CPU time stays meaningful on a busy machine.
    func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date(), cpu = Self.cpuSeconds()
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let line = "\(phase): \(String(format: "%.3f", now.timeIntervalSince(last))) s wall, \(String(format: "%.3f", cpu - lastCPU)) s CPU, "
            + "peak \(usage.ru_maxrss / 1024) MB\n"
        FileHandle.standardError.write(Data(line.utf8))
        last = now
        lastCPU = cpu
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

extension Builder {
    /// Every occurrence each published `.ics` file should give a calendar app, as JSON, so independent tools can check the files.
    public static func occurrencesJSON(_ options: BuildOptions) -> (BuildReport, String?) {
        let problems = Problems()
        let content = ContentLoader.load(options, problems: problems)
        let calendar = SiteCalendar(events: content.events, config: content.config, now: options.now, problems: problems)
        let report = BuildReport(diagnostics: problems.list, pagesWritten: 0, filesWritten: 0)
        guard !problems.hasErrors else { return (report, nil) }
        let feeds = EventFeeds(calendar: calendar, config: content.config)
        let windowStart = calendar.zone.instant(for: calendar.windowStart), windowEnd = calendar.zone.instant(for: calendar.windowEnd)
        let utc = TimeZone(identifier: "UTC")!
        let q = JSONText.quote
        var files: [String] = []
        for feed in feeds.feeds() {
            var rows: [String] = []
            for index in feed.events {
                let scheduled = calendar.events[index]
                let event = scheduled.event
                for o in feeds.included(scheduled, trimmed: feed.trimmed) where o.endInstant > windowStart && o.startInstant < windowEnd {
                    let start = event.allDay ? o.start.icsDay : ContentDate.rfc3339(o.startInstant, timeZone: utc)
                    let end = event.allDay ? o.end.icsDay : ContentDate.rfc3339(o.endInstant, timeZone: utc)
                    rows.append("{\"uid\": \(q("\(event.slug)@\(feeds.host)")), \"start\": \(q(start)), \"end\": \(q(end)), \"status\": \(q(EventFeeds.status(o.status)))}")
                }
            }
            files.append("    \(q(feed.path)): [\n      " + rows.joined(separator: ",\n      ") + "\n    ]")
        }
        let json = "{\n  \"windowStart\": \(q(ContentDate.rfc3339(windowStart, timeZone: utc))),\n  \"windowEnd\": \(q(ContentDate.rfc3339(windowEnd, timeZone: utc))),\n"
            + "  \"files\": {\n" + files.joined(separator: ",\n") + "\n  }\n}\n"
        return (report, json)
    }
}

extension Builder {
    /// When the output would change by itself, so CI can schedule the next rebuild.
    static func nextChange(content: SiteContent, calendar: SiteCalendar, now: Date) -> (date: Date, reason: String)? {
        var candidates: [(Date, String)] = content.scheduled.map { ($0.date, "\($0.path) is scheduled to be published") }
        if let notice = content.config.notice, let until = notice.until {
            let end = until.instant.addingTimeInterval(86_400)
            if end > now { candidates.append((end, "the site notice expires")) }
        }
        if let ending = calendar.upcoming.min(by: { $0.occurrence.endInstant < $1.occurrence.endInstant }) {
            candidates.append((ending.occurrence.endInstant, "\(calendar.events[ending.event].event.title) ends and leaves the upcoming events"))
        }
        // The site, category and district feeds leave out dates over a month old.
        // Each kind of change keeps only moments after now before taking the earliest, so one at now hides none after it.
        if let trim = calendar.events.compactMap({ scheduled in EventFeeds.nextTrim(scheduled, now: now).map { ($0, scheduled.event.title) } })
            .filter({ $0.0.date > now }).min(by: { $0.0.date < $1.0.date }) {
            candidates.append((trim.0.date, "\(trim.1) of \(trim.0.local) becomes older than the calendar feeds keep"))
        }
        // The home page lists the coming week, so an event coming within it changes the page.
        let week = Double(SitePlan.homeDays) * 86_400
        if let coming = calendar.upcoming.filter({ $0.occurrence.startInstant > now.addingTimeInterval(week) })
            .min(by: { $0.occurrence.startInstant < $1.occurrence.startInstant }) {
            candidates.append((coming.occurrence.startInstant.addingTimeInterval(-week),
                               "\(calendar.events[coming.event].event.title) comes within the week the home page lists"))
        }
        if !calendar.events.isEmpty {
            // The calendar marks today, and the home page lists the coming week, so a new day changes pages.
            let today = calendar.zone.local(for: now)
            let midnight = calendar.zone.instant(for: LocalDateTime(year: today.year, month: today.month, day: today.day).adding(days: 1))
            candidates.append((midnight, "a new day begins (today's date on the calendar, the week on the home page)"))
        }
        return candidates.filter { $0.0 > now }.min { $0.0 < $1.0 }
    }
}

/// Counts written files across threads and reports every few hundred, for a progress line on a terminal.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let report: (@Sendable (Int, Int) -> Void)?

    init(total: Int, report: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.report = report
    }

    func advance() {
        guard let report else { return }
        let count = lock.withLock { done += 1; return done }
        if count % 250 == 0 || count == total { report(count, total) }
    }
}
