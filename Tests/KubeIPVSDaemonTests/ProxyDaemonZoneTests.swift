import KubeIPVSCore
import KubeIPVSDaemon
import Logging
import Synchronization
import Testing

/// The Node's zone label reaches the planner; a change re-plans only services with zone hints, and
/// ignored hints are logged once per service (again only when the reason changes).
@Suite struct ProxyDaemonZoneTests {
    /// Records each sync's changed set and zone.
    actor RecordingProxier: Proxier {
        nonisolated let mode = ProxyMode.ipvs
        nonisolated let requests = Mutex<[(changed: Set<ServiceName>?, zone: String)]>([])
        func sync(_ request: SyncRequest) async -> SyncOutcome {
            requests.withLock { $0.append((request.changed, request.node.zone)) }
            return SyncOutcome(success: true, full: request.isFull)
        }
        func setLocalDetector(_ detector: LocalTrafficDetector) async {}
        func cleanup() async throws {}
    }

    /// Keeps every message with its `service` metadata.
    struct CapturingHandler: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            let service = metadata?["service"].map { " \($0)" } ?? ""
            let reason = metadata?["reason"].map { ": \($0)" } ?? ""
            lines.value.withLock { $0.append("\(message)\(service)\(reason)") }
        }
    }

    final class Lines: Sendable { let value = Mutex<[String]>([]) }

    static func service(_ name: String, _ ip: String) -> KubeService {
        KubeService(metadata: KubeObjectMeta(name: name, namespace: "demo"),
                    spec: .init(type: "ClusterIP", clusterIP: ip, clusterIPs: [ip],
                                ports: [.init(name: "http", protocol: "TCP", port: 80)]))
    }

    static func slice(_ service: String, _ zones: [[String]]) -> KubeEndpointSlice {
        KubeEndpointSlice(
            metadata: KubeObjectMeta(name: service + "-1", namespace: "demo",
                                     labels: ["kubernetes.io/service-name": service]),
            endpoints: zones.enumerated().map { i, z in
                .init(addresses: ["10.244.\(i + 1).\(service.utf8.count)"], nodeName: "node\(i + 1)",
                      hints: .init(forZones: z))
            },
            ports: [.init(name: "http", port: 8080)])
    }

    static func node(zone: String?) -> KubeNode {
        KubeNode(metadata: KubeObjectMeta(name: "node1", labels: zone.map { ["topology.kubernetes.io/zone": $0] } ?? [:]))
    }

    @Test func zoneChangesReplanOnlyZoneHintedServicesAndReasonsLogOnce() async throws {
        let proxier = RecordingProxier()
        let lines = Lines()
        let logger = Logger(label: "test", factory: { _ in CapturingHandler(lines: lines) })
        let (stream, events) = AsyncStream.makeStream(of: ObjectEvent.self)
        let daemon = try ProxyDaemon(
            source: ProxyDaemonInboxTests.PushSource(stream: stream), proxier: proxier,
            node: .init(name: "node1", localAddresses: { [] }), minSyncPeriod: .zero, syncPeriod: .seconds(300),
            metrics: DaemonMetrics(), health: HealthState(timeout: 60), logger: logger)
        let run = Task { try await daemon.run() }
        defer { run.cancel() }
        events.yield(.node(Self.node(zone: "zone-a")))
        for (name, ip) in [("web", "10.96.0.20"), ("partial", "10.96.0.21"), ("plain", "10.96.0.22")] {
            events.yield(.upsertService(Self.service(name, ip)))
        }
        events.yield(.upsertSlice(Self.slice("web", [["zone-a"], ["zone-b"]])))
        events.yield(.upsertSlice(Self.slice("partial", [["zone-a"], []])))
        events.yield(.upsertSlice(Self.slice("plain", [[], []])))
        events.yield(.synced)
        try await eventually("the first sync") { proxier.requests.withLock { $0.count } == 1 }
        #expect(proxier.requests.withLock { $0[0].zone } == "zone-a")

        events.yield(.node(Self.node(zone: "zone-b")))
        try await eventually("the zone-b sync") { proxier.requests.withLock { $0.last?.zone == "zone-b" } }
        let names = { (n: [String]) in Set(n.map { ServiceName(namespace: "demo", name: $0) }) }
        #expect(proxier.requests.withLock { $0.last?.changed } == names(["web", "partial"]))

        events.yield(.node(Self.node(zone: nil)))
        try await eventually("the no-zone sync") { proxier.requests.withLock { $0.last?.zone == "" } }
        #expect(proxier.requests.withLock { $0.last?.changed } == names(["web", "partial"]))

        let ignored = lines.value.withLock { $0.filter { $0.hasPrefix("ignoring topology hints") } }
        #expect(ignored == [
            "ignoring topology hints demo/partial: one or more ready endpoints have no zone hint",
            "ignoring topology hints demo/web: the node has no topology.kubernetes.io/zone label",
        ])
    }
}
