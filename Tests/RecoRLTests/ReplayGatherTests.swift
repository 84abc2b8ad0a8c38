import Testing
@testable import RecoTensor

@Suite struct ReplayGatherTests {
    /// The prefetching C gather copies exactly what the plain reference copies, for strided source and
    /// destination views, repeated rows, and more rows than the prefetch distance.
    @Test(arguments: [(1, 1, 1), (40, 13, 3), (300, 64, 100), (50, 7, 0)])
    func gatherRowsMatchesItsReference(shape: (Int, Int, Int)) {
        let (sourceRows, columns, count) = shape
        var generator = RandomGenerator(seed: 41)
        let parent = Matrix(rows: sourceRows, columns: columns + 5)
        generator.fillNormal(parent.view.flat)
        let source = parent.view.columns(2..<(columns + 2))
        let rows = (0..<count).map { _ in generator.index(below: sourceRows) }
        let fastParent = Matrix(rows: count, columns: columns + 1), plain = Matrix(rows: count, columns: columns)
        let fast = fastParent.view.columns(1..<(columns + 1))
        rows.withUnsafeBufferPointer { rows in
            Kernels.gatherRows(source, rows: rows, into: fast)
            Kernels.gatherRowsReference(source, rows: rows, into: plain.view)
        }
        #expect(fast.toArray() == plain.toArray())
        for (i, row) in rows.enumerated() {
            #expect(Array(UnsafeBufferPointer(start: fast.rowPointer(i), count: columns))
                    == Array(UnsafeBufferPointer(start: source.rowPointer(row), count: columns)))
        }
        #expect(fastParent.view.columns(0..<1).toArray().allSatisfy { $0 == 0 })  // nothing outside the view
    }
}
