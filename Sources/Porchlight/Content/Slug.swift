import Foundation

/// URL-safe names: lowercase ASCII letters, digits and hyphens.
enum Slug {
    static func make(_ text: String) -> String {
        // Folding accents needs ICU, which is slow; most names are plain ASCII and need none, and are read as bytes.
        if !text.containsByte(where: { $0 >= 0x80 }) {
            if let slug = text.utf8.withContiguousStorageIfAvailable(ascii) { return slug }
            return make(text.utf8.lazy.map(UInt32.init), capacity: text.utf8.count)
        }
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        return make(folded.unicodeScalars.lazy.map(\.value), capacity: folded.utf8.count)
    }

    /// `make` for ASCII bytes, in one pass into the string's own storage: it names every heading of every letter.
    /// A hyphen stands for at least one byte left out, so the slug is never longer than the text.
    private static func ascii(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { out in
            var count = 0
            var pendingHyphen = false
            for b in bytes {
                let lower = b | 0x20
                let digit = b &- 48 < 10
                if digit || lower &- 97 < 26 {
                    if pendingHyphen && count > 0 { out[count] = UInt8(ascii: "-"); count += 1 }
                    pendingHyphen = false
                    out[count] = digit ? b : lower
                    count += 1
                } else if b != 0x27 {  // "Commissioner's" → "commissioners"
                    pendingHyphen = true
                }
            }
            return count
        }
    }

    /// `make` by scalars, as it reads text with accents folded away; every scalar kept is an ASCII letter, digit or
    /// hyphen, so the slug is built as bytes.
    static func make<Scalars: Sequence<UInt32>>(_ scalars: Scalars, capacity: Int) -> String {
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
        let slug = name.utf8.withContiguousStorageIfAvailable { bytes -> String in
            var base = bytes[...]
            if base.count >= 3, base.suffix(3).elementsEqual(".md".utf8) { base = base.dropLast(3) }
            if base.count > 11, base[base.startIndex + 4] == 45, base[base.startIndex + 7] == 45, base[base.startIndex + 10] == 45,
               base.prefix(4).allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                base = base.dropFirst(11)
            }
            // Cut at ASCII bytes, so the rest is whole UTF-8; ASCII names (nearly all) need no second look.
            let rest = UnsafeBufferPointer(rebasing: base)
            return rest.contains(where: { $0 >= 0x80 }) ? make(String(decoding: rest, as: UTF8.self)) : ascii(rest)
        }
        return slug ?? fromFileName(String(decoding: Array(name.utf8), as: UTF8.self))
    }
}
