/// The part a policy version plays in the service.
public enum PolicyRole: String, Codable, Sendable, CaseIterable {
    /// Answers every request that is not routed elsewhere.
    case production
    /// Being rolled out: answers its share of the users, until promoted or rolled back.
    case candidate
    /// Answers when the model throws or is late, and the holdout share of the users.
    case fallback
    /// No longer answers (replaced, promoted over, or rolled back); its figures are kept.
    case retired
}
