import Foundation

/// One file of the built site and how to make it.
struct SiteOutput: Sendable {
    enum Body: Sendable {
        case template(String, Deferred<TemplateValue>)
        case text(Deferred<String>)
        case data(Data)
        /// A file copied from `Content/media/`.
        case media(String)
    }
    var path: String
    var body: Body
    /// Sums up everything a page is made from, so the previous build's file can be kept without building its context; 0 for none.
    var key: UInt64 = 0
    /// The letters and pages whose bodies the file shows in full, when it shows any.
    var bodies: ShownBodies? = nil

    var isText: Bool {
        if case .text = body { return true }
        return false
    }
}

/// The entries whose bodies a file shows, in order, and how they are written there, so that a later `build` can put
/// a letter's new words in their place without building the site (see `Builder.spliceUpdate`).
struct ShownBodies: Sendable {
    enum Form: String, Sendable {
        /// As they are, in an HTML page.
        case html = "h"
        /// Escaped in an Atom feed's `<content type="html">`.
        case atom = "a"
        /// Quoted as a JSON Feed's `"content_html"`.
        case json = "j"
    }
    var form: Form
    /// Content paths (`letters/a.md`).
    var entries: [String]
}

/// Work left for the parallel writing stage. It only reads the finished plan, so any thread may run it.
struct Deferred<Value>: @unchecked Sendable {
    let make: () -> Value
    init(_ make: @escaping () -> Value) { self.make = make }
}

/// What a page shows besides what every page shows, for its key.
enum PageInputs {
    /// These entries (in this order), e.g. a list page's or an entry and its neighbours.
    case entries([RenderedEntry])
    /// The events and calendar, and these entries.
    case calendar([RenderedEntry])
    /// Every entry and the calendar.
    case everything
}

/// A feed a page links to in its head.
struct FeedLink {
    var type: String
    var title: String
    var url: String

    var value: TemplateValue { ["type": .text(type), "title": .text(title), "url": .text(url)] }
}

/// The files planned so far, and the pages the sitemap lists.
final class OutputCollector {
    var files: [SiteOutput] = []
    var sitemap: [(path: String, lastmod: String?)] = []
    /// The `site` context for each state of the menu (which items are current), shared by every page in that state.
    var sites: [[Bool]: TemplateValue] = [:]
}

/// Decides every page of the site and the context each template is given (see docs/templates.md).
/// A class: every page's deferred context holds the plan, and a struct of thirty references would be copied into each.
final class SitePlan {
    private(set) var content: SiteContent
    private(set) var rendered: [String: RenderedEntry]
    let theme: Theme
    let calendar: SiteCalendar
    private(set) var now: Date
    private(set) var problems: Problems
    /// The `site` context without its menu, built once for every page.
    private var baseSiteContext: [String: TemplateValue] = [:]
    /// Each entry's summary as lists show it, built once as an entry appears on many pages.
    private(set) var summaries: [ObjectIdentifier: TemplateObject] = [:]
    /// Each occurrence in the calendar window as lists show it.
    private(set) var itemViews: [ItemKey: ItemView] = [:]
    /// Built once: it maps every content file to its URL, and images and intros all ask it.
    let resolver: LinkResolver
    /// Each section's entries in reading order, sorted once.
    private(set) var orderedSections: [String: [RenderedEntry]]
    /// Sums up what every page may show: the theme, site.yml, sections, every URL, the year; a change rebuilds every context.
    private(set) var siteKey: UInt64 = 0
    /// Sums up the events as shown on the day of the build.
    private(set) var calendarKey: UInt64 = 0
    /// Sums up every entry (the sum of their versions).
    private(set) var entriesKey: UInt64 = 0
    /// Sums up what lists show of every entry (its summary object): title, address, summary, date, section, tags.
    private(set) var listingKey: UInt64 = 0
    /// Each entry's image by content path, checked once here, so contexts built later on any thread only read.
    private(set) var images: [String: TemplateValue] = [:]
    /// The links of every tag, district, section and event category, built once: thousands of summaries and calendar items share them.
    private var tagLinkByName: [String: TemplateValue] = [:]
    private var districtLinkBySlug: [String: TemplateValue] = [:]
    private var sectionLinkByName: [String: TemplateValue] = [:]
    private(set) var categoryLinkBySlug: [String: TemplateValue] = [:]

