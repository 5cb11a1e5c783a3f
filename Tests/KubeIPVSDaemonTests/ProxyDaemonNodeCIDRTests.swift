import Foundation
import KubeIPVSCore
@testable import KubeIPVSDaemon
import Logging
import Synchronization
import Testing

/// `--detect-local-mode NodeCIDR` in the loop (docs/local-traffic-detection.md): no sync before the
/// Node has pod CIDRs, the proxier gets their detector first, malformed entries are logged by field,
/// and a change of them stops the loop with kube-proxy's message. Node eligibility reaches /healthz.
@Suite struct ProxyDaemonNodeCIDRTests {
    typealias Zone = ProxyDaemonZoneTests

    /// Records detectors and syncs, in order.
    actor RecordingProxier: Proxier {
        nonisolated let mode = ProxyMode.iptables
        nonisolated let calls = Mutex<[String]>([])
        func sync(_ request: SyncRequest) async -> SyncOutcome {
            calls.withLock { $0.append("sync") }
            return SyncOutcome(success: true, full: request.isFull)
        }
        func setLocalDetector(_ detector: LocalTrafficDetector) async {
            calls.withLock { $0.append("detector \(detector)") }
        }
        func cleanup() async throws {}
    }

    static func node(_ podCIDRs: [String], podCIDR: String = "", taints: [String] = [],
                     deleting: Bool = false) -> KubeNode {
        KubeNode(metadata: KubeObjectMeta(name: "node1", deletionTimestamp: deleting ? "2026-12-07T22:00:00Z" : nil),
                 spec: .init(podCIDRs: podCIDRs, podCIDR: podCIDR, taints: taints.map { .init(key: $0) }))
    }

