import Foundation

/// `Content/site.yml`: what the whole site is called, where it lives and how it is organised.
public struct SiteConfig: Sendable {
    public var title: String
    public var description: String
    /// Absolute base URL ending in `/` (`https://example.org/police/`).
    public var baseURL: String
    /// The path part of `baseURL`, ending in `/`; prefixed to every site-relative link.
    public var basePath: String
    public var language: String
    public var timeZone: TimeZone
    public var districts: [District]
    public var categories: [Category]
    public var nav: [NavItem]
    public var notice: Notice?
    public var unsafeHTML: Bool
    /// How cmark renders the site's Markdown: smart punctuation, and raw HTML only when `unsafeHTML` allows it.
    var markdownOptions: CommonMark.Options { unsafeHTML ? [.smart, .unsafe] : [.smart] }
    /// Months of recurring events expanded before and after "now".
    public var windowPast: Int
    public var windowFuture: Int

    public struct District: Sendable {
        public var name: String
        public var slug: String
        public var summary: String
        public var contact: Contact?
    }

    public struct Contact: Sendable {
        public var name, phone, email, address, text: String?
    }

    public struct Category: Sendable {
        public var name: String
        public var slug: String
        public var description: String
    }

    public struct NavItem: Sendable {
        public var title: String
        public var url: String
    }

    public struct Notice: Sendable {
        public var text: String
        public var until: ContentDate?
    }

    static let path = "Content/site.yml"