    /// `resolver` is the one the bodies were rendered with (when a plan is made, no file failed, so none is unreadable).
    init(content: SiteContent, rendered: [String: RenderedEntry], resolver: LinkResolver, theme: Theme, calendar: SiteCalendar, now: Date,
         problems: Problems) {
        self.content = content
        self.rendered = rendered
        self.theme = theme
        self.calendar = calendar
        self.now = now
        self.problems = problems
        self.resolver = resolver
        var orderedSections: [String: [RenderedEntry]] = [:]
        for section in content.sections { orderedSections[section.name] = Self.order(section, rendered) }
        self.orderedSections = orderedSections
        for entry in content.sections.flatMap(\.entries) + content.pages where rendered[entry.contentPath] != nil {
            if let image = imageContext(entry) { images[entry.contentPath] = image }
        }
        siteKey = makeSiteKey()
        calendarKey = makeCalendarKey()
        entriesKey = makeEntriesKey()
        baseSiteContext = Self.makeBaseSiteContext(self)
        for entry in content.sections.flatMap(\.entries) + content.pages {
            for tag in entry.tags where tagLinkByName[tag] == nil { tagLinkByName[tag] = tagLink(tag) }
        }
        for district in config.districts.reversed() {
            districtLinkBySlug[district.slug] = ["name": .text(district.name), "url": .text(url("districts/\(district.slug)/"))]
        }
        for section in content.sections.reversed() { sectionLinkByName[section.name] = sectionLink(section) }
        for category in config.categories.reversed() {
            categoryLinkBySlug[category.slug] = ["name": .text(category.name), "url": .text(url("events/category/\(category.slug)/"))]
        }
        // Summaries and event items only read what is settled by now, so they are built on all cores.
        let items = Array(rendered.values)
        let plan = UncheckedSendable(self)
        let built = items.parallelMap { TemplateObject(pairs: plan.value.summaryFields($0)).hashed() }
        for (item, summary) in zip(items, built) { summaries[ObjectIdentifier(item)] = summary }
        var listing = Fingerprint()
        for entry in content.sections.flatMap(\.entries) + content.pages {
            // The weight too: it orders pages sections.
            if let item = rendered[entry.contentPath], let summary = summaries[ObjectIdentifier(item)] {
                listing.add(summary.fingerprint ?? 0)
                listing.add(String(entry.weight ?? Int.min))
            }
        }
        listingKey = listing.value
        let calendarItems = calendar.items
        let views = calendarItems.parallelMap { plan.value.makeItemView($0) }
        for (item, view) in zip(calendarItems, views) { itemViews[ItemKey(item)] = view }
    }

    /// Versions are added up, so one entry's new version changes the sum without walking the others.
    private func makeEntriesKey() -> UInt64 {
        rendered.values.reduce(0) { $0 &+ $1.version }
    }

    /// The plan with new bodies for some entries, made `now`. Each replacement has the address, front matter and summary of
    /// the entry it replaces (see `Builder.quickUpdate`), so lists, summaries and the order of every section stay as they are.
    func replaceBodies(_ replacements: [RenderedEntry], now: Date, problems: Problems) {
        self.now = now
        self.problems = problems
        for new in replacements {
            let path = new.entry.contentPath
            guard let old = rendered[path] else { continue }
            rendered[path] = new
            entriesKey = entriesKey &- old.version &+ new.version
            summaries[ObjectIdentifier(new)] = summaries.removeValue(forKey: ObjectIdentifier(old))
            if let section = new.entry.section, let s = content.sections.firstIndex(where: { $0.name == section }) {
                if let i = orderedSections[section]?.firstIndex(where: { $0 === old }) { orderedSections[section]![i] = new }
                if let i = content.sections[s].entries.firstIndex(where: { $0 === old.entry }) { content.sections[s].entries[i] = new.entry }
            } else if let i = content.pages.firstIndex(where: { $0 === old.entry }) {
                content.pages[i] = new.entry
            }
        }
    }

    /// Output format of the keys; bump it when a change to Porchlight changes pages without changing their inputs.
    static let keyFormat = "keys 1"

    private func makeSiteKey() -> UInt64 {
        var f = Fingerprint()
        f.add(Self.keyFormat)
        f.add(theme.fingerprint)
        f.add(String(reflecting: config))
        f.add(String(yearOfNow))
        f.add(String(config.notice.map { $0.until.map { now.timeIntervalSince($0.instant) < 86_400 } ?? true } ?? false))
        f.add(content.homeIntro)
        for section in content.sections {
            f.add(section.name); f.add(section.title); f.add(section.intro); f.add(section.kind.rawValue)
        }
        for entry in content.sections.flatMap(\.entries) + content.pages {
            f.add(entry.contentPath); f.add(entry.path)
        }
        for path in content.allContentPaths.sorted() { f.add(path) }
        for file in content.media { f.add(file) }
        // Markdown links to event files become event pages' URLs.
        for event in content.events { f.add(event.file.path); f.add(event.slug) }
        return f.value
    }

    private func makeCalendarKey() -> UInt64 {
        var f = Fingerprint()
        for scheduled in calendar.events { f.add(scheduled.event.file.path); f.add(scheduled.event.file.text) }
        f.add(calendar.zone.local(for: now).icsDay)
        f.add(calendar.windowStart.icsDay)
        f.add(String(calendar.upcoming.count))
        f.add(String(calendar.past.count))
        let weekEnd = now.addingTimeInterval(Double(Self.homeDays) * 86_400)
        f.add(String(calendar.upcoming.prefix { $0.occurrence.startInstant < weekEnd }.count))
        return f.value
    }

    /// A page's key: the site's, the page's own parameters, and what else it shows.
    func pageKey(_ inputs: PageInputs, _ parameters: [String]) -> UInt64 {
        var f = Fingerprint()
        f.add(siteKey)
        for parameter in parameters { f.add(parameter) }
        switch inputs {
        case let .entries(items):
            f.add("entries")
            for item in items { f.add(item.version) }
        case let .calendar(items):
            f.add("calendar")
            f.add(calendarKey)
            for item in items { f.add(item.version) }
        case .everything:
            f.add("everything")
            f.add(entriesKey)
            f.add(calendarKey)
        }
        return f.value
    }

    static let postsPerPage = 20
    static let feedLength = 20
    static let homeLatest = 5
    static let districtLatest = 10

    var config: SiteConfig { content.config }

