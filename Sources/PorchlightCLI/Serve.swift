import ArgumentParser
import Foundation
import Porchlight
import PorchlightServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build the site, serve it on this computer, rebuild on every change and reload the browser.",
        discussion: """
            The preview is built into a temporary folder (Public/ is not touched) with its base URL set to \
            http://HOST:PORT/, unless --base-url says otherwise. Every save under Content/ or Templates/ rebuilds it; \
            open pages reload, or show the errors while the last good build stays up. Ctrl-C stops it and removes \
            the temporary folder.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The address to listen on; 0.0.0.0 lets other devices on the network see the preview.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp("The port to listen on.", valueName: "number"))
    var port = 4000

    @OptionGroup var site: SiteOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port; use a number from 1 to 65535, e.g. 4000") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: site.source, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let server = PreviewServer(.init(siteFolder: folder, host: host, port: port, includeDrafts: site.drafts,
                                         now: site.now.flatMap(parsedNow), baseURL: site.baseURL))
        // The root command is synchronous, so this thread waits while the server runs on the concurrency pool.
        let outcome = Locked<Result<Void, any Error>>(.success(()))
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await server.runUntilSignalled() } catch { outcome.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        switch outcome.get() {
        case .success: return
        case let .failure(failed as BuildFailed):
            FileHandle.standardError.write(Data(DiagnosticPrinter.render(failed.diagnostics, as: .text).utf8))
            throw ExitCode(1)
        case let .failure(error):
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// A result handed from the server's task to the waiting command thread.
private final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ new: Value) { lock.withLock { value = new } }
    func get() -> Value { lock.withLock { value } }
}
