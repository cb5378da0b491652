import Foundation
import Hummingbird
import Porchlight

/// `porchlight serve`: builds the site into a private temporary folder, serves it, rebuilds on every edit and tells
/// the open pages to reload; a failed rebuild keeps the last good site and shows its errors.
public final class PreviewServer: Sendable {
    public struct Configuration: Sendable {
        public var siteFolder: URL
        public var host: String
        /// 0 picks a free port.
        public var port: Int
        public var includeDrafts: Bool
        /// "Today" for every build; nil means the real time of each build.
        public var now: Date?
        /// nil publishes under `http://HOST:PORT/`, so links work on this computer.
        public var baseURL: String?
        public var pollInterval: Duration = .milliseconds(300)
        public var quietPeriod: Duration = .milliseconds(150)
        public var pingInterval: Duration = .seconds(15)

        public init(siteFolder: URL, host: String = "127.0.0.1", port: Int = 4000, includeDrafts: Bool = false,
                    now: Date? = nil, baseURL: String? = nil) {
            self.siteFolder = siteFolder.standardizedFileURL
            self.host = host
            self.port = port
            self.includeDrafts = includeDrafts
            self.now = now
            self.baseURL = baseURL
        }
    }

    /// Where progress and problems go: `isProblem` lines are for standard error.
    public typealias Log = @Sendable (_ text: String, _ isProblem: Bool) -> Void

    public enum Failure: Error, CustomStringConvertible {
        case cannotListen(address: String, reason: String)
        case cannotCreateFolder(String)

        public var description: String {
            switch self {
            case let .cannotListen(address, reason):
                if reason.contains("Address already in use") {
                    return "error: \(address) is already in use — stop the other server, or pass another --port"
                }
                return "error: cannot listen on \(address): \(reason) — check --host and --port"
            case let .cannotCreateFolder(reason):
                return "error: cannot create a temporary folder for the preview: \(reason) — check TMPDIR and the disk space"
            }
        }
    }

    public let configuration: Configuration
    public let hub = ReloadHub()
    public let site = ServedSite()
    private let log: Log
    private let runID = String(UInt32.random(in: .min ... .max), radix: 36)
    /// Files parsed and bodies rendered by the last builds, so a save re-reads and re-renders only what it touched.
    private let cache = BuildCache()

    private struct State {
        var scratch: URL?
        var serverTask: Task<Void, Never>?
        var watchTask: Task<Void, Never>?
        var pingTask: Task<Void, Never>?
        var builds = 0
        var baseURL = ""
        var address: URL?
    }
    private let state = Locked(State())

    public init(_ configuration: Configuration, log: @escaping Log = PreviewServer.terminal) {
        self.configuration = configuration
        self.log = log
    }

    /// The private folder holding the builds; removed by `stop()`.
    public var scratchFolder: URL? { state.withLock { $0.scratch } }
    /// Where the site is served, once `start()` has returned.
    public var address: URL? { state.withLock { $0.address } }

    /// Listens, builds the site, starts watching; returns the address to open.
    public func start() async throws -> URL {
        let contentFolder = configuration.siteFolder.appendingPathComponent("Content")
        guard FileManager.default.fileExists(atPath: contentFolder.path) else {
            throw BuildFailed([.error(SourceLocation(path: "Content"), "there is no Content folder in \(configuration.siteFolder.path)",
                                      fix: "run porchlight in the folder that holds Content/, or pass --source DIR")])
        }
        let scratch = try makeScratchFolder()
        state.withLock { $0.scratch = scratch }
        let port: Int
        do {
            port = try await listen()
        } catch {
            await stop()
            throw error
        }
        let baseURL = configuration.baseURL ?? "http://\(Self.urlHost(configuration.host)):\(port)/"
        let mountPath = Self.mountPath(of: baseURL)
        site.setMountPath(mountPath)
        let address = URL(string: "http://\(Self.urlHost(configuration.host)):\(port)\(mountPath)")!
        state.withLock {
            $0.baseURL = baseURL
            $0.address = address
        }

        let watcher = SiteWatcher(siteFolder: configuration.siteFolder, interval: configuration.pollInterval,
                                  quietPeriod: configuration.quietPeriod)
        let before = watcher.snapshot()
        await rebuild(changed: [])
        let watchTask = Task { [self] in
            await watcher.watch(from: before) { changed in await self.rebuild(changed: changed) }
        }
        let interval = configuration.pingInterval
        let pingTask = Task { [hub] in
            while (try? await Task.sleep(for: interval)) != nil { hub.broadcast(.ping) }
        }
        let stopped = state.withLock { state in
            state.watchTask = watchTask
            state.pingTask = pingTask
            return state.scratch == nil
        }
        if stopped {  // stop() ran while the first build did
            watchTask.cancel()
            pingTask.cancel()
            throw CancellationError()
        }
        log("Serving \(address.absoluteString) — press Ctrl-C to stop", false)
        return address
    }

