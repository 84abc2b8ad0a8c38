/// The online reward of one policy version: every reward counted (mean, sample variance by Welford's
/// update, a 95% normal interval) and the mean of the last `window` rewards (what automatic rollback
/// compares).
struct RewardStatistics {
    /// Decisions the version made.
    private(set) var decisions = 0
    /// Rewards counted (joined or defaulted at the window's end).
    private(set) var count = 0
    private(set) var mean = 0.0
    private var sumOfSquares = 0.0
    private var recent: [Double]
    private var recentNext = 0
    private var recentSum = 0.0

    /// Statistics whose recent mean covers the last `window` rewards (at least 1).
    init(window: Int) {
        recent = []
        recent.reserveCapacity(max(1, window))
        self.window = max(1, window)
    }

    /// How many of the latest rewards `recentMean` covers.
    let window: Int

    mutating func recordDecision() { decisions += 1 }

    mutating func record(_ reward: Double) {
        count += 1
        let delta = reward - mean
        mean += delta / Double(count)
        sumOfSquares += delta * (reward - mean)
        if recent.count < window {
            recent.append(reward)
            recentSum += reward
        } else {
            recentSum += reward - recent[recentNext]
            recent[recentNext] = reward
            recentNext = (recentNext + 1) % window
        }
    }

    /// The mean of the last `window` rewards, once there are that many.
    var recentMean: Double? { recent.count == window ? recentSum / Double(window) : nil }

    /// `mean ± 1.96 s / sqrt(n)` with the sample standard deviation `s`, from two rewards on.
    var interval: ClosedRange<Double>? {
        guard count >= 2 else { return nil }
        let halfWidth = 1.96 * (sumOfSquares / Double(count - 1)).squareRoot() / Double(count).squareRoot()
        return (mean - halfWidth)...(mean + halfWidth)
    }
}
