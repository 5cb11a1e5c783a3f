import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSTesting
import Testing

@Suite struct IPVSProxierTerminationTests {
    static let vs = VirtualServerKey(address: IPAddress("10.96.198.132")!, proto: .tcp, port: 80)
    static let rs = RealServerKey(address: IPAddress("10.244.2.13")!, port: 8080)

    @Test func busyTcpRealServerDrainsAtWeightZeroThenGoes() async throws {
        var f = try ProxierFixture()
        _ = await f.sync()
        await f.ipvs.setCounters(RealServerCounters(activeConnections: 2), of: Self.rs, in: Self.vs)
        f.editSlice("web-nodeport-1") { $0.endpoints.removeAll { $0.addresses == ["10.244.2.13"] } }
        let draining = await f.sync(at: 1)
        #expect(draining.success && draining.wantsFollowUp && draining.draining == 1)
        let weight = await f.ipvs.realServers(of: Self.vs).first { $0.realServer.key == Self.rs }?.realServer.weight
        #expect(weight == 0)
        // Still busy: stays.
        let again = await f.sync(at: 2)
        #expect(again.draining == 1)
        // Connections end: deleted on the next sync.
        await f.ipvs.setCounters(RealServerCounters(), of: Self.rs, in: Self.vs)
        let done = await f.sync(at: 3)
        #expect(done.draining == 0 && !done.wantsFollowUp)
        #expect(await f.ipvs.realServers(of: Self.vs).allSatisfy { $0.realServer.key != Self.rs })
        #expect(await f.kernelTable() == IPVSTableText.render(f.plan()))
    }

    @Test func drainDeadlineDeletesAnyway() async throws {
        var f = try ProxierFixture()
        _ = await f.sync()
        await f.ipvs.setCounters(RealServerCounters(activeConnections: 1), of: Self.rs, in: Self.vs)
        f.editSlice("web-nodeport-1") { $0.endpoints.removeAll { $0.addresses == ["10.244.2.13"] } }
        _ = await f.sync(at: 0)
        _ = await f.sync(at: 59)
        #expect(await f.ipvs.realServers(of: Self.vs).contains { $0.realServer.key == Self.rs })
        _ = await f.sync(at: 60)
        #expect(await f.ipvs.realServers(of: Self.vs).allSatisfy { $0.realServer.key != Self.rs })
    }

    @Test func udpRealServerGoesAtOnceEvenWithTraffic() async throws {
        var f = try ProxierFixture()
        _ = await f.sync()
        let dns = VirtualServerKey(address: IPAddress("10.96.0.10")!, proto: .udp, port: 53)
        let rs = RealServerKey(address: IPAddress("10.244.2.53")!, port: 53)
        await f.ipvs.setCounters(RealServerCounters(inactiveConnections: 5), of: rs, in: dns)
        f.editSlice("dns-1") { $0.endpoints.removeAll { $0.addresses == ["10.244.2.53"] } }
        let outcome = await f.sync(at: 1)
        #expect(outcome.draining == 0)
        #expect(await f.ipvs.realServers(of: dns).allSatisfy { $0.realServer.key != rs })
    }

    @Test func failedOperationMakesTheNextSyncFullAndItRecovers() async throws {
        var f = try ProxierFixture()
        _ = await f.sync()
        await f.ipsets.failNext("ipset add", with: KernelError(code: .failed, operation: "ipset add",
                                                               target: "KUBE-CLUSTER-IP", detail: "injected"))
        var svc = f.objects.services.first { $0.metadata.name == "sticky" }!
        svc.metadata.name = "sticky2"
        svc.spec.clusterIP = "10.96.72.47"
        svc.spec.clusterIPs = ["10.96.72.47"]
        f.store.upsert(svc)
        let failed = await f.sync(at: 1)
        #expect(!failed.success)
        #expect(failed.errors.contains { $0.contains("injected") })
        let retried = await f.sync(at: 2)
        #expect(retried.success && retried.full)
        #expect(try await f.ipsets.contains(.ipPort(IPAddress("10.96.72.47")!, .tcp, 8080), in: "KUBE-CLUSTER-IP"))
    }

    @Test func cleanupRemovesOursOnly() async throws {
        var f = try ProxierFixture()
        _ = await f.sync()
        let foreign = VirtualServer(key: VirtualServerKey(address: IPAddress("172.31.0.1")!, proto: .tcp, port: 80),
                                    scheduler: .roundRobin)
        _ = await f.ipvs.apply([.addVirtualServer(foreign)])
        try await f.proxier.cleanup()
        #expect(await f.ipvs.table().map(\.virtualServer.key) == [foreign.key])
        #expect(await f.links.links().map(\.name) == ["lo"])
        #expect(await f.ipsets.setNames().isEmpty)
    }
}
