/// What the VADER rules need to know about one lowercased word: its lexicon valence, booster value,
/// whether it negates, and which rule word it is.
struct VADERWordInfo {
    var valence = 0.0
    var inLexicon = false
    var booster = 0.0
    var isBooster = false
    var negates = false
    var rule = RuleWord.other
    /// Part of a special-case or booster phrase ("the bomb", "kind of").
    var inPhrase = false
}

/// An open-addressing hash table from lowercased UTF-8 bytes to `VADERWordInfo`, so that the
/// analyser looks a word up straight from the text's bytes, without making a String per word.
/// Immutable after `init` (hence `@unchecked Sendable`); the arrays are copied into raw buffers so that
/// lookups pay neither bounds checks nor reference counting.
final class VADERWordTable: @unchecked Sendable {
    private let keyBytes: UnsafeMutableBufferPointer<UInt8>
    private let keyStart: UnsafeMutableBufferPointer<Int32>
    private let keyLength: UnsafeMutableBufferPointer<Int32>
    private let keyHash: UnsafeMutableBufferPointer<UInt64>
    let infos: UnsafeMutableBufferPointer<VADERWordInfo>
    /// Entry index + 1 per slot, 0 when empty.
    private let slots: UnsafeMutableBufferPointer<Int32>
    private let mask: Int

    private static func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
        _ = buffer.initialize(from: array)
        return buffer
    }

    deinit {
        keyBytes.deallocate()
        keyStart.deallocate()
        keyLength.deallocate()
        keyHash.deallocate()
        infos.deallocate()
        slots.deallocate()
    }

    init(lexicon: VADERLexicon) {
        var merged: [String: VADERWordInfo] = [:]
        for (word, valence) in lexicon.valences {
            // The analyser lowercases the text's word before lookup, so only entries that lowercasing
            // leaves unchanged can match; words with whitespace never match a token.
            guard word.lowercased() == word, !word.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 }) else { continue }
            merged[word, default: VADERWordInfo()].valence = valence
            merged[word, default: VADERWordInfo()].inLexicon = true
        }
        for (word, value) in VADERRules.boosters {
            merged[word, default: VADERWordInfo()].booster = value
            merged[word, default: VADERWordInfo()].isBooster = true
        }
        for word in VADERRules.negations { merged[word, default: VADERWordInfo()].negates = true }
        for (word, rule) in RuleWord.bySpelling { merged[word, default: VADERWordInfo()].rule = rule }
        for rule in VADERRules.phraseWords { merged[String(describing: rule), default: VADERWordInfo()].inPhrase = true }

        var capacity = 16
        while capacity < merged.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        var keyBytes: [UInt8] = [], keyStart: [Int32] = [], keyLength: [Int32] = [], keyHash: [UInt64] = []
        var infos: [VADERWordInfo] = []
        for (word, info) in merged.sorted(by: { $0.key < $1.key }) {
            let bytes = Array(word.utf8)
            let hash = bytes.withUnsafeBufferPointer { Self.hash($0) }
            keyStart.append(Int32(keyBytes.count))
            keyLength.append(Int32(bytes.count))
            keyBytes.append(contentsOf: bytes)
            keyHash.append(hash)
            infos.append(info)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(infos.count)
        }
        self.mask = mask
        self.slots = Self.copy(slots)
        self.keyBytes = Self.copy(keyBytes)
        self.keyStart = Self.copy(keyStart)
        self.keyLength = Self.copy(keyLength)
        self.keyHash = Self.copy(keyHash)
        self.infos = Self.copy(infos)
    }

    /// FNV-1a over the bytes.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// The entry for `bytes` (already lowercased) with hash `hash`, or nil.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            let index = entry - 1
            if keyHash[index] == hash, Int(keyLength[index]) == bytes.count {
                let start = Int(keyStart[index])
                var same = true
                for offset in 0..<bytes.count where keyBytes[start + offset] != bytes[offset] {
                    same = false
                    break
                }
                if same { return index }
            }
            slot = (slot + 1) & mask
        }
    }
}
