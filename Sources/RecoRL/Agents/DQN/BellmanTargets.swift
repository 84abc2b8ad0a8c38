import RecoTensor

/// One-step (or n-step) Q-learning targets for a whole batch at once:
/// `y_i = r_i + discount_i * (1 - done_i) * Q_target(s'_i, a*_i)`.
///
/// DQN (Mnih et al., 2015) takes `a* = argmax_a Q_target(s', a)`, so the bootstrap value is the row
/// maximum of the target network's values. Double DQN (van Hasselt et al., 2016) selects `a*` with the
/// online network and evaluates it with the target network, which removes the maximisation bias.
/// Both run on the row kernels of the tensor layer: no per-action loops here.
///
/// Shapes: `B` transitions, `A` actions; value tables are `B x A`, per-transition vectors `B`.
public enum BellmanTargets {
    /// Writes `targets[i]` for `B = targetValues.rows` transitions.
    ///
    /// - Parameters:
    ///   - targetValues: `Q_target(s', ·)`, `B x A`.
    ///   - selectionValues: `Q_online(s', ·)` for Double DQN, or nil for DQN.
    ///   - rewards: `r_i`, already summed over the n steps the transition covers.
    ///   - discounts: `gamma^k` for the `k` steps covered.
    ///   - dones: 1 where the episode terminated within those steps (no bootstrap), else 0.
    ///   - selectedActions: scratch for `a*` (`B` entries).
    ///   - bootstrapValues: scratch for `Q_target(s', a*)` (`B` entries).
    public static func compute(targetValues: MatrixView, selectionValues: MatrixView?,
                               rewards: UnsafePointer<Float>, discounts: UnsafePointer<Float>, dones: UnsafePointer<Float>,
                               selectedActions: UnsafeMutablePointer<Int32>, bootstrapValues: UnsafeMutablePointer<Float>,
                               into targets: UnsafeMutablePointer<Float>) {
        if let selectionValues {
            precondition(selectionValues.rows == targetValues.rows && selectionValues.columns == targetValues.columns,
                         "online and target value tables differ in shape")
            Kernels.rowArgmax(selectionValues, into: selectedActions)
            Kernels.gatherColumns(targetValues, columns: selectedActions, into: bootstrapValues)
        } else {
            Kernels.rowMax(targetValues, into: bootstrapValues)
        }
        for i in 0..<targetValues.rows {
            targets[i] = rewards[i] + discounts[i] * (1 - dones[i]) * bootstrapValues[i]
        }
    }
}
