import RecoEnvironments

/// A policy as the service deploys it: the policy, the version it answers under and the environment's
/// action names.
public struct ServedPolicy: Sendable {
    /// The policy that decides.
    public let policy: Policy
    /// A label of this policy's version, returned with every decision it makes (`policyVersion`).
    public let version: String
    /// The environment's name of each action (`policy.actionCount` names).
    public let actionNames: [String]

    /// A served policy; throws `PolicyError.shapeMismatch` unless there is one name per action.
    public init(policy: Policy, version: String, actionNames: [String]) throws {
        guard actionNames.count == policy.actionCount else {
            throw PolicyError.shapeMismatch(field: "actionNames", value: "\(actionNames.count) names",
                                            expected: "\(policy.actionCount), one per action")
        }
        self.policy = policy
        self.version = version
        self.actionNames = actionNames
    }
}
