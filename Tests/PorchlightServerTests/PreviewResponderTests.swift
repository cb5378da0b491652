import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import PorchlightServer

/// A built site on disk, served through the router without a socket.
struct ServedFolder {
    let parent: URL
    let root: URL

    static let files: [String: String] = [
        "index.html": "<!DOCTYPE html><html lang=\"en\"><head><title>Home</title></head><body><p>Home</p></body></html>\n",
        "letters/hello/index.html": "<!DOCTYPE html><html lang=\"en\"><head><title>Hello</title></head><body><p>Hello</p></body></html>\n",
        "404.html": "<!DOCTYPE html><html lang=\"en\"><head><title>Not found</title></head><body><h1>Page not found</h1></body></html>\n",
        "assets/style.css": "body { color: #111; }\n/* </body> */\n",
        "assets/favicon.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        "events/coffee.ics": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
        "letters/feed.xml": "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"/>\n",
        "letters/feed.json": "{\"version\": \"https://jsonfeed.org/version/1.1\"}\n",
        "search.json": "[]\n",
        "sitemap.xml": "<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset/>\n",
        "robots.txt": "User-agent: *\n",
        "media/photo.png": "not really a PNG",
    ]

    init() throws {
        parent = FileManager.default.temporaryDirectory.appendingPathComponent("porchlight-responder-\(UUID().uuidString)")
        root = parent.appendingPathComponent("site")
        for (path, text) in Self.files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try Data("secret\n".utf8).write(to: parent.appendingPathComponent("secret.txt"))
    }

    func remove() { try? FileManager.default.removeItem(at: parent) }

    /// Runs `test` against a router-level application serving this folder.
    func test(mountPath: String = "/", _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let site = ServedSite(root: root, build: "b1", mountPath: mountPath)
        let app = Application(responder: PreviewResponder(site: site, hub: ReloadHub()))
        try await app.test(.router) { client in try await test(client) }
    }
}

@Suite struct PreviewResponderTests {
    @Test(arguments: [
        ("/", "text/html; charset=utf-8"),
        ("/letters/hello/", "text/html; charset=utf-8"),
        ("/assets/style.css", "text/css"),
        ("/assets/favicon.svg", "image/svg+xml"),
        ("/events/coffee.ics", "text/calendar; charset=utf-8"),
        ("/letters/feed.xml", "application/atom+xml"),
        ("/letters/feed.json", "application/feed+json"),
        ("/search.json", "application/json"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/media/photo.png", "image/png"),
    ])
    func servesEachFileWithItsType(path: String, type: String) async throws {
        let folder = try ServedFolder()
        defer { folder.remove() }
        try await folder.test { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == type)
            #expect(response.headers[.cacheControl] == "no-store")
        }
    }

