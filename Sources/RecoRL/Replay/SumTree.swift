/// A sum tree over `capacity` non-negative leaf values (Float, like the priorities they hold): setting a
/// leaf and finding the leaf where a running sum crosses a value both take O(log capacity).
///
/// The tree is complete with a power-of-two number of leaves, stored in one flat array: node 1 is the
/// root, node `k` has children `2k` and `2k + 1`, leaf `i` is node `leafCount + i`; leaves past
/// `capacity` stay 0. Inner nodes are recomputed from their children (never adjusted by differences),
/// in `Double`, so the total stays the exact tree-ordered sum of the leaves however many updates pass.
final class SumTree {
    let capacity: Int
    /// Number of leaves: the smallest power of two at least `capacity`.
    let leafCount: Int
    private let depth: Int
    /// `2 * leafCount` nodes (node 0 unused), lazily zeroed.
    private let nodes: ReplayColumn<Double>

    init(capacity: Int) throws {
        precondition(capacity >= 1, "sum tree capacity must be positive, got \(capacity)")
        self.capacity = capacity
        var leaves = 1, depth = 0
        while leaves < capacity { leaves *= 2; depth += 1 }
        leafCount = leaves
        self.depth = depth
        nodes = try ReplayColumn(count: 2 * leaves)
    }

    /// Sum of all leaves.
    var total: Double { nodes.base[1] }

    /// Value of leaf `index`.
    subscript(index: Int) -> Double {
        precondition(index >= 0 && index < capacity, "sum tree leaf \(index) outside 0..<\(capacity)")
        return nodes.base[leafCount + index]
    }

    /// Sets leaf `index` to `value` (non-negative) and recomputes its ancestors.
    func set(_ index: Int, to value: Float) {
        precondition(index >= 0 && index < capacity, "sum tree leaf \(index) outside 0..<\(capacity)")
        precondition(value >= 0, "sum tree values must be non-negative, got \(value)")
        let nodes = nodes.base
        var node = leafCount + index
        nodes[node] = Double(value)
        while node > 1 {
            node /= 2
            nodes[node] = nodes[2 * node] + nodes[2 * node + 1]
        }
    }

    /// Sets leaf `indices[i]` to `values[i]` for every `i` (the last value wins for a repeated index),
    /// then recomputes the ancestors one level at a time.
    ///
    /// Within a level the recomputations are independent, so their cache misses overlap; all children
    /// of a level are final before it is computed, so a shared ancestor may be computed several times
    /// but always from final values.
    func set(_ indices: UnsafeBufferPointer<Int>, to values: UnsafeBufferPointer<Float>) {
        precondition(indices.count == values.count, "sum tree: \(values.count) values for \(indices.count) leaves")
        let nodes = nodes.base, leafCount = leafCount
        for (index, value) in zip(indices, values) {
            precondition(index >= 0 && index < capacity, "sum tree leaf \(index) outside 0..<\(capacity)")
            precondition(value >= 0, "sum tree values must be non-negative, got \(value)")
            nodes[leafCount + index] = Double(value)
        }
        for level in stride(from: 1, through: depth, by: 1) {
            for index in indices {
                let node = (leafCount + index) >> level
                nodes[node] = nodes[2 * node] + nodes[2 * node + 1]
            }
        }
    }

    /// For each `targets[i]` (in `[0, total)`), the leaf whose span of the running sum contains it: the
    /// first leaf `j` with `targets[i] < leaf 0 + ... + leaf j`. Leaves of value 0 are never returned.
    /// `targets` is used as workspace and left in an unspecified state.
    ///
    /// All searches descend together, one level at a time: the loads of one level do not depend on each
    /// other, so their cache misses overlap instead of forming one chain per search.
    func find(_ targets: UnsafeMutableBufferPointer<Double>, into leaves: UnsafeMutableBufferPointer<Int>) {
        precondition(leaves.count == targets.count, "sum tree find: \(targets.count) targets for \(leaves.count) leaves")
        precondition(total > 0, "sum tree find needs a positive total")
        let nodes = nodes.base
        for i in 0..<leaves.count { leaves[i] = 1 }
        for _ in 0..<depth {
            for i in 0..<leaves.count {
                let left = 2 * leaves[i], target = targets[i], leftSum = nodes[left]
                // Rounding can leave a target at or past the sum of a subtree; never step into an
                // empty right subtree because of it. Arithmetic instead of branches: the direction is
                // a coin flip the branch predictor cannot learn.
                let right = (target >= leftSum ? 1 : 0) & (nodes[left + 1] > 0 ? 1 : 0)
                targets[i] = target - leftSum * Double(right)
                leaves[i] = left + right
            }
        }
        for i in 0..<leaves.count { leaves[i] -= leafCount }
    }
}
