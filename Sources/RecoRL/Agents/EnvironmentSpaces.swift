import RecoEnvironments
import RecoNetworks

/// What an agent needs to know of the environment it will train on: its observation and action
/// spaces, which leading observation columns hold ids, and how many copies step together. Agents are built from this (or straight from the
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
    /// The leading observation columns that hold ids, when the environment declares them (agents give
    /// them learned embeddings; see `ObservationInput`).
    public let observationIds: ObservationIds?

    /// Throws `TrainingError.incompatibleEnvironment` unless observations are a non-empty box and
    /// actions a discrete space of at least one action, `copies` is positive, and `observationIds`, when
    /// given, names 1 to `D` leading columns with a vocabulary of 1 to 2^24 ids (every id a float exactly).
    public init(observationSpace: Space, actionSpace: Space, copies: Int = 1, observationIds: ObservationIds? = nil) throws {
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
        if let observationIds {
            guard (1...observationSpace.width).contains(observationIds.columns) else {
                throw TrainingError.incompatibleEnvironment(field: "observationIds.columns", value: "\(observationIds.columns)",
                                                            expected: "1 to the observation width \(observationSpace.width)")
            }
            guard (1...IdColumnsEmbeddingKind.maximumVocabulary).contains(observationIds.vocabulary) else {
                throw TrainingError.incompatibleEnvironment(field: "observationIds.vocabulary", value: "\(observationIds.vocabulary)",
                                                            expected: "1 to \(IdColumnsEmbeddingKind.maximumVocabulary)")
            }
        }
        self.observationIds = observationIds
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
        self.copies = copies
        observationWidth = observationSpace.width
        actionCount = choices
    }

    /// The spaces, id columns and copy count of `environment`.
    public init(_ environment: BatchedEnvironment) throws {
        try self.init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace,
                      copies: environment.copies, observationIds: environment.observationIds)
    }
}

/// The layers every deep agent's networks start with for its observations, when the environment
/// declares id columns and the configuration's `itemEmbeddingWidth` is positive (nothing otherwise: the
/// observation goes to the first linear layer as it is, ids read as numbers):
///
/// - `ObservationEncoder.mlp`: an `id-columns-embedding` (the mean of the ids' vectors, then the other
///   columns): `itemEmbeddingWidth + (D - columns)` wide;
/// - `.gru`: an `id-columns-sequence` (T = columns steps of `[vector_t, other columns]`) and a `gru`
///   keeping its last state: `encoderWidth` wide;
/// - `.attention`: the same sequence, a linear projection to `encoderWidth` at every step, a
///   `self-attention` block and a `meanPooling`: `encoderWidth` wide.
///
/// The networks keep the observation width `D` as their input; the layers after these start from the
/// width given.
public enum ObservationInput {
    /// The leading layers for observations of `observationWidth` with `ids`, and the width they give.
    public static func layers(observationWidth: Int, ids: ObservationIds?, itemEmbeddingWidth: Int,
                              encoder: ObservationEncoder = .mlp, encoderWidth: Int = 0) -> (specs: [LayerSpec], width: Int) {
        guard let ids, itemEmbeddingWidth > 0 else { return ([], observationWidth) }
        let rest = observationWidth - ids.columns
        switch encoder {
        case .mlp:
            let kind = IdColumnsEmbeddingKind(idColumns: ids.columns, vocabulary: ids.vocabulary, width: itemEmbeddingWidth,
                                              restWidth: rest)
            return ([LayerSpec(kind)], kind.outputWidth)
        case .gru:
            return ([.idColumnsSequence(idColumns: ids.columns, vocabulary: ids.vocabulary, width: itemEmbeddingWidth, restWidth: rest),
                     .gru(inputs: itemEmbeddingWidth + rest, hidden: encoderWidth)], encoderWidth)
        case .attention:
            return ([.idColumnsSequence(idColumns: ids.columns, vocabulary: ids.vocabulary, width: itemEmbeddingWidth, restWidth: rest),
                     .linear(itemEmbeddingWidth + rest, encoderWidth),
                     .selfAttention(width: encoderWidth, heads: ObservationEncoder.attentionHeads, steps: ids.columns),
                     .meanPooling], encoderWidth)
        }
    }

    /// `body(width)` (the layers after the input, from the width the input layers give) behind the
    /// input layers.
    public static func network(observationWidth: Int, ids: ObservationIds?, itemEmbeddingWidth: Int,
                               encoder: ObservationEncoder = .mlp, encoderWidth: Int = 0,
                               body: (Int) -> [LayerSpec]) -> [LayerSpec] {
        let input = layers(observationWidth: observationWidth, ids: ids, itemEmbeddingWidth: itemEmbeddingWidth,
                           encoder: encoder, encoderWidth: encoderWidth)
        return input.specs + body(input.width)
    }

    /// The id columns a stored architecture embeds (those of a leading `id-columns-embedding` or
    /// `id-columns-sequence`), so a network read from a checkpoint is checked against the architecture
    /// it was built with.
    public static func ids(embeddedBy specs: [LayerSpec]) -> ObservationIds? {
        if let kind = specs.first?.kind as? IdColumnsEmbeddingKind {
            return ObservationIds(columns: kind.idColumns, vocabulary: kind.vocabulary)
        }
        if let kind = specs.first?.kind as? IdColumnsSequenceKind {
            return ObservationIds(columns: kind.idColumns, vocabulary: kind.vocabulary)
        }
        return nil
    }
}
