import Testing
import KubeIPVSCore

@Suite struct IptablesStaleConntrackTests {
    typealias F = IptablesFixtures

    static let dns = ServicePort(name: F.name("ns/dns", "dns", .udp), port: 53, nodePort: 30053,
                                 clusterIPs: [F.ip("10.96.0.53"), F.ip("fd00:96::53")], externalIPs: [F.ip("192.0.2.53")])
    static let web = ServicePort(name: F.name("ns/web", "http"), port: 80, clusterIPs: [F.ip("10.96.0.10")])
    static let endpoints = [F.endpoint("10.244.1.5", 5353), F.endpoint("10.244.2.5", 5353), F.endpoint("fd00:244::5", 5353)]

    @Test func removedUDPEndpointClearsItsNATedFlows() {
        let before = F.snapshot([(Self.dns, Self.endpoints), (Self.web, [F.endpoint("10.244.1.8", 80)])])
        var after = before
        after.endpoints[Self.dns.name]?.removeAll { $0.address == F.ip("10.244.2.5") }
        after.endpoints[Self.web.name] = []  // TCP: never cleaned
        let deletions = StaleConntrack.deletions(previous: before, current: after)
        #expect(deletions.map(\.description) == [
            "conntrack -D --orig-dst 10.96.0.53 --dst-nat 10.244.2.5 -p udp",
            "conntrack -D --orig-dst 192.0.2.53 --dst-nat 10.244.2.5 -p udp",
            "conntrack -D -p udp --dport 30053 --dst-nat 10.244.2.5",
        ])
    }

    @Test func removedIPv6EndpointUsesFamilyFlag() {
        let before = F.snapshot([(Self.dns, Self.endpoints)])
        var after = before
        after.endpoints[Self.dns.name]?.removeAll { $0.address.family == .v6 }
        #expect(StaleConntrack.deletions(previous: before, current: after).map(\.arguments) == [
            ["-D", "--orig-dst", "fd00:96::53", "--dst-nat", "fd00:244::5", "-p", "udp", "-f", "ipv6"],
            ["-D", "-p", "udp", "--dport", "30053", "--dst-nat", "fd00:244::5", "-f", "ipv6"],
        ])
    }

    @Test func serviceThatGetsEndpointsOrGoesClearsItsIPs() {
        let empty = F.snapshot([(Self.dns, [])])
        let active = F.snapshot([(Self.dns, Self.endpoints)])
        let expected = [
            "conntrack -D -p udp --orig-dst 10.96.0.53 --dport 53",
            "conntrack -D -p udp --orig-dst 192.0.2.53 --dport 53",
            "conntrack -D -p udp --orig-dst fd00:96::53 --dport 53 -f ipv6",
            "conntrack -D -p udp --dport 30053",
            "conntrack -D -p udp --dport 30053 -f ipv6",
        ]
        #expect(StaleConntrack.deletions(previous: empty, current: active).map(\.description) == expected)
        #expect(StaleConntrack.deletions(previous: active, current: ProxySnapshot()).map(\.description) == expected)
        #expect(StaleConntrack.deletions(previous: active, current: active).isEmpty)
        // At start every active UDP service counts as newly active (kube-proxy does the same).
        #expect(StaleConntrack.deletions(previous: nil, current: active).map(\.description) == expected)
    }

    @Test func notReadyEndpointIsNotProgrammedSoItsRemovalIsNothingNew() {
        let before = F.snapshot([(Self.dns, Self.endpoints + [F.endpoint("10.244.3.5", 5353, ready: false)])])
        let after = F.snapshot([(Self.dns, Self.endpoints)])
        #expect(StaleConntrack.deletions(previous: before, current: after).isEmpty)
    }
}
