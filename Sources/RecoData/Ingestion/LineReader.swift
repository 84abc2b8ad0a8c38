#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a byte source through one growable buffer: whole lines (`forEachLine`) or single bytes
/// (`nextByte`, for the CSV reader, whose records may span lines). Holds one chunk, plus the longest
/// line, at a time.
public final class BufferedByteReader {
    private let source: ByteSource
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var exhausted = false

    /// A reader over `source` with chunks of `chunkSize` bytes.
    public init(_ source: ByteSource, chunkSize: Int = 1 << 20) {
        self.source = source
        capacity = max(chunkSize, 16)
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Bytes consumed from the underlying file so far.
    public var bytesConsumed: Int { source.bytesConsumed }

    /// Fills the buffer (keeping unread bytes) and returns the unread bytes, for probing a file's start.
    public func peek(atLeast count: Int) throws -> UnsafeBufferPointer<UInt8> {
        while end - start < count && !exhausted { try refill() }
        return UnsafeBufferPointer(start: storage + start, count: end - start)
    }

    /// Moves the unread bytes to the front, grows the buffer when it is full, and reads more.
    private func refill() throws {
        if start > 0 {
            if end > start { memmove(storage, storage + start, end - start) }
            end -= start
            start = 0
        }
        if end == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: storage, count: end)
            storage.deallocate()
            storage = grown
            capacity *= 2
        }
        let got = try source.read(into: storage + end, count: capacity - end)
        if got == 0 { exhausted = true }
        end += got
    }

    /// The next byte, or nil at the end.
    @inline(__always)
    public func nextByte() throws -> UInt8? {
        if start == end {
            if exhausted { return nil }
            try refill()
            if start == end { return nil }
        }
        let byte = storage[start]
        start += 1
        return byte
    }

    /// Calls `body` with each line (without its `\n` or `\r\n`) and its 1-based number; the bytes are
    /// valid only during the call. A last line without a newline is delivered too; a UTF-8 byte-order
    /// mark before the first line is dropped.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var number = 0
        var searched = 0  // bytes after `start` already known to hold no newline
        while true {
            let pending = end - start
            if pending > searched,
               let found = memchr(storage + start + searched, 0x0A, pending - searched) {
                let newline = UnsafeMutablePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self))
                var length = newline - (storage + start)
                let next = start + length + 1
                if length > 0 && storage[start + length - 1] == 0x0D { length -= 1 }
                number += 1
                var lineStart = storage + start
                if number == 1 && length >= 3 && lineStart[0] == 0xEF && lineStart[1] == 0xBB && lineStart[2] == 0xBF {
                    lineStart += 3  // a UTF-8 byte-order mark
                    length -= 3
                }
                try body(UnsafeBufferPointer(start: lineStart, count: length), number)
                start = next
                searched = 0
                continue
            }
            searched = pending
            if exhausted {
                if pending > 0 {
                    var length = pending
                    if storage[start + length - 1] == 0x0D { length -= 1 }
                    number += 1
                    var lineStart = storage + start
                    if number == 1 && length >= 3 && lineStart[0] == 0xEF && lineStart[1] == 0xBB && lineStart[2] == 0xBF {
                        lineStart += 3
                        length -= 3
                    }
                    try body(UnsafeBufferPointer(start: lineStart, count: length), number)
                    start = end
                }
                return
            }
            try refill()  // moves the unread bytes to the front: `searched` stays relative to `start`
        }
    }
}
