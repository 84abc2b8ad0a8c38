import Foundation
import RecoRL

/// Shows training progress: a redrawn progress bar on a terminal, plain periodic lines otherwise (logs,
/// pipes, CI).
struct ProgressReporter {
    let interactive: Bool

    init() { interactive = isatty(STDOUT_FILENO) != 0 }

    func show(_ progress: TrainingProgress) {
        let fraction = min(1, Double(progress.step) / Double(max(1, progress.totalSteps)))
        let meanReturn = progress.recentMeanReturn.map { String(format: "%.3f", $0) } ?? "-"
        var details = String(format: "%d/%d steps  %.0f steps/s  return %@", progress.step, progress.totalSteps,
                             progress.stepsPerSecond, meanReturn)
        if let epsilon = progress.epsilon { details += String(format: "  epsilon %.3f", epsilon) }
        if let entropy = progress.metrics[.entropy] { details += String(format: "  entropy %.3f", entropy) }
        if interactive {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            print("\r[\(bar)] \(String(format: "%3.0f%%", fraction * 100))  \(details)", terminator: "")
            if progress.step >= progress.totalSteps { print("") }
            fflush(stdout)
        } else {
            print(details)
        }
    }
}
