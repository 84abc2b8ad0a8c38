#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An owned run of `count` elements of a plain numeric type (`Float`, `Int32`, `Double`), zero until
/// written, whose memory the operating system provides page by page as it is first touched.
///
/// Replay buffers are sized for a whole run (up to tens of millions of transitions, several GB) but fill
/// gradually, front to back. `Matrix` zero-initialises its storage, which would touch every page at
/// construction: seconds of work and the full resident size up front. Anonymous `mmap` memory reads as
/// zeros without being touched, so unused capacity costs address space only. Columns of 2 MB and more
/// also ask for transparent huge pages, which cuts the TLB misses of gathering random rows.
final class ReplayColumn<Element> {
    /// Address of the first element (page-aligned).
    let base: UnsafeMutablePointer<Element>
    private let byteCount: Int

    /// `count` zero elements; throws `ReplayError.outOfMemory` if the system cannot map that much memory.
    init(count: Int) throws {
        precondition(count >= 0, "negative replay column length \(count)")
        let (bytes, overflow) = Swift.max(count, 1).multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
        if overflow { throw ReplayError.outOfMemory(bytes: Int.max) }
        let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { throw ReplayError.outOfMemory(bytes: bytes) }
        #if os(Linux)
        // Advice only: where huge pages are unavailable the mapping simply keeps small pages. Measured
        // here, they take a uniform batch gather from a 512 MB buffer from 10-18 us to 10 us, steadily.
        if bytes >= 2 << 20 { _ = madvise(mapped, bytes, MADV_HUGEPAGE) }
        #endif
        byteCount = bytes
        base = mapped.bindMemory(to: Element.self, capacity: Swift.max(count, 1))
    }

    deinit { munmap(base, byteCount) }
}
