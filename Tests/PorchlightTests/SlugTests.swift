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

    @Test(arguments: [
        ("2024-11-05-thank-you.md", "thank-you"),
        ("community-policing.md", "community-policing"),
        ("2024-11-05.md", "2024-11-05"),
        ("Budget Hearing.md", "budget-hearing"),
    ])
    func dropsTheDateFromFileNames(name: String, slug: String) {
        #expect(Slug.fromFileName(name) == slug)
    }
}
