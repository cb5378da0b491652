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

/// Named values with their keys sorted, so lookups are a short scan and the order is stable for fingerprints.
struct TemplateObject: Sendable {
    let keys: [String]
    let values: [TemplateValue]

    init(fields: [String: TemplateValue]) {
        keys = fields.keys.sorted()
        values = keys.map { fields[$0]! }
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
        self.values = values
    }

    subscript(_ key: String) -> TemplateValue? {
        for i in keys.indices where keys[i] == key { return values[i] }
        return nil
    }
}

private protocol OptionalValue { var isNone: Bool { get } }
extension Optional: OptionalValue {
    var isNone: Bool { self == nil }
}
