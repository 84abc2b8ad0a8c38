import CBLAS
import Dispatch
import Foundation

/// The one setting for how many cores the engine uses.
///
/// Both consumers of cores follow it: OpenBLAS's threads inside matrix products, and the engine's own
/// parallel loops (large row kernels, top-k over large catalogues, environment stepping). They never run
/// at the same time: a parallel loop never calls BLAS from its workers, and BLAS is called only from the
/// thread that drives the step, so the process never asks for more than `threadCount` busy threads.
///
/// The count defaults to every core the process may use, can be fixed with the environment variable
/// `RECORL_THREADS` (read once, at first use), and can be changed at run time with `setThreadCount(_:)`.
/// Same seed and same thread count give bit-identical runs.
public enum ThreadPolicy {
    /// Environment variable that overrides the default thread count.
    public static let environmentVariable = "RECORL_THREADS"

    private static let lock = NSLock()
    nonisolated(unsafe) private static var configured: Int?

    /// Number of threads the engine uses (at least 1).
    public static var threadCount: Int {
        lock.lock()
        defer { lock.unlock() }
        if let configured { return configured }
        let count = defaultThreadCount()
        apply(count)
        return count
    }

    /// Sets the number of threads for BLAS and the engine's parallel loops.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "thread count must be at least 1, got \(count)")
        lock.lock()
        defer { lock.unlock() }
        apply(count)
    }

    /// The count used when nothing was set: `RECORL_THREADS` if it holds a positive integer, else all cores.
    public static func defaultThreadCount() -> Int {
        if let text = ProcessInfo.processInfo.environment[environmentVariable],
           let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1 {
            return value
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    private static func apply(_ count: Int) {
        configured = count
        openblas_set_num_threads(Int32(count))
    }

    /// Makes sure the policy has been applied to BLAS; called before the first product.
    @inline(__always) static func ensureApplied() {
        _ = applied
    }
    private static let applied: Int = threadCount

    /// Runs `body` over `0..<count` split into contiguous chunks, on up to `threadCount` threads.
    ///
    /// Chunks are never smaller than `minimumChunk` elements, so small loops stay on the calling thread.
    /// The split depends only on `count`, `minimumChunk` and the thread count, which keeps results that
    /// combine per-chunk partials deterministic. `body` must not call BLAS.
    public static func parallelChunks(_ count: Int, minimumChunk: Int,
                                      _ body: (Range<Int>) -> Void) {
        let chunks = chunkCount(count, minimumChunk: minimumChunk)
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body(chunkRange(chunk, of: chunks, total: count))
        }
    }

    /// How many chunks `parallelChunks` splits `count` elements into.
    public static func chunkCount(_ count: Int, minimumChunk: Int) -> Int {
        max(1, min(threadCount, count / max(1, minimumChunk)))
    }

    /// The `index`-th of `chunks` near-equal contiguous ranges covering `0..<total`.
    public static func chunkRange(_ index: Int, of chunks: Int, total: Int) -> Range<Int> {
        let lower = total * index / chunks
        let upper = total * (index + 1) / chunks
        return lower..<upper
    }
}
