import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a POSIX socket to 127.0.0.1, for the one test that needs a real connection and a
/// stream read event by event; every read has a deadline.
final class RawHTTPClient: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    private let fd: Int32
    private var input: [UInt8] = []
    private var eventText = ""
    private var closed = false

    private init(port: Int) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect to port \(port): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// GET with `Connection: close`; the whole response, read off the concurrency pool.
    static func get(port: Int, _ path: String, timeout: Duration = .seconds(5)) async throws -> Response {
        try await offThePool {
            let client = try RawHTTPClient(port: port)
            try client.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
            let deadline = ContinuousClock.now.advanced(by: timeout)
            var response = try client.readHead(deadline)
            response.body = try String(decoding: client.readBody(response.headers, deadline), as: UTF8.self)
            return response
        }
    }

    /// Opens the live-reload stream and returns once its head has arrived.
    static func openEvents(port: Int, path: String = "/__porchlight/events", timeout: Duration = .seconds(5)) async throws -> (RawHTTPClient, Response) {
        try await offThePool {
            let client = try RawHTTPClient(port: port)
            try client.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n")
            let head = try client.readHead(ContinuousClock.now.advanced(by: timeout))
            return (client, head)
        }
    }

    /// The next event with a name (`reload`, `errors`, …) and its data; nil when the stream ended.
    func nextEvent(timeout: Duration) async throws -> (name: String, data: String)? {
        try await Self.offThePool { [self] in
            let deadline = ContinuousClock.now.advanced(by: timeout)
            while true {
                while let end = eventText.range(of: "\n\n") {
                    let block = String(eventText[..<end.lowerBound])
                    eventText.removeSubrange(..<end.upperBound)
                    var name: String?
                    var data: [String] = []
                    for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                        if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                        if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
                    }
                    if let name { return (name, data.joined(separator: "\n")) }
                }
                guard let chunk = try readChunk(deadline) else { return nil }
                eventText += String(decoding: chunk, as: UTF8.self)
            }
        }
    }

    // MARK: Reading

    private func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard sent > 0 else { throw Failure(description: "write: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Reads more bytes into `input`; false at the end of the stream.
    private func fill(_ deadline: ContinuousClock.Instant) throws -> Bool {
        if closed { return false }
        let left = deadline - ContinuousClock.now
        let milliseconds = Int32(max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, milliseconds)
        guard ready > 0 else { throw Failure(description: "timed out waiting for the server") }
        var buffer = [UInt8](repeating: 0, count: 16384)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count <= 0 {
            closed = true
            return false
        }
        input += buffer[..<count]
        return true
    }

    private func readLine(_ deadline: ContinuousClock.Instant) throws -> String? {
        while true {
            if let newline = input.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(input[..<newline])
                input.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill(deadline) else { return nil }
        }
    }

    private func readBytes(_ count: Int, _ deadline: ContinuousClock.Instant) throws -> [UInt8] {
        while input.count < count {
            guard try fill(deadline) else { throw Failure(description: "the connection closed early") }
        }
        defer { input.removeSubrange(..<count) }
        return Array(input[..<count])
    }

    private func readHead(_ deadline: ContinuousClock.Instant) throws -> Response {
        guard let statusLine = try readLine(deadline) else { throw Failure(description: "no response") }
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line \(statusLine)") }
        var headers: [String: String] = [:]
        while let line = try readLine(deadline), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: "")
    }

    private func readBody(_ headers: [String: String], _ deadline: ContinuousClock.Instant) throws -> [UInt8] {
        if let length = headers["content-length"].flatMap(Int.init) { return try readBytes(length, deadline) }
        if headers["transfer-encoding"] == "chunked" {
            var body: [UInt8] = []
            while let chunk = try readChunk(deadline) { body += chunk }
            return body
        }
        while try fill(deadline) {}
        defer { input = [] }
        return input
    }

    /// One chunk of a chunked body; nil after the last.
    private func readChunk(_ deadline: ContinuousClock.Instant) throws -> [UInt8]? {
        guard let sizeLine = try readLine(deadline) else { return nil }
        guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw Failure(description: "bad chunk size \(sizeLine)") }
        if size == 0 {
            _ = try readLine(deadline)
            return nil
        }
        let chunk = try readBytes(size, deadline)
        _ = try readLine(deadline)
        return chunk
    }

    private static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
