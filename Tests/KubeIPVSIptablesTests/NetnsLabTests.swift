import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// The namespace lab other suites build on: topology, servers, process control, deadlines, teardown.
@Suite(.serialized, .enabled(if: PodNetwork.isUsable, "needs root, ip netns and python3"))
struct NetnsLabTests {
    static func namespaceList() throws -> String {
        // Read-only listing of /run/netns; nothing is created in the root namespace.
        try ProcessRunner().runBlocking(["ip", "netns", "list"], input: nil, timeout: .seconds(10)).stdout
    }

    @Test("pods answer directly over IPv4, IPv6 and UDP; destroy kills the servers and deletes the namespaces")
    func topologyAndTeardown() throws {
        let lab = try NetnsLab(prefix: "kipt-lab")
        let net = try PodNetwork.build(lab, pods: 2)
        #expect(lab.namespaces == ["\(lab.tag)-node", "\(lab.tag)-client", "\(lab.tag)-pod1", "\(lab.tag)-pod2"])
        let v4 = try net.httpRequests(net.pods[1].ipv4, PodNetwork.httpPort, count: 3)
        #expect(v4.counts == ["pod2": 3] && v4.errors.isEmpty && v4.order == ["pod2", "pod2", "pod2"])
        // Plain routing, no proxy rules: the pod sees the client's own address.
        #expect(v4.sources == [PodNetwork.clientIP.description])
        let v6 = try net.httpRequests(net.pods[0].ipv6, PodNetwork.httpPort, count: 2)
        #expect(v6.counts == ["pod1": 2] && v6.sources == [PodNetwork.clientIPv6.description], "\(v6)")
        let udp = try net.udpRequests(net.pods[0].ipv4, PodNetwork.udpPort, count: 2, sourcePort: 40100)
        #expect(udp.counts == ["pod1": 2])
        #expect(try net.waitUntilServed(net.pods[1].ipv4, PodNetwork.httpPort, seconds: 5) == "pod2")
        #expect(try Self.namespaceList().contains("\(lab.tag)-pod2"))

        let pids = try lab.run(net.pods[0].namespace, ["pgrep", "-f", "\(lab.tag)/pod.py pod1"]).stdout
            .split(separator: "\n").compactMap { Int32($0) }
        #expect(!pids.isEmpty)
        lab.destroy()
        #expect(!(try Self.namespaceList()).contains(lab.tag))
        #expect(pids.allSatisfy { kill($0, 0) != 0 }, "pod server still alive after destroy")
        #expect(!FileManager.default.fileExists(atPath: lab.workdir.path))
    }

    @Test("background processes stop on a signal with their exit status; waits give up at their deadline")
    func processesAndDeadlines() throws {
        let lab = try NetnsLab(prefix: "kipt-lab")
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let graceful = try lab.start(ns, ["sh", "-c", "trap 'echo bye; exit 7' TERM; echo up; while :; do sleep 0.1; done"],
                                     log: "graceful.log")
        try lab.waitFor("graceful to start", seconds: 5) { graceful.log().contains("up") }
        #expect(graceful.isRunning)
        #expect(graceful.stop(timeout: .seconds(5)) == 7)
        #expect(graceful.log() == "up\nbye\n")

        let stubborn = try lab.start(ns, ["sh", "-c", "trap '' TERM; echo up; while :; do sleep 0.1; done"], log: "stubborn.log")
        try lab.waitFor("stubborn to start", seconds: 5) { stubborn.log().contains("up") }
        let start = ContinuousClock.now
        #expect(stubborn.stop(timeout: .milliseconds(300)) == nil)
        #expect(!stubborn.isRunning && ContinuousClock.now - start < .seconds(5))

        let waited = ContinuousClock.now
        #expect(throws: LabError.self) { try lab.waitFor("never", seconds: 0.3) { false } }
        #expect(ContinuousClock.now - waited < .seconds(3))
        let slow = try lab.run(ns, ["sleep", "20"], timeout: .milliseconds(300))
        #expect(slow.timedOut)
        #expect(throws: LabError.self) { try lab.must(ns, ["false"]) }
    }

    @Test("a service address nobody serves: waitUntilServed gives up at its deadline")
    func unservedAddress() throws {
        let lab = try NetnsLab(prefix: "kipt-lab")
        defer { lab.destroy() }
        let net = try PodNetwork.build(lab, pods: 1)
        let start = ContinuousClock.now
        #expect(throws: LabError.self) { try net.waitUntilServed(IPAddress("10.96.0.99")!, 80, seconds: 1.5) }
        #expect(ContinuousClock.now - start < .seconds(10))
        let report = try net.httpRequests(IPAddress("10.96.0.99")!, 80, count: 2, perRequest: .milliseconds(300))
        #expect(report.total == 0 && report.errors.values.reduce(0, +) == 2)
    }
}
