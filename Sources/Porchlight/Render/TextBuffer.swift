/// Text written as UTF-8 bytes: files of thousands of rows (the search index, the sitemap) are appended to one buffer
/// rather than built from interpolated strings that are then joined.
struct TextBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func append(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    mutating func append(text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: text.utf8) }
    }

    /// As `JSONText.quote` writes it.
    mutating func append(jsonQuoted text: String) {
        JSONText.append(quoted: text, to: &bytes)
    }

    /// As `Feeds.xml` writes it.
    mutating func append(xmlEscaped text: String) {
        Feeds.append(xmlEscaped: text, to: &bytes)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}
