import Foundation

/// URL-safe names: lowercase ASCII letters, digits and hyphens.
enum Slug {
    static func make(_ text: String) -> String {
        // Folding accents needs ICU, which is slow; most names are plain ASCII and need none, and are read as bytes.
        if !text.containsByte(where: { $0 >= 0x80 }) {
            if let slug = text.utf8.withContiguousStorageIfAvailable({ make($0.lazy.map(UInt32.init), capacity: $0.count) }) { return slug }
            return make(text.utf8.lazy.map(UInt32.init), capacity: text.utf8.count)
        }
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        return make(folded.unicodeScalars.lazy.map(\.value), capacity: folded.utf8.count)
    }

    /// Every scalar kept is an ASCII letter, digit or hyphen, so the slug is built as bytes.
    private static func make<Scalars: Sequence<UInt32>>(_ scalars: Scalars, capacity: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        var pendingHyphen = false
        for v in scalars {
            if (v >= 48 && v <= 57) || (v >= 97 && v <= 122) || (v >= 65 && v <= 90) {
                if pendingHyphen && !out.isEmpty { out.append(UInt8(ascii: "-")) }
                pendingHyphen = false
                out.append(UInt8(v >= 65 && v <= 90 ? v + 32 : v))
            } else if v != 0x27 && v != 0x2019 {  // "Commissioner's" → "commissioners"
                pendingHyphen = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A file name without `.md` and without a leading `YYYY-MM-DD-` date.
    static func fromFileName(_ name: String) -> String {
        var base = name
        if base.hasSuffix(".md") { base.removeLast(3) }
        let chars = Array(base.utf8)
        if chars.count > 11, chars[4] == 45, chars[7] == 45, chars[10] == 45,
           chars[0..<4].allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            base = String(base.dropFirst(11))
        }
        return make(base)
    }
}
