import RecoTensor

/// The parts of an A2C or PPO gradient step that do not depend on the policy loss, with their per-sample
/// buffers (allocated once for the networks' largest batch).
///
/// `evaluate` runs the networks on a batch and gives each sample's `log pi(a)` and (optionally
/// normalised) advantage; the algorithm turns them into `dL/d log pi(a)` coefficients; `backward` adds
/// the value loss and the entropy bonus and back-propagates through the networks.
final class PolicyStepWorkspace {
    private let logSumExp, entropy, logProbabilities, advantages, coefficients: OwnedBuffer<Float>

    init(rows: Int) {
        logSumExp = OwnedBuffer(repeating: 0, count: rows)
        entropy = OwnedBuffer(repeating: 0, count: rows)
        logProbabilities = OwnedBuffer(repeating: 0, count: rows)
        advantages = OwnedBuffer(repeating: 0, count: rows)
        coefficients = OwnedBuffer(repeating: 0, count: rows)
    }

    /// What `evaluate` leaves for the policy loss: views into the networks' outputs and this workspace.
    struct Evaluation {
        let logits: MatrixView
        let values: MatrixView
        /// `log pi(a_i | s_i)` under the current networks.
        let logProbabilities: UnsafePointer<Float>
        /// The batch's advantages, or their per-batch normalisation.
        let advantages: UnsafePointer<Float>
        /// Where the policy loss writes `dL/d log pi(a_i)`.
        let coefficients: UnsafeMutablePointer<Float>
    }

    /// Forward pass of `batch` and the categorical statistics of its actions (one fused pass per row).
    func evaluate(_ networks: ActorCriticNetworks, _ batch: RolloutMinibatch, normalizeAdvantages: Bool) -> Evaluation {
        precondition(batch.size <= logSumExp.count, "batch of \(batch.size) exceeds the networks' \(logSumExp.count)")
        let (logits, values) = networks.forward(batch.observations)
        Kernels.categoricalStatistics(logits: logits, actions: batch.actions, logSumExp: logSumExp.elements.baseAddress!,
                                      entropy: entropy.elements.baseAddress!,
                                      actionLogProbabilities: logProbabilities.elements.baseAddress!)
        var advantage = batch.advantages
        if normalizeAdvantages {
            PolicyGradientLoss.normalizeAdvantages(batch.advantages, count: batch.size, into: advantages.elements.baseAddress!)
            advantage = UnsafePointer(advantages.elements.baseAddress!)
        }
        return Evaluation(logits: logits, values: values, logProbabilities: logProbabilities.elements.baseAddress!,
                          advantages: advantage, coefficients: coefficients.elements.baseAddress!)
    }

    /// The value loss (clipped around the collected values when `valueClipRange` is given) and its
    /// gradient, the logits' gradient from the policy coefficients and the entropy bonus, and the backward
    /// pass with gradient clipping. Returns the value loss and the batch's mean entropy.
    func backward(_ networks: ActorCriticNetworks, _ batch: RolloutMinibatch, _ evaluation: Evaluation,
                  valueClipRange: Float?, valueCoefficient: Float, entropyCoefficient: Float,
                  maxGradientNorm: Float?) -> (valueLoss: Float, entropy: Float) {
        let b = batch.size
        let gradients = networks.gradientWorkspaces(rows: b)
        let valueLoss = PolicyGradientLoss.valueLoss(values: evaluation.values, returns: batch.returns, oldValues: batch.values,
                                                     clipRange: valueClipRange, coefficient: valueCoefficient,
                                                     gradient: gradients.values)
        Kernels.categoricalGradient(logits: evaluation.logits, logSumExp: logSumExp.elements.baseAddress!,
                                    entropy: entropy.elements.baseAddress!, actions: batch.actions,
                                    actionCoefficients: evaluation.coefficients,
                                    entropyCoefficient: -entropyCoefficient / Float(b), into: gradients.logits)
        networks.backward(rows: b, maxGradientNorm: maxGradientNorm)
        return (valueLoss, entropy.elements[0..<b].reduce(0, +) / Float(b))
    }
}
