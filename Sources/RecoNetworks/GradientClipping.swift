import RecoTensor

extension ParameterStore {
    /// The Euclidean norm of all gradients together.
    ///
    /// Summed in per-chunk Double partials combined in a fixed order, so the result depends only on the
    /// gradients and the thread count.
    public func gradientNorm() -> Float {
        let g = gradients.baseAddress!
        let chunks = ThreadPolicy.chunkCount(count, minimumChunk: optimizerChunk)
        var partials = [Double](repeating: 0, count: chunks)
        partials.withUnsafeMutableBufferPointer { sums in
            let total = count
            ThreadPolicy.parallelChunks(chunks, minimumChunk: 1) { chunkRange in
                for chunk in chunkRange {
                    let range = ThreadPolicy.chunkRange(chunk, of: chunks, total: total)
                    var sum: Double = 0
                    var start = range.lowerBound
                    while start < range.upperBound {  // Float sums over short blocks vectorise; Double keeps precision
                        let end = min(start + 1024, range.upperBound)
                        var block: Float = 0
                        for i in start..<end { block += g[i] * g[i] }
                        sum += Double(block)
                        start = end
                    }
                    sums[chunk] = sum
                }
            }
        }
        return Float(partials.reduce(0, +).squareRoot())
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
