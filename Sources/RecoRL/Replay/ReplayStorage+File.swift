import Foundation

/// Saving and restoring replay contents for resumable runs, streamed column by column so neither side
/// ever holds a second copy of the buffer in memory.
///
/// Layout: the 8 bytes `RRLREPL1`, a little-endian UInt64 header length, a JSON header (capacity,
/// width, count, next slot, and the priority state of prioritized buffers), then the columns of the
/// `count` stored slots in order: observations and next observations (`count x D` Float32 each),
/// actions (Int32), rewards, dones, discounts, and for prioritized buffers each slot's priority
/// (Float32). All little-endian, as the machines that run the engine are.
struct ReplayFileHeader: Codable, Equatable {
    var capacity: Int
    var observationWidth: Int
    var count: Int
    var nextSlot: Int
    /// Prioritized buffers: the largest priority given so far.
    var maxPriority: Float?

    static let magic = Data("RRLREPL1".utf8)
}

extension ReplayStorage {
    /// Writes the header and every stored transition (and `priorities` of each slot, when given) to
    /// `url`, atomically (a temporary file renamed over it).
    func write(to url: URL, maxPriority: Float?, priorities: ((Int) -> Float)?) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw ReplayError.invalidFile(path: url.path, field: "path", value: temporary.path, expected: "a writable directory")
        }
        let handle = try FileHandle(forWritingTo: temporary)
        let header = try JSONEncoder().encode(ReplayFileHeader(capacity: capacity, observationWidth: observationWidth,
                                                               count: count, nextSlot: nextSlot, maxPriority: maxPriority))
        var length = UInt64(header.count).littleEndian
        handle.write(ReplayFileHeader.magic + Data(bytes: &length, count: 8) + header)
        func write<T>(_ base: UnsafePointer<T>, _ elements: Int) {
            let chunk = 1 << 22
            for start in stride(from: 0, to: elements, by: chunk) {
                let n = min(chunk, elements - start)
                handle.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base + start), count: n * MemoryLayout<T>.stride,
                                  deallocator: .none))
            }
        }
        write(observations.base, count * observationWidth)
        write(nextObservations.base, count * observationWidth)
        write(actions.base, count)
        write(rewards.base, count)
        write(dones.base, count)
        write(discounts.base, count)
        if let priorities {
            var values = [Float](repeating: 0, count: min(count, 1 << 20))
            for start in stride(from: 0, to: count, by: values.count) {
                let n = min(values.count, count - start)
                for i in 0..<n { values[i] = priorities(start + i) }
                values.withUnsafeBufferPointer { write($0.baseAddress!, n) }
            }
        }
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, url.path) == 0 else {
            throw ReplayError.invalidFile(path: url.path, field: "path", value: String(cString: strerror(errno)),
                                          expected: "a file the run can replace")
        }
    }

    /// Reads a file written by `write(to:maxPriority:priorities:)` into this empty storage of the same
    /// capacity and width; hands each slot's priority to `setPriority` when the file has them.
    /// Returns the header.
    func read(from url: URL, setPriority: ((Int, Float) -> Void)?) throws -> ReplayFileHeader {
        let path = url.path
        guard count == 0 else {
            throw ReplayError.invalidFile(path: path, field: "target", value: "a buffer holding \(count) transitions",
                                          expected: "an empty buffer to restore into")
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw ReplayError.invalidFile(path: path, field: "file", value: "unreadable", expected: "a replay file written by a training run")
        }
        defer { try? handle.close() }
        func bytes(_ n: Int, _ field: String) throws -> Data {
            let data = handle.readData(ofLength: n)
            guard data.count == n else {
                throw ReplayError.invalidFile(path: path, field: field, value: "\(data.count) bytes", expected: "\(n) bytes (the file is truncated)")
            }
            return data
        }
        guard try bytes(8, "magic") == ReplayFileHeader.magic else {
            throw ReplayError.invalidFile(path: path, field: "magic", value: "other bytes", expected: "RRLREPL1")
        }
        let length = try bytes(8, "header length").withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length <= 1 << 20 else {
            throw ReplayError.invalidFile(path: path, field: "header length", value: "\(length)", expected: "at most 1 MiB")
        }
        let header: ReplayFileHeader
        do {
            header = try JSONDecoder().decode(ReplayFileHeader.self, from: try bytes(Int(length), "header"))
        } catch let error as ReplayError {
            throw error
        } catch {
            throw ReplayError.invalidFile(path: path, field: "header", value: "\(error)", expected: "the JSON header of a replay file")
        }
        guard header.capacity == capacity, header.observationWidth == observationWidth else {
            throw ReplayError.invalidFile(path: path, field: "shape", value: "\(header.capacity) x \(header.observationWidth)",
                                          expected: "\(capacity) x \(observationWidth), this buffer's capacity and width")
        }
        guard (0...capacity).contains(header.count), (0..<capacity).contains(header.nextSlot),
              header.count == capacity || header.nextSlot == header.count else {
            throw ReplayError.invalidFile(path: path, field: "count", value: "\(header.count) (next slot \(header.nextSlot))",
                                          expected: "a count in 0...\(capacity) with the next slot after the last filled one")
        }
        func read<T>(_ base: UnsafeMutablePointer<T>, _ elements: Int, _ field: String) throws {
            let chunk = 1 << 22
            for start in stride(from: 0, to: elements, by: chunk) {
                let n = min(chunk, elements - start)
                let data = try bytes(n * MemoryLayout<T>.stride, field)
                data.withUnsafeBytes { raw in
                    UnsafeMutableRawPointer(base + start).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
                }
            }
        }
        let n = header.count
        try read(observations.base, n * observationWidth, "observations")
        try read(nextObservations.base, n * observationWidth, "nextObservations")
        try read(actions.base, n, "actions")
        try read(rewards.base, n, "rewards")
        try read(dones.base, n, "dones")
        try read(discounts.base, n, "discounts")
        if let setPriority, header.maxPriority != nil {
            var values = [Float](repeating: 0, count: min(max(n, 1), 1 << 20))
            for start in stride(from: 0, to: n, by: values.count) {
                let k = min(values.count, n - start)
                try values.withUnsafeMutableBufferPointer { try read($0.baseAddress!, k, "priorities") }
                for i in 0..<k {
                    guard values[i].isFinite && values[i] > 0 else {
                        throw ReplayError.invalidFile(path: path, field: "priority of slot \(start + i)", value: "\(values[i])",
                                                      expected: "a positive finite number")
                    }
                    setPriority(start + i, values[i])
                }
            }
        }
        restoreCounters(count: header.count, nextSlot: header.nextSlot)
        return header
    }
}
