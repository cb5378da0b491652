import ArgumentParser
import Foundation
import Porchlight

@main
struct PorchlightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "porchlight",
        abstract: "Build a community-engagement website from letters, pages and events.",
        discussion: """
            Run it in the folder that holds Content/ (and, if you want your own look, Templates/).
            The finished site goes to Public/. Nothing is changed if there is an error.
            """,
        // Each subcommand names itself: otherwise ArgumentParser derives the name from the type by reflection,
        // which costs about ten million instructions at every start.
        subcommands: [Build.self, Check.self, New.self, Occurrences.self, Serve.self],
        defaultSubcommand: nil
    )

    /// Usage mistakes exit 2 (the contract), not ArgumentParser's 64; content errors exit 1.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Options every command that reads a site shares.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The folder holding Content/ and Templates/.", valueName: "folder"))
    var source: String = "."

    @Option(name: .long, help: ArgumentHelp("Pretend it is this moment (e.g. 2026-11-21T12:00:00-06:00), so builds can be repeated exactly.", valueName: "date-time"))
    var now: String?

    @Flag(name: .long, help: "Include drafts and entries whose publishDate has not come yet.")
    var drafts = false

    @Option(name: .customLong("base-url"), help: ArgumentHelp("Publish under this address instead of the baseURL in site.yml.", valueName: "url"))
    var baseURL: String?

    func validate() throws {
        try validateSourceFolder(source)
        if let now, parsedNow(now) == nil {
            throw ValidationError("--now \"\(now)\" is not a date-time; write it like 2026-11-21T12:00:00-06:00")
        }
        // The rule site.yml's baseURL follows (SiteConfig), so the command line cannot publish what the file may not.
        if let baseURL, !(baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://") || baseURL.hasPrefix("/")) {
            throw ValidationError("--base-url \"\(baseURL)\" must start with https://, http:// or /; write it like https://community.example.org/")
        }
    }

    var nowDate: Date { now.flatMap(parsedNow) ?? Date() }

    func buildOptions(output: String?) -> BuildOptions {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let site = URL(fileURLWithPath: source, relativeTo: cwd)
        let out = output.map { URL(fileURLWithPath: $0, relativeTo: cwd) }
        return BuildOptions(siteFolder: site, output: out, includeDrafts: drafts, now: nowDate, baseURL: baseURL)
    }
}

/// A `--source` that is not there is a mistake in the command (exit 2), not in the content.
func validateSourceFolder(_ source: String) throws {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: source, isDirectory: &isFolder) else {
        throw ValidationError("--source \"\(source)\" does not exist; pass the folder that holds Content/ (default: the current folder)")
    }
    if !isFolder.boolValue {
        throw ValidationError("--source \"\(source)\" is a file, not a folder; pass the folder that holds Content/")
    }
}

func parsedNow(_ text: String) -> Date? {
    if case let .success(date) = ContentDate.parse(text, timeZone: TimeZone(identifier: "UTC")!) { return date.instant }
    return nil
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Build the site into Public/ (or --output).")

    @OptionGroup var site: SiteOptions

    @Option(name: .long, help: ArgumentHelp("Where to write the site (default: Public/ in the source folder).", valueName: "folder"))
    var output: String?

    func run() throws {
        let started = Date()
        var options = site.buildOptions(output: output)
        options.exitsAfter = true
        // A progress line only for people at a terminal; piped output stays clean for CI logs.
        let showProgress = isatty(STDERR_FILENO) == 1
        if showProgress {
            options.progress = { done, total in
                guard total >= 1000 else { return }
                FileHandle.standardError.write(Data("\rWriting files: \(done) of \(total)\u{1B}[K".utf8))
                if done == total { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            }
        }
        let report = Builder.build(options)
        let diagnostics = report.diagnostics.sortedForDisplay()
        FileHandle.standardError.write(Data(DiagnosticPrinter.render(diagnostics, as: .text).utf8))
        let seconds = Date().timeIntervalSince(started)
        let warnings = diagnostics.warningCount == 1 ? "1 warning" : "\(diagnostics.warningCount) warnings"
        if report.succeeded {
            if let next = report.nextChange { print("Next change by itself: \(next.at) — \(next.reason).") }
            let spliced = report.spliced == 0 ? "" : report.spliced == 1 ? "; the new words of 1 page put in place" : "; the new words of \(report.spliced) pages put in place"
            print("Built \(report.pagesWritten) pages (\(report.filesWritten) files, \(report.filesChanged) changed, \(warnings)\(spliced)) in \(String(format: "%.2f", seconds)) s → \(options.output.path)")
        } else {
            let errors = diagnostics.errorCount == 1 ? "1 error" : "\(diagnostics.errorCount) errors"
            FileHandle.standardError.write(Data("Build failed: \(errors), \(warnings). Nothing was written; \(options.output.path) is unchanged.\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Check content, templates and links without writing anything.")

    @OptionGroup var site: SiteOptions

    @Option(name: .long, help: "How to print problems: text (for people), json (for scripts), github (annotations in GitHub Actions).")
    var format: DiagnosticFormat = .text

    func run() throws {
        let report = Builder.build(site.buildOptions(output: nil), write: false)
        let text = DiagnosticPrinter.render(report.diagnostics, as: format, nextChange: report.nextChange)
        if format == .text {
            let d = report.diagnostics
            print(text + (report.succeeded ? "No errors (\(d.warningCount) warnings)." : "\(d.errorCount) errors, \(d.warningCount) warnings."))
        } else {
            print(text, terminator: "")
        }
        if !report.succeeded { throw ExitCode(1) }
    }
}

extension DiagnosticFormat: ExpressibleByArgument {}

struct Occurrences: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "occurrences",
        abstract: "Print, as JSON, every date each published .ics file holds (for checking calendars with other tools).")

    @OptionGroup var site: SiteOptions

    func run() throws {
        let (report, json) = Builder.occurrencesJSON(site.buildOptions(output: nil))
        FileHandle.standardError.write(Data(DiagnosticPrinter.render(report.diagnostics, as: .text).utf8))
        guard let json else { throw ExitCode(1) }
        print(json, terminator: "")
    }
}
