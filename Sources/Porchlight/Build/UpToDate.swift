import Foundation

/// What the last successful build was made from, kept beside its output: when no source file, option or Porchlight
/// itself has changed since, and the site would not yet change by itself, `build` has nothing to do (as `make` knows).
struct UpToDate: Codable {
    /// Sums up the stamps of every file the build reads, the options and the executable; nil when a stamp could not be
    /// trusted (then only `Builder.spliceUpdate` uses the record, for its time and problems).
    var sources: UInt64?
    /// The build's "now", and the moment after which the same sources give another site (`nextChange` or midnight).
    var madeAt: Double, validUntil: Double
    var pagesWritten: Int, filesWritten: Int
    var nextChangeAt: String?, nextChangeReason: String?
    var diagnostics: [Diagnostic]

    static func file(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).uptodate")
    }

    /// Whether the record was made from these sources (nil: some stamp could not be trusted).
    func matches(sources: UInt64?) -> Bool {
        sources != nil && self.sources == sources
    }

    /// The last build's record when `now` is within its time, whatever changed since.
    static func current(for options: BuildOptions) -> UpToDate? {
        guard let data = SiteWriter.readFile(file(for: options.output).path),
              let record = try? JSONDecoder().decode(UpToDate.self, from: data),
              record.madeAt <= options.now.timeIntervalSince1970, options.now.timeIntervalSince1970 < record.validUntil else { return nil }
        return record
    }

    /// Every file the manifest lists is still there with its size, so a page deleted or cut short by hand is built again.
    static func outputIsIntact(_ output: URL) -> Bool {
        SiteWriter.ManifestText(output: output)?.filesAreIntact(in: output) ?? false
    }

    /// Forgets the record before a build changes anything, so a build that stops halfway cannot be taken as done.
    static func remove(for options: BuildOptions) {
        try? FileManager.default.removeItem(at: file(for: options.output))
    }

    func write(for options: BuildOptions) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        SiteWriter.replaceFile(Self.file(for: options.output).path, data)
    }

    var report: BuildReport {
        var report = BuildReport(diagnostics: diagnostics, pagesWritten: pagesWritten, filesWritten: filesWritten)
        report.filesReused = filesWritten
        report.nextChange = nextChangeAt.map { ($0, nextChangeReason ?? "") }
        return report
    }
}
