import ArgumentParser
import Foundation
import Porchlight

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Start a new letter, page or event file with the fields filled in.",
        discussion: "Example: porchlight new letter \"Thank you for a safe Halloween\""
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable { case letter, page, event }

    @Argument(help: "What to create: letter, page or event.")
    var kind: Kind

    @Argument(help: "Its title, in quotes.")
    var title: String

    @Option(name: .long, help: ArgumentHelp("The section folder under Content/ (letters go to letters/; pages to the top of Content/ unless given).", valueName: "name"))
    var section: String?

    @Option(name: .long, help: ArgumentHelp("The folder holding Content/.", valueName: "folder"))
    var source: String = "."

    func validate() throws {
        try validateSourceFolder(source)
        if title.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("give the title in quotes") }
        if let section, section.contains("/") || section.contains("..") { throw ValidationError("--section is a folder name under Content/, like letters") }
    }

    func run() throws {
        let site = URL(fileURLWithPath: source, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let file = NewFile.make(kind: kind.rawValue, title: title, section: section, today: Date())
        let url = site.appendingPathComponent("Content").appendingPathComponent(file.path)
        if FileManager.default.fileExists(atPath: url.path) {
            FileHandle.standardError.write(Data("Content/\(file.path) already exists; nothing was changed. Choose another title.\n".utf8))
            throw ExitCode(1)
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(file.text.utf8).write(to: url, options: .withoutOverwriting)
        print("Created Content/\(file.path)")
    }
}
