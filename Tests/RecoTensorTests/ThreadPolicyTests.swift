import Testing
@testable import RecoTensor

@Suite struct ThreadPolicyTests {
    @Test func chunksTileTheRangeExactly() {
        for total in [0, 1, 7, 100, 65537] {
            for chunks in 1...5 {
                var covered: [Int] = []
                for index in 0..<chunks { covered += Array(ThreadPolicy.chunkRange(index, of: chunks, total: total)) }
                #expect(covered == Array(0..<total))
            }
        }
    }

    @Test func parallelChunksVisitsEveryIndexOnce() {
        let total = 100_003
        var visits = [Int32](repeating: 0, count: total)
        visits.withUnsafeMutableBufferPointer { buffer in
            ThreadPolicy.parallelChunks(total, minimumChunk: 1000) { range in
                for i in range { buffer[i] += 1 }
            }
        }
        #expect(visits.allSatisfy { $0 == 1 })
        #expect(ThreadPolicy.chunkCount(10, minimumChunk: 1000) == 1)
        #expect(ThreadPolicy.threadCount >= 1)
    }

    @Test func kernelChoiceFollowsThePolicyVariable() {
        let pick = BLASKernels.preferredCoreType
        // auto (default): AVX-512 kernels where the CPU has AVX-512, replacing an inherited AVX2 choice.
        #expect(pick([:], true) == "SKYLAKEX")
        #expect(pick(["OPENBLAS_CORETYPE": "Haswell"], true) == "SKYLAKEX")
        #expect(pick(["OPENBLAS_CORETYPE": "SkylakeX"], true) == nil)
        #expect(pick(["OPENBLAS_CORETYPE": "COOPERLAKE"], true) == nil)
        #expect(pick([:], false) == nil)
        #expect(pick(["RECORL_BLAS_CORETYPE": "auto", "OPENBLAS_CORETYPE": "HASWELL"], false) == nil)
        // system: hands off.
        #expect(pick(["RECORL_BLAS_CORETYPE": "system", "OPENBLAS_CORETYPE": "Haswell"], true) == nil)
        // explicit: forced, unless already in force.
        #expect(pick(["RECORL_BLAS_CORETYPE": "haswell"], true) == "HASWELL")
        #expect(pick(["RECORL_BLAS_CORETYPE": "HASWELL", "OPENBLAS_CORETYPE": "Haswell"], true) == nil)
    }

    @Test func avx512DetectionReadsTheFlagsLine() {
        let withAVX512 = "processor : 0\nflags\t\t: fpu sse avx2 avx512f avx512cd avx512bw avx512dq avx512vl\n"
        let without = "processor : 0\nflags\t\t: fpu sse avx2 avx512f\n"
        #expect(BLASKernels.cpuFlagsSupportAVX512(withAVX512))
        #expect(!BLASKernels.cpuFlagsSupportAVX512(without))
        #expect(!BLASKernels.cpuFlagsSupportAVX512(""))
    }
}
