import Foundation

/// A folder of entries under `Content/`: letters, strategy pages, …
public struct Section: Sendable {
    public enum Kind: String, Sendable { case posts, pages }
    public var name: String
    public var title: String
    public var intro: String
    public var introFile: SourceFile?
    public var introLine: Int
    public var kind: Kind
    public var entries: [Entry]
    public var path: String { name + "/" }
}

/// Everything read from `Content/`, checked, with drafts and scheduled entries already set aside.
public struct SiteContent: Sendable {
    public var config: SiteConfig
    public var homeIntro: String
    public var homeIntroFile: SourceFile?
    public var homeIntroLine: Int
    public var sections: [Section]
    /// Pages at the top of `Content/` (`about.md` → `/about/`).
    public var pages: [Entry]
    /// Files below `Content/media/`, relative to it.
    public var media: [String]
    /// Every Markdown file by its path below `Content/`, published or not, for link checking.
    public var allContentPaths: Set<String>
    /// Events and series from `Content/events/`, in file-name order.
    public var events: [Event] = []
    /// Entries left out because their publishDate has not come yet: when, and which file.
    public var scheduled: [(date: Date, path: String)] = []
}

public struct BuildOptions: Sendable {
    public var siteFolder: URL
    public var output: URL
    public var includeDrafts: Bool
    public var now: Date
    public var baseURL: String?
    /// A previous build to take unchanged pages from, when it is not the output folder itself (the preview server's).
    public var previous: URL?
    /// Called now and then while files are written, with how many are done and how many there are.
    public var progress: (@Sendable (Int, Int) -> Void)?
    /// Files parsed and bodies rendered by earlier builds of the same site (the preview server's), to reuse.
    public var cache: BuildCache?
    /// The files changed since the last build, relative to the site folder, when the caller knows them (the preview
    /// server's watcher does): with a cache, a change to a few bodies then renders only the pages that show them.
    public var changed: [String]?
    /// How many seconds old a file's stamp must be before `build` trusts it to show the next change (see `SourceScan`);
    /// tests that edit files between builds lower it.
    var settle: Double = 1
    /// Called when the content has been read, before any body is rendered: tests change files there.
    var afterReading: (@Sendable () -> Void)?
    /// The process ends right after this build (the `build` command): what it made is left for the exit to free, as
    /// freeing a hundred thousand objects one by one takes a twentieth of a build (clang's -disable-free does the same).
    public var exitsAfter = false

    public init(siteFolder: URL, output: URL? = nil, includeDrafts: Bool = false, now: Date = Date(), baseURL: String? = nil) {
        self.siteFolder = siteFolder.standardizedFileURL
        self.output = (output ?? siteFolder.appendingPathComponent("Public")).standardizedFileURL
        self.includeDrafts = includeDrafts
        self.now = now
        self.baseURL = baseURL
    }
}

/// Reads the whole `Content/` folder; files are parsed on all cores, results kept in path order.
enum ContentLoader {
    static let reservedFolders: Set<String> = ["events", "media"]
    /// Output folders Porchlight writes itself; a section with one of these names would collide.
    static let generatedFolders: Set<String> = ["tags", "districts", "calendar", "assets", "search", "page"]

