import RecoTensor

/// One named input of a `MultiInputNetwork` and the layers that turn each of its samples into one
/// dense row (for example ids through an embedding, a sequence through an encoder and a pooling layer,
/// or dense features through no layers at all).
public struct NetworkBranch: Codable, Equatable, Sendable {
    /// Name of the input; its parameters are tensors `<name>.<layer>.<tensor>`.
    public var name: String
    /// What one sample of the input holds.
    public var input: InputShape
    /// Layers from the input to a dense row; empty passes dense features through unchanged.
    public var layers: [LayerSpec]

    /// A branch reading `input` through `layers`.
    public init(name: String, input: InputShape, layers: [LayerSpec] = []) {
        self.name = name
        self.input = input
        self.layers = layers
    }
}

/// A network over several named inputs: one branch of layers per input, the branches' outputs
/// concatenated (in branch order) into one dense row per sample, and a trunk of layers from there.
///
/// All parameters live in one `ParameterStore` (branches' tensors `<branch>.<layer>.<tensor>`, then
/// the trunk's `trunk.<layer>.<tensor>`) with one gradient buffer of the same layout, so optimisers,
/// target updates and checkpoints treat it like any network. Passes allocate nothing: every branch,
/// the concatenation and the trunk have workspaces for `maxBatch` samples. The input batches handed to
/// `forward` are read again by `backward`, so they must not change in between.
public final class MultiInputNetwork {
    /// Name of the trunk in tensor names, so not a branch name.
    public static let trunkName = "trunk"

    /// The inputs and their branches, in concatenation order.
    public let branches: [NetworkBranch]
    /// The layers after the concatenation.
    public var trunk: [LayerSpec] { trunkChain.specs }
    /// Largest batch (in samples) the workspaces hold.
    public let maxBatch: Int
    /// Parameters and gradients (shared with the network it was made from, for a replica).
    public let parameters: ParameterStore
    /// Whether this is a forward-only replica.
    public let isReplica: Bool

    private let branchChains: [LayerChain]
    private let trunkChain: LayerChain
    /// Columns of the concatenation each branch fills.
    private let columnRanges: [Range<Int>]
    private let concatenation: Matrix
    private let concatenationGradient: Matrix
    private var lastBatch = 0

    /// Builds every branch and the trunk, checks that the shapes fit (each branch ends in dense rows,
    /// the trunk reads their concatenation), and initialises the parameters from `generator` (branches
    /// in order, then the trunk).
    public convenience init(branches: [NetworkBranch], trunk: [LayerSpec], maxBatch: Int,
                            generator: inout RandomGenerator) throws {
        try self.init(branches: branches, trunk: trunk, maxBatch: maxBatch, sharing: nil)
        for chain in branchChains { try chain.initializeParameters(using: &generator) }
        try trunkChain.initializeParameters(using: &generator)
    }

    private init(branches: [NetworkBranch], trunk: [LayerSpec], maxBatch: Int, sharing shared: ParameterStore?) throws {
        guard !branches.isEmpty else { throw NetworkError.invalidArchitecture("a multi-input network needs at least one branch") }
        guard !trunk.isEmpty else { throw NetworkError.invalidArchitecture("a multi-input network needs at least one trunk layer") }
        var names = Set<String>()
        for branch in branches {
            guard !branch.name.isEmpty, !branch.name.contains("."), branch.name != Self.trunkName,
                  branch.name != Checkpoint.optimizerTensorPrefix, names.insert(branch.name).inserted else {
                throw NetworkError.invalidArchitecture(
                    "branch name \"\(branch.name)\" must be non-empty, unique, without dots and other than \(Self.trunkName) and \(Checkpoint.optimizerTensorPrefix)")
            }
        }
        self.branches = branches
        self.maxBatch = maxBatch
        isReplica = shared != nil
        var chains: [LayerChain] = []
        var ranges: [Range<Int>] = []
        var width = 0
        for branch in branches {
            let chain: LayerChain
            do {
                chain = try LayerChain(branch.layers, input: branch.input, maxBatch: maxBatch, forwardOnly: isReplica)
            } catch let NetworkError.invalidArchitecture(detail) {
                throw NetworkError.invalidArchitecture("branch \(branch.name): \(detail)")
            }
            guard case let .dense(branchWidth) = chain.output else {
                throw NetworkError.invalidArchitecture(
                    "branch \(branch.name): gives \(chain.output); a branch must end in dense rows (pool a sequence with meanPooling)")
            }
            chains.append(chain)
            ranges.append(width..<(width + branchWidth))
            width += branchWidth
        }
        do {
            trunkChain = try LayerChain(trunk, input: .dense(width: width), maxBatch: maxBatch, forwardOnly: isReplica)
        } catch let NetworkError.invalidArchitecture(detail) {
            throw NetworkError.invalidArchitecture("\(Self.trunkName) (reading \(width) concatenated columns): \(detail)")
        }
        branchChains = chains
        columnRanges = ranges
        concatenation = Matrix(rows: maxBatch, columns: width)
        concatenationGradient = Matrix(rows: isReplica ? 0 : maxBatch, columns: width)

        var tensors: [ParameterTensor] = []
        var offsets: [Int] = []
        var offset = 0
        for (branch, chain) in zip(branches, chains) {
            offsets.append(offset)
            tensors += chain.tensors(prefix: "\(branch.name).", offset: offset)
            offset += chain.parameterCount
        }
        tensors += trunkChain.tensors(prefix: "\(Self.trunkName).", offset: offset)
        parameters = shared ?? ParameterStore(tensors: tensors)
        for (chain, start) in zip(chains, offsets) { chain.bind(to: parameters, offset: start) }
        trunkChain.bind(to: parameters, offset: offset)
    }