    func url(_ path: String) -> String { config.basePath + path }
    func absURL(_ path: String) -> String { config.baseURL + path }

    /// Entries of a section in reading order: newest first for posts, by weight then title for pages.
    func ordered(_ section: Section) -> [RenderedEntry] { orderedSections[section.name] ?? [] }

    static func order(_ section: Section, _ rendered: [String: RenderedEntry]) -> [RenderedEntry] {
        let items = section.entries.compactMap { rendered[$0.contentPath] }
        return section.kind == .posts ? items.sorted(by: Self.newestFirst) : items.sorted(by: Self.byWeight)
    }

    static func newestFirst(_ a: RenderedEntry, _ b: RenderedEntry) -> Bool {
        let da = a.entry.date?.instant ?? .distantPast, db = b.entry.date?.instant ?? .distantPast
        if da != db { return da > db }
        if a.entry.title != b.entry.title { return a.entry.title < b.entry.title }
        return a.entry.contentPath < b.entry.contentPath
    }

    static func byWeight(_ a: RenderedEntry, _ b: RenderedEntry) -> Bool {
        let wa = a.entry.weight ?? Int.max, wb = b.entry.weight ?? Int.max
        if wa != wb { return wa < wb }
        if a.entry.title != b.entry.title { return a.entry.title < b.entry.title }
        return a.entry.contentPath < b.entry.contentPath
    }

