import Foundation

/// A 64-bit FNV-1a hash of a template context, so a page whose inputs did not change need not be rendered again.
struct Fingerprint {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ number: UInt64) {
        var hash = value
        for shift in stride(from: 0, to: 64, by: 8) { hash = (hash ^ ((number >> UInt64(shift)) & 0xFF)) &* 0x100_0000_01b3 }
        value = hash
    }

    mutating func add(_ text: String) {
        var text = text
        var hash = value
        text.withUTF8 { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        value = (hash ^ 0xFF) &* 0x100_0000_01b3  // a separator no UTF-8 text contains
    }

    /// Walks a context in its fixed order (keys are sorted), tagging each kind of value.
    mutating func add(_ value: TemplateValue) {
        switch value {
        case let .text(s): add("s"); add(s)
        case let .flag(b): add(b ? "t" : "f")
        case let .number(i): add("i"); add(String(i))
        case let .object(object):
            add("{")
            for (key, value) in zip(object.keys, object.values) { add(key); add(value) }
            add("}")
        case let .list(items):
            add("[")
            for item in items { add(item) }
            add("]")
        }
    }

    static func of(_ texts: [String]) -> UInt64 {
        var f = Fingerprint()
        for text in texts { f.add(text) }
        return f.value
    }

    static func of(context: TemplateValue, template: String, theme: UInt64) -> UInt64 {
        var f = Fingerprint()
        f.add(String(theme, radix: 16))
        f.add(template)
        f.add(context)
        return f.value
    }
}
