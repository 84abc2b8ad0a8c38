/// `count` elements in memory owned by this object and freed with it.
///
/// Unlike an array, the storage never moves and carries no copy-on-write checks, so hot loops can index
/// it freely and worker threads can update distinct elements at once. `elements` stays valid for as long
/// as the object lives: keep the object, not just the buffer.
public final class OwnedBuffer<Element> {
    /// The elements.
    public let elements: UnsafeMutableBufferPointer<Element>

    /// `count` copies of `value`.
    public init(repeating value: Element, count: Int) {
        precondition(count >= 0, "negative buffer length \(count)")
        elements = .allocate(capacity: count)
        elements.initialize(repeating: value)
    }

    /// Elements `make(0) ..< make(count)`.
    public init(count: Int, _ make: (Int) -> Element) {
        precondition(count >= 0, "negative buffer length \(count)")
        elements = .allocate(capacity: count)
        for i in 0..<count { (elements.baseAddress! + i).initialize(to: make(i)) }
    }

    deinit {
        elements.deinitialize()
        elements.deallocate()
    }

    /// Number of elements.
    public var count: Int { elements.count }
}
