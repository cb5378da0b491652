import Testing
@testable import Porchlight

struct SlugTests {
    @Test(arguments: [
        ("Coffee with a Cop", "coffee-with-a-cop"),
        ("Commissioner's Letters", "commissioners-letters"),
        ("  Safety: a plan — for 2027!  ", "safety-a-plan-for-2027"),
        ("Café Olé", "cafe-ole"),
        ("../../etc/passwd", "etc-passwd"),
        ("Commissioner’s Letters", "commissioners-letters"),
        ("It's 9-1-1", "its-9-1-1"),
        ("--Hello, World--", "hello-world"),
    ])
    func makesURLSafeNames(text: String, slug: String) {
        #expect(Slug.make(text) == slug)
    }

    @Test func asciiTextGivesTheSlugOfItsScalars() {
        // ASCII text takes a byte path of its own; it must agree with the path for folded text, byte for byte.
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09 -_'.,:/\\!?#&()[]{}@`~^|\"\t\n".utf8) + Array(UInt8(32)...UInt8(126))
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...40, using: &generator)
            let text = String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
            #expect(Slug.make(text) == Slug.make(text.unicodeScalars.lazy.map(\.value), capacity: text.utf8.count), "\(text)")
        }
    }

    @Test(arguments: [
        ("2024-11-05-thank-you.md", "thank-you"),
        ("community-policing.md", "community-policing"),
        ("2024-11-05.md", "2024-11-05"),
        ("Budget Hearing.md", "budget-hearing"),
        ("2024-11-05-Café Olé.md", "cafe-ole"),
        ("Résumé.md", "resume"),
        ("2024-11-05-no-extension", "no-extension"),
        ("notes.MD", "notes-md"),
        (".md", ""),
        ("2024-11-05-.md", "2024-11-05"),
    ])
    func dropsTheDateFromFileNames(name: String, slug: String) {
        #expect(Slug.fromFileName(name) == slug)
    }
}
