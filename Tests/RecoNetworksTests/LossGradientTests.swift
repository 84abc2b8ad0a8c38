import Foundation
import Testing
import RecoNetworks
import RecoTensor

@Suite struct LossGradientTests {
    typealias LossFunction = (MatrixView, MatrixView?) -> Float  // predictions, gradient -> loss

    /// Largest excess of `|analytic - numeric|` over `1e-3 + 1e-2 |numeric|`, by central differences
    /// with step 1e-2 around the Float32 loss (0 when every entry agrees). The loss is of order 1, so
    /// Float32 rounding contributes about 1e-7 / 1e-2 = 1e-5 and truncation about h^2 = 1e-4; a wrong
    /// gradient is off by at least the size of the entry, 1e-2 or more at these shapes.
    func worstError(_ predictions: Matrix, _ loss: LossFunction) -> Double {
        let gradient = Matrix(rows: predictions.rows, columns: predictions.columns)
        _ = loss(predictions.view, gradient.view)
        var worst = 0.0
        let h: Float = 1e-2
        for i in 0..<predictions.count {
            let saved = predictions.view.base[i]
            predictions.view.base[i] = saved + h
            let plus = Double(loss(predictions.view, nil))
            predictions.view.base[i] = saved - h
            let minus = Double(loss(predictions.view, nil))
            predictions.view.base[i] = saved
            let numeric = (plus - minus) / Double(2 * h)
            worst = max(worst, abs(Double(gradient.view.base[i]) - numeric) - (1e-3 + 1e-2 * abs(numeric)))
        }
        return worst
    }

    @Test(arguments: [(1, 1), (7, 1), (5, 3)])
    func regressionLossesWithAndWithoutWeights(shape: (Int, Int)) {
        var generator = RandomGenerator(seed: 301)
        let predictions = Matrix(rows: shape.0, columns: shape.1)
        generator.fillUniform(predictions.view.flat, -3, 3)
        let targets = Matrix(rows: shape.0, columns: shape.1)
        generator.fillUniform(targets.view.flat, -3, 3)
        let weights = (0..<shape.0).map { _ in generator.uniform(0.1, 2) }
        for weighted in [false, true] {
            weights.withUnsafeBufferPointer { w in
                let weightPointer = weighted ? w.baseAddress : nil
                let mse = worstError(predictions) {
                    RegressionLoss.meanSquaredError(predictions: $0, targets: targets.view, weights: weightPointer, gradient: $1)
                }
                let huber = worstError(predictions) {
                    RegressionLoss.huber(predictions: $0, targets: targets.view, delta: 1, weights: weightPointer, gradient: $1)
                }
                #expect(mse <= 0, "mse weighted=\(weighted)")
                #expect(huber <= 0, "huber weighted=\(weighted)")
            }
        }
    }

    @Test func lossValuesMatchHandComputedNumbers() {
        let predictions = Matrix(rows: 2, columns: 1, values: [0.5, 4])
        let targets = Matrix(rows: 2, columns: 1, values: [0, 1])
        let gradient = Matrix(rows: 2, columns: 1)
        // differences 0.5 (quadratic zone) and 3 (linear zone, delta 1)
        let huber = RegressionLoss.huber(predictions: predictions.view, targets: targets.view, gradient: gradient.view)
        #expect(abs(huber - (0.125 + 2.5) / 2) < 1e-6)
        #expect(gradient.toArray() == [0.25, 0.5])
        let weights: [Float] = [2, 0]
        let mse = RegressionLoss.meanSquaredError(predictions: predictions.view, targets: targets.view, weights: weights,
                                                  gradient: gradient.view)
        #expect(abs(mse - 0.25) < 1e-6)
        #expect(gradient.toArray() == [1, 0])
    }

    @Test(arguments: [(1, 2), (4, 7), (9, 3)])
    func softmaxCrossEntropy(shape: (Int, Int)) {
        var generator = RandomGenerator(seed: 302)
        let logits = Matrix(rows: shape.0, columns: shape.1)
        generator.fillUniform(logits.view.flat, -4, 4)
        let classes = (0..<shape.0).map { _ in Int32(generator.index(below: shape.1)) }
        let weights = (0..<shape.0).map { _ in generator.uniform(0.1, 2) }
        for weighted in [false, true] {
            weights.withUnsafeBufferPointer { w in
                let error = worstError(logits) {
                    SoftmaxCrossEntropy.loss(logits: $0, targets: classes, weights: weighted ? w.baseAddress : nil, gradient: $1)
                }
                #expect(error <= 0)
            }
        }
        // Hand value: two equal logits, target either one: log 2.
        let even = Matrix(rows: 1, columns: 2, values: [3, 3])
        #expect(abs(SoftmaxCrossEntropy.loss(logits: even.view, targets: [Int32(1)]) - Float(Foundation.log(2.0))) < 1e-6)
    }
}
