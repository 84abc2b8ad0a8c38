import Foundation
import RecoNetworks
import RecoTensor

/// The fitted parameters of a multinomial logistic regression over `P` classes with `inputs`
/// coefficients each plus an intercept, as `logreg-ips` and `next-view` keep them: fitted by Newton's
/// method (`NewtonMinimiser`) on a `MulticlassObjective`, scored as the softmax over the classes the fit
/// saw (the others get probability 0; before any class is seen, the uniform distribution).
struct MulticlassSoftmax {
    let classCount: Int
    let inputs: Int
    var width: Int { inputs + 1 }
    /// `P x (inputs + 1)` row-major: each class's coefficients, then its intercept.
    private(set) var weights: [Float]
    /// 1 for a class the fit saw, else 0 (probability 0). All 0: the uniform model.
    private(set) var classes: [Float]
    /// Newton steps the last fit took, and whether it converged.
    private(set) var lastFit: (iterations: Int, converged: Bool) = (0, true)

    init(classes: Int, inputs: Int) {
        classCount = classes
        self.inputs = inputs
        weights = [Float](repeating: 0, count: classes * (inputs + 1))
        self.classes = [Float](repeating: 0, count: classes)
    }

    /// Fits `objective` (whose rows have `inputs` coefficients) afresh. A single class present needs no
    /// fit: it takes all the probability.
    mutating func fit(_ objective: MulticlassObjective, tolerance: Double, maxIterations: Int) throws {
        let m = width
        var fitted = [Float](repeating: 0, count: classCount * m)
        var seen = [Float](repeating: 0, count: classCount)
        for c in objective.classes { seen[c] = 1 }
        lastFit = (0, true)
        if objective.classes.count > 1 {
            let newton = NewtonMinimiser(tolerance: tolerance, maxIterations: maxIterations)
            let result = try newton.minimise(from: [Double](repeating: 0, count: objective.parameterCount),
                                             loss: objective.loss, derivatives: objective.derivatives)
            for (k, c) in objective.classes.enumerated() {
                for j in 0..<m { fitted[c * m + j] = Float(result.solution[k * m + j]) }
            }
            lastFit = (result.iterations, result.converged)
        }
        weights = fitted
        classes = seen
    }

    /// The probability of each class for the `inputs` values at `x`, into `row` (`P` values), using
    /// the `P` values at `scratch`.
    func probabilities(_ x: UnsafePointer<Double>, into row: UnsafeMutablePointer<Float>,
                       scratch z: UnsafeMutablePointer<Double>) {
        let p = classCount, m = width
        guard classes.contains(where: { $0 > 0 }) else { row.update(repeating: 1 / Float(p), count: p); return }
        weights.withUnsafeBufferPointer { w in
            var largest = -Double.infinity
            for a in 0..<p where classes[a] > 0 {
                var s = Double(w[a * m + inputs])
                for j in 0..<inputs { s += Double(w[a * m + j]) * x[j] }
                z[a] = s
                largest = max(largest, s)
            }
            var total = 0.0
            for a in 0..<p {
                z[a] = classes[a] > 0 ? exp(z[a] - largest) : 0
                total += z[a]
            }
            for a in 0..<p { row[a] = Float(z[a] / total) }
        }
    }

    /// `weights` (`[P, inputs + 1]`) and `classes` (`[P]`) as tensors.
    func parameters() -> ParameterStore {
        let p = classCount, m = width
        let store = ParameterStore(shapes: [ParameterShape(name: "weights", shape: [p, m]),
                                            ParameterShape(name: "classes", shape: [p])])
        let values = store.values
        for i in weights.indices { values[i] = weights[i] }
        for i in classes.indices { values[p * m + i] = classes[i] }
        return store
    }

    /// Puts back what `parameters()` returned; throws `CheckpointError.mismatch` naming `algorithm` for
    /// a missing tensor, a wrong shape or a class flag other than 0 or 1.
    mutating func restore(_ parameters: ParameterStore, path: String, algorithm: String) throws {
        let p = classCount, m = width
        guard let w = parameters.tensor(named: "weights"), w.shape == [p, m],
              let c = parameters.tensor(named: "classes"), c.shape == [p],
              (0..<p).allSatisfy({ [0, 1].contains(parameters.values[c.offset + $0]) }) else {
            throw CheckpointError.mismatch(path: path, detail: "a \(algorithm) checkpoint holds weights of shape [\(p), \(m)] and classes [\(p)] of 0s and 1s")
        }
        for i in 0..<(p * m) { weights[i] = parameters.values[w.offset + i] }
        for i in 0..<p { classes[i] = parameters.values[c.offset + i] }
    }
}
