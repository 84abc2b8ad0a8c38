import RecoEnvironments
import RecoSimulators

/// libFuzzer entry point: any bytes (as UTF-8, invalid sequences repaired) as the `--env-config` file of
/// `recorl train --env session`. Errors are expected; traps are findings. For settings that decode with a
/// small catalogue, a world is built and two copies stepped 20 times, so a valid but odd setting that
/// would trap the simulator (or give a non-finite reward) is found too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSessionSettings(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = start.map { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) } ?? ""
    guard let settings = try? SessionSettings.decode(json: text) else { return 0 }
    guard settings.items <= 2_000, settings.windowLength <= 64, settings.embeddingWidth <= 64, settings.groups <= 64,
          let world = try? SessionWorld(settings: settings) else { return 0 }
    let environment = VectorEnvironment(copies: 2) { _ in SessionEnvironment(world: world) }
    environment.reset(seed: 1)
    let width = environment.actionSpace.width
    var actions = [Int32](repeating: 0, count: 2 * width)
    for step in 0..<20 {
        for (i, _) in actions.enumerated() { actions[i] = Int32((step * 7 + i * 13) % settings.items) }
        actions.withUnsafeBufferPointer { environment.step($0) }
        for r in 0..<2 where !environment.rewards[r].isFinite {
            fatalError("a non-finite reward \(environment.rewards[r]) from settings \(text)")
        }
    }
    return 0
}
