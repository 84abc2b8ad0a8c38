import Foundation
import RecoSimulators

/// The interaction log as a RecoGym log: one bandit row per decision that has a reward, with RecoGym's
/// columns `t,u,z,v,a,c,ps,ps-a` (`RecoGymLog`), so that tools reading RecoGym logs (`recorl ope`,
/// `RecoGymLog.read`, pandas) read served traffic too.
///
/// `t` is the row's place in time order (0, 1, ...); `u` a dense user index in order of first
/// appearance (a decision without a user is a user of its own); `z` is `bandit`; `v` empty; `a` the
/// action; `c` the reward, which must be 0 or 1 (RecoGym's click); `ps` the propensity, which must be in
/// (0, 1]; `ps-a` empty (the service logs only the chosen action's probability). The features are not
/// exported (RecoGym rebuilds contexts from organic views, which a served log does not have).
public enum ServedLogExport {
    /// The rows of `interactions` read from the log at `path` (named in errors), and how many decisions
    /// were left out for want of a reward. Throws `InteractionLogError.invalidValue` for a reward other
    /// than 0 or 1 or a propensity outside (0, 1].
    public static func recoGymRows(_ interactions: [LoggedServingInteraction], path: String) throws
        -> (rows: [RecoGymLogRow], withoutReward: Int) {
        var users: [String: Int] = [:]
        var rows: [RecoGymLogRow] = []
        var withoutReward = 0
        for interaction in interactions {
            let decision = interaction.decision
            guard let reward = interaction.reward else {
                withoutReward += 1
                continue
            }
            guard reward.reward == 0 || reward.reward == 1 else {
                throw InteractionLogError.invalidValue(path: path, table: "rewards", column: "reward", eventId: decision.eventId,
                                                       value: "\(reward.reward)", expected: "0 or 1 (RecoGym's click column c)")
            }
            guard decision.propensity > 0, decision.propensity <= 1 else {
                throw InteractionLogError.invalidValue(path: path, table: "decisions", column: "propensity", eventId: decision.eventId,
                                                       value: "\(decision.propensity)", expected: "a probability in (0, 1] (RecoGym's ps)")
            }
            let key = decision.user.map { "user:" + $0 } ?? "event:" + decision.eventId
            let user = users[key] ?? users.count
            users[key] = user
            rows.append(.bandit(time: Double(rows.count), user: user, action: decision.action, click: Float(reward.reward),
                                propensity: Double(decision.propensity)))
        }
        return (rows, withoutReward)
    }

    /// Reads the log at `path` and writes its RecoGym rows to `url`; the number of rows written and of
    /// decisions left out for want of a reward.
    @discardableResult
    public static func write(from path: String, to url: URL) throws -> (rows: Int, withoutReward: Int) {
        let (rows, withoutReward) = try recoGymRows(try InteractionLog.read(path: path), path: path)
        try RecoGymLog.write(rows, to: url)
        return (rows.count, withoutReward)
    }
}
