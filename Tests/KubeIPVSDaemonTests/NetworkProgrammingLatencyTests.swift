import Foundation
import KubeIPVSCore
import Testing
@testable import KubeIPVSDaemon

/// kubeproxy_network_programming_duration_seconds from EndpointSlices' last-change-trigger-time.
struct NetworkProgrammingLatencyTests {
    @Test("RFC 3339 as the EndpointSlice controller writes it", arguments: [
        ("2026-12-07T16:30:00Z", 1_796_661_000.0), ("2026-12-07T16:30:00.5Z", 1_796_661_000.5),
        ("2026-12-07T16:30:00.123456789Z", 1_796_661_000.123456789), ("2026-12-07T17:30:00+01:00", 1_796_661_000.0),
        ("2026-12-07T15:00:00-01:30", 1_796_661_000.0),
    ])
    func parses(text: String, seconds: Double) throws {
        let date = try #require(NetworkProgrammingLatency.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test("anything else is ignored", arguments: [
        "", "garbage", "2026-13-07T16:30:00Z", "2026-12-07T24:00:00Z", "2026-12-07T16:30:00", "2026-12-07T16:30:00.Z",
        "2026-12-07T16:30:00.1234567890Z", "2026-12-07 16:30:00Z", "2026-12-07T16:30:00+0100", "2026-12-07T16:30:00Zjunk",
        String(repeating: "9", count: 10_000),
    ])
    func rejects(text: String) {
        #expect(NetworkProgrammingLatency.parse(text) == nil)
    }

    static func slice(_ service: String, trigger: String?) -> KubeEndpointSlice {
        KubeEndpointSlice(metadata: KubeObjectMeta(name: "\(service)-1", namespace: "demo",
                                                   labels: [KubeEndpointSlice.serviceNameLabel: service],
                                                   lastChangeTriggerTime: trigger))
    }

    @Test("times after the tracker started are kept per service; a deletion drops them; take hands over and clears")
    func tracker() {
        var tracker = NetworkProgrammingLatency(trackerStart: Date(timeIntervalSince1970: 1_796_661_000))
        tracker.updated(Self.slice("old", trigger: "2026-12-07T16:29:59Z"))
        tracker.updated(Self.slice("web", trigger: "2026-12-07T16:30:01Z"))
        tracker.updated(Self.slice("web", trigger: "2026-12-07T16:30:02Z"))
        tracker.updated(Self.slice("db", trigger: "2026-12-07T16:30:03Z"))
        tracker.updated(Self.slice("none", trigger: nil))
        tracker.updated(Self.slice("gone", trigger: "2026-12-07T16:30:04Z"))
        tracker.deleted(Self.slice("gone", trigger: "2026-12-07T16:30:05Z"))
        let web = ServiceName(namespace: "demo", name: "web")
        #expect(tracker.take([web]).map(\.timeIntervalSince1970) == [1_796_661_001, 1_796_661_002])
        #expect(tracker.take(nil).map(\.timeIntervalSince1970) == [1_796_661_003])
        #expect(tracker.take(nil).isEmpty)
    }

    @Test("the annotation is decoded from metadata.annotations and nothing else of them is kept")
    func decodes() throws {
        let json = #"{"metadata":{"name":"web-1","annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"2026-12-07T16:30:00Z","other":"x"}}}"#
        let slice = try JSONDecoder().decode(KubeEndpointSlice.self, from: Data(json.utf8))
        #expect(slice.metadata.lastChangeTriggerTime == "2026-12-07T16:30:00Z")
        let again = try JSONDecoder().decode(KubeEndpointSlice.self, from: JSONEncoder().encode(slice))
        #expect(again == slice)
    }

    @Test("kube-proxy's buckets")
    func buckets() {
        let b = DaemonMetrics.networkProgrammingBuckets
        #expect(b.count == 1 + 2 + 59 + 12 + 7)
        #expect(b.prefix(5) == [0, 0.25, 0.5, 1, 2] && b.suffix(3) == [240, 270, 300])
        #expect(b.contains(115) && !b.contains(117.5) && b.contains(150))
    }
}
