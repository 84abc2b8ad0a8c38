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
///
/// The count is at most `maximumThreadCount`: 4 x the cores the process may use, and never more than 256
/// (more threads only oversubscribe the cores, and each BLAS thread reserves memory). The executables
/// refuse a larger `--threads` or `RECORL_THREADS` with an error (`validateThreadCount`,
/// `environmentThreadCount()`); `setThreadCount(_:)` caps it.
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

    /// The most threads the engine uses: 4 x the cores the process may use, at most 256.
    public static var maximumThreadCount: Int {
        min(256, 4 * max(1, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// What a thread count must be, in words, for error messages.
    public static var acceptedThreadCounts: String {
        "an integer from 1 to \(maximumThreadCount) (4 x the \(max(1, ProcessInfo.processInfo.activeProcessorCount)) cores, at most 256)"
    }

    /// Sets the number of threads for BLAS and the engine's parallel loops (capped at `maximumThreadCount`).
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "thread count must be at least 1, got \(count)")
        lock.lock()
        defer { lock.unlock() }
        apply(min(count, maximumThreadCount))
    }

    /// Throws `ThreadCountError` naming `source` (a flag or variable) unless `count` is in
    /// `1...maximumThreadCount`.
    public static func validateThreadCount(_ count: Int, source: String) throws {
        guard (1...maximumThreadCount).contains(count) else {
            throw ThreadCountError(source: source, value: "\(count)", expected: acceptedThreadCounts)
        }
    }

    /// The count `RECORL_THREADS` asks for (nil when unset or blank); throws `ThreadCountError` when it
    /// holds anything but a decimal integer in `1...maximumThreadCount`.
    public static func environmentThreadCount(
        _ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int? {
        guard let raw = environment[environmentVariable] else { return nil }
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let value = Int(text),
              (1...maximumThreadCount).contains(value) else {
            throw ThreadCountError(source: environmentVariable, value: "\"\(raw)\"", expected: acceptedThreadCounts)
        }
        return value
    }

    /// The count used when nothing was set: `RECORL_THREADS` if it holds a valid count, else all cores
    /// (capped at `maximumThreadCount`).
    public static func defaultThreadCount() -> Int {
        if let value = try? environmentThreadCount() { return value }
        return min(max(1, ProcessInfo.processInfo.activeProcessorCount), maximumThreadCount)
    }

    private static func apply(_ count: Int) {
        configured = count
        openblas_set_num_threads(Int32(clamping: count))
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

/// A thread count out of range: names the flag or variable, the value given and what is accepted.
public struct ThreadCountError: Error, Equatable, CustomStringConvertible {
    public let source: String
    public let value: String
    public let expected: String

    public var description: String { "\(source): \(value) is not valid; expected \(expected)" }
}
