import Foundation

/// Atom 1.0 and JSON Feed 1.1 for a posts section, written by hand so the bytes are stable.
enum Feeds {
    struct Item {
        var title: String
        var absURL: String
        var date: ContentDate
        var author: String?
        var summary: String
        var contentHTML: String
        var tags: [String]
    }

    static func atom(title: String, pageURL: String, feedURL: String, baseURL: String, language: String, updated: String, items: [Item]) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"\(xml(language))\" xml:base=\"\(xml(baseURL))\">\n"
        out += "  <title>\(xml(title))</title>\n"
        out += "  <link rel=\"alternate\" type=\"text/html\" href=\"\(xml(pageURL))\"/>\n"
        out += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(xml(feedURL))\"/>\n"
        out += "  <id>\(xml(pageURL))</id>\n"
        out += "  <updated>\(updated)</updated>\n"
        out += "  <generator>Porchlight</generator>\n"
        for item in items {
            out += "  <entry>\n"
            out += "    <title>\(xml(item.title))</title>\n"
            out += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(xml(item.absURL))\"/>\n"
            out += "    <id>\(xml(item.absURL))</id>\n"
            out += "    <published>\(item.date.rfc3339)</published>\n"
            out += "    <updated>\(item.date.rfc3339)</updated>\n"
            out += "    <author><name>\(xml(item.author ?? title))</name></author>\n"
            for tag in item.tags { out += "    <category term=\"\(xml(tag))\"/>\n" }
            out += "    <summary>\(xml(item.summary))</summary>\n"
            out += "    <content type=\"html\">\(xml(item.contentHTML))</content>\n"
            out += "  </entry>\n"
        }
        out += "</feed>\n"
        return out
    }

    static func json(title: String, description: String, pageURL: String, feedURL: String, language: String, items: [Item]) -> String {
        let q = JSONText.quote
        var out = "{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n"
        out += "  \"title\": \(q(title)),\n  \"home_page_url\": \(q(pageURL)),\n  \"feed_url\": \(q(feedURL)),\n"
        if !description.isEmpty { out += "  \"description\": \(q(description)),\n" }
        out += "  \"language\": \(q(language)),\n  \"items\": ["
        for (i, item) in items.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            out += "    {\"id\": \(q(item.absURL)), \"url\": \(q(item.absURL)), \"title\": \(q(item.title)), "
            out += "\"summary\": \(q(item.summary)), \"date_published\": \(q(item.date.rfc3339)), "
            if let author = item.author { out += "\"authors\": [{\"name\": \(q(author))}], " }
            if !item.tags.isEmpty { out += "\"tags\": [\(item.tags.map(q).joined(separator: ", "))], " }
            out += "\"content_html\": \(q(item.contentHTML))}"
        }
        out += items.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }

    static func xml(_ s: String) -> String {
        // Most text needs no escaping; check the bytes before walking them.
        if !s.containsByte(where: needsEscaping) { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 64)
        appendEscaping(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
    }

    /// `xml(s)` appended to `out`.
    static func append(xmlEscaped s: String, to out: inout [UInt8]) {
        if s.containsByte(where: needsEscaping) {
            appendEscaping(s, to: &out)
        } else if s.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil {
            out.append(contentsOf: s.utf8)
        }
    }

    /// On bytes, as every byte replaced is ASCII: feeds hold whole pages.
    private static func appendEscaping(_ s: String, to out: inout [UInt8]) {
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "\""): out += "&quot;".utf8
            // XML 1.0 forbids most control characters; drop them rather than write an invalid feed.
            case 0x0A, 0x09, 0x0D: out.append(byte)
            case ..<0x20: continue
            default: out.append(byte)
            }
        }
    }
}