    /// `listed`: the files below `Content/` as a scan of the sources just found them, so the folder is not walked twice.
    static func load(_ options: BuildOptions, problems: Problems, listed: [String]? = nil) -> SiteContent {
        let contentFolder = options.siteFolder.appendingPathComponent("Content")
        let config = SiteConfig.read(siteFolder: options.siteFolder, baseURLOverride: options.baseURL, problems: problems)
        var content = SiteContent(config: config, homeIntro: "", homeIntroFile: nil, homeIntroLine: 1, sections: [],
                                  pages: [], media: [], allContentPaths: [])
        guard FileManager.default.fileExists(atPath: contentFolder.path) else {
            problems.add(.error(SourceLocation(path: "Content"), "there is no Content folder in \(options.siteFolder.path)",
                                fix: "run porchlight in the folder that holds Content/, or pass --source DIR"))
            return content
        }
        let files = listed ?? listFiles(contentFolder)
        content.media = files.filter { $0.hasPrefix("media/") }.map { String($0.dropFirst(6)) }
        let markdown = files.filter { $0.hasSuffix(".md") && !$0.hasPrefix("media/") && !$0.hasPrefix("events/") }
        content.allContentPaths = Set(markdown)
        for path in markdown where path.folderDepth > 1 {
            problems.add(.warning(SourceLocation(path: "Content/" + path), "files in folders inside a section are not published",
                                  fix: "move it up to Content/\(path.firstFolder!)/"))
        }

        let contentFolderPath = contentFolder.path
        let cache = options.cache
        let configKey = cache == nil ? 0 : Self.configKey(config)
        cache?.keepOnly(files: Set(files))
        let parsed: [Parsed] = markdown.filter { $0.folderDepth <= 1 }.parallelMap { path in
            let fullPath = contentFolderPath + "/" + path, displayPath = "Content/" + path
            let parse = { (file: SourceFile?, failure: Diagnostic?) -> BuildCache.ParsedResult in
                let problems = Problems()
                var entry: Entry?
                var index: SectionIndex?
                if let failure { problems.add(failure) }
                if let file {
                    if path.fileName == "_index.md" {
                        index = readIndex(file, problems: problems)
                    } else {
                        // Without a cache nothing is kept for a later build, so the body waits on disk until it is rendered.
                        entry = Entry.read(file, contentPath: path, section: path.firstFolder, config: config, problems: problems,
                                           bodyOnDisk: cache == nil ? fullPath : nil)
                    }
                }
                return .markdown(Parsed(entry: entry, index: index, diagnostics: problems.list, path: path))
            }
            let result = cache.map { $0.parsed(path, fullPath: fullPath, configKey: configKey, parse: parse, displayPath: displayPath) }
                ?? readAndParse(fullPath, displayPath: displayPath, parse)
            guard case let .markdown(parsed) = result else { fatalError("a Markdown file cached as an event") }
            return parsed
        }

        var sections: [String: Section] = [:]
        for folder in Set(markdown.compactMap { $0.folderDepth == 1 ? $0.firstFolder : nil }) {
            sections[folder] = Section(name: folder, title: folder.capitalized, intro: "", introFile: nil, introLine: 1, kind: .pages, entries: [])
        }
        var explicitKind: [String: Section.Kind] = [:]
        for item in parsed {
            problems.add(contentsOf: item.diagnostics)
            let folder = item.path.firstFolder
            if let index = item.index {
                if let folder {
                    if let title = index.title { sections[folder]?.title = title }
                    sections[folder]?.intro = index.body
                    sections[folder]?.introFile = index.file
                    sections[folder]?.introLine = index.bodyLine
                    explicitKind[folder] = index.kind
                } else {
                    content.homeIntro = index.body
                    content.homeIntroFile = index.file
                    content.homeIntroLine = index.bodyLine
                }
                continue
            }
            guard let entry = item.entry else { continue }
            if !options.includeDrafts {
                if entry.draft { continue }
                if let publish = entry.publishDate, publish.instant > options.now {
                    content.scheduled.append((publish.instant, entry.file.path))
                    continue
                }
            }
            if let folder { sections[folder]?.entries.append(entry) } else { content.pages.append(entry) }
        }
        let eventFiles = files.filter { $0.hasPrefix("events/") && ($0.hasSuffix(".yml") || $0.hasSuffix(".yaml")) }
        for path in files where path.hasPrefix("events/") && !eventFiles.contains(path) && !path.hasSuffix(".md") {
            problems.add(.warning(SourceLocation(path: "Content/" + path), "only .yml files in Content/events/ are read",
                                  fix: "rename it to end in .yml"))
        }
        let readEvents: [(Event?, [Diagnostic])] = eventFiles.parallelMap { path in
            let parse = { (file: SourceFile?, failure: Diagnostic?) -> BuildCache.ParsedResult in
                let problems = Problems()
                var event: Event?
                if let failure { problems.add(failure) }
                if let file {
                    let name = path.fileName
                    let slug = Slug.fromFileName(String(name.dropLast(name.hasSuffix(".yaml") ? 5 : 4)) + ".md")
                    event = EventReader(config: config, problems: problems, file: file).read(slug: slug)
                }
                return .event(event, problems.list)
            }
            let fullPath = contentFolderPath + "/" + path, displayPath = "Content/" + path
            let result = cache.map { $0.parsed(path, fullPath: fullPath, configKey: configKey, parse: parse, displayPath: displayPath) }
                ?? readAndParse(fullPath, displayPath: displayPath, parse)
            guard case let .event(event, diagnostics) = result else { fatalError("an event file cached as Markdown") }
            return (event, diagnostics)
        }
        for (event, diagnostics) in readEvents {
            problems.add(contentsOf: diagnostics)
            if let event { content.events.append(event) }
        }
        content.sections = sections.values.sorted { $0.name < $1.name }.map { section in
            var section = section
            section.kind = explicitKind[section.name] ?? (section.entries.contains { $0.date != nil } ? .posts : .pages)
            return section
        }
        options.afterReading?()
        return content
    }

