import Foundation

/// A 64-bit hash of a template context, so a page whose inputs did not change need not be rendered again.
/// It takes eight bytes a step, as every page's context is hashed on every build.
struct Fingerprint {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        var hash = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 32
        return hash
    }

    private mutating func mix(_ word: UInt64) {
        value = Self.mix(value, word)
    }

    mutating func add(_ number: UInt64) {
        mix(number)
    }

    mutating func add(_ text: String) {
        // Read in place: `withUTF8` is mutating, so it would copy the string first.
        if text.utf8.withContiguousStorageIfAvailable({ add($0) }) == nil {
            var text = text
            text.withUTF8 { add($0) }
        }
    }

    private mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        value = Self.hash(UnsafeRawBufferPointer(bytes), seed: value)
    }

    /// A hash of bytes and their count, eight bytes a step: on four lanes at once over runs of 32, so the multiplies
    /// overlap (every page's context and every file written is hashed on every build), then one lane for the rest.
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        // The length first, so no two lists of texts run together the same way.
        let count = bytes.count
        var hash = mix(seed, UInt64(count))
        guard let base = bytes.baseAddress else { return hash }
        var i = 0
        if count >= 32 {
            var a = hash, b = hash ^ 0x243F_6A88_85A3_08D3, c = hash ^ 0x1319_8A2E_0370_7344, d = hash ^ 0xA409_3822_299F_31D0
            while i &+ 32 <= count {
                a = mix(a, base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                b = mix(b, base.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self))
                c = mix(c, base.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self))
                d = mix(d, base.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self))
                i &+= 32
            }
            hash = mix(mix(mix(a, b), c), d)
        }
        while i &+ 8 <= count {
            hash = mix(hash, base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i &+= 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < count {
            tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift &+= 8
            i &+= 1
        }
        if shift > 0 { hash = mix(hash, tail) }
        return hash
    }

    /// Walks a context in its fixed order (keys are sorted), tagging each kind of value.
    mutating func add(_ value: TemplateValue) {
        switch value {
        case let .text(s): mix(1); add(s)
        case let .flag(b): mix(b ? 2 : 3)
        case let .number(i): mix(4); mix(UInt64(bitPattern: Int64(i)))
        case let .object(object):
            if let fingerprint = object.fingerprint {
                mix(9); mix(fingerprint)
                return
            }
            mix(5)
            for i in object.keys.indices { add(object.keys[i]); add(object.values[i]) }
            if let base = object.base { add(.object(base)) }
            mix(6)
        case let .list(items):
            mix(7)
            for item in items { add(item) }
            mix(8)
        }
    }

    static func of(_ texts: [String]) -> UInt64 {
        var f = Fingerprint()
        for text in texts { f.add(text) }
        return f.value
    }

    static func of(context: TemplateValue, template: String, theme: UInt64) -> UInt64 {
        var f = Fingerprint()
        f.add(theme)
        f.add(template)
        f.add(context)
        return f.value
    }
}
