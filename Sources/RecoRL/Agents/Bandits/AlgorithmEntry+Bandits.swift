extension AlgorithmEntry {
    /// Uniform random recommendations.
    public static let random = AlgorithmEntry(
        name: RandomBaseline.algorithm, summary: "uniform random actions (the floor, and RecoGym's logging policy)",
        agent: BanditAgent<RandomBaseline>.self, family: .bandit)
    /// RecoGym's organic co-view counts.
    public static let organicCount = AlgorithmEntry(
        name: OrganicCountModel.algorithm, summary: "the product most co-viewed with the last one viewed (RecoGym's OrganicCount)",
        agent: BanditAgent<OrganicCountModel>.self, family: .bandit)
    /// RecoGym's per-user organic counts.
    public static let userCount = AlgorithmEntry(
        name: UserCountModel.algorithm, summary: "a product the user viewed, in proportion to views (RecoGym's OrganicUserEventCounter)",
        agent: BanditAgent<UserCountModel>.self, family: .bandit)
    /// RecoGym's bandit counts.
    public static let banditCount = AlgorithmEntry(
        name: BanditCountModel.algorithm, summary: "Beta-posterior click rate per last viewed product and action (RecoGym's BanditCount)",
        agent: BanditAgent<BanditCountModel>.self, family: .bandit)
    /// RecoGym's logistic regression of clicks.
    public static let likelihood = AlgorithmEntry(
        name: LogisticPolyModel.algorithm, summary: "logistic regression of clicks on view counts, action and their products (RecoGym's LogregPoly, 'Likelihood')",
        agent: BanditAgent<LogisticPolyModel>.self, family: .bandit)
    /// RecoGym's inverse-propensity-weighted multinomial logistic regression.
    public static let logisticIPS = AlgorithmEntry(
        name: LogisticIPSModel.algorithm, summary: "multinomial logistic regression of clicked actions on view counts, weighted 1 / propensity (RecoGym's LogregMulticlassIps)",
        agent: BanditAgent<LogisticIPSModel>.self, family: .bandit)
    /// LinUCB, the disjoint model.
    public static let linUCB = AlgorithmEntry(
        name: LinUCBModel.algorithm, summary: "per-action ridge regression on the context, explored by upper confidence bounds (Li et al. 2010)",
        agent: BanditAgent<LinUCBModel>.self, family: .bandit)
    /// Linear Thompson sampling.
    public static let thompson = AlgorithmEntry(
        name: ThompsonSamplingModel.algorithm, summary: "per-action Bayesian linear regression, explored by posterior draws (Agrawal & Goyal 2013)",
        agent: BanditAgent<ThompsonSamplingModel>.self, family: .bandit)
    /// A softmax MLP policy fitted on the clipped-IPS objective.
    public static let neuralIPS = AlgorithmEntry(
        name: NeuralIPSModel.algorithm, summary: "MLP softmax policy fitted to the clipped-IPS estimate of its reward (RecoGym's NN-IPS, made to learn)",
        agent: BanditAgent<NeuralIPSModel>.self, family: .bandit)
    /// A multinomial logistic regression of the next organic view.
    public static let nextView = AlgorithmEntry(
        name: NextViewModel.algorithm, summary: "the product the user most likely views next, by a multinomial logistic regression fitted to the log's organic views",
        agent: BanditAgent<NextViewModel>.self, family: .bandit)
}
