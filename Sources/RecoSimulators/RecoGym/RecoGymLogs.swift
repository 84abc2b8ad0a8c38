/// RecoGym's `generate_logs(n)` with the built-in uniform random logging policy (abstract.py L199-327):
/// users 0..<n in turn, each: the first organic session, then while not done one uniform action
/// (`choice(P)`, from the same stream) per impression. After `done` RecoGym draws one more action and
/// logs it as a non-clicked impression at the final time (the "phantom", MODEL.md section 8); it is
/// included when `phantomImpressions` is true (as in RecoGym, and needed to stay on its stream) and its
/// draw is made either way.
public enum RecoGymLogs {
    public static func generate<R: RecoGymRandomSource>(world: RecoGymWorld, configuration: RecoGymConfiguration,
                                                        users: Int, firstUser: Int = 0,
                                                        phantomImpressions: Bool = true,
                                                        random: inout R) -> [RecoGymEvent] {
        var events: [RecoGymEvent] = []
        for id in firstUser..<(firstUser + users) {
            var user = RecoGymUser(id: id, configuration: configuration, random: &random)
            user.organicSession(world: world, configuration: configuration, random: &random, into: &events)
            while user.state != .stop {
                let action = random.recoGymIndex(below: configuration.numProducts)
                user.recommend(action, world: world, configuration: configuration, random: &random, into: &events)
            }
            let phantom = random.recoGymIndex(below: configuration.numProducts)
            if phantomImpressions { events.append(.bandit(time: user.time, user: id, action: phantom, click: false)) }
        }
        return events
    }
}
