import Foundation
import RecoEnvironments
import RecoEvaluation
import RecoExperiments
import RecoRL

/// What `recorl ope --log sqlite:PATH --checkpoint CKPT` estimates: the expected reward of a trained
/// agent's greedy policy on the decisions the service logged, by IPS, clipped IPS, self-normalised IPS
/// and doubly robust (`OffPolicyEstimators`), each with its bootstrap interval.
///
/// Only decisions with a reward (joined or expired) and a propensity in (0, 1] are used; the logged
/// propensities are those of whichever policy answered (model or fallback), so the estimates are of
/// the target against the service's actual behaviour. Doubly robust's reward model is
/// `ActionMeanRewardModel` fitted on the same decisions.
public struct ServedOffPolicyReport: Codable, Sendable {
    /// The target agent's algorithm.
    public var agent: String
    /// The log's path.
    public var log: String
    /// Actions of the target policy.
    public var actions: Int
    /// Decisions in the log.
    public var decisions: Int
    /// Decisions the estimates are computed on.
    public var evaluated: Int
    /// Decisions left out for want of a reward (still pending when the log was read, or never closed).
    public var withoutReward: Int
    /// Decisions left out because their policy gave the action probability 0 (no importance weight).
    public var zeroPropensity: Int
    /// The mean reward the service's policies got on the evaluated decisions.
    public var loggedMeanReward: Double
    /// `ips`, `clipped-ips`, `snips`, `dr`, in that order: estimates of the target's expected reward per
    /// decision, with interval and effective sample size.
    public var estimates: [OffPolicyReport.NamedEstimate]

    /// Reads the log at `path`, loads the agent at `checkpoint`, and estimates. Throws `ExperimentError`
    /// naming `--log` (missing file, another schema, no decision with a reward) or `--checkpoint` (not
    /// loadable, or a width other than the logged feature count, or fewer actions than logged).
    public static func run(log path: String, checkpoint: String, maxWeight: Double = 10,
                           bootstrap: BootstrapSettings = BootstrapSettings(),
                           registry: AlgorithmRegistry = .standard) throws -> ServedOffPolicyReport {
        guard maxWeight > 0, maxWeight.isFinite else {
            throw ExperimentError("--max-weight: \(maxWeight) is not valid; expected a finite weight above 0")
        }
        let logged: [LoggedServingInteraction]
        do { logged = try InteractionLog.read(path: path) } catch { throw ExperimentError("--log: \(error)") }
        let agent: Agent
        do { agent = try registry.load(from: URL(fileURLWithPath: checkpoint)).agent } catch {
            throw ExperimentError("--checkpoint: \(error)")
        }
        var interactions: [LoggedInteraction] = []
        var withoutReward = 0, zeroPropensity = 0
        for entry in logged {
            let decision = entry.decision
            guard let reward = entry.reward else {
                withoutReward += 1
                continue
            }
            guard decision.features.count == agent.observationWidth else {
                throw ExperimentError("--checkpoint: \(checkpoint) takes \(agent.observationWidth) values; expected "
                                      + "\(decision.features.count) (the feature count of event \(decision.eventId) in \(path))")
            }
            guard decision.action < agent.actionCount else {
                throw ExperimentError("--checkpoint: \(checkpoint) has \(agent.actionCount) actions; expected more than "
                                      + "action \(decision.action) of event \(decision.eventId) in \(path)")
            }
            guard decision.propensity > 0 else {
                zeroPropensity += 1
                continue
            }
            do {
                interactions.append(try LoggedInteraction(context: decision.features, action: decision.action,
                                                          propensity: min(decision.propensity, 1), reward: Float(reward.reward),
                                                          time: decision.time.timeIntervalSince1970))
            } catch {
                throw ExperimentError("--log: \(path), event \(decision.eventId): \(error)")
            }
        }
        guard !interactions.isEmpty else {
            throw ExperimentError("--log: \(path) has no decision with a reward (of \(logged.count) decisions); "
                                  + "expected a log of served decisions whose feedback was joined or expired")
        }
        let target = agent.greedyPolicy
        let estimates = try OffPolicyReport.estimates(
            target, on: interactions, rewardModel: ActionMeanRewardModel(fittedTo: interactions, actionCount: agent.actionCount),
            maxWeight: maxWeight, bootstrap: bootstrap)
        let total = interactions.reduce(0.0) { $0 + Double($1.reward) }
        return ServedOffPolicyReport(agent: agent.algorithm, log: path, actions: agent.actionCount, decisions: logged.count,
                                     evaluated: interactions.count, withoutReward: withoutReward, zeroPropensity: zeroPropensity,
                                     loggedMeanReward: total / Double(interactions.count), estimates: estimates)
    }

    /// The report as a text table, in the style of `OffPolicyReport.table()` (rewards, not CTRs).
    public func table() -> String {
        let widths = [12, 12, 30, 12]
        var lines = [
            "\(agent) on \(evaluated) served decisions with rewards (\(actions) actions) from \(log); "
                + "left out \(withoutReward) without reward, \(zeroPropensity) with propensity 0",
            String(format: "served policies' mean reward %.4f; doubly robust's model: the mean reward of each action", loggedMeanReward),
            Table.row(["estimator", "reward", "95% bootstrap interval", "ESS"], widths: widths),
        ]
        for named in estimates {
            let e = named.estimate
            lines.append(Table.row([named.estimator, String(format: "%.4f", e.value),
                                    String(format: "[%.4f, %.4f]", e.confidenceInterval.lowerBound, e.confidenceInterval.upperBound),
                                    String(format: "%.0f", e.effectiveSampleSize)], widths: widths))
        }
        return lines.joined(separator: "\n")
    }
}