    /// A forward-only copy reading this network's parameters through its own workspaces for
    /// `maxBatch` samples (see `SequentialNetwork.replica(maxBatch:)`).
    public func replica(maxBatch: Int) throws -> MultiInputNetwork {
        try MultiInputNetwork(branches: branches, trunk: trunk, maxBatch: maxBatch, sharing: parameters)
    }

    /// This network if its workspaces hold `maxBatch` samples, otherwise a copy with larger workspaces
    /// and the same parameters.
    public func withWorkspaces(for maxBatch: Int) throws -> MultiInputNetwork {
        if self.maxBatch >= maxBatch { return self }
        let larger = try MultiInputNetwork(branches: branches, trunk: trunk, maxBatch: maxBatch, sharing: nil)
        larger.copyParameters(from: self)
        return larger
    }

    /// Position of the branch called `name` in `forward`'s inputs.
    public func branchIndex(named name: String) -> Int? { branches.firstIndex { $0.name == name } }

    /// Columns of the output.
    public var outputWidth: Int { trunkChain.output.width ?? 0 }
    /// Number of parameters.
    public var parameterCount: Int { parameters.count }

    /// Runs one batch per branch (`inputs[i]` for `branches[i]`, all of the same `B <= maxBatch`
    /// samples) through the branches and the trunk, and returns a view of the output (`B x outputWidth`),
    /// valid until the next forward pass. Reusing one array of inputs between calls keeps the pass
    /// free of allocations.
    @discardableResult
    public func forward(_ inputs: [InputBatch]) -> MatrixView {
        precondition(inputs.count == branches.count, "network has \(branches.count) inputs, got \(inputs.count)")
        for (index, chain) in branchChains.enumerated() {
            let output = chain.forward(inputs[index])
            if index == 0 {
                lastBatch = output.rows
            } else {
                precondition(output.rows == lastBatch, "input \(branches[index].name) holds \(output.rows) samples, the first \(lastBatch)")
            }
            concatenation.rows(0..<lastBatch).columns(columnRanges[index]).copy(from: output)
        }
        return trunkChain.forward(.floats(concatenation.rows(0..<lastBatch)))
    }

    /// Back-propagates `outputGradient` (the loss gradient with respect to the last forward pass's
    /// output): writes every parameter gradient, adding to them when `accumulate`.
    public func backward(outputGradient: MatrixView, accumulate: Bool = false) {
        precondition(!isReplica, "a replica runs forward passes only")
        let concatenated = concatenationGradient.rows(0..<lastBatch)
        trunkChain.backward(outputGradient: outputGradient, inputGradient: concatenated, accumulate: accumulate)
        for (index, chain) in branchChains.enumerated() where !chain.layers.isEmpty {
            chain.backward(outputGradient: concatenated.columns(columnRanges[index]), inputGradient: nil, accumulate: accumulate)
        }
    }

    /// The network's own buffer for the output gradient of `rows` samples; fill it before `backward`.
    public func outputGradientWorkspace(rows: Int) -> MatrixView {
        trunkChain.outputGradientWorkspace(rows: rows)
    }

    /// Copies every parameter from `source`, which must have the same architecture (hard target update).
    public func copyParameters(from source: MultiInputNetwork) {
        parameters.copy(from: source.parameters)
    }

    /// Moves parameters toward `source`'s: `self = tau * source + (1 - tau) * self`.
    public func polyakAverage(from source: MultiInputNetwork, tau: Float) {
        parameters.polyakAverage(from: source.parameters, tau: tau)
    }
}
