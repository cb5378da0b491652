import Foundation

extension Array where Element: Sendable {
    /// Maps on all cores, keeping the order of the input so output stays deterministic.
    func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        if count < 2 { return map(transform) }
        let results = ResultSlots<T>(count: count)
        let input = self
        DispatchQueue.concurrentPerform(iterations: count) { i in
            results.set(i, transform(input[i]))
        }
        return results.values()
    }
}

extension Array where Element: Sendable {
    /// `parallelMap` a run of elements at a time: for work as small as one system call, where a task each would cost more.
    func parallelMap<T: Sendable>(chunksOf chunk: Int, _ transform: @Sendable (Element) -> T) -> [T] {
        let input = self
        return Array<Int>(stride(from: 0, to: count, by: chunk)).parallelMap { start in
            input[start..<Swift.min(start + chunk, input.count)].map(transform)
        }.flatMap { $0 }
    }
}

/// One slot per index; each index is written by exactly one iteration, so no lock is needed. The slots are memory this
/// owns, never an Array: an Array's mutating access from two threads races on its buffer (it may copy it under a write).
private final class ResultSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }
    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
    func set(_ index: Int, _ value: T) { slots[index] = value }
    func values() -> [T] { slots.map { $0! } }
}

/// A value handed to `parallelMap` that the compiler cannot prove safe to share; for values only read while it runs.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Work started on a thread of its own now, its result waited for when asked. Not one of Dispatch's: a busy worker there
/// would leave `parallelMap` one thread short, as Dispatch adds none while its workers are running.
final class InBackground<T>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var result: T?

    init(_ work: @escaping @Sendable () -> T) {
        done.enter()
        Thread {
            self.result = work()
            self.done.leave()
        }.start()
    }

    var value: T {
        done.wait()
        return result!
    }
}

/// Values made once each, on whichever thread asks first; made outside the lock, so two threads may both make one and
/// either result is kept (they are the same).
final class MadeOnce<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func value(at index: Int, _ make: () -> Value) -> Value {
        if let value = lock.withLock({ values[index] }) { return value }
        let value = make()
        lock.withLock { values[index] = value }
        return value
    }
}
