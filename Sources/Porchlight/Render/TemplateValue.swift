/// What a template is given: text, a yes/no, a number, a list, or named values.
enum TemplateValue: Sendable {
    case text(String)
    case flag(Bool)
    case number(Int)
    case list([TemplateValue])
    case object(TemplateObject)

    /// Converts a context built as Swift dictionaries and arrays, once, so rendering never casts; nil for a nil.
    static func from(_ any: Any) -> TemplateValue? {
        switch any {
        case let text as String: return .text(text)
        case let value as TemplateValue: return value
        case let values as [TemplateValue]: return .list(values)
        case let flag as Bool: return .flag(flag)
        case let number as Int: return .number(number)
        case let dictionary as [String: Any]: return .object(TemplateObject(dictionary))
        case let array as [[String: Any]]: return .list(array.map { .object(TemplateObject($0)) })
        case let array as [Any]: return .list(array.compactMap(TemplateValue.from))
        case let optional as OptionalValue where optional.isNone: return nil
        default: return .text(String(describing: any))
        }
    }
}

/// Literals, so contexts are written as plainly as Swift dictionaries but built typed, with no conversion.
extension TemplateValue: ExpressibleByStringInterpolation, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(stringInterpolation: DefaultStringInterpolation) { self = .text(String(stringInterpolation: stringInterpolation)) }
    init(booleanLiteral value: Bool) { self = .flag(value) }
    init(integerLiteral value: Int) { self = .number(value) }
    init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    init(dictionaryLiteral elements: (String, TemplateValue)...) { self = .object(TemplateObject(pairs: elements)) }

    /// Named values built as a dictionary.
    static func object(_ fields: [String: TemplateValue]) -> TemplateValue { .object(TemplateObject(fields: fields)) }

    /// An object many pages share, fingerprinted once (see `TemplateObject.hashed`).
    static func shared(_ fields: [String: TemplateValue]) -> TemplateValue { .object(TemplateObject(fields: fields).hashed()) }

    /// An object's value for `key`; nil for anything else.
    subscript(_ key: String) -> TemplateValue? {
        if case let .object(object) = self { return object[key] }
        return nil
    }
}

/// Named values with their keys sorted, so lookups are a short scan and the order is stable for fingerprints.
/// A class, so that rendering, which passes objects around constantly, retains one reference rather than two arrays.
final class TemplateObject: Sendable {
    let keys: [String]
    /// Each key's `signature`, in the same order.
    let signatures: [UInt64]
    let values: [TemplateValue]
    /// The object's own fingerprint, for objects many pages share, so each page's fingerprint need not walk them again.
    let fingerprint: UInt64?
    /// Where names this object lacks are looked up: an entry's page shows its list summary with a few fields more,
    /// and the summary's fields are not copied for each page.
    let base: TemplateObject?

    private init(keys: [String], signatures: [UInt64], values: [TemplateValue], fingerprint: UInt64?, base: TemplateObject?) {
        self.keys = keys
        self.signatures = signatures
        self.values = values
        self.fingerprint = fingerprint
        self.base = base
    }

    init(fields: [String: TemplateValue]) {
        keys = fields.keys.sorted()
        signatures = keys.map(Self.signature)
        values = keys.map { fields[$0]! }
        fingerprint = nil
        base = nil
    }

    /// Pairs with distinct keys, sorted here; names they lack are looked up in `base`.
    init(pairs: [(String, TemplateValue)], base: TemplateObject? = nil) {
        // Positions are sorted, not the pairs: a sorted copy of an array of tuples is freed through generic runtime code.
        let order = pairs.indices.sorted { pairs[$0].0 < pairs[$1].0 }
        keys = order.map { pairs[$0].0 }
        signatures = keys.map(Self.signature)
        values = order.map { pairs[$0].1 }
        fingerprint = nil
        self.base = base
    }

    init(_ dictionary: [String: Any]) {
        var keys: [String] = []
        var values: [TemplateValue] = []
        keys.reserveCapacity(dictionary.count)
        values.reserveCapacity(dictionary.count)
        for key in dictionary.keys.sorted() {
            // A nil stored as Any leaves the key out, so Mustache looks it up further out.
            guard let value = TemplateValue.from(dictionary[key]!) else { continue }
            keys.append(key)
            values.append(value)
        }
        self.keys = keys
        signatures = keys.map(Self.signature)
        self.values = values
        fingerprint = nil
        base = nil
    }

    /// The object with `extra`'s fields added, in front of its own, replacing any of the same names.
    func adding(_ extra: [(String, TemplateValue)]) -> TemplateObject {
        TemplateObject(pairs: extra, base: self)
    }

    /// The object with its fingerprint taken once.
    func hashed() -> TemplateObject {
        var f = Fingerprint()
        f.add(.object(self))
        return TemplateObject(keys: keys, signatures: signatures, values: values, fingerprint: f.value, base: base)
    }

    subscript(_ key: String) -> TemplateValue? { self[key, signature: Self.signature(key)] }

    /// The value of `key`, whose signature is given, as templates look their names up many times.
    subscript(_ key: String, signature signature: UInt64) -> TemplateValue? {
        address(of: key, signature: signature)?.pointee
    }

    /// Where the value of `key` is stored, valid while this object lives: rendering reads values in place rather than
    /// copying (and retaining) each one it looks up. Inlined into the render loop; only a miss goes on to `base`.
    @inline(__always)
    func address(of key: String, signature: UInt64) -> UnsafePointer<TemplateValue>? {
        for i in signatures.indices where signatures[i] == signature && keys[i] == key {
            return values.withUnsafeBufferPointer { $0.baseAddress! + i }
        }
        guard let base else { return nil }
        return base.addressInBase(of: key, signature: signature)
    }

    @inline(never)
    private func addressInBase(of key: String, signature: UInt64) -> UnsafePointer<TemplateValue>? {
        address(of: key, signature: signature)
    }

    /// A key's length and first seven bytes: a lookup passes over most keys comparing this one number.
    /// Template names are ASCII, so a key that matches one has the same bytes, and the same signature.
    static func signature(_ key: String) -> UInt64 {
        func signature(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
            let length = UInt64(truncatingIfNeeded: bytes.count) & 0xFF
            if bytes.count >= 8 {
                // The first seven bytes in one read; the eighth is shifted out.
                return length | UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(as: UInt64.self)) << 8
            }
            var signature = length
            for i in 0..<bytes.count { signature |= UInt64(bytes[i]) << (8 * UInt64(i + 1)) }
            return signature
        }
        // Read in place: `withUTF8` is mutating, so it would copy the string first.
        if let read = key.utf8.withContiguousStorageIfAvailable(signature) { return read }
        var key = key
        return key.withUTF8(signature)
    }
}

private protocol OptionalValue { var isNone: Bool { get } }
extension Optional: OptionalValue {
    var isNone: Bool { self == nil }
}
