/// A user error in an experiment's input (flag, file, value, checkpoint): printed as one line naming
/// what was wrong and what was expected, with a non-zero exit code.
public struct ExperimentError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
