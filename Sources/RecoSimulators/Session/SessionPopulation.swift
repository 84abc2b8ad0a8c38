import Foundation
import RecoTensor

/// A request's context: the device and the time of day.
public enum SessionDevice: Int, Codable, Sendable, CaseIterable {
    case mobile, desktop, tablet
}

/// One user of the `session` simulator as drawn at the start of an episode.
public struct SessionUser: Codable, Equatable, Sendable {
    /// The user's group (segment).
    public var group: Int
    /// High-activity users click more and are more patient.
    public var highActivity: Bool
    /// A new user arrives with an empty history window.
    public var isNew: Bool
}

/// The user groups of the `session` simulator, built once from the world seed and shared by every copy.
///
/// Group `g` has a favourite category `g mod C` and a second one drawn uniformly; its taste centre is
/// `normalize(centre_fav + 0.5 centre_second)`. It also has a usual device (uniform over the three) and
/// a usual hour (uniform in [0, 24)). A user of group `g` has the interest `normalize(centre_g +
/// userSpread · n)`, `n ~ N(0, I/E)`; their device is the group's with probability `deviceAffinity`,
/// else uniform; their session's hour is `usual hour + N(0, hourSpread)` modulo 24.
public final class SessionPopulation: @unchecked Sendable {
    public let groups: Int
    public let width: Int
    /// Group taste centres, `G x E`, unit rows.
    public let centres: [Float]
    /// Each group's favourite and second category.
    public let favouriteCategories: [Int], secondCategories: [Int]
    /// Each group's usual device.
    public let devices: [SessionDevice]
    /// Each group's usual hour of the day.
    public let hours: [Double]
    let settings: SessionSettings

    /// Draws the groups from `RandomGenerator(seed: settings.worldSeed, stream: 1)` over `catalogue`'s centres.
    public init(settings: SessionSettings, catalogue: SessionCatalogue) {
        self.settings = settings
        groups = settings.groups
        width = catalogue.width
        var generator = RandomGenerator(seed: settings.worldSeed, stream: 1)
        var centres = [Float](repeating: 0, count: groups * width)
        var favourite: [Int] = [], second: [Int] = [], devices: [SessionDevice] = [], hours: [Double] = []
        for g in 0..<groups {
            let a = g % catalogue.categories, b = generator.index(below: catalogue.categories)
            favourite.append(a)
            second.append(b)
            for j in 0..<width {
                centres[g * width + j] = catalogue.categoryCentres[a * width + j] + 0.5 * catalogue.categoryCentres[b * width + j]
            }
            SessionVectors.normalize(&centres[(g * width)..<((g + 1) * width)])
            devices.append(SessionDevice(rawValue: generator.index(below: 3))!)
            hours.append(24 * generator.uniformDouble())
        }
        self.centres = centres
        favouriteCategories = favourite
        secondCategories = second
        self.devices = devices
        self.hours = hours
    }

    /// Draws a user: group uniform, activity, new or returning, and their interest into `interest` (`E` values).
    public func drawUser(into interest: UnsafeMutableBufferPointer<Float>, using generator: inout RandomGenerator) -> SessionUser {
        let group = generator.index(below: groups)
        let high = generator.uniformDouble() < settings.highActivityShare
        let isNew = generator.uniformDouble() < settings.newUserShare
        let spread = Float(settings.userSpread / Double(width).squareRoot())
        for j in 0..<width { interest[j] = centres[group * width + j] + spread * generator.normal() }
        SessionVectors.normalize(interest)
        return SessionUser(group: group, highActivity: high, isNew: isNew)
    }

    /// Draws the context of a new session of a user of `group`: device and hour of the day.
    public func drawContext(group: Int, using generator: inout RandomGenerator) -> (device: SessionDevice, hour: Double) {
        let device = generator.uniformDouble() < settings.deviceAffinity ? devices[group]
            : SessionDevice(rawValue: generator.index(below: 3))!
        var hour = (hours[group] + settings.hourSpread * Double(generator.normal())).truncatingRemainder(dividingBy: 24)
        if hour < 0 { hour += 24 }
        return (device, hour)
    }
}

/// The shared, immutable part of the simulator: settings, catalogue and user groups.
public final class SessionWorld: Sendable {
    public let settings: SessionSettings
    public let catalogue: SessionCatalogue
    public let population: SessionPopulation

    /// Validates `settings` and builds the catalogue and the groups from the world seed.
    public init(settings: SessionSettings = SessionSettings()) throws {
        try settings.validate()
        self.settings = settings
        catalogue = try SessionCatalogue(settings: settings)
        population = SessionPopulation(settings: settings, catalogue: catalogue)
    }
}
