import CBLAS
import Foundation

/// Which of OpenBLAS's CPU-specific kernel sets the process uses, and how to pick the fastest one.
///
/// OpenBLAS chooses its kernels once, when the library is loaded, from the CPU it detects or from the
/// environment variable `OPENBLAS_CORETYPE`. Debian's OpenBLAS 0.3.21 does not use its AVX-512
/// ("SkylakeX") kernels on recent AMD CPUs that support AVX-512 (and some environments pin
/// `OPENBLAS_CORETYPE=Haswell`), although they run single-precision products up to twice as fast there
/// as the AVX2 ("Haswell") kernels. Because the choice is made at load time, setting the variable from a
/// running process is too late; the fix is to set it and re-execute the program once, before any work.
///
/// Executables call `selectFastestKernels(arguments:)` first thing in `main`. Embedders can do the
/// same, or launch their program with `OPENBLAS_CORETYPE=SKYLAKEX` where the CPU supports AVX-512.
///
/// The choice is governed by `RECORL_BLAS_CORETYPE`:
/// - unset or `auto`: on a CPU with AVX-512, use the SkylakeX kernels (replacing an inherited
///   `OPENBLAS_CORETYPE` that names a kernel set without AVX-512); elsewhere leave OpenBLAS's choice;
/// - `system`: leave `OPENBLAS_CORETYPE` and OpenBLAS's own detection alone;
/// - an OpenBLAS x86-64 core name to force (for example `HASWELL`; `knownCoreTypes` lists them, in any case).
///
/// Any other value is an error: `policyProblem(environment:)` describes it, the executables refuse to
/// start with it, and `preferredCoreType` leaves the kernels alone rather than force a name OpenBLAS
/// would ignore.
public enum BLASKernels {
    /// The environment variable OpenBLAS reads at load time.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// The engine's setting for the kernel choice (`auto`, `system`, or an OpenBLAS core name).
    public static let policyVariable = "RECORL_BLAS_CORETYPE"
    /// Set in a re-executed process so it never re-executes again.
    static let reexecutedVariable = "RECORL_BLAS_REEXECUTED"
    /// The OpenBLAS kernel set for CPUs with AVX-512 (F, CD, BW, DQ, VL).
    public static let avx512CoreType = "SKYLAKEX"
    /// OpenBLAS core names whose kernels use AVX-512; `auto` keeps these when already chosen.
    static let avx512CoreTypes: Set<String> = ["SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS"]

    /// The x86-64 core names OpenBLAS's dynamic-architecture builds accept in `OPENBLAS_CORETYPE`.
    public static let knownCoreTypes: [String] = [
        "PRESCOTT", "CORE2", "PENRYN", "DUNNINGTON", "NEHALEM", "SANDYBRIDGE", "HASWELL", "SKYLAKEX", "COOPERLAKE",
        "SAPPHIRERAPIDS", "ATOM", "ATHLON", "OPTERON", "OPTERON_SSE3", "BARCELONA", "BOBCAT", "BULLDOZER",
        "PILEDRIVER", "STEAMROLLER", "EXCAVATOR", "ZEN", "NANO", "KATMAI", "COPPERMINE", "NORTHWOOD", "BANIAS",
    ]

    /// A one-line error when `RECORL_BLAS_CORETYPE` holds a value that is neither `auto`, `system` nor a
    /// known core name; nil when it is unset or valid.
    public static func policyProblem(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let raw = environment[policyVariable] else { return nil }
        let policy = raw.trimmingCharacters(in: .whitespaces)
        if ["", "auto", "system"].contains(policy.lowercased()) || knownCoreTypes.contains(policy.uppercased()) { return nil }
        return "\(policyVariable): \"\(raw)\" is not valid; expected auto, system or an OpenBLAS core name ("
            + knownCoreTypes.joined(separator: ", ") + ")"
    }

    /// The kernel set OpenBLAS is using, as it names it (for example "Haswell" or "SkylakeX").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build description (version, threading model, dynamic architecture).
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text)
    }

    /// Whether the CPU and the operating system support the AVX-512 subsets the SkylakeX kernels use.
    public static var cpuSupportsAVX512: Bool {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return cpuFlagsSupportAVX512(info)
    }

    /// Whether a `/proc/cpuinfo` text lists every AVX-512 subset the SkylakeX kernels need.
    public static func cpuFlagsSupportAVX512(_ cpuinfo: String) -> Bool {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            return false
        }
        let flags = Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
        return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
    }

    /// The value `OPENBLAS_CORETYPE` should take for this process, or nil to leave things as they are.
    public static func preferredCoreType(environment: [String: String], cpuSupportsAVX512: Bool) -> String? {
        let current = environment[coreTypeVariable]?.uppercased()
        let policy = environment[policyVariable]?.trimmingCharacters(in: .whitespaces) ?? ""
        let wanted: String?
        switch policy.lowercased() {
        case "", "auto":
            if !cpuSupportsAVX512 { return nil }
            if let current, avx512CoreTypes.contains(current) { return nil }
            wanted = avx512CoreType
        case "system":
            wanted = nil
        default:
            // An unknown name is reported by `policyProblem`; forcing it would only re-execute for nothing.
            guard knownCoreTypes.contains(policy.uppercased()) else { return nil }
            wanted = policy.uppercased()
        }
        guard let wanted, wanted != current else { return nil }
        return wanted
    }

    /// Re-executes the current program with the preferred kernels selected, when that is both needed
    /// and not yet done; otherwise returns and the program continues with the kernels it has.
    ///
    /// Call it at the very start of `main`, before any threads are started. `arguments` are the
    /// program's arguments including its name (`CommandLine.arguments`).
    public static func selectFastestKernels(arguments: [String] = CommandLine.arguments) {
        let environment = ProcessInfo.processInfo.environment
        guard environment[reexecutedVariable] == nil,
              let coreType = preferredCoreType(environment: environment, cpuSupportsAVX512: cpuSupportsAVX512)
        else { return }
        let previous = environment[coreTypeVariable]
        setenv(coreTypeVariable, coreType, 1)
        setenv(reexecutedVariable, "1", 1)
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArguments.append(nil)
        execv("/proc/self/exe", &cArguments)
        // exec failed (no /proc, for example): continue with the kernels already loaded, and do not
        // claim a kernel choice that did not happen.
        if let previous { setenv(coreTypeVariable, previous, 1) } else { unsetenv(coreTypeVariable) }
        unsetenv(reexecutedVariable)
        for pointer in cArguments { free(pointer) }
    }
}