    func outputs() -> [SiteOutput] {
        let out = OutputCollector()
        func page(_ path: String, _ template: String, title: String, description: String, _ extra: @autoclosure @escaping () -> [String: TemplateValue],
                  shows inputs: PageInputs, parameters: [String] = [], feeds: [FeedLink] = [], lastmod: String? = nil, index: Bool = true) {
            addPage(out, path, template, title: title, description: description, extra(), shows: inputs, parameters: parameters, feeds: feeds,
                    lastmod: lastmod, index: index)
        }
        let markdownOptions = config.markdownOptions
        func introHTML(_ markdown: String, _ file: SourceFile?, _ line: Int, from: String) -> String {
            guard let file, !markdown.isEmpty else { return "" }
            var diagnostics: [Diagnostic] = []
            let html = Builder.render(markdown, file: file, firstLine: line, from: from, options: markdownOptions,
                                      resolver: resolver, diagnostics: &diagnostics).html
            problems.add(contentsOf: diagnostics)
            return html
        }
        // Sections, their entries and feeds.
        var allPosts: [RenderedEntry] = []
        for section in content.sections {
            let entries = ordered(section)
            let intro = introHTML(section.intro, section.introFile, section.introLine, from: "\(section.name)/_index.md")
            var sectionContext: [String: TemplateValue] = ["title": .text(section.title), "url": .text(url(section.path)), "introHTML": .text(intro),
                                                           "isPosts": .flag(section.kind == .posts)]
            let feeds = feedLinks(section)
            if section.kind == .posts {
                allPosts += entries
                sectionContext["atomURL"] = .text(url(section.path + "feed.xml"))
                sectionContext["jsonURL"] = .text(url(section.path + "feed.json"))
                out.files += feedOutputs(section, entries)
            }
            let sectionValue = TemplateValue.object(sectionContext)
            let perPage = section.kind == .posts ? Self.postsPerPage : max(entries.count, 1)
            paginate(section.path, entries, perPage: perPage) { path, chunk, number, pages in
                page(path, "section", title: number == 1 ? section.title : "\(section.title), page \(number)", description: "",
                     self.listContext(["section": sectionValue, "hasEntries": .flag(!chunk.isEmpty)], chunk, pages, number),
                     shows: .entries(chunk), feeds: feeds, lastmod: chunk.first?.entry.date?.dateOnly)
            }
            for i in entries.indices { entryPage(out, section, entries, i, feeds: feeds) }
        }
        for item in content.pages.compactMap({ rendered[$0.contentPath] }).sorted(by: Self.byWeight) { topPage(out, item) }
        allPosts.sort(by: Self.newestFirst)

        // Home.
        let weekEnd = now.addingTimeInterval(Double(Self.homeDays) * 86_400)
        let weekDays = dayGroups(calendar.upcoming.filter { $0.occurrence.startInstant < weekEnd })
        let homeIntro = introHTML(content.homeIntro, content.homeIntroFile, content.homeIntroLine, from: "_index.md")
        let sectionList: [TemplateValue] = content.sections.map { section in
            ["title": .text(section.title), "url": .text(url(section.path)),
             "introHTML": .text(CommonMark.renderInline(firstParagraph(section.intro), options: markdownOptions))]
        }
        page("", "home", title: config.title, description: config.description,
             ["introHTML": .text(homeIntro), "latest": .list(allPosts.prefix(Self.homeLatest).map(self.summaryContext)),
              "hasLatest": .flag(!allPosts.isEmpty), "sections": .list(sectionList), "hasSections": .flag(!sectionList.isEmpty),
              "districts": self.districtLinks(), "hasDistricts": .flag(!self.config.districts.isEmpty),
              "days": .list(weekDays), "hasDays": .flag(!weekDays.isEmpty), "eventsURL": .text(self.url("events/"))],
             shows: .calendar(Array(allPosts.prefix(Self.homeLatest))))

        // Tags.
        var tagged: [String: (name: String, entries: [RenderedEntry])] = [:]
        let everything = (content.sections.flatMap { ordered($0) } + content.pages.compactMap { rendered[$0.contentPath] })
        for item in everything {
            for tag in Set(item.entry.tags.map(Slug.make)) where !tag.isEmpty {
                let name = item.entry.tags.first { Slug.make($0) == tag }!
                tagged[tag, default: (name, [])].entries.append(item)
            }
        }
        let tagSlugs = tagged.keys.sorted()
        for slug in tagSlugs {
            let (name, items) = tagged[slug]!
            paginate("tags/\(slug)/", items.sorted(by: Self.newestFirst), perPage: Self.postsPerPage) { path, chunk, number, pages in
                page(path, "tag", title: number == 1 ? "Tagged “\(name)”" : "Tagged “\(name)”, page \(number)", description: "",
                     self.listContext(["tag": ["name": .text(name)], "hasEntries": true], chunk, pages, number),
                     shows: .entries(chunk))
            }
        }
        page("tags/", "tags", title: "Tags", description: "",
             ["tags": .list(tagSlugs.map { ["name": .text(tagged[$0]!.name), "url": .text(url("tags/\($0)/")), "count": .number(tagged[$0]!.entries.count)] }),
              "hasTags": .flag(!tagSlugs.isEmpty)], shows: .everything)

        // Districts.
        for district in config.districts {
            let items = everything.filter { $0.entry.districts.contains(district.slug) }.sorted(by: Self.newestFirst).prefix(Self.districtLatest)
            var districtContext: [String: TemplateValue] = ["name": .text(district.name), "slug": .text(district.slug),
                                                            "summaryHTML": .text(CommonMark.render(district.summary, options: markdownOptions, rewrite: { _ in nil }).html)]
            if let contact = district.contact {
                var c: [String: TemplateValue] = [:]
                for (key, value) in [("name", contact.name), ("phone", contact.phone), ("email", contact.email),
                                     ("address", contact.address), ("text", contact.text)] {
                    if let value { c[key] = .text(value) }
                }
                if let phone = contact.phone { c["phoneURL"] = .text("tel:" + phone.filter { $0.isNumber || $0 == "+" }) }
                districtContext["contact"] = .object(c)
            }
            districtContext["icsURL"] = .text(url("districts/\(district.slug).ics"))
            districtContext["webcalURL"] = .text(webcal("districts/\(district.slug).ics"))
            let events = dayGroups(Array(calendar.upcoming.filter { calendar.events[$0.event].event.districts.contains(district.slug) }
                .prefix(Self.upcomingOnDistrictPage)))
            page("districts/\(district.slug)/", "district", title: district.name, description: district.summary,
                 ["district": .object(districtContext), "entries": .list(items.map(self.summaryContext)), "hasEntries": .flag(!items.isEmpty),
                  "days": .list(events), "hasDays": .flag(!events.isEmpty)], shows: .calendar(Array(items)))
        }
        page("districts/", "districts", title: "Districts", description: "",
             ["districts": .list(self.config.districts.map { ["name": .text($0.name), "url": .text(url("districts/\($0.slug)/")),
                                                          "summaryHTML": .text(CommonMark.renderInline($0.summary, options: markdownOptions))] }),
              "hasDistricts": .flag(!self.config.districts.isEmpty)], shows: .entries([]))

        // Redirects from old URLs.
        let taken = Set(out.files.map(\.path))
        for item in everything {
            for alias in item.entry.aliases {
                guard let file = aliasFile(alias.path) else {
                    problems.add(item.entry.file.error(line: alias.line, column: alias.column, "the alias \"\(alias.path)\" is not a path on this site",
                                                       fix: "write the old address as a path, e.g. /news/2019/old-title/"))
                    continue
                }
                if taken.contains(file) {
                    problems.add(item.entry.file.error(line: alias.line, column: alias.column, "the alias \"\(alias.path)\" is the address of another page",
                                                       fix: "remove the alias"))
                    continue
                }
                let context: TemplateValue = [
                    "target": ["url": .text(url(item.entry.path)), "absURL": .text(absURL(item.entry.path))],
                    "site": siteContext(currentPath: item.entry.path, out),
                    "page": ["title": .text(item.entry.title), "description": .text(item.summary), "url": .text(url(item.entry.path)),
                             "absURL": .text(absURL(item.entry.path)), "noindex": true],
                ]
                out.files.append(SiteOutput(path: file, body: .template("redirect", Deferred { context }),
                                            key: pageKey(.entries([item]), ["redirect", file])))
            }
        }

        eventOutputs(out)
        let feeds = EventFeeds(calendar: calendar, config: config)
        // A trimmed feed also depends on the hour: which old dates it leaves out.
        let trimmedCounts = calendar.events.map { String(feeds.trimmedCount($0)) }
        for feed in feeds.feeds() {
            let trimmed = feed.trimmed ? feed.events.map { trimmedCounts[$0] } : []
            out.files.append(SiteOutput(path: feed.path, body: .text(Deferred {
                feeds.text(path: feed.path, name: feed.name, description: feed.description, events: feed.events, trimmed: feed.trimmed)
            }), key: pageKey(.calendar([]), ["ics", feed.path, feed.trimmed ? "trimmed" : "whole"] + trimmed)))
        }

        // The rest.
        page("404.html", "404", title: "Page not found", description: "", [:], shows: .entries([]), index: false)
        let sitemap = out.sitemap
        var sitemapKey = Fingerprint()
        for (path, lastmod) in sitemap { sitemapKey.add(path); sitemapKey.add(lastmod ?? "-") }
        out.files.append(SiteOutput(path: "sitemap.xml", body: .text(Deferred { self.sitemapXML(sitemap) }),
                                    key: pageKey(.entries([]), ["sitemap", String(sitemapKey.value)])))
        out.files.append(SiteOutput(path: "robots.txt", body: .text(Deferred { "User-agent: *\nAllow: /\n\nSitemap: \(self.absURL("sitemap.xml"))\n" }),
                                    key: pageKey(.entries([]), ["robots"])))
        // Search shows what lists show of entries, and events with their next dates: a body edit leaves it as it is.
        out.files.append(SiteOutput(path: "search.json", body: .text(Deferred { self.searchJSON(everything) }),
                                    key: pageKey(.calendar([]), ["search", String(listingKey)])))
        page("search/", "search", title: "Search", description: "Search letters, pages and events.", self.searchContext(everything),
             shows: .calendar([]), parameters: [String(listingKey)])
        for (path, data) in theme.assets.sorted(by: { $0.key < $1.key }) {
            out.files.append(SiteOutput(path: "assets/" + path, body: .data(data)))
        }
        for file in content.media { out.files.append(SiteOutput(path: "media/" + file, body: .media(file))) }

        var seen = Set<String>()
        return out.files.filter { seen.insert($0.path).inserted }
    }

