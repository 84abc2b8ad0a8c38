import Foundation
import RecoRL

/// libFuzzer entry point: the first byte picks an algorithm's configuration, the rest is the JSON a
/// user writes (`recorl train --config`); it is decoded, validated and summarised as the command line
/// does. Errors are expected; traps are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let json = Data(bytes: start + 1, count: count - 1)
    let decoder = JSONDecoder()
    do {
        let configuration: AlgorithmConfiguration
        switch start[0] % 11 {
        case 0: configuration = try decoder.decode(DQNConfiguration.self, from: json)
        case 1: configuration = try decoder.decode(PPOConfiguration.self, from: json)
        case 2: configuration = try decoder.decode(A2CConfiguration.self, from: json)
        case 3: configuration = try decoder.decode(SACConfiguration.self, from: json)
        case 4: configuration = try decoder.decode(NoHyperparameters.self, from: json)
        case 5: configuration = try decoder.decode(UserCountConfiguration.self, from: json)
        case 6: configuration = try decoder.decode(BanditCountConfiguration.self, from: json)
        case 7: configuration = try decoder.decode(LogisticRegressionConfiguration.self, from: json)
        case 8: configuration = try decoder.decode(LinUCBConfiguration.self, from: json)
        case 9: configuration = try decoder.decode(ThompsonSamplingConfiguration.self, from: json)
        default: configuration = try decoder.decode(NeuralIPSConfiguration.self, from: json)
        }
        try configuration.validate()
        try configuration.validate(copies: Int(start[0] / 11) + 1)
        _ = configuration.summary
    } catch {}
    return 0
}
