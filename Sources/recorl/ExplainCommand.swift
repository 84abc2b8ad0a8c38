import ArgumentParser
import Foundation
import RecoExperiments
import RecoRL
import RecoSimulators
import RecoTensor

/// `recorl explain`: why a trained marketing policy picks a strategy for a user: the user's features,
/// the chosen strategy, every strategy's score (Q value for DQN, probability for policy agents) and the
/// reward each earns under the environment's rules.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show the strategy a trained marketing policy picks for a user, with every strategy's Q value or probability and reward.")

    @Option(help: "Checkpoint written by `recorl train --env marketing`.") var checkpoint: String
    @Option(help: "The user's features, e.g. \"recency=15,frequency=3,monetary_value=200,engagement_score=0.78,discount_sensitive=1,free_shipping_preferred=0,email_opens=0.87,sms_response=0.12,push_response=0.05,last_purchase_days=8\".")
    var user: String
    @Option(parsing: .unconditional, help: "Contacts already made with this user in the current episode.") var contactsUsed: Int = 0

    mutating func validate() throws {
        try Bounds.requirePath(checkpoint, flag: "--checkpoint")
        let perEpisode = MarketingEnvironment().contactsPerEpisode
        guard contactsUsed >= 0 && contactsUsed < perEpisode else {
            throw ValidationError("--contacts-used: \(contactsUsed) is not valid; expected 0...\(perEpisode - 1)")
        }
        do {
            _ = try MarketingUser.parse(user)
        } catch {
            throw ValidationError("--user: \(error)")
        }
    }

    func run() throws {
        let (agent, environment) = try SavedAgent.load(checkpoint)
        guard environment.name == EnvironmentEntry.marketing.name else {
            throw ExperimentError("--checkpoint: \(checkpoint) was trained on \(environment.name); explain needs a marketing policy")
        }
        let parsed: MarketingUser
        do {
            parsed = try MarketingUser.parse(user)
        } catch {
            throw ExperimentError("--user: \(error)")
        }
        let perEpisode = MarketingEnvironment().contactsPerEpisode
        guard contactsUsed >= 0 && contactsUsed < perEpisode else {
            throw ExperimentError("--contacts-used: \(contactsUsed) is not valid; expected 0...\(perEpisode - 1)")
        }
        let observation = Matrix(rows: 1, columns: MarketingEnvironment.observationWidth)
        MarketingEnvironment.observation(of: parsed, contactsUsed: contactsUsed, contactsPerEpisode: perEpisode,
                                         into: observation.view.flat)
        let features = observation.toArray()
        let policy = agent.greedyPolicy
        let chosen = try policy.action(for: features)
        let values = try policy.scores(for: features)
        let strategy = MarketingStrategy.catalogue[chosen]

        print("User features:")
        for (name, value) in zip(MarketingUser.featureNames, parsed.features) {
            print("  " + name.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: "%.2f", value))
        }
        print("")
        print("Agent action chosen: #\(chosen) -> \(strategy.name)")
        print(String(format: "Reward achieved: %.2f", MarketingEnvironment.reward(for: parsed, strategy: strategy)))
        print("")
        print(Table.row(["strategy", (policy.scoreKind ?? .qValue).rawValue, "reward"], widths: [34, 11, 8]))
        for index in values.indices.sorted(by: { values[$0] > values[$1] }) {
            let candidate = MarketingStrategy.catalogue[index]
            let marker = index == chosen ? "* " : "  "
            print(Table.row([marker + "#\(index) " + candidate.name, String(format: "%.3f", values[index]),
                             String(format: "%.2f", MarketingEnvironment.reward(for: parsed, strategy: candidate))],
                            widths: [34, 11, 8]))
        }
    }
}
