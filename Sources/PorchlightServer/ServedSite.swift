import Foundation

/// The folder being served, swapped as a whole when a rebuild succeeds, and the errors of the last rebuild if it failed.
public final class ServedSite: Sendable {
    public struct Snapshot: Sendable {
        /// The last good build; nil until the first build succeeds.
        public var root: URL?
        /// Names the build in `root`, so pages can tell whether they are current.
        public var build: String
        /// Diagnostics of the last build, when it failed.
        public var errors: String?
        /// The path the site lives under (the path of its base URL), ending in `/`.
        public var mountPath: String
    }

    private let state: Locked<Snapshot>

    public init(root: URL? = nil, build: String = "0", mountPath: String = "/") {
        state = Locked(Snapshot(root: root, build: build, errors: nil, mountPath: mountPath))
    }

    public var current: Snapshot { state.withLock { $0 } }

    /// Puts a new build in place and returns the folder it replaces.
    @discardableResult
    public func publish(_ root: URL, build: String) -> URL? {
        state.withLock { state in
            let old = state.root
            state.root = root
            state.build = build
            state.errors = nil
            return old
        }
    }

    /// Records a failed build; the last good one stays in place.
    public func fail(_ errors: String) {
        state.withLock { $0.errors = errors }
    }

    public func setMountPath(_ path: String) {
        state.withLock { $0.mountPath = path }
    }
}
