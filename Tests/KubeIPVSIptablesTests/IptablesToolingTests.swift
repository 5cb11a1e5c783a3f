import Foundation
import KubeIPVSCore
@testable import KubeIPVSIptables
import Testing

/// Parsing of the tools' output (stderr captured from iptables 1.8.9 and conntrack 1.4.7) and the
/// process runner's limits. No namespace needed: nothing here touches the network.
@Suite struct IptablesToolingTests {
    static let input = "*nat\n:KUBE-X - [0:0]\n-A KUBE-X -j KUBE-NOPE\nCOMMIT\n"

    @Test func legacyRestoreFailure() {
        let stderr = """
        iptables-restore v1.8.9 (legacy): Couldn't load target `KUBE-NOPE':No such file or directory

        Error occurred at line: 3
        Try `iptables-restore -h' or 'iptables-restore --help' for more information.
        """
        let error = IptablesRestore.restoreFailure(command: "iptables-legacy-restore", target: "IPv4", status: 2,
                                                stderr: stderr, input: Self.input)
        #expect(error.message == "iptables-restore v1.8.9 (legacy): Couldn't load target `KUBE-NOPE':No such file or directory")
        #expect(error.line == 3 && error.inputLine == "-A KUBE-X -j KUBE-NOPE")
        #expect(error.description == "iptables-legacy-restore IPv4: exit 2: iptables-restore v1.8.9 (legacy): Couldn't load"
            + " target `KUBE-NOPE':No such file or directory (input line 3: -A KUBE-X -j KUBE-NOPE)")
    }

    @Test func nftRestoreFailures() {
        let busy = IptablesRestore.restoreFailure(command: "iptables-nft-restore", target: "IPv4", status: 4, stderr: """
            iptables-nft-restore v1.8.9 (nf_tables):\u{20}
            line 2: CHAIN_DEL failed (Device or resource busy): chain KUBE-X
            """, input: Self.input)
        #expect(busy.message == "line 2: CHAIN_DEL failed (Device or resource busy): chain KUBE-X")
        #expect(busy.line == 2 && busy.inputLine == ":KUBE-X - [0:0]")
        let failed = IptablesRestore.restoreFailure(command: "iptables-nft-restore", target: "IPv4", status: 1,
                                                 stderr: "iptables-nft-restore: line 3 failed: No chain/target/match by that name.\n",
                                                 input: Self.input)
        #expect(failed.line == 3 && failed.message == "iptables-nft-restore: line 3 failed: No chain/target/match by that name.")
    }

    @Test func conntrackDeletedCount() {
        #expect(ConntrackCleaner.deletedCount("conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.\n") == 0)
        #expect(ConntrackCleaner.deletedCount("conntrack v1.4.7 (conntrack-tools): 12 flow entries have been deleted.") == 12)
        #expect(ConntrackCleaner.deletedCount("conntrack v1.4.7 (conntrack-tools): Operation not permitted") == nil)
    }

    @Test func backendDecision() {
        typealias D = IptablesBackendDetector
        let hint = ":KUBE-IPTABLES-HINT - [0:0]\n"
        let rules = (0..<12).map { "-A INPUT -s 10.0.0.\($0)/32 -j ACCEPT" }.joined(separator: "\n")
        #expect(D.decide(nftMangle: hint, legacy: hint, nft: "").backend == .nft)
        #expect(D.decide(nftMangle: "", legacy: "*mangle\n" + hint, nft: "").backend == .legacy)
        #expect(D.decide(nftMangle: "", legacy: ":KUBE-PROXY-CANARY - [0:0]\n", nft: rules).backend == .legacy)
        #expect(D.decide(nftMangle: "", legacy: rules, nft: "").backend == .legacy)
        #expect(D.decide(nftMangle: "", legacy: "", nft: rules).backend == .nft)
        #expect(D.decide(nftMangle: "", legacy: "", nft: "").backend == .nft)
    }

    @Test func runnerKillsOnTimeoutAndKeepsStreamsApart() async throws {
        let runner = ProcessRunner()
        let start = ContinuousClock.now
        let slow = try await runner.run(["sleep", "20"], input: nil, timeout: .milliseconds(300))
        #expect(slow.timedOut && ContinuousClock.now - start < .seconds(5))
        let echo = try await runner.run(["sh", "-c", "cat; echo oops >&2; exit 3"], input: "hello\n", timeout: .seconds(10))
        #expect(echo.status == 3 && echo.stdout == "hello\n" && echo.stderr == "oops\n" && !echo.timedOut)
        await #expect(throws: IptablesError.self) {
            try await runner.run(["kube-ipvs-no-such-tool"], input: nil, timeout: .seconds(1))
        }
    }

    @Test("many commands at once: each gets its own output, status and stdin")
    func concurrentCommands() async throws {
        let runner = ProcessRunner()
        let results = try await withThrowingTaskGroup(of: (Int, CommandResult).self) { group in
            for n in 0..<24 {
                group.addTask {
                    (n, try await runner.run(["sh", "-c", "read line; echo \"$line\"-out; echo err\(n) >&2; exit \(n % 4)"],
                                             input: "in\(n)\n", timeout: .seconds(30)))
                }
            }
            return try await group.reduce(into: [Int: CommandResult]()) { $0[$1.0] = $1.1 }
        }
        for n in 0..<24 {
            let result = try #require(results[n])
            #expect(result.stdout == "in\(n)-out\n" && result.stderr == "err\(n)\n" && result.status == Int32(n % 4)
                    && !result.timedOut, "\(n): \(result)")
        }
    }

    @Test("a grandchild holding the pipes does not hold the runner; a signal death reports the signal")
    func grandchildrenAndSignals() async throws {
        let start = ContinuousClock.now
        // The grandchild keeps the pipes for 30 s; the runner gives up on them a second after the child exits
        // (the bound leaves room for a loaded machine running the suite in parallel).
        let result = try await ProcessRunner().run(["sh", "-c", "sleep 30 & echo hi"], input: nil, timeout: .seconds(60))
        #expect(result.status == 0 && result.stdout == "hi\n" && !result.timedOut)
        #expect(ContinuousClock.now - start < .seconds(12))
        let killed = try await ProcessRunner().run(["sh", "-c", "kill -9 $$"], input: nil, timeout: .seconds(20))
        #expect(killed.status == 9 && !killed.timedOut)
    }

    @Test func randomFullySupportIsReadFromTheVersion() async {
        #expect(await IptablesRestore(backend: .nft, family: .v4, runner: VersionRunner(version: "iptables v1.8.9 (nf_tables)"))
            .supportsRandomFully())
        #expect(await !IptablesRestore(backend: .legacy, family: .v4, runner: VersionRunner(version: "iptables v1.6.1"))
            .supportsRandomFully())
    }
}

/// Answers `--version` with a fixed text.
struct VersionRunner: CommandRunning {
    var version: String
    func run(_ arguments: [String], input: String?, timeout: Duration) async throws -> CommandResult {
        CommandResult(arguments: arguments, status: 0, stdout: version + "\n", stderr: "")
    }
}
