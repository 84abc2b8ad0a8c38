import RecoTensor

extension ParameterStore {
    /// The Euclidean norm of all gradients together.
    ///
    /// Summed in per-chunk Double partials combined in a fixed order, so the result depends only on the
    /// gradients and the thread count.
    public func gradientNorm() -> Float {
        let g = gradients.baseAddress!
        let chunks = ThreadPolicy.chunkCount(count, minimumChunk: optimizerChunk)
        let total = count
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: chunks) { sums in
            ThreadPolicy.parallelChunks(chunks, minimumChunk: 1) { chunkRange in
                for chunk in chunkRange {
                    let range = ThreadPolicy.chunkRange(chunk, of: chunks, total: total)
                    sums[chunk] = Kernels.sumOfSquares(g + range.lowerBound, count: range.count)
                }
            }
            return Float(sums.reduce(0, +).squareRoot())
        }
    }

    /// Scales the gradients so their global norm is at most `maxNorm` (as PyTorch's
    /// `clip_grad_norm_`) and returns the norm before clipping.
    @discardableResult
    public func clipGradientNorm(maxNorm: Float) -> Float {
        let norm = gradientNorm()
        let factor = maxNorm / (norm + 1e-6)
        if factor < 1 { BLAS.scal(count: count, alpha: factor, gradients.baseAddress!) }
        return norm
    }
}
