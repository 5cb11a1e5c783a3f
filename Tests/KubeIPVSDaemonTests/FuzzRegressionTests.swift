import Foundation
import KubeIPVSFuzzing
import Testing

/// Every input the fuzz harness ever crashed on (Fuzz/Regressions/TARGET/, docs/fuzzing.md) is replayed
/// through the same entry point as the fuzz target; it must return. A regression that traps kills the test
/// process, which fails the run.
@Suite struct FuzzRegressionTests {
    /// The crashers the issue-10 campaign and the fuzz runs found (YAML 1.1 sexagesimal integers trapped Yams;
    /// durations past Int64 nanoseconds trapped GoDuration; an Int32.min netlink error code trapped on
    /// negation): they must stay, as reproducers.
    static let knownCrashers: Set<String> = [
        "config/sexagesimal-masquerade-bit.yaml", "manifest/sexagesimal-port.yaml",
        "duration/beyond-int64-nanoseconds.txt", "duration/int64-max-nanoseconds.txt",
        "netlink/error-code-int32-min.bin",
    ]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/Regressions").standardized

    /// (target, "target/file", bytes) for every kept input.
    static func inputs() throws -> [(FuzzTarget, String, [UInt8])] {
        var found: [(FuzzTarget, String, [UInt8])] = []
        for target in FuzzTarget.allCases {
            let dir = root.appendingPathComponent(target.rawValue)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
                found.append((target, "\(target.rawValue)/\(name)", Array(bytes)))
            }
        }
        return found
    }

    @Test func regressionInputsAreKept() throws {
        let names = Set(try Self.inputs().map(\.1))
        #expect(Self.knownCrashers.isSubset(of: names), "missing: \(Self.knownCrashers.subtracting(names).sorted())")
    }

    @Test func everyRegressionInputReturns() throws {
        for (target, _, bytes) in try Self.inputs() { target.run(bytes) }
    }

    @Test func everyTargetReturnsOnItsSeedCorpus() throws {
        let corpus = Self.root.deletingLastPathComponent().appendingPathComponent("Corpus")
        for target in FuzzTarget.allCases {
            let dir = corpus.appendingPathComponent(target.rawValue)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            #expect(!names.isEmpty, "\(target.rawValue) has no seed corpus")
            for name in names { target.run(Array(try Data(contentsOf: dir.appendingPathComponent(name)))) }
        }
    }
}
