import Foundation

/// What the preview server keeps of its last good build, so that a save changing only the words of letters or pages
/// renders just the files that show them (see `Builder.quickUpdate`).
final class LastBuild: @unchecked Sendable {
    let options: BuildOptions
    /// Changed in place by a quick update: this build is handed out once, and copying ten thousand entries takes longer than the update.
    var plan: SitePlan
    /// What the bodies' links were resolved against (see `Builder.renderMarkdown`).
    let linkKey: UInt64
    /// What the output folder holds, as its manifest says.
    let manifest: [String: SiteWriter.Record]
    let report: BuildReport
    /// The moment pages would change by themselves (an event ends, a letter is due, a new day); no quick update reaches it.
    let nextChange: Date?

    init(options: BuildOptions, plan: SitePlan, linkKey: UInt64, manifest: [String: SiteWriter.Record], report: BuildReport, nextChange: Date?) {
        self.options = options; self.plan = plan; self.linkKey = linkKey; self.manifest = manifest; self.report = report
        self.nextChange = nextChange
    }

    /// Whether the pages it made are still what a full build `now` would make of unchanged files: time has not reached
    /// the next change, nor a new day (the footer's year).
    func stillCurrent(at now: Date) -> Bool {
        let zone = plan.calendar.zone
        let then = zone.local(for: plan.now), today = zone.local(for: now)
        return now >= plan.now && now < (nextChange ?? .distantFuture)
            && (then.year, then.month, then.day) == (today.year, today.month, today.day)
    }
}

extension BuildOptions {
    /// The same site, output and settings; the moment, the cache and the changed files may differ.
    /// Paths are compared, not URLs: a URL made for a folder that exists ends in "/", one made before it existed does not.
    func sameSite(as other: BuildOptions) -> Bool {
        siteFolder.path == other.siteFolder.path && output.path == other.output.path && includeDrafts == other.includeDrafts
            && baseURL == other.baseURL && previous?.path == other.previous?.path
    }
}

extension Builder {
    /// A save that changed only the Markdown bodies of published letters or pages, keeping their front matter, summary and
    /// headings, changes only their pages and the feeds that carry them: those are rendered and written, and every other
    /// file stays as the last build made it. Nil when the change is anything else (a new, removed or renamed file, front
    /// matter, a heading others may link to, an intro, an event, a template, site.yml), when a body has an error, or when
    /// time has moved on; the caller then builds everything, which reports every problem as usual.
    static func quickUpdate(_ options: BuildOptions, last: LastBuild) -> BuildReport? {
        guard let changed = options.changed, !changed.isEmpty, let cache = options.cache,
              last.options.sameSite(as: options), last.stillCurrent(at: options.now) else { return nil }
        let clock = PhaseClock()
        let config = last.plan.content.config
        let markdownOptions = config.markdownOptions
        let resolver = last.plan.resolver
        var replacements: [RenderedEntry] = []
        var diagnostics = last.report.diagnostics
        for path in Set(changed) {
            guard path.hasPrefix("Content/"), path.hasSuffix(".md"), !path.hasSuffix("/_index.md") else { return nil }
            let contentPath = String(path.dropFirst("Content/".count))
            guard let old = last.plan.rendered[contentPath] else { return nil }
            let fullPath = options.siteFolder.path + "/" + path
            // The content reader neither lists nor follows symbolic links.
            var info = stat()
            guard lstat(fullPath, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
            let stamp = FileStamp(path: fullPath), readAt = timespec.now
            guard case let .success(file) = SourceFile.read(atPath: fullPath, displayPath: path) else { return nil }
            let problems = Problems()
            guard let entry = Entry.read(file, contentPath: contentPath, section: old.entry.section, config: config, problems: problems),
                  !problems.hasErrors, entry.bodyLine == old.entry.bodyLine,
                  file.text.utf8[..<entry.body.startIndex].elementsEqual(old.entry.file.text.utf8[..<old.entry.body.startIndex]),
                  CommonMark.anchors(in: entry.body, options: markdownOptions) == resolver.anchors?.ids(in: contentPath) else { return nil }
            entry.path = old.entry.path
            let before = cache.diagnostics(of: contentPath)
            let (rendered, found) = renderBody(entry, resolver: resolver, options: markdownOptions, cache: cache, linkKey: last.linkKey)
            guard !found.contains(where: \.isError), rendered.summary == old.summary else { return nil }
            cache.remember(contentPath, stamp: stamp, readAt: readAt, text: file.text, configKey: ContentLoader.configKey(config),
                           result: .markdown(ContentLoader.Parsed(entry: entry, index: nil, diagnostics: problems.list, path: contentPath)))
            diagnostics = diagnostics.removingOnce(before) + problems.list + found
            replacements.append(rendered)
        }
        clock.mark("read and render the changed bodies")

        guard let writer = try? SiteWriter(output: options.output, manifest: last.manifest, patching: true) else { return nil }
        let problems = Problems()
        problems.add(contentsOf: diagnostics)
        last.plan.replaceBodies(replacements, now: options.now, problems: problems)
        let plan = last.plan
        let outputs = plan.outputs(showingBodiesOf: Set(replacements.map(\.entry.contentPath)))
        write(outputs, with: writer, theme: plan.theme, options: options, problems: problems)
        clock.mark("render and write")
        guard !problems.hasErrors else { return BuildReport(diagnostics: problems.list, pagesWritten: 0, filesWritten: 0) }
        var report = last.report
        report.diagnostics = problems.list
        report.filesChanged = writer.filesChanged
        report.filesReused = last.report.filesWritten - writer.filesWritten + writer.filesReused
        cache.keepLast(LastBuild(options: options, plan: plan, linkKey: last.linkKey, manifest: writer.manifest, report: report,
                                 nextChange: last.nextChange), quick: true)
        return report
    }
}

extension Array where Element == Diagnostic {
    /// The list without one occurrence of each of `others`.
    func removingOnce(_ others: [Diagnostic]) -> [Diagnostic] {
        var left = Dictionary(others.map { ($0, 1) }, uniquingKeysWith: +)
        return filter { diagnostic in
            guard let n = left[diagnostic], n > 0 else { return true }
            left[diagnostic] = n - 1
            return false
        }
    }
}
