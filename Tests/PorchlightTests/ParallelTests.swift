import Testing
@testable import Porchlight

struct ParallelTests {
    /// Both cores write their results at once: an Array-backed store crashed here (in CI, and at once in a debug build),
    /// because each write could copy the Array under the other core's write.
    @Test func resultsKeepTheirOrderWhenBothCoresWriteAtOnce() {
        let input = Array(0..<20_000)
        for _ in 0..<20 {
            let output = input.parallelMap { "letter \($0), long enough that its text lives on the heap" }
            #expect(output == input.map { "letter \($0), long enough that its text lives on the heap" })
        }
    }
}
