import Testing
@testable import Porchlight

@Suite struct FingerprintTests {
    /// Texts are read in place whether Swift stores them inline (up to 15 bytes) or on the heap; both must hash alike,
    /// and every length (eight bytes a step, then the rest) must count.
    @Test func textsHashByTheirBytesWhereverTheyAreStored() {
        var seen: Set<UInt64> = []
        for length in 0...40 {
            let text = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            var onHeap = String()
            onHeap.reserveCapacity(64)
            onHeap += text
            #expect(Fingerprint.of([text]) == Fingerprint.of([onHeap]))
            #expect(Fingerprint.of([text + "é"]) == Fingerprint.of([onHeap + "é"]))
            seen.insert(Fingerprint.of([text]))
        }
        #expect(seen.count == 41)
        #expect(Fingerprint.of(["ab", "c"]) != Fingerprint.of(["a", "bc"]))
        #expect(Fingerprint.of(["12345678x"]) != Fingerprint.of(["12345678y"]))
    }

    @Test func contextsDifferWhenWhatTheTemplateSeesDiffers() {
        func of(_ context: TemplateValue) -> UInt64 { Fingerprint.of(context: context, template: "page", theme: 1) }
        let base: TemplateValue = ["title": "A", "items": ["x", "y"], "shown": true, "count": 2]
        #expect(of(base) == of(["count": 2, "shown": true, "items": ["x", "y"], "title": "A"]))
        for changed: TemplateValue in [["title": "B", "items": ["x", "y"], "shown": true, "count": 2],
                                       ["title": "A", "items": ["xy"], "shown": true, "count": 2],
                                       ["title": "A", "items": ["x", "y"], "shown": false, "count": 2],
                                       ["title": "A", "items": ["x", "y"], "shown": true, "count": 3],
                                       ["name": "A", "items": ["x", "y"], "shown": true, "count": 2]] {
            #expect(of(base) != of(changed))
        }
        #expect(Fingerprint.of(context: base, template: "other", theme: 1) != of(base))
    }
}
