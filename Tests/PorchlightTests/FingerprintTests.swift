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

    /// Bytes are hashed on four lanes over runs of 32, then one lane: at every length and every alignment, a change of
    /// any one byte, or words trading places between lanes, changes the hash; the same bytes anywhere hash alike.
    @Test func everyByteCountsOnEveryLane() {
        var random = SeededRandom(seed: 5)
        let storage = (0..<160).map { _ in UInt8(random.next(256)) }
        storage.withUnsafeBytes { all in
            for length in 0...100 {
                let first = Fingerprint.hash(UnsafeRawBufferPointer(rebasing: all[0..<length]), seed: 9)
                var copy = Array(all[0..<length])
                for offset in 1...3 {
                    let moved = Array(repeating: UInt8(0), count: offset) + copy
                    moved.withUnsafeBytes { #expect(Fingerprint.hash(UnsafeRawBufferPointer(rebasing: $0[offset...]), seed: 9) == first) }
                }
                for index in 0..<length {
                    copy[index] ^= 0x40
                    copy.withUnsafeBytes { #expect(Fingerprint.hash($0, seed: 9) != first, "byte \(index) of \(length)") }
                    copy[index] ^= 0x40
                }
                if length >= 32 {
                    copy.swapAt(0, 8)
                    copy.swapAt(1, 9)
                    copy.withUnsafeBytes { #expect(Fingerprint.hash($0, seed: 9) != first) }
                }
                #expect(Fingerprint.hash(UnsafeRawBufferPointer(rebasing: all[0..<length]), seed: 10) != first)
            }
        }
    }
}
