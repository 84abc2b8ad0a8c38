import RecoData
import RecoEnvironments
import RecoTensor

/// The non-RL baselines of the `reviews` environment, fitted on the training users' timelines.
public enum ReviewsBaselines {
    /// Seed of the matrix factorisation's initial factors.
    public static let seed: UInt64 = 11

    /// Popularity, item-to-item co-occurrence and implicit ALS matrix factorisation, with their default
    /// settings, by name.
    public static func fitted(_ world: ReviewsWorld) throws -> [(name: String, policy: Policy)] {
        let layout = ReviewObservationLayout(historyLength: world.settings.historyLength, itemCount: world.timelines.itemCount)
        let users = world.split.training
        var generator = RandomGenerator(seed: seed)
        return [
            ("popularity", try PopularityRecommender(timelines: world.timelines, users: users, layout: layout)),
            ("item co-occurrence", try ItemCoOccurrenceRecommender(timelines: world.timelines, users: users, layout: layout)),
            ("matrix factorisation (ALS)", try MatrixFactorizationRecommender(timelines: world.timelines, users: users, layout: layout,
                                                                            using: &generator)),
        ]
    }
}