    /// A section's entry: its body, and the entries either side of it.
    private func entryPage(_ out: OutputCollector, _ section: Section, _ entries: [RenderedEntry], _ i: Int, feeds: [FeedLink]) {
        let item = entries[i]
        // The context is built when the page is written (and only if it is): ten thousand of them held at once cost 60 MB.
        func context() -> [String: TemplateValue] {
            var context: [String: TemplateValue] = ["entry": entryContext(item, section: section)]
            if section.kind == .posts {
                if i > 0 { context["newer"] = ["title": .text(entries[i - 1].entry.title), "url": .text(url(entries[i - 1].entry.path))] }
                if i + 1 < entries.count { context["older"] = ["title": .text(entries[i + 1].entry.title), "url": .text(url(entries[i + 1].entry.path))] }
            }
            return context
        }
        addPage(out, item.entry.path, "entry", title: item.entry.title, description: item.summary, context(),
                shows: .entries([item] + (i > 0 ? [entries[i - 1]] : []) + (i + 1 < entries.count ? [entries[i + 1]] : [])), feeds: feeds,
                lastmod: item.entry.date?.dateOnly, bodies: ShownBodies(form: .html, entries: [item.entry.contentPath]))
    }

    /// A page at the top of `Content/`.
    private func topPage(_ out: OutputCollector, _ item: RenderedEntry) {
        addPage(out, item.entry.path, "entry", title: item.entry.title, description: item.summary, ["entry": self.entryContext(item, section: nil)],
                shows: .entries([item]), bodies: ShownBodies(form: .html, entries: [item.entry.contentPath]))
    }

    /// The feeds a section's pages link to in their heads: a posts section has two.
    private func feedLinks(_ section: Section) -> [FeedLink] {
        guard section.kind == .posts else { return [] }
        return [FeedLink(type: "application/atom+xml", title: "\(section.title) (Atom)", url: url(section.path + "feed.xml")),
                FeedLink(type: "application/feed+json", title: "\(section.title) (JSON Feed)", url: url(section.path + "feed.json"))]
    }

    /// The files that show these entries' bodies (by content path): their pages, and the feeds of their sections when they are in them.
    func outputs(showingBodiesOf paths: Set<String>) -> [SiteOutput] {
        let out = OutputCollector()
        for section in content.sections {
            let entries = ordered(section)
            let feeds = feedLinks(section)
            for i in entries.indices where paths.contains(entries[i].entry.contentPath) { entryPage(out, section, entries, i, feeds: feeds) }
            if section.kind == .posts, entries.prefix(Self.feedLength).contains(where: { paths.contains($0.entry.contentPath) }) {
                out.files += feedOutputs(section, entries)
            }
        }
        for item in content.pages.compactMap({ rendered[$0.contentPath] }) where paths.contains(item.entry.contentPath) { topPage(out, item) }
        return out.files
    }

    /// Adds an HTML page: the template, its context with `site` and `page`, and its sitemap line.
    /// The context is built later, on all cores, while pages are written.
    func addPage(_ out: OutputCollector, _ path: String, _ template: String, title: String, description: String,
                 _ extra: @autoclosure @escaping () -> [String: TemplateValue], shows inputs: PageInputs, parameters: [String] = [],
                 feeds: [FeedLink] = [], lastmod: String? = nil, index: Bool = true, bodies: ShownBodies? = nil) {
        let site = siteContext(currentPath: path, out)
        let context = Deferred { [self] () -> TemplateValue in
            var context = extra()
            context["site"] = site
            context["page"] = ["title": .text(title), "description": .text(description.isEmpty ? config.description : description),
                               "url": .text(url(path)), "absURL": .text(absURL(path)), "feeds": .list(feeds.map(\.value)), "noindex": .flag(!index),
                               "isHome": .flag(path.isEmpty)]
            return .object(context)
        }
        let file = Self.pageFile(path)
        let feedText = feeds.flatMap { [$0.type, $0.title, $0.url] }
        let key = pageKey(inputs, [template, path, title, description, lastmod ?? "-", index ? "indexed" : "noindex"] + feedText + parameters)
        out.files.append(SiteOutput(path: file, body: .template(template, context), key: key, bodies: bodies))
        if index { out.sitemap.append((path, lastmod)) }
    }

