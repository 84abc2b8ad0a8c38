import RecoEnvironments
import RecoNetworks
import RecoTensor

/// A contextual-bandit model: RecoGym's stock baselines, LinUCB, Thompson sampling. It learns the
/// value of each action in a context from logged impressions (context, action, propensity, reward)
/// rather than from returns over episodes, and acts on one context at a time.
///
/// Two ways of learning, as `learnsOnline` says:
/// - batch models fit once to a log of impressions chosen uniformly at random (RecoGym's training
///   protocol); `fit` replaces whatever was learned before;
/// - online models (`learnsOnline`) also choose the impressions they learn from: they act with
///   `explore` (an upper confidence bound, a posterior draw) and fold each batch in with `update`.
///
/// `BanditAgent` wraps a model into an `Agent` of the registry; the model only holds what it learns
/// and how it decides. Models are called from several threads at once when acting: `scores`, `act`
/// and `explore` must not write shared state (use per-call scratch).
///
/// Shapes: contexts `B x D` (`observationWidth`), scores `B x A` (`actionCount`).
public protocol BanditModel: AnyObject, Sendable {
    associatedtype Configuration: AlgorithmConfiguration
    /// The registry name (`organic-count`, `linucb`, ...), as written in checkpoints.
    static var algorithm: String { get }
    /// Whether the model is trained online on its own decisions (`explore`, `update`) rather than
    /// fitted once to a uniformly random log.
    static var learnsOnline: Bool { get }
    /// What `scores` gives per action (nil: the model has no per-action scores).
    static var scoreKind: ActionScoreKind? { get }
    /// Whether the model learns anything from data (false for rules that read only the context, such
    /// as uniform random or per-user counts, which act the same fitted or not).
    static var learnsFromData: Bool { get }

    /// An unfitted model. Throws `ConfigurationError` when the sizes do not suit the model (for example
    /// a context layout it cannot read, or features that would not fit in memory).
    init(configuration: Configuration, observationWidth: Int, actionCount: Int) throws

    var configuration: Configuration { get }
    var observationWidth: Int { get }
    var actionCount: Int { get }
    /// Interactions the model has learned from.
    var interactionsSeen: Int { get }

    /// Learns from `log` afresh (forgetting what was learned before). Throws `LoggedDataError.invalid`
    /// for an interaction whose context or action does not fit the model.
    func fit(_ log: [LoggedInteraction], using generator: inout RandomGenerator) throws

    /// Online models: folds `batch` into what was learned so far. Batch models refit on what they
    /// have seen plus `batch` (the default), which is exact but slow; the trainer never asks them to.
    func update(_ batch: [LoggedInteraction], using generator: inout RandomGenerator) throws

    /// Every action's score for every context (shapes already checked by the caller).
    func scores(_ contexts: MatrixView, into scores: MatrixView)

    /// The model's best guess: one action per context, with `log P(action | context)` (0 for a
    /// deterministic choice). The default takes the highest score, lowest index on ties.
    func act(_ contexts: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
             logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator)

    /// How an online model chooses the impressions it learns from (an optimistic or sampled choice),
    /// with the log-propensity of the action returned. The default is `act`.
    func explore(_ contexts: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                 logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator)

    /// `P(a | context)` of `act` (or of `explore`, when `exploring`) for every action and context
    /// (`B x A`). The default is for deterministic choices: one-hot rows of the action chosen.
    func actionProbabilities(_ contexts: MatrixView, into probabilities: MatrixView, exploring: Bool)

    /// What the model has learned, as named tensors, for checkpoints (an empty store for a model that
    /// learns nothing).
    func parameters() -> ParameterStore

    /// Puts back what `parameters()` returned (read from the checkpoint at `path`); throws
    /// `CheckpointError.mismatch` when a tensor is missing or has the wrong shape.
    func restore(_ parameters: ParameterStore, interactionsSeen: Int, path: String) throws
}

extension BanditModel {
    public static var learnsOnline: Bool { false }
    public static var learnsFromData: Bool { true }

    public func update(_ batch: [LoggedInteraction], using generator: inout RandomGenerator) throws {
        throw LoggedDataError.invalid(field: "update", value: Self.algorithm,
                                      expected: "a model that learns online (\(Self.algorithm) is fitted once to a log)")
    }

