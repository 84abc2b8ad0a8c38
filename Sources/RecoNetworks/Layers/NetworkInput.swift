import RecoTensor

/// What one sample of a network's input holds, and equally what one sample of a layer's output holds
/// (the next layer's input).
///
/// Float data is laid out as rows: a dense sample is one row of `width` columns, a sequence sample is
/// `steps` consecutive rows (a batch of `B` sequences is a `B*steps x width` matrix). Ids are one
/// `Int32` per step (`B*steps` ids, sample-major).
public enum InputShape: Codable, Equatable, Sendable, CustomStringConvertible {
    /// One row of `width` floats.
    case dense(width: Int)
    /// `steps` ids, each in `0..<count` (an embedding table of `count` rows reads them).
    case ids(count: Int, steps: Int)
    /// `steps` rows of `width` floats (a history of item vectors, for example).
    case sequence(steps: Int, width: Int)

    /// One id per sample, in `0..<count`.
    public static func ids(count: Int) -> InputShape { .ids(count: count, steps: 1) }

    /// Float rows of `width`: dense for one step, a sequence for more.
    public static func floats(steps: Int, width: Int) -> InputShape {
        steps == 1 ? .dense(width: width) : .sequence(steps: steps, width: width)
    }

    /// Rows (or ids) per sample.
    public var steps: Int {
        switch self {
        case .dense: return 1
        case let .ids(_, steps), let .sequence(steps, _): return steps
        }
    }

    /// Columns of a float row; nil for ids.
    public var width: Int? {
        switch self {
        case let .dense(width), let .sequence(_, width): return width
        case .ids: return nil
        }
    }

    public var description: String {
        switch self {
        case let .dense(width): return "dense rows of \(width)"
        case let .ids(count, steps): return "\(steps) id\(steps == 1 ? "" : "s") in 0..<\(count)"
        case let .sequence(steps, width): return "sequences of \(steps) x \(width)"
        }
    }

    /// Throws unless every size is positive.
    func validate() throws {
        let sizes: [Int]
        switch self {
        case let .dense(width): sizes = [width]
        case let .ids(count, steps): sizes = [count, steps]
        case let .sequence(steps, width): sizes = [steps, width]
        }
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw NetworkError.invalidArchitecture("input \(self) needs positive sizes")
        }
    }

    /// The float width for a layer of kind `kind`, which cannot read ids.
    func floatWidth(for kind: String) throws -> Int {
        guard let width else {
            throw NetworkError.invalidArchitecture("\(kind) reads float rows but its input is \(self); put an embedding first")
        }
        return width
    }

    /// The same number of steps with rows of `width` (the output of a row-wise layer).
    func withWidth(_ width: Int) -> InputShape { .floats(steps: steps, width: width) }
}

/// One batch handed to a network input. The network reads it again in `backward`, so the memory must
/// stay valid and unchanged in between.
public enum InputBatch {
    /// Float rows: `B x width` for a dense input, `B*steps x width` for a sequence.
    case floats(MatrixView)
    /// `B*steps` ids, sample-major.
    case ids(UnsafeBufferPointer<Int32>)
}
