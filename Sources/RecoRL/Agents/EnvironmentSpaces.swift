import RecoEnvironments

/// What an agent needs to know of the environment it will train on: its observation and action
/// spaces and how many copies step together. Agents are built from this (or straight from the
/// environment), so no size is given twice.
public struct EnvironmentSpaces: Equatable, Sendable {
    public let observationSpace: Space
    public let actionSpace: Space
    /// Environment copies `N` stepped together (on-policy agents size their rollout batch by it).
    public let copies: Int
    /// Width `D` of one observation.
    public let observationWidth: Int
    /// Number of discrete actions `A`.
    public let actionCount: Int

    /// Throws `TrainingError.incompatibleEnvironment` unless observations are a non-empty box and
    /// actions a discrete space of at least one action, and `copies` is positive.
    public init(observationSpace: Space, actionSpace: Space, copies: Int = 1) throws {
        guard case .box = observationSpace, observationSpace.width >= 1 else {
            throw TrainingError.incompatibleEnvironment(field: "observationSpace", value: "\(observationSpace)",
                                                        expected: "a box of at least one value")
        }
        guard let choices = actionSpace.choices, choices >= 1 else {
            throw TrainingError.incompatibleEnvironment(field: "actionSpace", value: "\(actionSpace)",
                                                        expected: "a discrete space of at least one action")
        }
        guard copies >= 1 else {
            throw TrainingError.incompatibleEnvironment(field: "copies", value: "\(copies)", expected: "at least 1")
        }
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
        self.copies = copies
        observationWidth = observationSpace.width
        actionCount = choices
    }

    /// The spaces and copy count of `environment`.
    public init(_ environment: BatchedEnvironment) throws {
        try self.init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace,
                      copies: environment.copies)
    }
}
