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
        // The length first, so no two lists of texts run together the same way. The hash is kept in a local while the
        // loop runs, not stored at every step.
        var hash = Self.mix(value, UInt64(bytes.count))
        defer { value = hash }
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return }
        var i = 0
        while i &+ 8 <= bytes.count {
            hash = Self.mix(hash, base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i &+= 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift &+= 8
            i &+= 1
        }
        if shift > 0 { hash = Self.mix(hash, tail) }
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
