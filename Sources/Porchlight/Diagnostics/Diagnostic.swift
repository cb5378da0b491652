import Foundation

/// A place in a source file: the path as the user would type it, with 1-based line and column.
public struct SourceLocation: Hashable, Sendable, Comparable, Codable {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int = 1, column: Int = 1) {
        self.path = path
        self.line = max(1, line)
        self.column = max(1, column)
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }
}

/// One problem found in the content, templates or configuration, with what to do about it.
public struct Diagnostic: Hashable, Sendable, Error, Codable {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var fix: String?
    /// The source line the location points into, shown under the message with a caret.
    public var sourceLine: String?

    public init(_ severity: Severity, _ location: SourceLocation, _ message: String, fix: String? = nil, sourceLine: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.fix = fix
        self.sourceLine = sourceLine
    }

    public static func error(_ location: SourceLocation, _ message: String, fix: String? = nil) -> Diagnostic {
        Diagnostic(.error, location, message, fix: fix)
    }

    public static func warning(_ location: SourceLocation, _ message: String, fix: String? = nil) -> Diagnostic {
        Diagnostic(.warning, location, message, fix: fix)
    }

    public var isError: Bool { severity == .error }
}

extension Array where Element == Diagnostic {
    /// Stable order for printing: by file, line, column, then message.
    public func sortedForDisplay() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return filter { seen.insert($0).inserted }.sorted {
            ($0.location, $0.message) < ($1.location, $1.message)
        }
    }

    public var errorCount: Int { lazy.filter(\.isError).count }
    public var warningCount: Int { count - errorCount }
}

/// Thrown to stop a stage when the diagnostics collected so far make going on pointless.
public struct BuildFailed: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