    /// Sums up the settings a file is parsed with, for the cache.
    static func configKey(_ config: SiteConfig) -> UInt64 { Fingerprint.of([String(reflecting: config)]) }

    /// One Markdown file as read. A class, so handing ten thousand results between threads and arrays costs one retain each, not one per field.
    final class Parsed: Sendable {
        let entry: Entry?, index: SectionIndex?, diagnostics: [Diagnostic], path: String
        init(entry: Entry?, index: SectionIndex?, diagnostics: [Diagnostic], path: String) {
            self.entry = entry; self.index = index; self.diagnostics = diagnostics; self.path = path
        }
    }

    private static func readAndParse(_ fullPath: String, displayPath: String,
                                     _ parse: (SourceFile?, Diagnostic?) -> BuildCache.ParsedResult) -> BuildCache.ParsedResult {
        switch SourceFile.read(atPath: fullPath, displayPath: displayPath) {
        case let .failure(diagnostic): return parse(nil, diagnostic)
        case let .success(file): return parse(file, nil)
        }
    }

    /// `_index.md`: a section's title, kind and intro text (or the home page's, at the top of Content/).
    struct SectionIndex: Sendable {
        var title: String?
        var kind: Section.Kind?
        var body: String
        var file: SourceFile
        var bodyLine: Int
    }

    private static func readIndex(_ file: SourceFile, problems: Problems) -> SectionIndex? {
        guard let matter = FrontMatter.split(file, problems: problems) else { return nil }
        var index = SectionIndex(title: nil, kind: nil, body: String(matter.body), file: file, bodyLine: matter.bodyLine)
        if let root = YAMLNode.parse(matter.yaml, file: file, lineOffset: 1, problems: problems),
           let f = Fields(root, problems: problems, what: "the front matter") {
            f.rejectUnknown(["title", "kind", "description"], what: "_index.md")
            index.title = f.string("title")
            if let kind = f.string("kind") {
                index.kind = Section.Kind(rawValue: kind)
                if index.kind == nil {
                    problems.add(f["kind"]!.error("unknown kind \"\(kind)\"", fix: "use \"kind: posts\" (dated, newest first) or \"kind: pages\" (ordered by weight)"))
                }
            }
        }
        return index
    }

    /// Every file below a folder, relative to it, sorted; hidden files and editor droppings left out.
    /// Symbolic links inside are neither listed nor followed; the folder itself may be one.
    static func listFiles(_ folder: URL) -> [String] {
        var folders: [(fd: Int32, path: String)]? = nil
        return list(folder, prefix: "", folders: &folders).map(\.path)
    }

