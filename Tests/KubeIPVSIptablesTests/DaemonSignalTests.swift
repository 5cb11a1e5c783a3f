import Foundation
import KubeIPVSCore
import KubeIPVSTesting
import Testing

/// The built `kube-ipvs` binary on signals: SIGHUP, SIGUSR1, SIGUSR2 and SIGALRM are logged and ignored (they used
/// to end the daemon without a log line); SIGTERM still stops it cleanly. A manifests-directory run in a node
/// namespace (docs/signals.md).
@Suite(.serialized, .enabled(if: DaemonE2E.enabled, "needs root, ip netns, iptables in a namespace, python3, curl, conntrack"))
struct DaemonSignalTests {
    @Test func hangupAndUserSignalsAreLoggedAndIgnored() throws {
        try DaemonE2E.requireHost()
        let lab = try NetnsLab(prefix: "ksig")
        defer { lab.destroy() }
        let net = try PodNetwork.build(lab, pods: 1)
        let directory = lab.workdir.appendingPathComponent("manifests")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try DaemonE2EObjects.stream([DaemonE2EObjects.service("web", clusterIP: "10.96.0.10")])
            .write(to: directory.appendingPathComponent("cluster.yaml"), atomically: true, encoding: .utf8)
        let harness = DaemonHarness(net, source: ["--manifests", directory.path])
        let daemon = try harness.start()

        for (number, name) in [(SIGHUP, "SIGHUP"), (SIGUSR1, "SIGUSR1"), (SIGUSR2, "SIGUSR2"), (SIGALRM, "SIGALRM")] {
            #expect(kill(daemon.pid, number) == 0)
            try lab.waitFor("the \(name) log line", seconds: 10) {
                guard daemon.isRunning else { throw LabError(message: "kube-ipvs died of \(name):\n\(harness.log.suffix(2000))") }
                return harness.log.split(separator: "\n").contains { $0.contains("received signal; ignored") && $0.contains(name) }
            }
        }
        #expect(daemon.isRunning)
        #expect(try lab.run(net.node, ["curl", "-fsS", "-m", "2", "\(DaemonHarness.healthzURL)/healthz"]).status == 0)
        #expect(daemon.stop(signal: SIGTERM, timeout: .seconds(10)) == 0, "SIGTERM: a clean exit")
        #expect(daemon.log().contains("the data plane stays in place"))
    }
}
