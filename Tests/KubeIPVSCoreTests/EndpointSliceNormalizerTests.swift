import Foundation
import KubeIPVSCore
import Testing

/// EndpointSlice semantics: port matching by name and protocol, conditions, locality, merging.
@Suite struct EndpointSliceNormalizerTests {
    typealias E = KubeEndpointSlice.SliceEndpoint

    static func slice(_ name: String = "s", service: String? = "svc", addressType: String = "IPv4",
                      ports: [KubeEndpointSlice.SlicePort] = [.init(name: "http", port: 8080)],
                      endpoints: [E]) -> KubeEndpointSlice {
        var labels: [String: String] = [:]
        if let service { labels[KubeEndpointSlice.serviceNameLabel] = service }
        return KubeEndpointSlice(metadata: KubeObjectMeta(name: name, namespace: "ns", labels: labels),
                                 addressType: addressType, endpoints: endpoints, ports: ports)
    }

    static let http = ServicePortName(service: ServiceName(namespace: "ns", name: "svc"), port: "http", proto: .tcp)

    @Test func conditionsAndLocality() throws {
        let s = Self.slice(endpoints: [
            E(addresses: ["10.0.0.1"], nodeName: "me", zone: "z1"),
            E(addresses: ["10.0.0.2", "10.0.0.99"], conditions: .init(ready: false, serving: true, terminating: true),
              nodeName: "other"),
            E(addresses: ["10.0.0.3"], conditions: .init(ready: false)),
        ])
        let out = EndpointSliceNormalizer.normalize([s], nodeName: "me")
        #expect(out.rejections.isEmpty)
        let eps = try #require(out.endpoints[Self.http])
        #expect(eps == [
            Endpoint(address: IPAddress("10.0.0.1")!, port: 8080, ready: true, serving: true, terminating: false,
                     nodeName: "me", zone: "z1", isLocal: true),
            Endpoint(address: IPAddress("10.0.0.2")!, port: 8080, ready: false, serving: true, terminating: true,
                     nodeName: "other", isLocal: false),
            Endpoint(address: IPAddress("10.0.0.3")!, port: 8080, ready: false, serving: true, terminating: false),
        ])
    }

    @Test func portsNameTheServicePorts() {
        let s = Self.slice(ports: [.init(name: "dns", protocol: "UDP", port: 5353), .init(name: "dns", protocol: "TCP", port: 53),
                                   .init(name: "", port: 9)],
                           endpoints: [E(addresses: ["10.0.0.1"])])
        let out = EndpointSliceNormalizer.normalize([s], nodeName: "me")
        let service = ServiceName(namespace: "ns", name: "svc")
        #expect(out.endpoints.mapValues { $0.map(\.port) } == [
            ServicePortName(service: service, port: "dns", proto: .udp): [5353],
            ServicePortName(service: service, port: "dns", proto: .tcp): [53],
            ServicePortName(service: service, port: "", proto: .tcp): [9],
        ])
    }

    @Test func mergeKeepsTheMostUsableCopyWhateverTheOrder() throws {
        let notReady = Self.slice("a", endpoints: [E(addresses: ["10.0.0.1"], conditions: .init(ready: false), nodeName: "n2")])
        let ready = Self.slice("b", endpoints: [E(addresses: ["10.0.0.1"], nodeName: "n1"), E(addresses: ["10.0.0.1"], nodeName: "n1")])
        for order in [[notReady, ready], [ready, notReady]] {
            let eps = try #require(EndpointSliceNormalizer.normalize(order, nodeName: "n1").endpoints[Self.http])
            #expect(eps.count == 1)
            #expect(eps[0].ready && eps[0].nodeName == "n1" && eps[0].isLocal)
        }
    }

    @Test func skippedSlices() {
        let fqdn = Self.slice(addressType: "FQDN", endpoints: [E(addresses: ["db.example.com"])])
        var headless = Self.slice(endpoints: [E(addresses: ["10.0.0.1"])])
        headless.metadata.labels["service.kubernetes.io/headless"] = ""
        for s in [fqdn, headless] {
            let part = EndpointSliceNormalizer.endpoints(of: s, nodeName: "n")
            #expect(part.skipped && part.endpoints.isEmpty && part.rejections.isEmpty)
        }
    }

    @Test func refusals() {
        let cases: [(KubeEndpointSlice, [String], Int)] = [
            (Self.slice(service: nil, endpoints: [E(addresses: ["10.0.0.1"])]),
             ["metadata.labels[\"kubernetes.io/service-name\"] is missing"], 0),
            (Self.slice(addressType: "ipv4", endpoints: []), ["addressType \"ipv4\" is not IPv4, IPv6 or FQDN"], 0),
            (Self.slice(endpoints: (0..<1001).map { E(addresses: ["10.0.\($0 / 256).\($0 % 256)"]) }),
             ["endpoints has 1001 entries (at most 1000)"], 0),
            (Self.slice(ports: (1...101).map { (n: Int) in .init(name: "p\(n)", port: n) }, endpoints: []),
             ["ports has 101 entries (at most 100)"], 0),
            (Self.slice(ports: [.init(name: "http", port: 8080), .init(name: "x", port: 0), .init(name: "y", port: 65536),
                                .init(name: "z", protocol: "GRE", port: 1), .init(name: "http", protocol: "TCP", port: 1)],
                        endpoints: [E(addresses: ["10.0.0.1"])]),
             ["ports[1].port 0 is out of range 1-65535", "ports[2].port 65536 is out of range 1-65535",
              "ports[3].protocol \"GRE\" is not TCP, UDP or SCTP", "ports[4] \"http\"/TCP repeats ports[0]"], 1),
            (Self.slice(addressType: "IPv6", endpoints: [E(addresses: ["10.0.0.1"]), E(addresses: ["fd00::1"]),
                                                         E(addresses: ["::"]), E(addresses: [])]),
             ["endpoints[0].addresses[0] 10.0.0.1 is IPv4 but addressType is IPv6",
              "endpoints[2].addresses[0] \"::\" is not an IP address", "endpoints[3].addresses is empty"], 1),
        ]
        for (slice, reasons, kept) in cases {
            let part = EndpointSliceNormalizer.endpoints(of: slice, nodeName: "n")
            #expect(part.rejections.map(\.reason) == reasons)
            #expect(part.rejections.allSatisfy { $0.kind == .endpointSlice && $0.object == "ns/s" })
            #expect(part.endpoints.values.reduce(0) { $0 + $1.count } == kept)
        }
    }
}
