/// One RecoGym user (= one episode): the Markov state, the drifting taste ω and the user's clock
/// (abstract.py `reset`/`step`/`generate_organic_sessions`, reco_env_v1.py `update_state`,
/// `draw_click`, `update_product_view`; MODEL.md sections 3-6). Every draw comes from the source passed
/// in, in RecoGym's order.
public struct RecoGymUser: Codable, Equatable, Sendable {
    public let id: Int
    public private(set) var state: RecoGymMarkovState = .organic
    /// ω, the latent taste (K).
    public private(set) var omega: [Double]
    /// The clock: the time of the next event (0 for the first).
    public private(set) var time = 0
    private var contextSwitch = false
    private var cachedClickProbabilities: [Double]? = nil

    /// A new user (`reset`): organic, t = 0, ω ~ N(0, sigma_omega_initial² I_K).
    public init<R: RecoGymRandomSource>(id: Int, configuration: RecoGymConfiguration, random: inout R) {
        self.id = id
        var omega = [Double](repeating: 0, count: configuration.K)
        for k in 0..<configuration.K { omega[k] = 0 + configuration.sigmaOmegaInitial * random.recoGymGaussian() }
        self.omega = omega
    }

    /// `update_state`: draw the next Markov state, advance the clock by 1 (Δt = 1), and if the new state
    /// is organic (or always, with `change_omega_for_bandits`) let ω take a N(0, sigma_omega² I) step.
    mutating func updateState<R: RecoGymRandomSource>(world: RecoGymWorld, configuration: RecoGymConfiguration,
                                                      random: inout R) {
        let old = state
        let u = random.recoGymUniform()
        state = RecoGymMarkovState(rawValue: NumpyChoice.index(cumulative: world.cumulativeTransition[old.rawValue],
                                                                uniform: u))!
        time += 1
        if configuration.changeOmegaForBandits || state == .organic {
            let scale = configuration.sigmaOmega * 1  // sigma_omega · Δt with Δt = 1
            for k in omega.indices { omega[k] = omega[k] + scale * random.recoGymGaussian() }
        }
        contextSwitch = old != state
    }

    /// `generate_organic_sessions`: while organic, view a product drawn from the softmax, record it at the
    /// current time, then step the Markov chain. Appends the views to `events`.
    public mutating func organicSession<R: RecoGymRandomSource>(world: RecoGymWorld, configuration: RecoGymConfiguration,
                                                                random: inout R, into events: inout [RecoGymEvent]) {
        while state == .organic {
            let cumulative = NumpyChoice.cumulativeSum(world.organicProbabilities(omega: omega))
            let view = NumpyChoice.index(cumulative: cumulative, uniform: random.recoGymUniform())
            events.append(.organic(time: time, user: id, product: view))
            updateState(world: world, configuration: configuration, random: &random)
        }
    }

    /// `step(a)` in the bandit state: the click is Bernoulli(ff(β_a·ω + μ^b_a)) drawn as NumPy's
    /// `choice([0, 1], p=[1 - c, c])`; then `update_state`; a click forces the state back to organic;
    /// if organic, the next organic session follows (its views appended to `events`, after the
    /// impression). Returns whether the impression was clicked.
    @discardableResult
    public mutating func recommend<R: RecoGymRandomSource>(_ action: Int, world: RecoGymWorld,
                                                           configuration: RecoGymConfiguration, random: inout R,
                                                           into events: inout [RecoGymEvent]) -> Bool {
        precondition(state == .bandit, "RecoGymUser.recommend needs the bandit state, the user is \(state)")
        if configuration.changeOmegaForBandits || contextSwitch || cachedClickProbabilities == nil {
            cachedClickProbabilities = world.clickProbabilities(omega: omega)
        }
        let c = cachedClickProbabilities![action]
        let impressionTime = time
        let clicked = NumpyChoice.index(cumulative: [1 - c, (1 - c) + c], uniform: random.recoGymUniform()) == 1
        events.append(.bandit(time: impressionTime, user: id, action: action, click: clicked))
        updateState(world: world, configuration: configuration, random: &random)
        if clicked { state = .organic }
        organicSession(world: world, configuration: configuration, random: &random, into: &events)
        return clicked
    }
}
