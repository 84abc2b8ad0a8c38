import RecoSimulators
import Testing

@Suite struct RecoGymRandomStateTests {
    /// python3 -c "import numpy as np; r=np.random.RandomState(42); print([float(x) for x in r.random_sample(3)], [float(x) for x in r.standard_normal(3)])"
    /// (NumPy 2.4.6) -> [0.3745401188473625, 0.9507143064099162, 0.7319939418114051]
    ///                  [-1.1118801180469204, 0.31890218468938336, 0.2790412922001377]
    @Test func seed42MatchesNumpysRandomSampleAndStandardNormal() {
        var random = NumpyRandomState(seed: 42)
        let uniforms = (0..<3).map { _ in random.randomSample() }
        let normals = (0..<3).map { _ in random.gauss() }
        #expect(uniforms == [0.3745401188473625, 0.9507143064099162, 0.7319939418114051])
        #expect(normals == [-1.1118801180469204, 0.31890218468938336, 0.2790412922001377])
    }

    /// python3 -c "import numpy as np; r=np.random.RandomState(42); print([int(r.randint(0,10)) for _ in range(5)])"
    /// -> [6, 3, 7, 4, 6]; and with r=np.random.RandomState(42):
    /// [int(r.choice(10, p=[0.05]*5+[0.15]*5)) for _ in range(5)] -> [5, 9, 8, 7, 3]
    @Test func randintAndChoiceMatchNumpy() {
        var random = NumpyRandomState(seed: 42)
        #expect((0..<5).map { _ in random.randint(below: 10) } == [6, 3, 7, 4, 6])
        random.seed(42)
        var cumulative: [Double] = []
        var sum = 0.0
        for p in [Double](repeating: 0.05, count: 5) + [Double](repeating: 0.15, count: 5) {
            sum += p
            cumulative.append(sum)
        }
        #expect((0..<5).map { _ in random.choice(cumulative: cumulative) } == [5, 9, 8, 7, 3])
    }

    /// Re-seeding restarts the stream and drops the cached Gaussian (RecoGym re-seeds after its world).
    @Test func reseedingRestartsTheStreamAndDropsTheCachedGaussian() {
        var random = NumpyRandomState(seed: 42)
        let first = random.gauss()
        _ = random.randomSample()
        random.seed(42)
        #expect(random.gauss() == first)
        #expect(random == { var r = NumpyRandomState(seed: 42); _ = r.gauss(); return r }())
    }
}
