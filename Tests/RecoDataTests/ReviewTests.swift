import RecoData
import Testing

@Suite struct ReviewTests {
    @Test func defaultsAreEmptyAndAbsent() {
        let review = Review(user: "A1", item: "B0", rating: 4, time: 1_500_000_000)
        #expect(review.text.isEmpty && review.summary.isEmpty)
        #expect(review.helpfulVotes == nil && review.totalVotes == nil && review.verified == nil)
    }
}