    @Test func servesAPageAsHTMLWithTheReloadScriptBeforeTheEndOfBody() async throws {
        let folder = try ServedFolder()
        defer { folder.remove() }
        try await folder.test { client in
            let response = try await client.execute(uri: "/letters/hello/", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let body = String(buffer: response.body)
            #expect(body.contains("<p>Hello</p><script src=\"/__porchlight/reload.js\"></script></body>"))
            #expect(response.headers[.contentLength] == String(response.body.readableBytes))
        }
    }

    @Test func servesAnEventCalendarAsTextCalendar() async throws {
        let folder = try ServedFolder()
        defer { folder.remove() }
        try await folder.test { client in
            let response = try await client.execute(uri: "/events/coffee.ics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/calendar; charset=utf-8")
            #expect(String(buffer: response.body) == ServedFolder.files["events/coffee.ics"])
        }
    }

    @Test func leavesCSSAlone() async throws {
        let folder = try ServedFolder()
        defer { folder.remove() }
        try await folder.test { client in
            let response = try await client.execute(uri: "/assets/style.css", method: .get)
            #expect(String(buffer: response.body) == ServedFolder.files["assets/style.css"])
            #expect(!String(buffer: response.body).contains("reload.js"))
        }
    }

    @Test(arguments: ["/no/such/page/", "/nothing.css", "/%2e%2e/secret.txt", "/letters/../../secret.txt"])
    func answersAMissOrAnEscapeWithThe404Page(path: String) async throws {
        let folder = try ServedFolder()
        defer { folder.remove() }
        try await folder.test { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let body = String(buffer: response.body)
            #expect(body.contains("Page not found"))
            #expect(body.contains(ReloadScript.tag))
            #expect(!body.contains("secret"))
        }
    }

    @Test func redirectsAFolderWithoutItsSlash() async throws {
        let folder = try ServedFolder()
        defer { folder.remove() }
        try await folder.test { client in
            let response = try await client.execute(uri: "/letters/hello?x=1", method: .get)
            #expect(response.status == .found)
            #expect(response.headers[.location] == "/letters/hello/?x=1")
        }
    }

    @Test func answersHEADWithHeadersOnly() async throws {
        let folder = try ServedFolder()
        defer { folder.remove() }
        try await folder.test { client in
            let response = try await client.execute(uri: "/events/coffee.ics", method: .head)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/calendar; charset=utf-8")
            #expect(response.headers[.contentLength] == String(ServedFolder.files["events/coffee.ics"]!.utf8.count))
            #expect(response.body.readableBytes == 0)
            let post = try await client.execute(uri: "/", method: .post)
            #expect(post.status == .methodNotAllowed)
        }
    }

    @Test func servesTheScriptFromMemory() async throws {
        let folder = try ServedFolder()
        defer { folder.remove() }
        try await folder.test { client in
            let response = try await client.execute(uri: "/__porchlight/reload.js", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
            let script = String(buffer: response.body)
            #expect(script.contains("new EventSource(\"/__porchlight/events\")"))
            #expect(script.contains("location.reload()"))
            #expect(script.contains("\"role\", \"alert\""))
            #expect(script.contains("textContent = text"))
        }
    }

    @Test func servesASiteUnderThePathOfItsBaseURL() async throws {
        let folder = try ServedFolder()
        defer { folder.remove() }
        try await folder.test(mountPath: "/police/") { client in
            #expect(try await client.execute(uri: "/police/letters/hello/", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/letters/hello/", method: .get).status == .notFound)
            let root = try await client.execute(uri: "/", method: .get)
            #expect(root.status == .found)
            #expect(root.headers[.location] == "/police/")
        }
    }

    @Test func showsTheErrorsWhenNothingHasBuiltYet() async throws {
        let site = ServedSite()
        site.fail("Content/site.yml:1:1: error: <bad> — fix it\n")
        let app = Application(responder: PreviewResponder(site: site, hub: ReloadHub()))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .serviceUnavailable)
            let body = String(buffer: response.body)
            #expect(body.contains("error: &lt;bad&gt; — fix it"))
            #expect(body.contains(ReloadScript.tag))
        }
    }