    /// The file of the page at a site path: a folder's `index.html`.
    static func pageFile(_ path: String) -> String {
        path.isEmpty || path.hasSuffix("/") ? path + "index.html" : path
    }

    // MARK: Contexts

    /// The `site` context, the same on every page except which menu item is current.
    func siteContext(currentPath: String, _ out: OutputCollector) -> TemplateValue {
        let targets = config.nav.map { navPath($0.url) }
        let current = targets.map { target in target.map { $0.isEmpty ? currentPath.isEmpty : currentPath.hasPrefix($0) } ?? false }
        if let site = out.sites[current] { return site }
        var site = baseSiteContext
        site["nav"] = .list(config.nav.indices.map { i -> TemplateValue in
            ["title": .text(config.nav[i].title), "url": .text(targets[i].map(url) ?? config.nav[i].url), "current": .flag(current[i])]
        })
        let value = TemplateValue.shared(site)
        out.sites[current] = value
        return value
    }

    static func makeBaseSiteContext(_ plan: SitePlan) -> [String: TemplateValue] {
        let config = plan.config
        var site: [String: TemplateValue] = ["title": .text(config.title), "description": .text(config.description), "language": .text(config.language),
                                             "baseURL": .text(config.baseURL), "root": .text(config.basePath), "generator": "Porchlight",
                                             "year": .text(String(plan.yearOfNow)), "districts": plan.districtLinks(),
                                             "sections": .list(plan.content.sections.map { ["title": .text($0.title), "url": .text(plan.url($0.path))] })]
        site["hasNav"] = .flag(!config.nav.isEmpty)
        site["feeds"] = .list(plan.content.sections.filter { $0.kind == .posts }.map { ["title": .text($0.title), "url": .text(plan.url($0.path + "feed.xml"))] })
        if let notice = config.notice, notice.until.map({ plan.now.timeIntervalSince($0.instant) < 86_400 }) ?? true {
            site["notice"] = ["text": .text(notice.text), "html": .text(CommonMark.renderInline(notice.text, options: [.smart]))]
        }
        return site
    }

    /// A menu URL as a site path, or nil for an address elsewhere.
    private func navPath(_ written: String) -> String? {
        if LinkResolver.hasScheme(written) || written.hasPrefix("//") { return nil }
        var path = written
        while path.hasPrefix("/") { path.removeFirst() }
        return path
    }

    var yearOfNow: Int {
        let local = Int(now.timeIntervalSince1970) + config.timeZone.secondsFromGMT(for: now)
        var days = local / 86_400
        if local < 0 && local % 86_400 != 0 { days -= 1 }
        var year = 1970
        while true {
            let length = ContentDate.isLeap(year) ? 366 : 365
            if days < length { return year }
            days -= length
            year += 1
        }
    }

    func districtLinks() -> TemplateValue {
        .list(config.districts.map { ["name": .text($0.name), "slug": .text($0.slug), "url": .text(url("districts/\($0.slug)/"))] })
    }

    /// An entry in a list, built once per entry (see `summaries`).
    func summaryContext(_ item: RenderedEntry) -> TemplateValue {
        .object(summaries[ObjectIdentifier(item)] ?? TemplateObject(pairs: summaryFields(item)).hashed())
    }

    /// Pairs rather than a dictionary: ten thousand summaries, and the object sorts its keys anyway.
    private func summaryFields(_ item: RenderedEntry) -> [(String, TemplateValue)] {
        let entry = item.entry
        var fields: [(String, TemplateValue)] = [("title", .text(entry.title)), ("url", .text(url(entry.path))), ("summary", .text(item.summary)),
                                                 ("tags", .list(entry.tags.map { tagLinkByName[$0] ?? tagLink($0) })),
                                                 ("districts", .list(entry.districts.compactMap { districtLinkBySlug[$0] }))]
        if let author = entry.author { fields.append(("author", .text(author))) }
        if let date = entry.date { fields.append(("date", ["iso": .text(date.iso), "display": .text(date.display)])) }
        if let image = images[entry.contentPath] { fields.append(("image", image)) }
        if let section = entry.section, let link = sectionLinkByName[section] { fields.append(("section", link)) }
        return fields
    }

    func entryContext(_ item: RenderedEntry, section: Section?) -> TemplateValue {
        let summary = summaries[ObjectIdentifier(item)] ?? TemplateObject(pairs: summaryFields(item))
        var fields: [(String, TemplateValue)] = [("bodyHTML", .text(item.bodyHTML)), ("hasTags", .flag(!item.entry.tags.isEmpty)),
                                                 ("hasDistricts", .flag(!item.entry.districts.isEmpty))]
        if let section { fields.append(("section", sectionLinkByName[section.name] ?? sectionLink(section))) }
        return .object(summary.adding(fields))
    }

    private func tagLink(_ tag: String) -> TemplateValue {
        ["name": .text(tag), "url": .text(url("tags/\(Slug.make(tag))/"))]
    }

