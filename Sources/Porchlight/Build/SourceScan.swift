import Foundation

/// Every file a build reads, with its stamp, taken before anything is read: a later `build` compares stamps to learn
/// what changed (see `UpToDate` and `Builder.spliceUpdate`).
struct SourceScan {
    /// A file below the site folder (`Content/…`, `Templates/…`, `site.yml`) and its stamp; nil when the file changed so
    /// lately that its stamp may not show a second change (git's "racy" rule), so a later build reads it again.
    struct File {
        var path: String
        var stamp: FileStamp?
    }

    let files: [File]
    /// The files below `Content/`, by their paths there, in the order `ContentLoader.listFiles` gives; made when asked,
    /// as a build with nothing to do never asks.
    var contentFiles: [String] {
        files.lazy.filter { $0.path.hasPrefix("Content/") }.map { String($0.path.utf8.dropFirst("Content/".utf8.count))! }
    }
    /// Sums up the options and the executable's stamp; nil when the executable is younger than a second.
    let optionsKey: UInt64?
    /// Sums up the options and every stamp; nil when any stamp cannot be trusted.
    let key: UInt64?

    init(_ options: BuildOptions, startedAt: timespec) {
        var f = Fingerprint()
        for value in [options.siteFolder.path, options.output.path, String(options.includeDrafts), options.baseURL ?? "-"] { f.add(value) }
        let executable = FileStamp(path: "/proc/self/exe") ?? FileStamp(path: CommandLine.arguments[0])
        if let executable, executable.isOlder(than: startedAt, by: options.settle) {
            executable.add(to: &f)
            optionsKey = f.value
        } else {
            optionsKey = nil
        }
        var files: [File] = []
        var trusted = optionsKey != nil
        for folder in ["Content", "Templates"] {
            let root = options.siteFolder.appendingPathComponent(folder).path
            f.add(folder)
            var found = ContentLoader.listFilesWithStamps(URL(fileURLWithPath: root), prefix: folder + "/")
            for i in found.indices {
                found[i].stamp = found[i].stamp.flatMap { $0.isOlder(than: startedAt, by: options.settle) ? $0 : nil }
            }
            // Content/ comes first and holds nearly every file: taken as it is, not copied file by file.
            if files.isEmpty { files = found } else { files += found }
        }
        if FileManager.default.fileExists(atPath: options.siteFolder.appendingPathComponent("site.yml").path) {
            let stamp = FileStamp(path: options.siteFolder.appendingPathComponent("site.yml").path)
            files.append(File(path: "site.yml", stamp: stamp.flatMap { $0.isOlder(than: startedAt, by: options.settle) ? $0 : nil }))
        }
        for file in files {
            f.add(file.path)
            guard let stamp = file.stamp else { trusted = false; continue }
            stamp.add(to: &f)
        }
        self.files = files
        key = trusted ? f.value : nil
    }
}

extension FileStamp {
    /// Every number of the stamp, in a fixed order (inline: ten thousand stamps are read per build).
    var numbers: InlineArray<7, UInt64> {
        [device, inode, UInt64(bitPattern: size), UInt64(bitPattern: Int64(modified.tv_sec)), UInt64(bitPattern: Int64(modified.tv_nsec)),
         UInt64(bitPattern: Int64(changed.tv_sec)), UInt64(bitPattern: Int64(changed.tv_nsec))]
    }

    func add(to f: inout Fingerprint) {
        let numbers = numbers
        for i in numbers.indices { f.add(numbers[i]) }
    }
}