    public func act(_ contexts: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                    logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) {
        let scores = Matrix(rows: contexts.rows, columns: actionCount)
        self.scores(contexts, into: scores.view)
        if let base = actions.baseAddress { Kernels.rowArgmax(scores.view, into: base) }
        logProbabilities?.update(repeating: 0)
    }

    public func explore(_ contexts: MatrixView, into actions: UnsafeMutableBufferPointer<Int32>,
                        logProbabilities: UnsafeMutableBufferPointer<Float>?, using generator: inout RandomGenerator) {
        act(contexts, into: actions, logProbabilities: logProbabilities, using: &generator)
    }

    public func actionProbabilities(_ contexts: MatrixView, into probabilities: MatrixView, exploring: Bool) {
        var chosen = [Int32](repeating: 0, count: contexts.rows)
        var generator = RandomGenerator(seed: 0)
        chosen.withUnsafeMutableBufferPointer {
            if exploring {
                explore(contexts, into: $0, logProbabilities: nil, using: &generator)
            } else {
                act(contexts, into: $0, logProbabilities: nil, using: &generator)
            }
        }
        probabilities.fill(0)
        for r in 0..<contexts.rows { probabilities[r, Int(chosen[r])] = 1 }
    }

    /// Throws unless every interaction of `log` has a context of `observationWidth` values and an action
    /// in `0..<actionCount`: the check every `fit` and `update` starts with.
    public func checkLog(_ log: [LoggedInteraction]) throws {
        for (index, interaction) in log.enumerated() {
            guard interaction.context.count == observationWidth else {
                throw LoggedDataError.invalid(field: "log[\(index)].context", value: "\(interaction.context.count) values",
                                              expected: "\(observationWidth), the \(Self.algorithm) model's observation width")
            }
            guard interaction.action < actionCount else {
                throw LoggedDataError.invalid(field: "log[\(index)].action", value: "\(interaction.action)",
                                              expected: "an action in 0..<\(actionCount)")
            }
        }
    }
}

/// Reading contexts laid out as RecoGym's `viewHistory` observation: the view counts over the `A`
/// products (columns `0..<A`), then a one-hot of the last viewed product (columns `A..<2A`). The
/// baselines that act on view counts or on the last viewed product need this layout.
public struct ViewHistoryLayout: Sendable {
    public let products: Int

    /// Throws `ConfigurationError` unless contexts are `2 * actionCount` wide.
    public init(algorithm: String, observationWidth: Int, actionCount: Int) throws {
        guard observationWidth == 2 * actionCount else {
            throw ConfigurationError(field: "observation width", value: "\(observationWidth)",
                                     expected: "\(2 * actionCount) for \(algorithm): the view counts over the \(actionCount) products, then a one-hot of the last viewed product (recogym's viewHistory observation)")
        }
        products = actionCount
    }

    /// The cells of a `P x P` table over (last viewed product, action), after checking that `tables` such
    /// float tables fit in `ConfigurationLimits.memoryBytes`; throws `ConfigurationError` (field
    /// `products`) naming the largest catalogue that fits.
    public func pairTableCells(tables: Int, algorithm: String) throws -> Int {
        let (cells, overflow) = products.multipliedReportingOverflow(by: products)
        let bytes = 4 * Double(tables)
        guard !overflow, Double(cells) * bytes <= ConfigurationLimits.memoryBytes else {
            let largest = Int((ConfigurationLimits.memoryBytes / bytes).squareRoot())
            throw ConfigurationError(field: "products", value: "\(products)",
                                     expected: "a catalogue whose \(tables) P x P table\(tables == 1 ? "" : "s") for \(algorithm) fit in \(Int(ConfigurationLimits.memoryBytes / 1_073_741_824)) GiB (at most \(largest) products)")
        }
        return cells
    }

    /// The product last viewed in `row` of `contexts`, nil before the first view.
    public func lastViewed(_ contexts: MatrixView, row: Int) -> Int? {
        let pointer = contexts.rowPointer(row) + products
        for p in 0..<products where pointer[p] > 0.5 { return p }
        return nil
    }

    /// The product last viewed in a logged context, nil before the first view.
    public func lastViewed(_ context: [Float]) -> Int? {
        (0..<products).first { context[products + $0] > 0.5 }
    }
}
