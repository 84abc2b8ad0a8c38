import Testing
@testable import RecoRL
import RecoTensor

@Suite struct ReplayTreeTests {
    @Test func sumTreeTotalIsTheSumOfItsLeavesAfterManyUpdates() throws {
        var generator = RandomGenerator(seed: 9)
        let tree = try SumTree(capacity: 1000)
        #expect(tree.leafCount == 1024)
        var leaves = [Double](repeating: 0, count: 1000)
        for _ in 0..<20_000 {
            let index = generator.index(below: 1000), value = generator.uniform(0, 10)
            tree.set(index, to: value)
            leaves[index] = Double(value)
        }
        // Batches of 64 with repeated indices: the last value of an index wins.
        var indices = [Int](repeating: 0, count: 64), values = [Float](repeating: 0, count: 64)
        for _ in 0..<200 {
            for i in 0..<64 {
                indices[i] = generator.index(below: 1000)
                values[i] = generator.uniform(0, 10)
                leaves[indices[i]] = Double(values[i])
            }
            indices.withUnsafeBufferPointer { i in values.withUnsafeBufferPointer { tree.set(i, to: $0) } }
        }
        let total = leaves.reduce(0, +)
        #expect(abs(tree.total - total) <= 1e-12 * total)
        for i in 0..<1000 { #expect(tree[i] == leaves[i]) }
    }

    @Test func sumTreeFindsTheLeafWhereTheRunningSumCrossesTheTarget() throws {
        // Whole-number leaves (some zero) keep every partial sum exact.
        var generator = RandomGenerator(seed: 10)
        let tree = try SumTree(capacity: 37)
        var leaves = [Double](repeating: 0, count: 37)
        for i in 0..<37 {
            leaves[i] = Double(generator.index(below: 4))
            tree.set(i, to: Float(leaves[i]))
        }
        var targets = (0..<500).map { _ in generator.uniformDouble() * tree.total } + [0, tree.total - 1]
        let expected = targets.map { target -> Int in
            var running = 0.0
            for (i, leaf) in leaves.enumerated() {
                running += leaf
                if target < running { return i }
            }
            return -1
        }
        var found = [Int](repeating: -1, count: targets.count)
        targets.withUnsafeMutableBufferPointer { t in found.withUnsafeMutableBufferPointer { tree.find(t, into: $0) } }
        #expect(found == expected)
    }

    @Test func sumTreeNeverReturnsAnEmptyLeafForATargetAtTheTotal() throws {
        let tree = try SumTree(capacity: 6)
        for i in 0..<3 { tree.set(i, to: 0.1) }
        // Targets at and past the total (which rounding can produce) end at the last positive leaf.
        var targets = [tree.total, tree.total.nextUp]
        var found = [0, 0]
        targets.withUnsafeMutableBufferPointer { t in found.withUnsafeMutableBufferPointer { tree.find(t, into: $0) } }
        #expect(found == [2, 2])
    }

    @Test func minTreeTracksTheSmallestLeaf() throws {
        var generator = RandomGenerator(seed: 12)
        let tree = PrioritizedMinTree(capacity: 100)
        #expect(tree.minimum == .infinity)
        var leaves = [Float](repeating: .infinity, count: 100)
        for _ in 0..<5000 {
            let index = generator.index(below: 100), value = generator.uniform(0.5, 10)
            tree.set(index, to: value)
            leaves[index] = value
            #expect(tree.minimum == leaves.min()!)
        }
        var indices = [Int](repeating: 0, count: 16), values = [Float](repeating: 0, count: 16)
        for _ in 0..<300 {
            for i in 0..<16 {
                indices[i] = generator.index(below: 100)
                values[i] = generator.uniform(0.5, 10)
                leaves[indices[i]] = values[i]
            }
            indices.withUnsafeBufferPointer { i in values.withUnsafeBufferPointer { tree.set(i, to: $0) } }
            #expect(tree.minimum == leaves.min()!)
        }
    }
}
