/// A workspace buffer that grows to the largest size asked for and is then reused, so calls in steady
/// state allocate nothing (the batch size is only known when a batch arrives).
final class ReplayScratch<Element> {
    private var storage: UnsafeMutableBufferPointer<Element>
    private let filler: Element

    /// An empty workspace whose elements start as `filler` when it grows.
    init(filler: Element) {
        self.filler = filler
        storage = .allocate(capacity: 0)
    }

    deinit { storage.deallocate() }

    /// The first `count` elements, growing the buffer if it is shorter (their values are unspecified).
    func prefix(_ count: Int) -> UnsafeMutableBufferPointer<Element> {
        if storage.count < count {
            storage.deallocate()
            storage = .allocate(capacity: count)
            storage.initialize(repeating: filler)
        }
        return UnsafeMutableBufferPointer(rebasing: storage[0..<count])
    }
}
