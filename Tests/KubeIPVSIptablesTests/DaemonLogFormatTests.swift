import Foundation
import KubeIPVSCore
import KubeIPVSTesting
import Testing

/// The real `kube-ipvs` run on a manifests directory in a node namespace, its whole output parsed the
/// way log collectors written for kube-proxy parse it: every line klog text (`--logging-format text`,
/// the default) or component-base JSON (`--logging-format json`).
@Suite(.serialized, .enabled(if: DaemonE2E.enabled, "needs root, ip netns, iptables in a namespace, python3, curl, conntrack"))
struct DaemonLogFormatTests {
    typealias O = DaemonE2EObjects

    /// Runs the daemon with `flags` through a start, one manifest edit and SIGTERM; returns its output.
    static func run(_ flags: [String], verbosity: Int) throws -> String {
        let lab = try NetnsLab(prefix: "klog")
        defer { lab.destroy() }
        let net = try PodNetwork.build(lab, pods: 2)
        let directory = lab.workdir.appendingPathComponent("manifests")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("cluster.yaml")
        func write(_ members: [O.Member]) throws {
            try O.stream([O.service("web", clusterIP: "10.96.0.10"), O.slice("web", members)])
                .write(to: file, atomically: true, encoding: .utf8)
        }
        try write(O.members(net))
        let harness = DaemonHarness(net, source: ["--manifests", directory.path] + flags, verbosity: verbosity)
        try harness.start()
        try harness.afterSync { try write(O.members(net).filter { $0.pod.name != "pod2" }) }
        let daemon = try #require(harness.daemon)
        #expect(daemon.stop(signal: SIGTERM, timeout: .seconds(10)) == 0)
        return daemon.log()
    }

    @Test("text (default): every line parses as klog; the start, the first sync and SyncProxyRules complete at -v 2")
    func text() throws {
        try DaemonE2E.requireHost()
        let output = try Self.run([], verbosity: 2)
        let lines = try KlogLineParser.parseText(output)
        #expect(lines.count >= 6, "\(output)")
        let starting = try #require(lines.first { $0.message == "kube-ipvs starting" }, "\(output)")
        #expect(starting.severity == "I" && starting.fields["mode"] == "iptables" && starting.fields["node"] == "node1")
        #expect(lines.contains { $0.message == "Syncing proxy rules for the first time" && $0.fields["services"] == "1" })
        let syncs = lines.filter { $0.message == "SyncProxyRules complete" }
        #expect(syncs.count >= 2, "\(output)")
        #expect(syncs.allSatisfy { ($0.fields["elapsed"] ?? "").range(of: #"^[0-9.]+(ns|µs|ms|s)$"#, options: .regularExpression) != nil })
        #expect(lines.contains { $0.severity == "W" && $0.message.contains("falling back to the iptables proxier") }
                || lines.contains { $0.message.contains("falling back to the iptables proxier") })
        #expect(lines.last?.message == "kube-ipvs stopped; the data plane stays in place")
    }

    @Test("text at -v 4: the iptables-restore input is logged as a multi-line value and still parses")
    func textRuleset() throws {
        try DaemonE2E.requireHost()
        let output = try Self.run([], verbosity: 4)
        let lines = try KlogLineParser.parseText(output)
        let restore = try #require(lines.first { $0.message == "Restoring iptables" }, "\(output.prefix(3000))")
        #expect(restore.fields["rules"]?.contains("-A KUBE-SERVICES") == true)
        #expect(restore.fields["rules"]?.hasSuffix("COMMIT") == true)
    }

    @Test("json: every line is one component-base JSON object with ts, caller, msg and v")
    func json() throws {
        try DaemonE2E.requireHost()
        let output = try Self.run(["--logging-format", "json"], verbosity: 2)
        let lines = try KlogLineParser.parseJSON(output)
        #expect(lines.count >= 6, "\(output)")
        let starting = try #require(lines.first { $0.message == "kube-ipvs starting" })
        #expect(starting.verbosity == 0 && starting.fields["mode"] == "iptables")
        let syncs = lines.filter { $0.message == "SyncProxyRules complete" }
        #expect(syncs.count >= 2)
        #expect(syncs.dropFirst().allSatisfy { $0.verbosity == 2 }, "later syncs are V(2)")
        #expect(lines.allSatisfy { $0.file.hasSuffix(".swift") && $0.line > 0 })
    }
}