    private func sectionLink(_ section: Section) -> TemplateValue {
        ["title": .text(section.title), "url": .text(url(section.path))]
    }

    private func imageContext(_ entry: Entry) -> TemplateValue? {
        guard let image = entry.image else { return nil }
        var src = image
        if image.hasPrefix("/") {
            src = url(String(image.drop(while: { $0 == "/" })))
            if image.hasPrefix("/media/"), !content.media.contains(String(image.dropFirst(7))) {
                problems.add(entry.file.error(line: 1, "the image \"\(image)\" does not exist", fix: "add it to Content/media/ or correct the path"))
            }
        } else if !LinkResolver.hasScheme(image) {
            switch resolver.resolve(image, from: entry.contentPath) {
            case let .replace(resolved): src = resolved
            case let .broken(message, fix): problems.add(entry.file.error(line: 1, message, fix: fix))
            case .keep: break
            }
        }
        return ["url": .text(src), "alt": .text(entry.imageAlt ?? "")]
    }

    /// The pages of a paginated list with their links, built once for all of its pages (a long list has hundreds).
    struct PageLinks {
        let urls: [String]
        /// One link per page, none of them current.
        let links: [TemplateValue]
        var count: Int { urls.count }
    }

    /// Splits a list into pages of `perPage`, giving each its path, entries, number and the list's pages.
    private func paginate(_ basePath: String, _ items: [RenderedEntry], perPage: Int,
                          _ makePage: (String, [RenderedEntry], Int, PageLinks) -> Void) {
        let starts = Array(stride(from: 0, to: max(items.count, 1), by: perPage))
        let paths = starts.indices.map { $0 == 0 ? basePath : "\(basePath)page/\($0 + 1)/" }
        let urls = paths.map(url)
        let links: [TemplateValue] = urls.count < 2 ? [] : urls.indices.map {
            .shared(["number": .number($0 + 1), "url": .text(urls[$0]), "current": false, "gap": false])
        }
        let pages = PageLinks(urls: urls, links: links)
        for (i, start) in starts.enumerated() {
            let chunk = Array(items[start..<min(start + perPage, items.count)])
            makePage(paths[i], chunk, i + 1, pages)
        }
    }

    /// One page of a paginated list: its entries, and the links to the other pages when there are several.
    private func listContext(_ base: [String: TemplateValue], _ chunk: [RenderedEntry], _ pages: PageLinks, _ number: Int) -> [String: TemplateValue] {
        var context = base
        context["entries"] = .list(chunk.map(summaryContext))
        if pages.count > 1 { context["pagination"] = pagination(pages, current: number) }
        return context
    }

    private func pagination(_ pages: PageLinks, current: Int) -> TemplateValue {
        let links: [TemplateValue] = Self.pageWindow(current: current, total: pages.count).map { number in
            guard let number else { return Self.paginationGap }
            if number == current { return ["number": .number(current), "url": .text(pages.urls[current - 1]), "current": true, "gap": false] }
            return pages.links[number - 1]
        }
        var fields: [String: TemplateValue] = ["current": .number(current), "total": .number(pages.count), "pages": .list(links)]
        if current > 1 { fields["prev"] = .text(pages.urls[current - 2]) }
        if current < pages.count { fields["next"] = .text(pages.urls[current]) }
        return .object(fields)
    }

    /// The page numbers a list's pages link to: all of them when there are few; else the first, the last and two either
    /// side of the current one, nil standing for the numbers left out. Linking every page made each page as long as the
    /// list (5,000 links on each of 5,000 pages of a 100,000-letter section) and is no help to a reader either.
    static func pageWindow(current: Int, total: Int) -> [Int?] {
        guard total > 7 else { return Array(1...max(total, 1)) }
        let shown = Set([1, total] + Array(max(1, current - 2)...min(total, current + 2))).sorted()
        var out: [Int?] = []
        for number in shown {
            if let last = out.last ?? nil, number > last + 1 { out.append(nil) }
            out.append(number)
        }
        return out
    }

    private static let paginationGap = TemplateValue.shared(["gap": true])

