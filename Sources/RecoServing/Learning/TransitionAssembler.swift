/// Chains each user's served decisions into transitions for online learning: a decision becomes the
/// transition `(features, action, reward, next features, terminal)` once its reward is settled (joined
/// or defaulted) and either the user's next decision has arrived (its features are the successor) or
/// the feedback said the episode ended (`terminal`: no bootstrap). Decisions of requests without a user
/// cannot be chained and are not learned from. Not thread-safe: `OnlineLearning` holds it under a lock.
///
/// Bounded: at most `capacity` open decisions are kept; beyond it the oldest is dropped unlearned.
struct TransitionAssembler {
    /// One finished transition, its observation rows copied.
    struct Transition {
        var features: [Float]
        var action: Int32
        var reward: Float
        var nextFeatures: [Float]
        var terminated: Bool
    }

    private struct Open {
        var user: String
        var features: [Float]
        var action: Int32
        var reward: Float?
        var next: [Float]?
        var terminal = false
    }

    let capacity: Int
    private var open: [String: Open] = [:]
    private var order: [String] = []
    private var orderHead = 0
    /// The latest open decision of each user (its successor is the user's next decision).
    private var latestOfUser: [String: String] = [:]
    /// Decisions dropped: no user, or evicted before they were complete.
    private(set) var dropped = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Records a decision; returns the user's previous decision's transition if this completes it.
    mutating func decision(eventId: String, user: String?, features: [Float], action: Int, into finished: inout [Transition]) {
        guard let user else {
            dropped += 1
            return
        }
        if let previous = latestOfUser[user], open[previous] != nil, open[previous]?.terminal == false {
            open[previous]?.next = features
            complete(previous, into: &finished)
        }
        while open.count >= capacity, orderHead < order.count {
            let oldest = order[orderHead]
            orderHead += 1
            if let evicted = open.removeValue(forKey: oldest) {
                dropped += 1
                if latestOfUser[evicted.user] == oldest { latestOfUser[evicted.user] = nil }
            }
        }
        open[eventId] = Open(user: user, features: features, action: Int32(action))
        latestOfUser[user] = eventId
        order.append(eventId)
        if orderHead >= 1024 && orderHead * 2 >= order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
    }

    /// Marks decision `eventId` as the end of its user's episode.
    mutating func terminal(eventId: String, into finished: inout [Transition]) {
        guard open[eventId] != nil else { return }
        open[eventId]?.terminal = true
        complete(eventId, into: &finished)
    }

    /// Settles the reward of decision `eventId`.
    mutating func reward(eventId: String, _ reward: Double, into finished: inout [Transition]) {
        guard open[eventId] != nil else { return }
        open[eventId]?.reward = Float(reward)
        complete(eventId, into: &finished)
    }

    private mutating func complete(_ eventId: String, into finished: inout [Transition]) {
        guard let entry = open[eventId], let reward = entry.reward, entry.terminal || entry.next != nil else { return }
        open[eventId] = nil
        if latestOfUser[entry.user] == eventId { latestOfUser[entry.user] = nil }
        finished.append(Transition(features: entry.features, action: entry.action, reward: reward,
                                   nextFeatures: entry.next ?? entry.features, terminated: entry.terminal))
    }
}
