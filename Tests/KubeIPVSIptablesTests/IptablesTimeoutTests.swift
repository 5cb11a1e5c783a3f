import Foundation
import KubeIPVSCore
@testable import KubeIPVSIptables
import Testing

/// Restore limits that grow with the input, and a cleanup split into bounded transactions, so a
/// 320,008-rule ruleset is neither killed at a fixed 30 s nor left behind by `--cleanup`.
@Suite struct IptablesTimeoutTests {
    /// Records each command's limit and answers like a tool that accepted everything.
    final class RecordingRunner: CommandRunning, @unchecked Sendable {
        // Guarded by `lock`: the proxier's restores run one at a time, the lock keeps the type honest.
        private let lock = NSLock()
        private var seen: [(arguments: [String], input: String?, timeout: Duration)] = []
        let saveOutput: String

        init(saveOutput: String = "") { self.saveOutput = saveOutput }

        var calls: [(arguments: [String], input: String?, timeout: Duration)] { lock.withLock { seen } }

        func run(_ arguments: [String], input: String?, timeout: Duration) async throws -> CommandResult {
            lock.withLock { seen.append((arguments, input, timeout)) }
            let stdout = arguments[0].hasSuffix("-save") ? saveOutput : ""
            return CommandResult(arguments: arguments, status: 0, stdout: stdout, stderr: "")
        }
    }

    @Test func theRestoreLimitIsTheBasePlusHalfAMillisecondPerLine() {
        let tool = IptablesRestore(backend: .nft, family: .v4, timeout: .seconds(30))
        #expect(tool.restoreTimeout(lines: 0) == .seconds(30))
        #expect(tool.restoreTimeout(lines: 34_000) == .seconds(47))
        // The cleanup that failed at a fixed 30 s: 320,008 rules now get 190 s.
        #expect(tool.restoreTimeout(lines: 320_008) == .seconds(30) + .microseconds(160_004_000))
        #expect(IptablesRestore(backend: .nft, family: .v4, timeout: .seconds(5)).restoreTimeout(lines: 2_000) == .seconds(6))
        #expect(IptablesRestore.lineCount("") == 0 && IptablesRestore.lineCount("a\nb\n") == 2
            && IptablesRestore.lineCount("a\nb") == 2)
    }

    @Test func restoreAndProbeGetTheScaledLimitSaveItsFloor() async throws {
        let runner = RecordingRunner()
        let tool = IptablesRestore(backend: .legacy, family: .v4, runner: runner, timeout: .seconds(30))
        let text = "*nat\n" + String(repeating: "-A KUBE-X -j ACCEPT\n", count: 100_000) + "COMMIT\n"
        try await tool.restore(text)
        _ = try await tool.accepts(text)
        _ = try await tool.save(table: "nat")
        let limits = runner.calls.map(\.timeout)
        #expect(limits == [.seconds(30) + .microseconds(500 * 100_002), .seconds(30) + .microseconds(500 * 100_002),
                           .seconds(300)])
        #expect(runner.calls.map { $0.arguments[0] } == ["iptables-legacy-restore", "iptables-legacy-restore",
                                                          "iptables-legacy-save"])
    }

    /// A dump of `chains` service chains, each with one rule, jumped to from KUBE-SERVICES, itself
    /// jumped to from OUTPUT.
    static func bigDump(chains: Int) -> String {
        let names = (0..<chains).map { String(format: "KUBE-SVC-%016d", $0) }
        return (["*nat", ":OUTPUT ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]"] + names.map { ":\($0) - [0:0]" }
            + ["-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"]
            + names.map { "-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 80 -j \($0)" }
            + names.map { "-A \($0) -j ACCEPT" } + ["COMMIT"]).joined(separator: "\n") + "\n"
    }

    @Test func aLargeCleanupIsSplitJumpsThenFlushesThenDeletes() throws {
        let dump = IptablesSaveDump(parsing: Self.bigDump(chains: 12))
        let batches = IptablesJumpPlan.cleanupBatches(dump: dump, table: "nat", family: .v4, includingKubelet: false,
                                                      chainsPerBatch: 5)
        let flush = { (range: Range<Int>) in range.map { ":" + String(format: "KUBE-SVC-%016d", $0) + " - [0:0]" } }
        let delete = { (range: Range<Int>) in range.map { "-X " + String(format: "KUBE-SVC-%016d", $0) } }
        let expected: [[String]] = [
            ["-D OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"],
            [":KUBE-SERVICES - [0:0]"] + flush(0..<4), flush(4..<9), flush(9..<12),
            ["-X KUBE-SERVICES"] + delete(0..<4), delete(4..<9), delete(9..<12),
        ]
        #expect(batches == expected.map { (["*nat"] + $0 + ["COMMIT"]).joined(separator: "\n") + "\n" })
        // Small enough for one batch: the single transaction it always was.
        let small = IptablesJumpPlan.cleanupBatches(dump: dump, table: "nat", family: .v4, includingKubelet: false)
        #expect(small == [IptablesJumpPlan.cleanupText(dump: dump, table: "nat", family: .v4, includingKubelet: false)!])
    }

    @Test func cleanupOfTwentyThousandChainsRunsBoundedRestoresEachWithItsOwnLimit() async throws {
        let runner = RecordingRunner(saveOutput: Self.bigDump(chains: 20_000))
        let proxier = IptablesProxier(configuration: ProxyConfiguration(), node: NodeContext(name: "n"), backend: .nft,
                                      families: [.v4], runner: runner, logger: .init(label: "test"))
        try await proxier.cleanup()
        let restores = runner.calls.filter { $0.arguments[0] == "iptables-nft-restore" }
        // 1 jump batch, 5 flush batches and 5 delete batches of at most 5,000 chains (20,001 chains).
        #expect(restores.count == 11)
        let lines = restores.map { IptablesRestore.lineCount($0.input ?? "") }
        #expect(lines.max() == 5_002)
        #expect(zip(restores, lines).allSatisfy { $0.timeout == .seconds(30) + .microseconds(500 * $1) })
        let input = restores.map { $0.input ?? "" }.joined()
        #expect(input.components(separatedBy: "\n-X KUBE-SVC-").count - 1 == 20_000)
    }
}
