import Foundation
import Testing

/// The `porchlight` executable itself: exit statuses and usage messages. `swift test` builds it next to the tests.
struct CommandLineTests {
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("porchlight")

    func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "build the porchlight product first")
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: ["build", "check", "occurrences"])
    func missingSourceFolderIsAUsageError(command: String) throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("porchlight-missing-\(UUID().uuidString)").path
        let (status, stderr) = try run([command, "--source", missing])
        #expect(status == 2)
        #expect(stderr.hasPrefix("Error: --source \"\(missing)\" does not exist; pass the folder that holds Content/ (default: the current folder)\n"))
    }

    @Test func sourceThatIsAFileIsAUsageError() throws {
        let file = Repo.root.appendingPathComponent("Package.swift").path
        let (status, stderr) = try run(["build", "--source", file])
        #expect(status == 2)
        #expect(stderr.hasPrefix("Error: --source \"\(file)\" is a file, not a folder"))
    }

    @Test(arguments: ["example.org", "ftp://example.org/", ""])
    func baseURLFollowsTheSiteYAMLRule(url: String) throws {
        let site = Repo.fixtures.appendingPathComponent("good-site").path
        let (status, stderr) = try run(["check", "--source", site, "--base-url", url])
        #expect(status == 2)
        #expect(stderr.hasPrefix("Error: --base-url \"\(url)\" must start with https://, http:// or /; write it like https://community.example.org/\n"))
    }

    @Test(arguments: ["https://example.org/police/", "/police/"])
    func goodBaseURLIsTaken(url: String) throws {
        let site = Repo.fixtures.appendingPathComponent("good-site").path
        let (status, _) = try run(["check", "--source", site, "--base-url", url, "--now", "2026-11-21T12:00:00-06:00"])
        #expect(status == 0)
    }
}