    /// Stops watching and serving, ends open live-reload connections and removes the temporary folders.
    public func stop() async {
        let (watchTask, pingTask, serverTask, scratch) = state.withLock { state in
            defer {
                state.watchTask = nil
                state.pingTask = nil
                state.serverTask = nil
                state.scratch = nil
            }
            return (state.watchTask, state.pingTask, state.serverTask, state.scratch)
        }
        watchTask?.cancel()
        await watchTask?.value
        pingTask?.cancel()
        hub.close()
        serverTask?.cancel()
        await serverTask?.value
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// Serves until SIGINT (Ctrl-C) or SIGTERM, then stops cleanly.
    public func runUntilSignalled() async throws {
        let signals = SignalWaiter([SIGINT, SIGTERM])
        _ = try await start()
        let signal = await signals.next()
        log(signal == SIGINT ? "\nStopping." : "Stopping.", false)
        await stop()
    }

    // MARK: Building

    /// Builds into the served folder, changing only the files that change (each by an atomic rename); on success the
    /// pages reload, else they show the errors. Content errors are found before anything is written, so a broken save
    /// leaves the last good site in place.
    func rebuild(changed: [String]) async {
        let (number, baseURL, scratch, first) = state.withLock { state in
            state.builds += 1
            return (state.builds, state.baseURL, state.scratch, state.builds == 1)
        }
        guard let scratch else { return }
        if !changed.isEmpty {
            let more = changed.count > 1 ? " (and \(changed.count - 1) more)" : ""
            log("\(changed[0])\(more) changed — rebuilding", false)
        }
        let output = scratch.appendingPathComponent("site")
        var options = BuildOptions(siteFolder: configuration.siteFolder, output: output, includeDrafts: configuration.includeDrafts,
                                   now: configuration.now ?? Date(), baseURL: baseURL)
        options.cache = cache
        options.changed = changed.isEmpty ? nil : changed
        let started = Date()
        let report = await Self.buildOffThePool(options)
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        let diagnostics = report.diagnostics.sortedForDisplay()
        let text = DiagnosticPrinter.render(diagnostics, as: .text)
        if !text.isEmpty { log(text, true) }
        let warnings = Self.count(diagnostics.warningCount, "warning")
        if report.succeeded {
            let build = "\(runID)-\(number)"
            site.publish(output, build: build)
            if first {
                if let next = report.nextChange { log("Next change by itself: \(next.at) — \(next.reason).", false) }
                log("Built \(report.pagesWritten) pages (\(report.filesWritten) files, \(report.filesChanged) changed, \(warnings)) in \(seconds) s → \(output.path)", false)
            } else {
                log("Rebuilt \(report.pagesWritten) pages (\(report.filesChanged) files changed, \(report.filesReused) pages reused, \(warnings)) in \(seconds) s — reloading the browser", false)
            }
            hub.broadcast(.reload(build: build))
        } else {
            let errors = Self.count(diagnostics.errorCount, "error")
            let kept = site.current.root == nil ? "There is no site to show yet; the browser shows the errors."
                : "Still serving the last good site; the browser shows the errors."
            log("Build failed: \(errors), \(warnings). \(kept)", true)
            let summary = "\(errors), \(warnings)\n\n" + text.trimmingCharacters(in: .newlines)
            site.fail(summary)
            hub.broadcast(.errors(summary))
        }
    }

    /// Builds run on their own thread: the build keeps its cores busy and must not hold up the server's tasks.
    static func buildOffThePool(_ options: BuildOptions) async -> BuildReport {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Builder.build(options))
            }
        }
    }

    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    // MARK: Serving

    /// Starts the HTTP server and waits until it listens (or cannot); returns the port.
    private func listen() async throws -> Int {
        let ready = Promise<Int>()
        var app = Application(
            responder: PreviewResponder(site: site, hub: hub),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in ready.fulfil(.success(channel.localAddress?.port ?? 0)) }
        )
        // Stopping cancels the server, which Hummingbird reports as an error; problems that matter are thrown instead.
        app.logger.logLevel = .critical
        let address = "\(configuration.host):\(configuration.port)"
        let serverTask = Task {
            do {
                try await app.run()
                ready.fulfil(.failure(Failure.cannotListen(address: address, reason: "the server stopped")))
            } catch {
                ready.fulfil(.failure(Failure.cannotListen(address: address, reason: "\(error)")))
            }
        }
        state.withLock { $0.serverTask = serverTask }
        return try await ready.value()
    }

    private func makeScratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("porchlight-serve-\(getpid())-\(runID)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure.cannotCreateFolder("\(folder.path): \(error.localizedDescription)")
        }
        return folder
    }

    /// A host as it appears in a URL; a wildcard address is reached through the loopback one.
    static func urlHost(_ host: String) -> String {
        switch host {
        case "", "0.0.0.0": return "127.0.0.1"
        case "::": return "[::1]"
        default: return host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }

    /// The path part of a base URL, ending in `/`.
    static func mountPath(of baseURL: String) -> String {
        var path = baseURL.hasPrefix("/") ? baseURL : (URL(string: baseURL)?.path ?? "/")
        if path.isEmpty { path = "/" }
        if !path.hasSuffix("/") { path += "/" }
        return path
    }

    /// Progress to standard output, problems to standard error, unbuffered so a terminal sees them at once.
    public static let terminal: Log = { text, isProblem in
        let line = text.hasSuffix("\n") ? text : text + "\n"
        (isProblem ? FileHandle.standardError : FileHandle.standardOutput).write(Data(line.utf8))
    }

    public static let silent: Log = { _, _ in }
}

/// A value that arrives once, from whichever side is first.
final class Promise<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var waiters: [CheckedContinuation<Value, any Error>] = []
    }
    private let state = Locked(State())

    func fulfil(_ result: Result<Value, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value, any Error>] in
            guard state.result == nil else { return [] }
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { state -> Result<Value, any Error>? in
                if state.result == nil { state.waiters.append(continuation) }
                return state.result
            }
            if let result { continuation.resume(with: result) }
        }
    }
}

/// Turns SIGINT and SIGTERM into an awaitable event instead of ending the process, so temporary folders get removed.
final class SignalWaiter: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<Int32>

    init(_ signals: [Int32]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.stream = stream
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    func next() async -> Int32 {
        for await number in stream { return number }
        return SIGTERM
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