    @Test func waitsForPodCIDRsThenStopsWhenTheyChange() async throws {
        let proxier = RecordingProxier()
        let lines = Zone.Lines()
        let logger = Logger(label: "test", factory: { _ in Zone.CapturingHandler(lines: lines) })
        let (stream, events) = AsyncStream.makeStream(of: ObjectEvent.self)
        let daemon = try ProxyDaemon(
            source: ProxyDaemonInboxTests.PushSource(stream: stream), proxier: proxier,
            node: .init(name: "node1", localAddresses: { [] }), minSyncPeriod: .zero, syncPeriod: .seconds(300),
            metrics: DaemonMetrics(), health: HealthState(timeout: 60), logger: logger, detectLocalNodeCIDR: true)
        let run = Task { try await daemon.run() }
        defer { run.cancel() }
        events.yield(.upsertService(Zone.service("web", "10.96.0.20")))
        events.yield(.node(Self.node([])))
        events.yield(.synced)
        try await eventually("the wait to be logged") {
            lines.value.withLock { $0.contains("Watching for node, awaiting podCIDR allocation") }
        }
        #expect(proxier.calls.withLock { $0 }.isEmpty, "no sync before the Node has pod CIDRs")

        events.yield(.node(Self.node(["bogus", "10.244.7.9/24", "fd00:244:7::/64", "10.9.0.0/16"])))
        try await eventually("the first sync") { proxier.calls.withLock { $0.contains("sync") } }
        #expect(proxier.calls.withLock { Array($0.prefix(2)) } == [
            "detector nodeCIDR([10.244.7.0/24, fd00:244:7::/64])", "sync",
        ])
        #expect(lines.value.withLock { $0.contains("Invalid CIDR ignored") })

        // Same pod CIDRs, other fields changed: nothing happens.
        events.yield(.node(Self.node(["bogus", "10.244.7.9/24", "fd00:244:7::/64", "10.9.0.0/16"],
                                     taints: ["example.com/other"])))
        events.yield(.node(Self.node(["10.244.8.0/24"])))
        await #expect(throws: DaemonStopped.self) { try await run.value }
        let message = "Using NodeCIDR LocalDetector mode, current PodCIDRs are different than previous PodCIDRs, restarting"
        #expect(lines.value.withLock { $0.filter { $0 == message }.count } == 1)
    }

    /// The IPVS proxier rewrites its companion rules with the Node's pod CIDRs on the next sync.
    @Test func ipvsProxierTakesTheNodeCIDRDetector() async throws {
        var f = try ProxierFixture()
        _ = await f.sync()
        let rule = { (source: String) in
            "-A KUBE-SERVICES -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" "
                + "-m set --match-set KUBE-CLUSTER-IP dst,dst ! -s \(source) -j KUBE-MARK-MASQ"
        }
        #expect(await f.rules.last[.v4]?.contains(rule("10.244.0.0/16")) == true)
        await f.proxier.setLocalDetector(.nodeCIDR([CIDR("10.244.7.0/24")!, CIDR("fd00:244:7::/64")!]))
        let outcome = await f.sync()
        #expect(outcome.success)
        let v4 = try #require(await f.rules.last[.v4])
        #expect(v4.contains(rule("10.244.7.0/24")) && !v4.contains("10.244.0.0/16"), "\(v4)")
    }

    @Test func startUpWaitFollowsKubeProxy() {
        let w = NodePodCIDRWatch.self
        #expect(w.startUp(node: nil, waited: .seconds(10)) == .waiting(beingDeleted: false))
        #expect(w.startUp(node: Self.node([]), waited: .seconds(299)) == .waiting(beingDeleted: false))
        #expect(w.startUp(node: Self.node([]), waited: .seconds(300)) == .timedOut)
        #expect(w.startUp(node: Self.node(["10.244.1.0/24"], deleting: true), waited: .seconds(1))
                == .waiting(beingDeleted: true))
        #expect(w.startUp(node: Self.node(["10.244.1.0/24"]), waited: .seconds(400)) == .ready(["10.244.1.0/24"]))
        #expect(w.startUp(node: Self.node([], podCIDR: "10.244.2.0/24"), waited: .zero) == .ready(["10.244.2.0/24"]))

        var watch = NodePodCIDRWatch()
        #expect(watch.changed(Self.node(["10.244.1.0/24"])) == nil, "nothing adopted yet")
        watch.adopt(["10.244.1.0/24", "fd00::/64"])
        #expect(watch.changed(Self.node(["10.244.1.0/24", "fd00::/64"], taints: ["x"])) == nil)
        #expect(watch.changed(Self.node(["fd00::/64", "10.244.1.0/24"])) == ["fd00::/64", "10.244.1.0/24"])
        #expect(watch.changed(Self.node([])) == [], "pod CIDRs removed: a change too")
    }

    @Test func healthzReportsNodeEligibilityAndLivezDoesNot() {
        let start = Date(timeIntervalSince1970: 1_000)
        let h = HealthState(timeout: 60, now: start)
        h.updated(at: start + 1)
        let now = start + 2
        #expect(h.healthz(at: now) == (true, #"{"lastUpdated": "1970-01-01T00:16:42.000Z","currentTime": "1970-01-01T00:16:42.000Z", "nodeEligible": true}"#))
        for node in [Self.node([], taints: ["ToBeDeletedByClusterAutoscaler"]), Self.node([], deleting: true)] {
            h.syncNode(node)
            #expect(h.healthz(at: now) == (false, #"{"lastUpdated": "1970-01-01T00:16:41.000Z","currentTime": "1970-01-01T00:16:42.000Z", "nodeEligible": false}"#))
            #expect(h.livez(at: now) == (true, #"{"lastUpdated": "1970-01-01T00:16:42.000Z","currentTime": "1970-01-01T00:16:42.000Z"}"#))
        }
        h.syncNode(Self.node([], taints: ["node.kubernetes.io/unschedulable"]))
        #expect(h.healthz(at: now).ok)
        h.queued(at: now)
        #expect(!h.livez(at: now + 61).ok && !h.healthz(at: now + 61).ok, "a change waited too long")
    }
}
