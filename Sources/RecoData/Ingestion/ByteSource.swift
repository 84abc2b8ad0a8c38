import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only stream of bytes read from a file in chunks: never the whole file at once.
public protocol ByteSource: AnyObject {
    /// Reads up to `count` bytes into `buffer`; returns how many were read, 0 at the end.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int
    /// Bytes consumed from the file so far (compressed bytes for gzip), for throughput figures.
    var bytesConsumed: Int { get }
}

/// Opens byte sources, recognising gzip by its magic bytes (0x1f 0x8b), not by the file's extension.
public enum ByteSources {
    /// A source over `path`: decompressing when the file starts with the gzip magic bytes, plain otherwise.
    public static func open(_ path: String) throws -> ByteSource {
        let descriptor = Glibc.open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ReviewDataError("\(path): cannot be opened (\(String(cString: strerror(errno)))); expected a readable file")
        }
        var magic = [UInt8](repeating: 0, count: 2)
        let got = magic.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, 2) }
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(descriptor)
            throw ReviewDataError("\(path): is a directory; expected a file")
        }
        if got == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
            Glibc.close(descriptor)
            return try GzipFileSource(path: path)
        }
        _ = lseek(descriptor, 0, SEEK_SET)
        return PlainFileSource(descriptor: descriptor, path: path)
    }
}

/// A plain file read with `read(2)`.
final class PlainFileSource: ByteSource {
    private let descriptor: Int32
    private let path: String
    private(set) var bytesConsumed = 0

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { Glibc.close(descriptor) }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        while true {
            let got = Glibc.read(descriptor, buffer, count)
            if got >= 0 {
                bytesConsumed += got
                return got
            }
            if errno == EINTR { continue }
            throw ReviewDataError("\(path): read failed (\(String(cString: strerror(errno))))")
        }
    }
}

/// A gzip file decompressed with zlib's `gzread`, in chunks.
final class GzipFileSource: ByteSource {
    private let file: gzFile
    private let path: String

    init(path: String) throws {
        guard let file = gzopen(path, "rb") else {
            throw ReviewDataError("\(path): cannot be opened as gzip; expected a readable .gz file")
        }
        gzbuffer(file, 1 << 18)
        self.file = file
        self.path = path
    }

    deinit { gzclose(file) }

    var bytesConsumed: Int { Int(gzoffset(file)) }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        let got = gzread(file, buffer, UInt32(min(count, Int(Int32.max))))
        if got < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
            throw ReviewDataError("\(path): damaged gzip data (zlib: \(message)); expected a complete gzip file")
        }
        if got == 0 {
            // gzread reports a stream cut short only through gzerror, after returning what it could.
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
            if code != Z_OK && code != Z_STREAM_END {
                throw ReviewDataError("\(path): damaged gzip data (zlib: \(message)); expected a complete gzip file")
            }
        }
        return Int(got)
    }
}
