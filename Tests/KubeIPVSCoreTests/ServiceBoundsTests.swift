import KubeIPVSCore
import Testing

/// Issue 10 item 4: per-Service bounds on addresses × ports × source ranges, refused before any
/// address is parsed.
@Suite struct ServiceBoundsTests {
    typealias N = ServiceNormalizerTests

    static func ports(_ count: Int) -> [KubeService.Port] {
        (0..<count).map { KubeService.Port(name: "p\($0)", port: 1000 + $0) }
    }

    static func v4(_ i: Int) -> String { "10.\(100 + i >> 16).\(i >> 8 & 255).\(i & 255)" }

    @Test func fiftyThousandExternalIPsTimesOneHundredPortsIsRefusedWhole() {
        let n = ServiceNormalizer.normalize(N.service(ports: Self.ports(100)) {
            $0.spec.externalIPs = (0..<50_000).map(Self.v4)
        })
        #expect(n.ports.isEmpty)
        #expect(n.rejections.map(\.reason) == [
            "spec.clusterIPs, spec.externalIPs (50000) and status.loadBalancer.ingress (0) × spec.ports (100) ask for "
            + "5000100 virtual servers (at most 65536 per Service)",
        ])
    }

    @Test func justUnderTheVirtualServerBoundIsPlanned() {
        let n = ServiceNormalizer.normalize(N.service(ports: Self.ports(100)) {
            $0.spec.externalIPs = (0..<654).map(Self.v4)
        })
        #expect(n.rejections.isEmpty)
        #expect(n.ports.count == 100 && n.ports.allSatisfy { $0.externalIPs.count == 654 })
        let over = ServiceNormalizer.normalize(N.service(ports: Self.ports(100)) {
            $0.spec.externalIPs = (0..<656).map(Self.v4)
        })
        #expect(over.ports.isEmpty && over.rejections.count == 1)
    }

    @Test func loadBalancerSourceRangeEntriesAreBoundedByTheSetSize() {
        let lb = { (ingress: Int, ranges: Int) in
            ServiceNormalizer.normalize(N.service(type: "LoadBalancer", ports: Self.ports(100)) {
                $0.spec.loadBalancerSourceRanges = (0..<ranges).map { "172.\(16 + $0 / 256).\($0 % 256).0/24" }
                $0.status.loadBalancer.ingress = (0..<ingress).map { .init(ip: Self.v4(5000 + $0)) }
            })
        }
        let refused = lb(30, 30)
        #expect(refused.ports.isEmpty)
        #expect(refused.rejections.map(\.reason) == [
            "status.loadBalancer.ingress (30) × spec.loadBalancerSourceRanges (30) × spec.ports (100) ask for more "
            + "than 65536 source-range set entries per Service",
        ])
        let planned = lb(20, 30)
        #expect(planned.rejections.isEmpty)
        #expect(planned.ports.count == 100 && planned.ports[0].loadBalancerIPs.count == 20)
    }
}
