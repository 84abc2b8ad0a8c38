/// The `k` largest entries of each row, for ranking a large catalogue of items by score.
extension Kernels {
    /// Writes, for each row of `x`, the columns of its `k` largest values in decreasing order of value
    /// (equal values in increasing column order) into row `i` of `indices` (and their values into
    /// `values` when given). Both outputs are `rows x k`, row-major.
    ///
    /// A partial selection: a `k`-element heap per row costs O(columns log k), not a full sort. Rows are
    /// spread over the thread policy's cores when the table is large.
    public static func topK(_ x: MatrixView, k: Int, indices: UnsafeMutablePointer<Int32>,
                            values: UnsafeMutablePointer<Float>? = nil) {
        precondition(k >= 1 && k <= x.columns, "topK: k = \(k) outside 1...\(x.columns)")
        let minimumRows = max(1, (1 << 16) / max(1, x.columns))
        ThreadPolicy.parallelChunks(x.rows, minimumChunk: minimumRows) { rows in
            for r in rows {
                topKOfRow(x.rowPointer(r), x.columns, k, indices + r * k, values.map { $0 + r * k })
            }
        }
    }

    /// One row: a min-heap of the best `k` seen so far, ordered so its root is the entry to evict.
    static func topKOfRow(_ row: UnsafeMutablePointer<Float>, _ n: Int, _ k: Int,
                          _ outIndices: UnsafeMutablePointer<Int32>, _ outValues: UnsafeMutablePointer<Float>?) {
        let heap = UnsafeMutableBufferPointer(start: outIndices, count: k)  // the output row is the heap
        // `worse(a, b)`: a ranks below b (smaller value, or equal value and later column).
        @inline(__always) func worse(_ a: Int32, _ b: Int32) -> Bool {
            let va = row[Int(a)], vb = row[Int(b)]
            return va < vb || (va == vb && a > b)
        }
        @inline(__always) func siftDown(_ start: Int, _ count: Int) {
            var i = start
            while true {
                let left = 2 * i + 1
                if left >= count { return }
                var child = left
                if left + 1 < count && worse(heap[left + 1], heap[left]) { child = left + 1 }
                if !worse(heap[child], heap[i]) { return }
                heap.swapAt(i, child)
                i = child
            }
        }
        for j in 0..<k { heap[j] = Int32(j) }
        for i in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(i, k) }
        var rootValue = row[Int(heap[0])]
        for j in k..<n {
            let v = row[j]
            // Later columns lose ties, so only a strictly larger value enters the heap.
            if v > rootValue {
                heap[0] = Int32(j)
                siftDown(0, k)
                rootValue = row[Int(heap[0])]
            }
        }
        // Heap sort in place: repeatedly move the worst to the end, giving best-first order.
        var count = k
        while count > 1 {
            heap.swapAt(0, count - 1)
            count -= 1
            siftDown(0, count)
        }
        if let outValues {
            for j in 0..<k { outValues[j] = row[Int(heap[j])] }
        }
    }

    /// Plain reference for `topK`: a full stable sort of each row. Kept beside the tuned kernel so the
    /// tests compare the two.
    static func topKReference(_ x: MatrixView, k: Int) -> [[Int32]] {
        (0..<x.rows).map { r in
            let row = x.rowPointer(r)
            let order = (0..<x.columns).sorted { a, b in
                row[a] > row[b] || (row[a] == row[b] && a < b)
            }
            return order.prefix(k).map { Int32($0) }
        }
    }
}
