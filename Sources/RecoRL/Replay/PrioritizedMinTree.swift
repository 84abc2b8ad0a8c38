/// A min tree over `capacity` leaf values: the smallest leaf in O(1), setting a leaf in O(log capacity).
///
/// Prioritized replay needs the smallest stored priority to normalise its importance weights. Same
/// flat layout as `SumTree` (node 1 the root, children `2k` and `2k + 1`, leaf `i` at node
/// `leafCount + i`); leaves never set hold `+infinity`, so they never count as the minimum.
final class PrioritizedMinTree {
    let capacity: Int
    /// Number of leaves: the smallest power of two at least `capacity`.
    let leafCount: Int
    private let depth: Int
    /// `2 * leafCount` nodes (node 0 unused).
    private let nodes: UnsafeMutableBufferPointer<Float>

    init(capacity: Int) {
        precondition(capacity >= 1, "min tree capacity must be positive, got \(capacity)")
        self.capacity = capacity
        var leaves = 1, depth = 0
        while leaves < capacity { leaves *= 2; depth += 1 }
        leafCount = leaves
        self.depth = depth
        nodes = .allocate(capacity: 2 * leaves)
        nodes.initialize(repeating: .infinity)
    }

    deinit { nodes.deallocate() }

    /// The smallest leaf (`+infinity` while none is set).
    var minimum: Float { nodes[1] }

    /// Sets leaf `index` to `value` and recomputes its ancestors, stopping as soon as one keeps its value.
    func set(_ index: Int, to value: Float) {
        precondition(index >= 0 && index < capacity, "min tree leaf \(index) outside 0..<\(capacity)")
        var node = leafCount + index
        nodes[node] = value
        while node > 1 {
            node /= 2
            let smaller = Swift.min(nodes[2 * node], nodes[2 * node + 1])
            if nodes[node] == smaller { return }
            nodes[node] = smaller
        }
    }

    /// Sets leaf `indices[i]` to `values[i]` for every `i` (the last value wins for a repeated index),
    /// then recomputes the ancestors one level at a time, like `SumTree`'s batched `set`.
    func set(_ indices: UnsafeBufferPointer<Int>, to values: UnsafeBufferPointer<Float>) {
        precondition(indices.count == values.count, "min tree: \(values.count) values for \(indices.count) leaves")
        let nodes = nodes, leafCount = leafCount
        for (index, value) in zip(indices, values) {
            precondition(index >= 0 && index < capacity, "min tree leaf \(index) outside 0..<\(capacity)")
            nodes[leafCount + index] = value
        }
        for level in stride(from: 1, through: depth, by: 1) {
            for index in indices {
                let node = (leafCount + index) >> level
                nodes[node] = Swift.min(nodes[2 * node], nodes[2 * node + 1])
            }
        }
    }
}
