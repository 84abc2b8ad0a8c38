import Foundation
import RecoData
import RecoEnvironments
import RecoRL

/// A `reviews` environment with everything its evaluation needs: the timelines, the user split and
/// the settings of the entry it was built for.
public struct ReviewsWorld: Sendable {
    public let timelines: ReviewTimelines
    public let split: ReviewUserSplit
    public let settings: ReviewsSettings
    /// The dataset's item ids (asins), by dense id.
    public let itemNames: [String]

    /// Loads the prepared dataset in `directory`; errors name `--data`.
    public init(dataset directory: String, settings: ReviewsSettings = ReviewsSettings()) throws {
        do {
            let dataset = try ReviewDataset.load(from: directory)
            try settings.validate(items: dataset.items.count)
            timelines = try ReviewTimelines(dataset)
            split = try ReviewUserSplit(timelines, settings: settings)
            itemNames = dataset.items.names
        } catch let error as ReviewDataError {
            throw ExperimentError("--data \(directory): \(error)")
        }
        self.settings = settings
    }

    /// An environment walking the timelines of `users`.
    public func environment(users: [Int]) throws -> ReviewsEnvironment {
        try ReviewsEnvironment(timelines: timelines, users: users, settings: settings)
    }

    /// Training popularity per item (what the long-tail share and the popularity baseline count).
    public var trainingPopularity: [Int] { timelines.popularity(of: split.training) }
}

extension EnvironmentEntry {
    /// The `reviews` environment (`ReviewsEnvironment`) over the prepared dataset in `data.directory`,
    /// with the `ReviewsSettings` fields `data.settings` gives (a JSON object; the others keep their
    /// defaults): training walks the training users' timelines, evaluations the held-out users'. The
    /// entry records the directory as an absolute path, so checkpoints find it from anywhere.
    public static func reviews(_ data: EnvironmentData) throws -> EnvironmentEntry {
        let directory = URL(fileURLWithPath: data.directory).standardizedFileURL.path
        var settings = ReviewsSettings()
        if let text = data.settings {
            do {
                settings = try JSONDecoder().decode(ReviewsSettings.self, from: Data(text.utf8))
            } catch let error as ReviewDataError {
                throw ExperimentError("--env-config: \(error)")
            } catch {
                throw ExperimentError("--env-config: not a JSON object of reviews settings (\(error))")
            }
        }
        let world = try ReviewsWorld(dataset: directory, settings: settings)
        let training = try world.environment(users: world.split.training)
        let heldOut = world.split.heldOut.isEmpty ? training : try world.environment(users: world.split.heldOut)
        return EnvironmentEntry(
            name: "reviews", actionNames: world.itemNames, presets: ["dqn": DQNConfiguration.reviews],
            trainingSteps: ["dqn": 200_000], defaultSteps: 100_000, data: EnvironmentData(directory: directory, settings: data.settings),
            rankingTable: { policies, k in
                ReviewsRankingTable.format(try ReviewsRankingTable.reports(world, policies: policies, k: k), world: world)
            },
            make: { copies in VectorEnvironment(copies: copies) { _ in training } },
            makeEvaluation: { copies in VectorEnvironment(copies: copies) { _ in heldOut } })
    }
}
