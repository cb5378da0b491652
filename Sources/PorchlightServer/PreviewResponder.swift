import Foundation
import Hummingbird

/// Answers the browser: built files from the current root, the 404 page, and the live-reload script and event stream.
public struct PreviewResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    public let site: ServedSite
    public let hub: ReloadHub

    public init(site: ServedSite, hub: ReloadHub) {
        self.site = site
        self.hub = hub
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return Self.text(.methodNotAllowed, "Only GET and HEAD are served.\n", extra: [.allow: "GET, HEAD"])
        }
        let response: Response
        switch request.uri.path {
        case ReloadScript.path:
            response = Self.bytes(.ok, Data(ReloadScript.source.utf8), type: "text/javascript; charset=utf-8")
        case ReloadScript.eventsPath:
            if request.method == .head {
                return Response(status: .ok, headers: Self.headers("text/event-stream"))
            }
            response = events()
        default:
            response = file(request)
        }
        return request.method == .head ? response.createHeadResponse() : response
    }

    /// The server-sent event stream: the current state first, then every broadcast until the hub closes.
    func events() -> Response {
        let now = site.current
        var initial: [ReloadHub.Event] = [.hello(build: now.build)]
        if let errors = now.errors { initial.append(.errors(errors)) }
        let stream = hub.subscribe(initial: initial)
        let headers = Self.headers("text/event-stream")
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            for await event in stream {
                try await writer.write(ByteBuffer(string: event.serverSentEvent))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `/x/` is `x/index.html`; a folder without the slash is redirected; anything else missing gets the site's 404 page.
    func file(_ request: Request) -> Response {
        let now = site.current
        guard let root = now.root else { return unbuilt(now.errors) }
        guard let decoded = request.uri.path.removingPercentEncoding, decoded.hasPrefix("/"), !decoded.contains("\0") else {
            return Self.text(.badRequest, "The address is not valid.\n")
        }
        var path = decoded
        if path == "/", now.mountPath != "/" {
            return Self.redirect(to: now.mountPath)
        }
        if now.mountPath != "/" {
            guard path.hasPrefix(now.mountPath) || path + "/" == now.mountPath else { return notFound(root) }
            path = "/" + path.dropFirst(min(path.count, now.mountPath.count))
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.contains(where: { $0 == ".." || $0 == "." }) else { return notFound(root) }
        var relative = parts.joined(separator: "/")
        var url = relative.isEmpty ? root : root.appendingPathComponent(relative)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return notFound(root) }
        if isFolder.boolValue {
            guard decoded.hasSuffix("/") else {
                let query = request.uri.query.map { "?" + $0 } ?? ""
                return Self.redirect(to: request.uri.path + "/" + query)
            }
            relative += relative.isEmpty ? "index.html" : "/index.html"
            url = root.appendingPathComponent(relative)
        }
        guard let data = FileManager.default.contents(atPath: url.path) else { return notFound(root) }
        return served(data, path: relative, status: .ok)
    }

    private func notFound(_ root: URL) -> Response {
        if let page = FileManager.default.contents(atPath: root.appendingPathComponent("404.html").path) {
            return served(page, path: "404.html", status: .notFound)
        }
        return Self.text(.notFound, "Not found.\n")
    }

    /// Before the first good build there is nothing to show but progress or the errors.
    private func unbuilt(_ errors: String?) -> Response {
        let text = errors.map { "The site could not be built. Fix the problems below and save; this page reloads by itself.\n\n" + $0 }
            ?? "Porchlight is building the site…"
        let refresh = errors == nil ? "<meta http-equiv=\"refresh\" content=\"1\">" : ""
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Porchlight preview</title>\(refresh)</head>
            <body><main><pre style="white-space:pre-wrap">\(Self.escape(text))</pre></main></body></html>

            """
        return served(Data(html.utf8), path: "index.html", status: .serviceUnavailable)
    }

    /// A file with its type; HTML gets the live-reload script.
    private func served(_ data: Data, path: String, status: HTTPResponse.Status) -> Response {
        let type = ContentTypes.forPath(path)
        guard type == ContentTypes.html else { return Self.bytes(status, data, type: type) }
        let html = ReloadScript.inject(into: String(decoding: data, as: UTF8.self))
        return Self.bytes(status, Data(html.utf8), type: type)
    }

    static func headers(_ type: String) -> HTTPFields {
        [.contentType: type, .cacheControl: "no-store"]
    }

    static func bytes(_ status: HTTPResponse.Status, _ data: Data, type: String) -> Response {
        Response(status: status, headers: headers(type), body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String, extra: HTTPFields = [:]) -> Response {
        var response = bytes(status, Data(text.utf8), type: "text/plain; charset=utf-8")
        response.headers.append(contentsOf: extra)
        return response
    }

    static func redirect(to location: String) -> Response {
        var headers = headers("text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: .found, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "See \(location)\n")))
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
