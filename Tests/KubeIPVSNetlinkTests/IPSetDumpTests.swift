import KubeIPVSCore
import KubeIPVSKernel
@testable import KubeIPVSNetlink
import KubeIPVSTesting
import Testing

/// Sets read back through our netlink dump (``IPSetDump``) against what `ipset save` prints for the same
/// kernel state, for every set type and family kube-ipvs uses, in a fresh network namespace.
@Suite("ipset netlink dump", .serialized, .enabled(if: KernelTier.enabled, KernelTier.reason))
struct IPSetDumpTests {
    static func ip(_ s: String) -> IPAddress { IPAddress(s)! }

    static let samples: [(IPSetSpec, [IPSetEntry])] = [
        (IPSetSpec(name: "D-IP6", type: .hashIP, family: .v6, hashSize: 4096, maxElements: 1000),
         [.ip(ip("fd00::1")), .ip(ip("2001:db8::7"))]),
        (IPSetSpec(name: "D-IPPORT4", type: .hashIPPort, family: .v4),
         [.ipPort(ip("10.96.0.10"), .tcp, 53), .ipPort(ip("10.96.0.10"), .udp, 53), .ipPort(ip("10.96.0.11"), .sctp, 30080)]),
        (IPSetSpec(name: "D-IPPORTIP6", type: .hashIPPortIP, family: .v6),
         [.ipPortIP(ip("fd00::1"), .tcp, 80, ip("fd00::1")), .ipPortIP(ip("fd00::2"), .udp, 53, ip("fd00::9"))]),
        (IPSetSpec(name: "D-IPPORTNET4", type: .hashIPPortNet, family: .v4),
         [.ipPortNet(ip("10.96.0.1"), .tcp, 443, CIDR("192.0.2.0/24")!),
          .ipPortNet(ip("10.96.0.2"), .tcp, 80, CIDR(host: ip("198.51.100.7")))]),
        (IPSetSpec(name: "D-NET6", type: .hashNet, family: .v6),
         [.net(CIDR("2001:db8::/32")!), .net(CIDR(host: ip("fd00::5")))]),
        (IPSetSpec(name: "D-PORTS", type: .bitmapPort, family: nil, portRange: 30000...32767),
         [.port(30000), .port(30080), .port(32767)]),
    ]

    @Test func dumpEqualsIpsetSaveForEveryType() async throws {
        try KernelTier.require()
        let ipset = try LibIPSet(namespace: .fresh)
        for (spec, entries) in Self.samples {
            try await ipset.create(spec)
            try await ipset.add(entries, to: spec.name)
            let saved = try KernelTier.toolIn(ipset.namespacePath, "/usr/sbin/ipset", ["save", spec.name])
            #expect(saved.status == 0)
            let theirs = try IPSetSaveFormat.parse(saved.output)
            #expect(try await ipset.header(of: spec.name) == theirs.spec, "\(spec.name)")
            #expect(try await ipset.entries(of: spec.name) == theirs.entries.sorted(), "\(spec.name)")
            #expect(try await ipset.entries(of: spec.name) == entries.sorted(), "\(spec.name)")
        }
        await ipset.close()
    }

    /// 20,000 members arrive in many dump messages; the header-only request still carries the header.
    @Test func largeSetSpansManyMessages() async throws {
        try KernelTier.require()
        let ipset = try LibIPSet(namespace: .fresh)
        let spec = IPSetSpec(name: "KUBE-CLUSTER-IP", type: .hashIPPort, family: .v4)
        let entries = IPSetContract.sampleEntries(20000)
        try await ipset.create(spec)
        try await ipset.add(entries, to: spec.name)
        let start = ContinuousClock.now
        let listed = try await ipset.entries(of: spec.name)
        let took = ContinuousClock.now - start
        #expect(listed == entries.sorted())
        #expect(try await ipset.header(of: spec.name).name == spec.name)
        print("ipset netlink dump: 20000 hash:ip,port entries in \(took)")
        await ipset.close()
    }
}