    @Test func theEventStreamStartsWithTheCurrentState() async throws {
        let site = ServedSite(root: nil, build: "b7")
        site.fail("Content/letters/a.md:3:7: error: not a date\nsecond line")
        let hub = ReloadHub()
        hub.close()  // the stream then ends after the initial events, so the router test can read all of it
        let app = Application(responder: PreviewResponder(site: site, hub: hub))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/__porchlight/events", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(String(buffer: response.body) == """
                retry: 1000

                event: hello
                data: b7

                event: errors
                data: Content/letters/a.md:3:7: error: not a date
                data: second line


                """)
        }
    }
}

@Suite struct ReloadPiecesTests {
    @Test(arguments: [
        ("<html><body><p>x</p></body></html>", "<html><body><p>x</p>\(ReloadScript.tag)</body></html>"),
        ("<BODY>x</BODY>", "<BODY>x\(ReloadScript.tag)</BODY>"),
        ("<p>no body</p>", "<p>no body</p>\(ReloadScript.tag)"),
        ("<body><code>&lt;/body&gt;</code></body>\n", "<body><code>&lt;/body&gt;</code>\(ReloadScript.tag)</body>\n"),
    ])
    func injectsBeforeTheLastEndOfBody(html: String, expected: String) {
        #expect(ReloadScript.inject(into: html) == expected)
    }

    @Test func everyConnectionGetsWhatIsBroadcastAfterItJoined() async {
        let hub = ReloadHub()
        hub.broadcast(.reload(build: "before"))
        let first = hub.subscribe()
        hub.broadcast(.reload(build: "1"))
        let second = hub.subscribe()
        hub.broadcast(.errors("x: error: y"))
        #expect(hub.connectionCount == 2)
        hub.close()
        var a: [ReloadHub.Event] = []
        for await event in first { a.append(event) }
        var b: [ReloadHub.Event] = []
        for await event in second { b.append(event) }
        #expect(a == [.reload(build: "1"), .errors("x: error: y")])
        #expect(b == [.errors("x: error: y")])
        #expect(hub.connectionCount == 0)
    }

    @Test func eventsAreWrittenAsServerSentEvents() {
        #expect(ReloadHub.Event.reload(build: "a-2").serverSentEvent == "event: reload\ndata: a-2\n\n")
        #expect(ReloadHub.Event.errors("one\r\ntwo\n").serverSentEvent == "event: errors\ndata: one\ndata: two\ndata: \n\n")
        #expect(ReloadHub.Event.ping.serverSentEvent == ": ping\n\n")
    }

    @Test func theWatcherSeesEditsAndIgnoresEditorDroppings() throws {
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("porchlight-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: site) }
        let letters = site.appendingPathComponent("Content/letters")
        try FileManager.default.createDirectory(at: letters, withIntermediateDirectories: true)
        try Data("a".utf8).write(to: letters.appendingPathComponent("one.md"))
        let watcher = SiteWatcher(siteFolder: site)
        let before = watcher.snapshot()
        #expect(Array(before.keys) == ["Content/letters/one.md"])
        try Data("x".utf8).write(to: letters.appendingPathComponent(".one.md.swp"))
        try Data("x".utf8).write(to: letters.appendingPathComponent("one.md~"))
        #expect(watcher.snapshot() == before)
        // An editor's atomic save: a new file renamed over the old one, same size.
        try Data("b".utf8).write(to: letters.appendingPathComponent("tmp"))
        try FileManager.default.removeItem(at: letters.appendingPathComponent("one.md"))
        try FileManager.default.moveItem(at: letters.appendingPathComponent("tmp"), to: letters.appendingPathComponent("one.md"))
        try FileManager.default.createDirectory(at: site.appendingPathComponent("Templates"), withIntermediateDirectories: true)
        try Data("{{x}}".utf8).write(to: site.appendingPathComponent("Templates/page.mustache"))
        #expect(SiteWatcher.difference(before, watcher.snapshot()) == ["Content/letters/one.md", "Templates/page.mustache"])
    }

    #if os(Linux)
    @Test func theKernelNamesEditsAndNewFolders() throws {
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("porchlight-bell-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: site) }
        let content = site.appendingPathComponent("Content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        let bell = try #require(Doorbell(folders: [content.path]))
        #expect(bell.news().isEmpty)
        try Data("a".utf8).write(to: content.appendingPathComponent("site.yml"))
        let edit = bell.news()
        #expect(edit.paths == [content.path + "/site.yml"] && !edit.needsWalk)
        #expect(bell.news().isEmpty, "news is told once")
        let letters = content.appendingPathComponent("letters")
        try FileManager.default.createDirectory(at: letters, withIntermediateDirectories: true)
        #expect(bell.news().needsWalk, "a new folder's files are found by walking it")
        bell.watchFolders()
        try Data("b".utf8).write(to: letters.appendingPathComponent("one.md"))
        #expect(bell.news().paths == [letters.path + "/one.md"])
    }

    /// Kernel-named changes keep the snapshot exact: the same paths a full walk finds, droppings left out.
    @Test func theWatcherReportsWhatTheKernelNamed() async throws {
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("porchlight-named-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: site) }
        let letters = site.appendingPathComponent("Content/letters")
        try FileManager.default.createDirectory(at: letters, withIntermediateDirectories: true)
        try Data("a".utf8).write(to: letters.appendingPathComponent("one.md"))
        try Data("a".utf8).write(to: letters.appendingPathComponent("two.md"))
        let watcher = SiteWatcher(siteFolder: site, interval: .seconds(30))
        let before = watcher.snapshot()
        let reports = Locked<[[String]]>([])
        let task = Task { await watcher.watch(from: before) { paths in reports.withLock { $0.append(paths) } } }
        defer { task.cancel() }
        try await Task.sleep(for: .milliseconds(200))
        try Data("bb".utf8).write(to: letters.appendingPathComponent("one.md"))
        try FileManager.default.removeItem(at: letters.appendingPathComponent("two.md"))
        try Data("x".utf8).write(to: letters.appendingPathComponent(".one.md.swp"))
        // One report as a rule; two when the machine is loaded enough to pause this test between the edits.
        let reported = { reports.withLock { $0.flatMap { $0 }.sorted() } }
        for _ in 0..<1000 where reported().count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(reported() == ["Content/letters/one.md", "Content/letters/two.md"])
    }
    #endif
}
