import KubeIPVSCore
import Testing

/// Text formats: ipvsadm -Ln and ipset save, byte for byte.
@Suite struct RenderTests {
    static func vs(_ address: String, _ port: UInt16, _ proto: L4Protocol = .tcp, _ scheduler: Scheduler = .roundRobin,
                   persistent: UInt32? = nil) -> VirtualServer {
        VirtualServer(key: VirtualServerKey(address: IPAddress(address)!, proto: proto, port: port),
                      scheduler: scheduler, persistenceTimeout: persistent)
    }

    @Test func ipvsadmTableWithCountersAndOrder() {
        let web = Self.vs("10.96.0.10", 80)
        let rs1 = RealServer(address: IPAddress("10.244.1.5")!, port: 8080)
        let rs2 = RealServer(key: RealServerKey(address: IPAddress("10.244.0.9")!, port: 8080), weight: 0)
        let text = IPVSTableText.render([
            IPVSServiceState(server: Self.vs("fd00::1", 53, .udp), realServers: [
                RealServer(address: IPAddress("fd00:10:244:1234:5678:9abc:def0:1")!, port: 5353),
            ]),
            IPVSServiceState(server: Self.vs("10.96.72.46", 8080, persistent: 600), realServers: []),
            IPVSServiceState(server: Self.vs("10.96.0.10", 53, .udp, .sourceHashing), realServers: []),
            IPVSServiceState(server: Self.vs("10.96.0.11", 9, .sctp), realServers: []),
            IPVSServiceState(server: web, realServers: [rs1, rs2], counters: [
                rs1.key: RealServerCounters(activeConnections: 12, inactiveConnections: 3),
                rs2.key: RealServerCounters(activeConnections: 0, inactiveConnections: 1234567890),
            ]),
        ])
        #expect(text == """
        IP Virtual Server version 1.2.1 (size=4096)
        Prot LocalAddress:Port Scheduler Flags
          -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
        TCP  10.96.0.10:80 rr
          -> 10.244.0.9:8080              Masq    0      0          1234567890
          -> 10.244.1.5:8080              Masq    1      12         3         
        TCP  10.96.72.46:8080 rr persistent 600
        UDP  10.96.0.10:53 sh
        SCTP 10.96.0.11:9 rr
        UDP  [fd00::1]:53 rr
          -> [fd00:10:244:1234:5678:9abc:def0:1]:5353 Masq    1      0          0         

        """)
    }

    @Test(arguments: Scheduler.allCases)
    func everySchedulerName(_ scheduler: Scheduler) {
        #expect(IPVSTableText.serviceLine(Self.vs("10.96.0.1", 443, .tcp, scheduler))
                == "TCP  10.96.0.1:443 \(scheduler.rawValue)\n")
        let plan = IPVSPlanner.merge([IPVSPlanner.planPort(
            ServicePort(name: ServicePortName(service: ServiceName(namespace: "a", name: "b"), port: "", proto: .tcp),
                        port: 443, clusterIPs: [IPAddress("10.96.0.1")!]),
            selection: EndpointSelection(port: ServicePort(name: ServicePortName(service: ServiceName(namespace: "a",
                name: "b"), port: "", proto: .tcp), port: 443, clusterIPs: []), endpoints: []),
            node: NodeContext(name: "n"), config: ProxyConfiguration(scheduler: scheduler))],
            config: ProxyConfiguration(scheduler: scheduler))
        #expect(plan.virtualServers.map(\.server.scheduler) == [scheduler])
    }

    @Test func ipsetSave() {
        let sets = [
            PlannedIPSet(set: .nodePortTCP, ipFamily: .v4, entries: [.port(30080), .port(31000)]),
            PlannedIPSet(set: .loadBalancerSourceCIDR, ipFamily: .v6, entries: [
                .ipPortNet(IPAddress("2001:db8::1")!, .tcp, 443, CIDR("2001:db8:1::/48")!),
            ]),
            PlannedIPSet(set: .clusterIP, ipFamily: .v4, entries: [.ipPort(IPAddress("10.96.0.1")!, .tcp, 443)]),
        ]
        #expect(IPSetText.render(sets) == """
        create KUBE-6-LOAD-BALANCER-SOURCE-CID hash:ip,port,net family inet6 hashsize 1024 maxelem 65536
        add KUBE-6-LOAD-BALANCER-SOURCE-CID 2001:db8::1,tcp:443,2001:db8:1::/48
        create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536
        add KUBE-CLUSTER-IP 10.96.0.1,tcp:443
        create KUBE-NODE-PORT-TCP bitmap:port range 0-65535
        add KUBE-NODE-PORT-TCP 30080
        add KUBE-NODE-PORT-TCP 31000

        """)
    }

    @Test func ipv6SetNamesAreCutLikeKubeProxy() {
        #expect(ProxyIPSet.nodePortLocalSCTP.name(.v6) == "KUBE-6-NODE-PORT-LOCAL-SCTP-HAS")
        #expect(ProxyIPSet.loadBalancerSourceIP.name(.v6) == "KUBE-6-LOAD-BALANCER-SOURCE-IP")
        #expect(ProxyIPSet.allCases.allSatisfy { $0.name(.v4) == $0.baseName && $0.name(.v6).utf8.count <= 31 })
        #expect(Set(ProxyIPSet.allCases.map { $0.name(.v6) }).count == ProxyIPSet.allCases.count)
        #expect(ProxyIPSet.nodePortTCP.spec(.v6).family == nil)
    }

    @Test func entryOrderIsNumeric() {
        let a = IPSetEntry.ipPortIP(IPAddress("10.0.0.2")!, .tcp, 80, IPAddress("10.0.0.10")!)
        let b = IPSetEntry.ipPortIP(IPAddress("10.0.0.2")!, .tcp, 80, IPAddress("10.0.0.9")!)
        #expect(b < a)
        #expect([IPSetEntry.port(9), .ip(IPAddress("1.1.1.1")!)].sorted() == [.ip(IPAddress("1.1.1.1")!), .port(9)])
    }
}
