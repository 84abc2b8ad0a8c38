import Foundation

/// The layout of the `features` column of the `decisions` table: the context's values as consecutive
/// IEEE 754 single-precision floats (Float32), each 4 bytes in little-endian order, value `i` at bytes
/// `4i ..< 4i + 4`, no header (the count is the length / 4). Little-endian whatever the machine, so a
/// log written on one machine reads the same on any other; NumPy reads it as
/// `np.frombuffer(blob, dtype='<f4')`.
public enum FeatureBlob {
    /// `features` as the BLOB stored in the log.
    public static func encode(_ features: [Float]) -> Data {
        var data = Data(capacity: 4 * features.count)
        for value in features {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// The features stored in `blob`, or nil when its length is not a multiple of 4.
    public static func decode(_ blob: Data) -> [Float]? {
        guard blob.count % 4 == 0 else { return nil }
        var features = [Float](repeating: 0, count: blob.count / 4)
        blob.withUnsafeBytes { bytes in
            for i in features.indices {
                let bits = bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                features[i] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        return features
    }
}
