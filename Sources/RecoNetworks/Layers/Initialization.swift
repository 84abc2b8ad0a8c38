import RecoTensor

/// How a linear layer's weights are drawn before training.
public enum WeightInitialization: Codable, Equatable, Sendable {
    /// PyTorch's default for `nn.Linear`: weights and bias uniform in `±1/sqrt(inputs)` (Kaiming
    /// uniform with `a = sqrt(5)`).
    case kaimingUniform
    /// An orthogonal weight matrix scaled by `gain`, bias zero (Saxe et al., 2014); the usual choice
    /// for actor-critic networks (gain sqrt(2) for hidden layers, 0.01 for a policy head, 1 for a value
    /// head).
    case orthogonal(gain: Float)
    /// Orthogonal initialisation applied separately to the first `firstRows` outputs (scaled by
    /// `firstGain`) and to the remaining outputs (scaled by `restGain`), bias zero: the head of a shared
    /// actor-critic network, whose first outputs are action logits (gain 0.01) and whose last is the
    /// state value (gain 1).
    case orthogonalSplit(firstRows: Int, firstGain: Float, restGain: Float)
}

/// Weight initialisers shared by the layers that have weight matrices.
enum Initialization {
    /// Fills an `outputs x inputs` weight (and optional bias) as `initialization` says.
    static func initialize(weight: MatrixView, bias: UnsafeMutablePointer<Float>?,
                           _ initialization: WeightInitialization,
                           using generator: inout RandomGenerator) throws {
        switch initialization {
        case .kaimingUniform:
            let bound = 1 / Float(weight.columns).squareRoot()
            generator.fillUniform(weight.flat, -bound, bound)
            if let bias {
                generator.fillUniform(UnsafeMutableBufferPointer(start: bias, count: weight.rows), -bound, bound)
            }
        case let .orthogonal(gain):
            try orthogonal(weight, gain: gain, using: &generator)
            bias?.update(repeating: 0, count: weight.rows)
        case let .orthogonalSplit(firstRows, firstGain, restGain):
            try orthogonal(weight.rows(0..<firstRows), gain: firstGain, using: &generator)
            try orthogonal(weight.rows(firstRows..<weight.rows), gain: restGain, using: &generator)
            bias?.update(repeating: 0, count: weight.rows)
        }
    }

    /// A `rows x columns` matrix with orthonormal rows (when rows <= columns) or columns, times `gain`:
    /// the Q factor of a Gaussian matrix's QR decomposition, with signs fixed by R's diagonal so the
    /// result is uniformly distributed over orthogonal matrices.
    static func orthogonal(_ weight: MatrixView, gain: Float, using generator: inout RandomGenerator) throws {
        let tall = max(weight.rows, weight.columns), wide = min(weight.rows, weight.columns)
        if wide == 0 { return }
        let gaussian = Matrix(rows: tall, columns: wide)
        generator.fillNormal(gaussian.view.flat)
        let (q, r) = try LAPACK.qr(gaussian.view)
        for j in 0..<wide where r[j, j] < 0 {
            for i in 0..<tall { q[i, j] = -q[i, j] }
        }
        for i in 0..<weight.rows {
            for j in 0..<weight.columns {
                weight[i, j] = gain * (weight.rows >= weight.columns ? q[i, j] : q[j, i])
            }
        }
    }
}
