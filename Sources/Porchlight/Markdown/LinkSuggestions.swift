import Foundation

/// "Did you mean" for broken links: only names a reader would take for the one written, never merely the least far off.
enum LinkSuggestions {
    /// How many edits apart `written` and `candidate` are, when that is few enough to be a typo: one in a short name,
    /// up to three in a long one, and never the whole name.
    static func typoDistance(_ written: String, _ candidate: String) -> Int? {
        let a = written.lowercased(), b = candidate.lowercased()
        guard abs(a.count - b.count) <= 3 else { return nil }
        let d = Spelling.distance(a, b)
        guard d < a.count, d <= max(1, min(3, a.count / 4)) else { return nil }
        return d
    }

    /// Candidates within typo distance of `written`, closest first.
    static func close(to written: String, in candidates: [String], limit: Int = 3) -> [String] {
        let scored: [(name: String, distance: Int)] = candidates.compactMap { c in typoDistance(written, c).map { (c, $0) } }
        let sorted = scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
        return sorted.prefix(limit).map(\.name)
    }

    /// Files (paths below `Content/`) the missing `target` may have meant: the same name in another folder, or a typo
    /// in the name, with or without a leading date; files in the same folder first.
    static func closeFiles(to target: String, in candidates: [String], limit: Int = 3) -> [String] {
        let (folder, name) = split(target)
        let scored: [(path: String, distance: Int, elsewhere: Int)] = candidates.compactMap { candidate in
            let (candidateFolder, candidateName) = split(candidate)
            let distances = [typoDistance(name, candidateName), typoDistance(undated(name), undated(candidateName))].compactMap { $0 }
            guard let d = distances.min() else { return nil }
            return (candidate, d, candidateFolder == folder ? 0 : 1)
        }
        let sorted = scored.sorted { ($0.distance, $0.elsewhere, $0.path) < ($1.distance, $1.elsewhere, $1.path) }
        return sorted.prefix(limit).map(\.path)
    }

    /// `did you mean "a"?`, `did you mean "a" or "b"?`, `did you mean "a", "b" or "c"?`
    static func didYouMean(_ options: [String]) -> String? {
        let quoted = options.map { "\"\($0)\"" }
        guard let last = quoted.last else { return nil }
        return "did you mean " + (quoted.count == 1 ? last : quoted.dropLast().joined(separator: ", ") + " or " + last) + "?"
    }

    /// Folder and file name without its extension: `letters/2024-01-02-hello.md` → (`letters`, `2024-01-02-hello`).
    private static func split(_ path: String) -> (folder: String, name: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        var name = String(parts.last ?? "")
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
        return (parts.dropLast().joined(separator: "/"), name)
    }

    /// The name as its page's slug comes from it: no leading `YYYY-MM-DD-`.
    private static func undated(_ name: String) -> String { Slug.fromFileName(name + ".md") }
}
