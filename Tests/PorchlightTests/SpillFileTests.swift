import Foundation
import Testing
@testable import Porchlight

struct SpillFileTests {
    /// Bodies stored from many threads come back byte for byte, non-ASCII and empty ones too.
    @Test func textsComeBackAsStored() throws {
        let spill = try #require(SpillFile())
        let texts = (0..<400).map { i in i % 50 == 0 ? "" : "<p>Letter \(i): “Café” — \(String(repeating: "é🙂x", count: i))</p>\n" }
        let places = texts.parallelMap { spill.store($0) }
        for (text, place) in zip(texts, places) {
            let place = try #require(place)
            #expect(spill.text(at: place.offset, length: place.length) == text)
        }
        #expect(!spill.failed)
    }
}
