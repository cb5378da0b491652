import Foundation

/// A 64-bit FNV-1a hash of a template context, so a page whose inputs did not change need not be rendered again.
struct Fingerprint {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    mutating func add(_ text: String) {
        add(text.utf8)
        add(CollectionOfOne(0xFF))  // a separator no UTF-8 text contains
    }

    /// Walks a context in a fixed order (dictionary keys sorted), tagging each kind of value.
    mutating func add(any value: Any) {
        switch value {
        case let s as String: add("s"); add(s)
        case let b as Bool: add(b ? "t" : "f")
        case let i as Int: add("i"); add(String(i))
        case let d as [String: Any]:
            add("{")
            for key in d.keys.sorted() { add(key); add(any: d[key]!) }
            add("}")
        case let a as [[String: Any]]:
            add("[")
            for item in a { add(any: item) }
            add("]")
        case let a as [Any]:
            add("[")
            for item in a { add(any: item) }
            add("]")
        default: add("?"); add(String(describing: value))
        }
    }

    static func of(_ texts: [String]) -> UInt64 {
        var f = Fingerprint()
        for text in texts { f.add(text) }
        return f.value
    }

    static func of(context: [String: Any], template: String, theme: UInt64) -> UInt64 {
        var f = Fingerprint()
        f.add(String(theme, radix: 16))
        f.add(template)
        f.add(any: context)
        return f.value
    }
}
