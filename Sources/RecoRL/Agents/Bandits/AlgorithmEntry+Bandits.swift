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
}