    /// Reads site.yml; a missing file gives a usable default so a folder of Markdown still builds.
    static func read(siteFolder: URL, baseURLOverride: String?, problems: Problems) -> SiteConfig {
        var config = SiteConfig(title: "Porchlight site", description: "", baseURL: "/", basePath: "/", language: "en",
                                timeZone: TimeZone(identifier: "UTC")!, districts: [], categories: [], nav: [],
                                notice: nil, unsafeHTML: false, windowPast: 12, windowFuture: 18)
        let url = siteFolder.appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: url.path) {
            switch SourceFile.read(url, displayPath: path) {
            case let .failure(diagnostic): problems.add(diagnostic)
            case let .success(file):
                if let root = YAMLNode.parse(file.text, file: file, lineOffset: 0, problems: problems),
                   let fields = Fields(root, problems: problems, what: "site.yml") {
                    config.apply(fields, problems: problems)
                }
            }
        } else if FileManager.default.fileExists(atPath: siteFolder.appendingPathComponent("Content").path) {
            problems.add(.warning(SourceLocation(path: path), "there is no site.yml", fix: "create Content/site.yml with at least \"title:\" and \"baseURL:\""))
        }
        if let baseURLOverride { config.setBaseURL(baseURLOverride) }
        return config
    }

    /// The shape of a BCP 47 tag (`en`, `es`, `en-US`, `zh-Hant-TW`): two or three letters, then any number of
    /// `-` and one to eight letters or digits. Checked by hand: a regular expression costs 10 million instructions to compile.
    static func isLanguageTag(_ text: String) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) }
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard let language = parts.first, (2...3).contains(language.count), language.allSatisfy(isLetter) else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.count) && part.allSatisfy { isLetter($0) || (48...57).contains($0) }
        }
    }

    private mutating func apply(_ f: Fields, problems: Problems) {
        f.rejectUnknown(["title", "description", "baseURL", "language", "timeZone", "districts", "categories",
                         "nav", "notice", "unsafeHTML", "window"], what: "site.yml")
        if let title = f.requiredString("title", what: "site.yml", example: "Our Police Department") { self.title = title }
        description = f.string("description") ?? ""
        if let base = f.string("baseURL") {
            if !(base.hasPrefix("https://") || base.hasPrefix("http://") || base.hasPrefix("/")) {
                problems.add(f["baseURL"]!.error("baseURL must start with https://, http:// or /", fix: "write e.g. \"baseURL: https://community.example.org/\""))
            } else {
                setBaseURL(base)
            }
        }
        if let language = f.string("language") {
            if !Self.isLanguageTag(language) {
                problems.add(f["language"]!.error("\"\(language)\" is not a language tag", fix: "use a BCP 47 tag such as en, es or en-US"))
            } else {
                self.language = language
            }
        }
        if let zone = f.string("timeZone") {
            if let tz = TimeZone(identifier: zone), zone.contains("/") || zone == "UTC" {
                timeZone = tz
            } else {
                problems.add(f["timeZone"]!.error("unknown time zone \"\(zone)\"", fix: "use an IANA name such as America/Chicago"))
            }
        }
        unsafeHTML = f.bool("unsafeHTML") ?? false
        if let window = f["window"], let w = Fields(window, problems: problems, what: "window") {
            w.rejectUnknown(["past", "future"], what: "window")
            windowPast = max(0, w.int("past") ?? windowPast)
            windowFuture = max(0, w.int("future") ?? windowFuture)
        }
        districts = readList(f, "districts", problems: problems) { d in
            d.rejectUnknown(["name", "slug", "summary", "contact"], what: "a district")
            guard let name = d.requiredString("name", what: "a district", example: "North Patrol Division") else { return nil }
            let slug = d.string("slug").map(Slug.make) ?? Slug.make(name)
            return District(name: name, slug: slug, summary: d.string("summary") ?? "", contact: readContact(d["contact"], problems: problems))
        }
        categories = readList(f, "categories", problems: problems) { c in
            c.rejectUnknown(["name", "slug", "description"], what: "a category")
            guard let name = c.requiredString("name", what: "a category", example: "Coffee with a Cop") else { return nil }
            return Category(name: name, slug: c.string("slug").map(Slug.make) ?? Slug.make(name), description: c.string("description") ?? "")
        }
        nav = readList(f, "nav", problems: problems) { n in
            n.rejectUnknown(["title", "url"], what: "a menu item")
            guard let title = n.requiredString("title", what: "a menu item", example: "Letters"),
                  let url = n.requiredString("url", what: "a menu item", example: "/letters/") else { return nil }
            return NavItem(title: title, url: url)
        }
        if let noticeNode = f["notice"] {
            if let text = noticeNode.scalarText {
                notice = Notice(text: text, until: nil)
            } else if let n = Fields(noticeNode, problems: problems, what: "notice") {
                n.rejectUnknown(["text", "until"], what: "notice")
                if let text = n.requiredString("text", what: "the notice", example: "Offices closed on Thanksgiving") {
                    var until: ContentDate?
                    if let untilText = n.string("until") {
                        switch ContentDate.parse(untilText, timeZone: timeZone) {
                        case let .success(date): until = date
                        case .failure: problems.add(n["until"]!.error("\"\(untilText)\" is not a date", fix: "write the last day as 2026-12-31"))
                        }
                    }
                    notice = Notice(text: text, until: until)
                }
            }
        }
        var seen: [String: String] = [:]
        for district in districts {
            if let other = seen[district.slug] {
                problems.add(f["districts"]!.error("the districts \"\(other)\" and \"\(district.name)\" have the same slug \"\(district.slug)\"", fix: "give one of them its own \"slug:\""))
            }
            seen[district.slug] = district.name
        }
    }

    private func readList<T>(_ f: Fields, _ key: String, problems: Problems, _ read: (Fields) -> T?) -> [T] {
        guard let node = f[key] else { return [] }
        guard let items = node.sequence else {
            problems.add(node.error("\"\(key)\" must be a list", fix: "start each item on its own line with \"- \""))
            return []
        }
        return items.compactMap { item in Fields(item, problems: problems, what: "an item of \"\(key)\"").flatMap(read) }
    }

    private func readContact(_ node: YAMLNode?, problems: Problems) -> Contact? {
        guard let node else { return nil }
        if let text = node.scalarText { return Contact(text: text) }
        guard let c = Fields(node, problems: problems, what: "contact") else { return nil }
        c.rejectUnknown(["name", "phone", "email", "address", "text"], what: "contact")
        return Contact(name: c.string("name"), phone: c.string("phone"), email: c.string("email"),
                       address: c.string("address"), text: c.string("text"))
    }

    mutating func setBaseURL(_ raw: String) {
        var base = raw
        if !base.hasSuffix("/") { base += "/" }
        baseURL = base
        if let schemeEnd = base.range(of: "://") {
            let afterHost = base[schemeEnd.upperBound...].firstIndex(of: "/") ?? base.endIndex
            basePath = afterHost < base.endIndex ? String(base[afterHost...]) : "/"
        } else {
            basePath = base
        }
    }

    /// Looks up a district by slug or name, as staff may write either.
    func district(named text: String) -> District? {
        let key = text.lowercased(), slug = Slug.make(text)
        return districts.first { $0.slug == key || $0.name.lowercased() == key || $0.slug == slug }
    }
}
