import Foundation

/// What the last successful build was made from, kept beside its output: when no source file, option or Porchlight
/// itself has changed since, and the site would not yet change by itself, `build` has nothing to do (as `make` knows).
struct UpToDate: Codable {
    /// Sums up the stamps of every file the build reads, the options and the executable.
    var sources: UInt64
    /// The build's "now", and the moment after which the same sources give another site (`nextChange` or midnight).
    var madeAt: Double, validUntil: Double
    var pagesWritten: Int, filesWritten: Int
    var nextChangeAt: String?, nextChangeReason: String?
    var diagnostics: [Diagnostic]

    static func file(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).uptodate")
    }

    /// The stamps of the site's files, or nil when one changed so lately that its stamp may not show a second change
    /// (then the build runs, and records nothing).
    static func sourcesKey(_ options: BuildOptions, startedAt: timespec) -> UInt64? {
        var f = Fingerprint()
        for value in [options.siteFolder.path, options.output.path, String(options.includeDrafts), options.baseURL ?? "-"] { f.add(value) }
        guard stamp("/proc/self/exe", into: &f, startedAt: startedAt) || stamp(CommandLine.arguments[0], into: &f, startedAt: startedAt)
        else { return nil }
        for folder in ["Content", "Templates"] {
            let root = options.siteFolder.appendingPathComponent(folder).path
            f.add(folder)
            for path in ContentLoader.listFiles(URL(fileURLWithPath: root)) {
                f.add(path)
                guard stamp(root + "/" + path, into: &f, startedAt: startedAt) else { return nil }
            }
        }
        f.add("site.yml")
        if FileManager.default.fileExists(atPath: options.siteFolder.appendingPathComponent("site.yml").path) {
            guard stamp(options.siteFolder.appendingPathComponent("site.yml").path, into: &f, startedAt: startedAt) else { return nil }
        }
        return f.value
    }

    private static func stamp(_ path: String, into f: inout Fingerprint, startedAt: timespec) -> Bool {
        guard let stamp = FileStamp(path: path), stamp.isOlder(than: startedAt, by: 1) else { return false }
        for number in [stamp.device, stamp.inode, UInt64(bitPattern: stamp.size),
                       UInt64(bitPattern: Int64(stamp.modified.tv_sec)), UInt64(bitPattern: Int64(stamp.modified.tv_nsec)),
                       UInt64(bitPattern: Int64(stamp.changed.tv_sec)), UInt64(bitPattern: Int64(stamp.changed.tv_nsec))] {
            f.add(number)
        }
        return true
    }

    /// The last build's record, when it still describes the output: same sources, and `now` within its time.
    static func read(for options: BuildOptions, sources: UInt64) -> UpToDate? {
        guard let data = try? Data(contentsOf: file(for: options.output)),
              let record = try? JSONDecoder().decode(UpToDate.self, from: data),
              record.sources == sources,
              record.madeAt <= options.now.timeIntervalSince1970, options.now.timeIntervalSince1970 < record.validUntil,
              outputIsIntact(options.output) else { return nil }
        return record
    }

    /// Every file the manifest lists is still there with its size, so a page deleted or cut short by hand is built again.
    private static func outputIsIntact(_ output: URL) -> Bool {
        let manifest = SiteWriter.readManifest(SiteWriter.manifestFile(for: output))
        guard !manifest.isEmpty else { return false }
        let root = output.path + "/"
        return manifest.allSatisfy { path, record in
            var info = stat()
            return stat(root + path, &info) == 0 && Int(info.st_size) == record.size
        }
    }

    /// Forgets the record before a build changes anything, so a build that stops halfway cannot be taken as done.
    static func remove(for options: BuildOptions) {
        try? FileManager.default.removeItem(at: file(for: options.output))
    }

    func write(for options: BuildOptions) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        try? data.write(to: Self.file(for: options.output), options: .atomic)
    }

    var report: BuildReport {
        var report = BuildReport(diagnostics: diagnostics, pagesWritten: pagesWritten, filesWritten: filesWritten)
        report.filesReused = filesWritten
        report.nextChange = nextChangeAt.map { ($0, nextChangeReason ?? "") }
        return report
    }
}
