/// One algorithm's hyper-parameters: decoded from JSON files (strict, partial), validated before an
/// agent is built, and written into checkpoints.
public protocol AlgorithmConfiguration: Codable, Sendable {
    /// The defaults.
    init()
    /// Checks every field; the error names the field, its value and what is allowed.
    func validate() throws
    /// Checks what depends on the number of environment copies too (for example that a rollout splits
    /// into whole minibatches).
    func validate(copies: Int) throws
    /// One line on the settings that shape a run.
    var summary: String { get }
}

extension AlgorithmConfiguration {
    public func validate(copies: Int) throws { try validate() }
}
