import Foundation
import Testing
@testable import PorchlightServer

/// The whole loop over a real socket: serve, edit, reload; break the content, keep the last good site, show the errors.
@Suite(.serialized) struct PreviewServerLiveTests {
    static let letter = "Content/letters/2026-01-05-hello.md"

    static func letterText(date: String, body: String) -> String {
        "---\ntitle: Hello neighbours\ndate: \(date)\nsummary: A first letter.\n---\n\(body)\n"
    }

    /// A site folder holding only Content/: site.yml and one letter.
    static func makeSite() throws -> URL {
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("porchlight-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("Content/letters"), withIntermediateDirectories: true)
        try Data("title: Test Precinct\ndescription: A test site.\nbaseURL: https://example.org/\ntimeZone: America/Chicago\n".utf8)
            .write(to: site.appendingPathComponent("Content/site.yml"))
        try Data(letterText(date: "2026-01-05", body: "The first version of the letter.").utf8)
            .write(to: site.appendingPathComponent(letter))
        return site
    }

    /// Saves the letter as editors do, a new file renamed over the old: a write in place can be seen half done
    /// when the machine is loaded, and the preview would rightly report the empty letter as an error.
    static func save(_ text: String, to site: URL) throws {
        let temporary = site.appendingPathComponent("Content/letters/.hello.md.tmp")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, site.appendingPathComponent(letter).path) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    // The waits are long because CI runs this beside every other test under ThreadSanitizer on two cores.
    @Test(.timeLimit(.minutes(5)))
    func rebuildsOnEditReloadsAndKeepsTheLastGoodSiteOnErrors() async throws {
        let site = try Self.makeSite()
        defer { try? FileManager.default.removeItem(at: site) }
        var configuration = PreviewServer.Configuration(siteFolder: site, host: "127.0.0.1", port: 0,
                                                        now: ISO8601DateFormatter().date(from: "2026-11-21T18:00:00Z"))
        configuration.pollInterval = .milliseconds(50)
        configuration.quietPeriod = .milliseconds(50)
        let lines = LogLines()
        let server = PreviewServer(configuration, log: lines.add)
        let address = try await server.start()
        let scratch = try #require(server.scratchFolder)
        let stopped = StopOnce(server)
        do {
            let port = try #require(address.port)
            #expect(address.absoluteString == "http://127.0.0.1:\(port)/")
            #expect(lines.text.contains("Serving http://127.0.0.1:\(port)/ — press Ctrl-C to stop"))

            let first = try await RawHTTPClient.get(port: port, "/letters/hello/")
            #expect(first.status == 200)
            #expect(first.headers["content-type"] == "text/html; charset=utf-8")
            #expect(first.body.contains("The first version of the letter."))
            #expect(first.body.contains("http://127.0.0.1:\(port)/letters/hello/"), "the base URL is the preview's own")
            #expect(first.body.contains(ReloadScript.tag + "</body>"))

            let (events, head) = try await RawHTTPClient.openEvents(port: port)
            #expect(head.status == 200)
            #expect(head.headers["content-type"] == "text/event-stream")
            let hello = try #require(try await events.nextEvent(timeout: .seconds(60)))
            #expect(hello.name == "hello")

            try Self.save(Self.letterText(date: "2026-01-05", body: "The second version of the letter."), to: site)
            let reload = try #require(try await Self.next(events, named: ["reload", "errors"]))
            #expect(reload.name == "reload")
            let second = try await RawHTTPClient.get(port: port, "/letters/hello/")
            #expect(second.body.contains("The second version of the letter."))

            try Self.save(Self.letterText(date: "2026-02-30", body: "A broken version."), to: site)
            let errors = try #require(try await Self.next(events, named: ["reload", "errors"]))
            #expect(errors.name == "errors")
            #expect(errors.data.contains("Content/letters/2026-01-05-hello.md:3:7: error:"))
            let kept = try await RawHTTPClient.get(port: port, "/letters/hello/")
            #expect(kept.status == 200)
            #expect(kept.body.contains("The second version of the letter."))
            #expect(lines.problems.contains("error:"))

            // One folder is served and updated in place: no staging folders or old builds pile up.
            let builds = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
            #expect(builds.sorted() == [".site.manifest", "site"], "\(builds)")
            await stopped.stop()
            #expect(try await events.nextEvent(timeout: .seconds(60)) == nil, "stopping ends the event stream")
        } catch {
            await stopped.stop()
            throw error
        }
        await stopped.stop()
        #expect(!FileManager.default.fileExists(atPath: scratch.path), "stopping removes the temporary folders")
        await #expect(throws: (any Error).self) { try await RawHTTPClient.get(port: address.port!, "/", timeout: .seconds(2)) }
    }

    /// The next event with one of these names, skipping others; bounded by `timeout`.
    static func next(_ events: RawHTTPClient, named names: Set<String>, timeout: Duration = .seconds(60)) async throws -> (name: String, data: String)? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            guard let event = try await events.nextEvent(timeout: deadline - ContinuousClock.now) else { return nil }
            if names.contains(event.name) { return event }
        }
        return nil
    }
}

/// What the server printed, kept for the test to read.
final class LogLines: Sendable {
    private let lines = Locked<[(String, Bool)]>([])
    var add: PreviewServer.Log { { [lines] text, isProblem in lines.withLock { $0.append((text, isProblem)) } } }
    var text: String { lines.withLock { $0.map(\.0).joined(separator: "\n") } }
    var problems: String { lines.withLock { $0.filter(\.1).map(\.0).joined(separator: "\n") } }
}

/// Stops the server once, whichever path of the test gets there first.
actor StopOnce {
    let server: PreviewServer
    var done = false
    init(_ server: PreviewServer) { self.server = server }
    func stop() async {
        guard !done else { return }
        done = true
        await server.stop()
    }
}
