import Foundation

/// Broadcasts build results to every open live-reload connection; each connection gets every event sent after it joined.
public final class ReloadHub: Sendable {
    /// What a browser is told.
    public enum Event: Sendable, Equatable {
        /// A new site is in place; `build` names it.
        case reload(build: String)
        /// The last rebuild failed; the text is the diagnostics as the terminal shows them.
        case errors(String)
        /// Sent first on every connection, so a page reconnecting after a missed rebuild or a restart can tell.
        case hello(build: String)
        /// A comment that keeps idle connections and proxies from timing out.
        case ping

        /// The event in `text/event-stream` form; multi-line data becomes one `data:` line each.
        public var serverSentEvent: String {
            switch self {
            case let .reload(build): return Self.event("reload", build)
            case let .errors(text): return Self.event("errors", text)
            case let .hello(build): return Self.event("hello", build)
            case .ping: return ": ping\n\n"
            }
        }

        private static func event(_ name: String, _ data: String) -> String {
            let lines = data.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                .split(separator: "\n", omittingEmptySubsequences: false)
            return "event: \(name)\n" + lines.map { "data: \($0)\n" }.joined() + "\n"
        }
    }

    private struct State {
        var nextID = 0
        var clients: [Int: AsyncStream<Event>.Continuation] = [:]
        var closed = false
    }
    private let state = Locked(State())

    public init() {}

    /// A stream of the events broadcast from now on, starting with `initial`; it ends when the hub closes.
    public func subscribe(initial: [Event] = []) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self)
        for event in initial { continuation.yield(event) }
        let id: Int? = state.withLock { state in
            guard !state.closed else { return nil }
            defer { state.nextID += 1 }
            state.clients[state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.clients.removeValue(forKey: id) }
        }
        return stream
    }

    public func broadcast(_ event: Event) {
        let clients = state.withLock { Array($0.clients.values) }
        for client in clients { client.yield(event) }
    }

    /// Ends every stream, so open responses finish and the server can stop.
    public func close() {
        let clients = state.withLock { state -> [AsyncStream<Event>.Continuation] in
            state.closed = true
            defer { state.clients = [:] }
            return Array(state.clients.values)
        }
        for client in clients { client.finish() }
    }

    public var connectionCount: Int { state.withLock { $0.clients.count } }
}
