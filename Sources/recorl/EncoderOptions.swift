import ArgumentParser
import RecoRL

extension ObservationEncoder: ExpressibleByArgument {}

/// `--encoder` and `--encoder-width`: how every deep agent reads an environment's window of item ids
/// (`ObservationEncoder`), over the preset or `--config` file.
struct EncoderOptions: ParsableArguments {
    @Option(help: "How agents read the window of item ids: \(ObservationEncoder.allCases.map(\.rawValue).joined(separator: ", ")) (default: the configuration's, mlp).")
    var encoder: ObservationEncoder?
    @Option(parsing: .unconditional, help: "Width of the GRU state or attention block (default: the configuration's, 32).")
    var encoderWidth: Int?

    /// `configuration` with the encoder settings given; an algorithm without them (a bandit) refuses the flags.
    func apply(to configuration: AlgorithmConfiguration, algorithm: String) throws -> AlgorithmConfiguration {
        guard encoder != nil || encoderWidth != nil else { return configuration }
        guard var encoding = configuration as? any AlgorithmConfiguration & ObservationEncodingConfiguration else {
            throw ValidationError("--encoder: applies to the deep agents (dqn, a2c, ppo, sac), not \(algorithm)")
        }
        if let encoder { encoding.encoder = encoder }
        if let encoderWidth { encoding.encoderWidth = encoderWidth }
        return encoding
    }
}