    private func firstParagraph(_ markdown: String) -> String {
        markdown.components(separatedBy: "\n\n").first { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? ""
    }

    /// `/old/path/` → `old/path/index.html`; `/old/page.html` stays a file; nil for anything that is not a local path.
    func aliasFile(_ alias: String) -> String? {
        guard !LinkResolver.hasScheme(alias), !alias.hasPrefix("//") else { return nil }
        var path = alias
        if path.hasPrefix(config.basePath) { path.removeFirst(config.basePath.count) }
        let parts = path.split(separator: "/").map(String.init)
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        if parts.last!.hasSuffix(".html") || parts.last!.hasSuffix(".htm") { return parts.joined(separator: "/") }
        return parts.joined(separator: "/") + "/index.html"
    }

    // MARK: Feeds and machine-readable files

    private func feedOutputs(_ section: Section, _ entries: [RenderedEntry]) -> [SiteOutput] {
        let shown = Array(entries.prefix(Self.feedLength))
        let items = shown.compactMap { item -> Feeds.Item? in
            guard let date = item.entry.date else { return nil }
            return Feeds.Item(title: item.entry.title, absURL: absURL(item.entry.path), date: date, author: item.entry.author,
                              summary: item.summary, contentHTML: item.bodyHTML, tags: item.entry.tags)
        }
        // A feed with no dated letter has not been updated; the moment of the build would change it on every build.
        let updated = items.map(\.date).max()?.rfc3339 ?? ContentDate.rfc3339(Date(timeIntervalSince1970: 0), timeZone: TimeZone(identifier: "UTC")!)
        let title = "\(section.title) — \(config.title)"
        let bodies = shown.filter { $0.entry.date != nil }.map(\.entry.contentPath)
        return [
            SiteOutput(path: section.path + "feed.xml", body: .text(Deferred { Feeds.atom(
                title: title, pageURL: self.absURL(section.path), feedURL: self.absURL(section.path + "feed.xml"), baseURL: self.config.baseURL,
                language: self.config.language, updated: updated, items: items) }), key: pageKey(.entries(shown), ["atom", section.path]),
                       bodies: ShownBodies(form: .atom, entries: bodies)),
            SiteOutput(path: section.path + "feed.json", body: .text(Deferred { Feeds.json(
                title: title, description: self.config.description, pageURL: self.absURL(section.path),
                feedURL: self.absURL(section.path + "feed.json"), language: self.config.language, items: items) }), key: pageKey(.entries(shown), ["json", section.path]),
                       bodies: ShownBodies(form: .json, entries: bodies)),
        ]
    }

    private func sitemapXML(_ pages: [(path: String, lastmod: String?)]) -> String {
        var out = TextBuffer(capacity: 256 + pages.count * 128)
        out.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n")
        for page in pages.sorted(byText: \.path) {
            out.append("  <url><loc>")
            out.append(xmlEscaped: absURL(page.path))
            out.append("</loc>")
            if let lastmod = page.lastmod {
                out.append("<lastmod>")
                out.append(text: lastmod)
                out.append("</lastmod>")
            }
            out.append("</url>\n")
        }
        out.append("</urlset>\n")
        return out.text
    }

    /// One row a page and one an event, in a list.
    private func searchJSON(_ items: [RenderedEntry]) -> String {
        var out = TextBuffer(capacity: 64 + (items.count + calendar.events.count) * 256)
        out.append("[\n")
        var rows = 0
        func row(title: String, url: String, summary: String) {
            out.append(rows == 0 ? "  {\"title\": " : ",\n  {\"title\": ")
            rows += 1
            out.append(jsonQuoted: title)
            out.append(", \"url\": ")
            out.append(jsonQuoted: url)
            out.append(", \"summary\": ")
            out.append(jsonQuoted: summary)
        }
        for item in items.sorted(byText: \.entry.path) {
            row(title: item.entry.title, url: url(item.entry.path), summary: item.summary)
            if let date = item.entry.date {
                out.append(", \"date\": ")
                out.append(jsonQuoted: date.dateOnly)
            }
            if let section = item.entry.section {
                out.append(", \"section\": ")
                out.append(jsonQuoted: section)
            }
            out.append(", \"kind\": \"page\"}")
        }
        var nextByEvent: [Int: SiteCalendar.Item] = [:]
        for item in calendar.upcoming where nextByEvent[item.event] == nil { nextByEvent[item.event] = item }
        for (index, scheduled) in calendar.events.enumerated() {
            let event = scheduled.event
            row(title: event.title, url: url(eventPath(event)), summary: event.summary ?? "")
            if let next = nextByEvent[index] {
                out.append(", \"date\": ")
                out.append(jsonQuoted: next.occurrence.start.icsDay)
            }
            out.append(", \"kind\": \"event\"}")
        }
        out.append("\n]\n")
        return out.text
    }

    static let searchPageLimit = 500

    /// The search page lists everything as plain links, for readers without JavaScript; newest first, capped.
    private func searchContext(_ items: [RenderedEntry]) -> [String: TemplateValue] {
        var groups: [TemplateValue] = []
        var shown = 0
        for section in content.sections {
            let entries = ordered(section).prefix(max(0, Self.searchPageLimit - shown))
            shown += entries.count
            if !entries.isEmpty {
                groups.append(["title": .text(section.title), "items": .list(entries.map { ["title": .text($0.entry.title), "url": .text(url($0.entry.path)),
                                                                                                "date": .text($0.entry.date?.display ?? "")] })])
            }
        }
        let pages = content.pages.compactMap { rendered[$0.contentPath] }.sorted(by: Self.byWeight)
        if !pages.isEmpty {
            groups.append(["title": "Pages", "items": .list(pages.map { ["title": .text($0.entry.title), "url": .text(url($0.entry.path)), "date": ""] })])
        }
        if !calendar.events.isEmpty {
            groups.append(["title": "Events", "items": .list(calendar.events.map { ["title": .text($0.event.title), "url": .text(url(eventPath($0.event))), "date": ""] })])
        }
        return ["groups": .list(groups), "more": .flag(items.count > Self.searchPageLimit)]
    }
}

extension ContentDate {
    /// The instant as RFC 3339 in the given zone.
    static func rfc3339(_ date: Date, timeZone: TimeZone) -> String {
        let offset = timeZone.offsetSeconds(at: date)
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = Int((Double(local) / 86_400).rounded(.down))
        let seconds = local - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return "\(pad(y, 4))-\(pad(m))-\(pad(d))T\(pad(seconds / 3600)):\(pad(seconds % 3600 / 60)):\(pad(seconds % 60))\(offsetText(offset))"
    }

    /// Inverse of `daysFromCivil`.
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
