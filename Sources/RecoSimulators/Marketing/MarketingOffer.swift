/// What a marketing message offers the user. `allCases` is the catalogue's order of offers.
public enum MarketingOffer: Int, CaseIterable, Sendable, CustomStringConvertible {
    case discount5
    case discount10
    case discount15
    case discount20
    case freeShipping
    case noOffer

    /// The offers in catalogue order, stored once (the synthesized `allCases` would build a new array
    /// on every use).
    public static let allCases: [MarketingOffer] = [.discount5, .discount10, .discount15, .discount20, .freeShipping, .noOffer]

    /// The discount in percent (0 for offers that are not discounts).
    public var discountPercent: Int {
        switch self {
        case .discount5: return 5
        case .discount10: return 10
        case .discount15: return 15
        case .discount20: return 20
        case .freeShipping, .noOffer: return 0
        }
    }

    /// The offer as strategies name it (`discount 15%`, `free shipping`, `no offer`).
    public var description: String {
        switch self {
        case .discount5, .discount10, .discount15, .discount20: return "discount \(discountPercent)%"
        case .freeShipping: return "free shipping"
        case .noOffer: return "no offer"
        }
    }
}
