import CNetlink
import KubeIPVSCore
import KubeIPVSKernel
@testable import KubeIPVSNetlink
import Testing

/// Every request we build, byte for byte against what ipvsadm 1.31 sent to Linux 6.1 for the same
/// command (captured in the guest; netlink port, sequence number and family id taken from the capture).
@Suite struct GoldenBytesTests {
    static let web = VirtualServerKey(address: IPAddress("10.96.0.1")!, proto: .tcp, port: 443)
    static let dns = VirtualServerKey(address: IPAddress("10.96.0.10")!, proto: .udp, port: 53)
    static let diameter = VirtualServerKey(address: IPAddress("fd00::1")!, proto: .sctp, port: 3868)
    static let pod = RealServerKey(address: IPAddress("10.244.1.2")!, port: 8443)

    static let operations: [(String, IPVSOperation)] = [
        ("new-service-tcp4", .addVirtualServer(VirtualServer(key: web, scheduler: .roundRobin))),
        ("new-service-udp4-persistent", .addVirtualServer(VirtualServer(key: dns, scheduler: .sourceHashing, persistenceTimeout: 10800))),
        ("add-existing", .addVirtualServer(VirtualServer(key: dns, scheduler: .sourceHashing, persistenceTimeout: 10800))),
        ("new-service-sctp6", .addVirtualServer(VirtualServer(key: diameter, scheduler: .weightedLeastConnection))),
        ("set-service-tcp4", .updateVirtualServer(VirtualServer(key: web, scheduler: .leastConnection))),
        ("del-service-tcp4", .deleteVirtualServer(web)),
        ("new-dest-tcp4", .addRealServer(RealServer(key: pod, weight: 1, forwarding: .masquerade), to: web)),
        ("new-dest-sctp6", .addRealServer(RealServer(key: RealServerKey(address: IPAddress("fd00:10:244::2")!, port: 3868),
                                                     weight: 5, forwarding: .masquerade, upperThreshold: 100, lowerThreshold: 10),
                                          to: diameter)),
        ("set-dest-tcp4", .updateRealServer(RealServer(key: pod, weight: 0, forwarding: .masquerade), in: web)),
        ("del-dest-tcp4", .deleteRealServer(pod, from: web)),
        ("del-missing-dest", .deleteRealServer(RealServerKey(address: IPAddress("10.244.9.9")!, port: 53), from: dns)),
    ]

    @Test("IPVS operation requests equal ipvsadm's", arguments: operations.map(\.0))
    func operation(_ name: String) throws {
        let fixture = try Fixture(name)
        let op = Self.operations.first { $0.0 == name }!.1
        let theirs = try #require(fixture.requests.last)
        let ours = try IPVSRequest.message(for: op, family: fixture.family, flags: Int32(theirs.flags),
                                           seq: theirs.sequence, port: theirs.port)
        #expect(bytes(ours) == theirs.bytes)
        #expect(theirs.command == IPVSRequest.command(of: op))
    }

    @Test func familyResolutionRequestEqualsLibnls() throws {
        let fixture = try Fixture("new-service-tcp4")
        let theirs = try #require(fixture.messages.first { $0.fromUser && $0.type == UInt16(GENL_ID_CTRL) })
        #expect(bytes(try IPVSRequest.getFamily("IPVS", seq: theirs.sequence, port: theirs.port)) == theirs.bytes)
    }

    @Test func configAndFlushRequestsEqualIpvsadms() throws {
        let get = try #require(try Fixture("get-config").requests.last)
        let set = try #require(try Fixture("set-config").requests.last)
        let flush = try #require(try Fixture("flush").requests.last)
        let family = try Fixture("flush").family
        #expect(bytes(try IPVSRequest.getConfig(family: family, seq: get.sequence, port: get.port)) == get.bytes)
        #expect(bytes(try IPVSRequest.setConfig(IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 300), family: family,
                                                seq: set.sequence, port: set.port)) == set.bytes)
        #expect(bytes(try IPVSRequest.flush(family: family, seq: flush.sequence, port: flush.port)) == flush.bytes)
    }

    @Test func dumpRequestsEqualIpvsadms() throws {
        let fixture = try Fixture("list")
        let requests = fixture.requests
        try #require(requests.count == 4)
        let services = requests[0]
        #expect(bytes(try IPVSRequest.getServices(family: fixture.family, seq: services.sequence, port: services.port))
                == services.bytes)
        // ipvsadm asks for the destinations of each service in its sort order: TCP, UDP, then IPv6.
        for (request, key) in zip(requests.dropFirst(), [Self.web, Self.dns, Self.diameter]) {
            #expect(bytes(try IPVSRequest.getDests(of: key, family: fixture.family, seq: request.sequence,
                                                   port: request.port)) == request.bytes)
        }
    }
}
