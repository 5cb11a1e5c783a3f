import Foundation
import KubeIPVSFuzzing
import Testing

/// Every input the fuzz harness ever crashed on (Fuzz/Regressions/TARGET/, docs/fuzzing.md) is replayed
/// through the same entry point as the fuzz target; it must return. A regression that traps kills the test
/// process, which fails the run.
@Suite struct FuzzRegressionTests {
    /// Inputs whose fix is in flight on another branch: each traps today, so it is replayed only by the
    /// disabled test below until the fix is merged (then this list is emptied and that test enabled).
    static let pendingFix: Set<String> = [
        "manifest/sexagesimal-port.yaml",  // same trap, in a manifest's integer field
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
        // The known crashers must stay in the repository: they are the reproducers for the pending fixes.
        #expect(Self.pendingFix.isSubset(of: names), "missing: \(Self.pendingFix.subtracting(names).sorted())")
    }

    @Test func everyFixedRegressionInputReturns() throws {
        for (target, name, bytes) in try Self.inputs() where !Self.pendingFix.contains(name) {
            target.run(bytes)
        }
    }

    @Test(.disabled("traps until the YAML decoding (issue 10 item 5) and GoDuration range checks are merged"))
    func pendingFixInputsReturn() throws {
        for (target, name, bytes) in try Self.inputs() where Self.pendingFix.contains(name) {
            target.run(bytes)
        }
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