    /// `listFiles` with each file's stamp, taken on all cores by name in its open folder (cheaper than by whole path);
    /// each path starts with `prefix`.
    static func listFilesWithStamps(_ folder: URL, prefix: String = "") -> [SourceScan.File] {
        var kept: [(fd: Int32, path: String)]? = []
        let files = list(folder, prefix: prefix, folders: &kept)
        let folders = kept ?? []
        defer { for folder in folders where folder.fd >= 0 { close(folder.fd) } }
        return files.parallelMap(chunksOf: 1024) { file in
            var info = stat()
            let folder = folders[file.folder]
            // A folder that could not stay open (too many open files) is reached by its path.
            let found = folder.fd >= 0 ? fstatat(folder.fd, file.name, &info, AT_SYMLINK_NOFOLLOW) : lstat(folder.path + "/" + file.name, &info)
            return SourceScan.File(path: file.path, stamp: found == 0 ? FileStamp(info) : nil)
        }
    }

    /// A file found by `list`: its path, its name, and the index of its folder in `folders`.
    /// A struct, not a tuple: an array of tuples is freed element by element through the runtime's generic code.
    private struct Listed {
        var path: String
        var name: String
        var folder: Int
    }

    /// The sorted files below a folder, each with its name and, when `folders` is given, the index of its folder there.
    private static func list(_ folder: URL, prefix: String, folders: inout [(fd: Int32, path: String)]?) -> [Listed] {
        let root = folder.path
        var info = stat()
        // The folder itself may be a link (a Content/ kept elsewhere); links inside it are neither listed nor followed.
        guard stat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return [] }
        var out: [Listed] = []
        walk(root, relative: prefix, folders: &folders, into: &out)
        out.sort { $0.path.utf8Precedes($1.path) }
        return out
    }

    /// The entry's name where readdir put it: an entry is only as long as its name, so copying `d_name` (a 256-byte
    /// tuple) would read past the last entry of readdir's buffer.
    private static func name(of entry: UnsafeMutablePointer<dirent>) -> UnsafePointer<CChar> {
        (UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!).assumingMemoryBound(to: CChar.self)
    }

    /// A plain readdir walk: FileManager's enumerator and URL resource values cost more than reading the files.
    private static func walk(_ folder: String, relative: String, folders: inout [(fd: Int32, path: String)]?,
                             into out: inout [Listed]) {
        guard let dir = opendir(folder) else { return }
        defer { closedir(dir) }
        folders?.append((open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC), folder))
        let index = (folders?.count ?? 0) - 1
        while let entry = readdir(dir) {
            // A name that is not UTF-8 cannot be a path here; FileManager's enumerator left those out too.
            guard let name = String(validatingCString: name(of: entry)), !name.hasPrefix(".") else { continue }
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {
                // Some file systems leave the type out of the entry; ask for it.
                var info = stat()
                guard fstatat(dirfd(dir), name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                type = info.st_mode & S_IFMT == S_IFDIR ? UInt8(DT_DIR) : info.st_mode & S_IFMT == S_IFREG ? UInt8(DT_REG) : 0
            }
            if type == UInt8(DT_DIR) {
                walk(folder + "/" + name, relative: relative + name + "/", folders: &folders, into: &out)
            } else if type == UInt8(DT_REG), !name.hasSuffix("~"), !name.hasPrefix("#") {
                out.append(Listed(path: relative + name, name: name, folder: index))
            }
        }
    }
}

/// Paths below `Content/` as `listFiles` gives them (`letters/a.md`), taken apart by their "/" bytes without building arrays.
extension String {
    /// How many folders down the file lies: 0 for `about.md`, 1 for `letters/a.md`.
    fileprivate var folderDepth: Int {
        utf8.withContiguousStorageIfAvailable { $0.count { $0 == UInt8(ascii: "/") } } ?? utf8.count { $0 == UInt8(ascii: "/") }
    }
    /// The first folder, or nil for a file at the top.
    fileprivate var firstFolder: String? { utf8.firstIndex(of: UInt8(ascii: "/")).map { String(self[..<$0]) } }
    /// The last part of the path.
    var fileName: Substring { lastIndex(ofByte: UInt8(ascii: "/")).map { self[utf8.index(after: $0)...] } ?? self[...] }
}
