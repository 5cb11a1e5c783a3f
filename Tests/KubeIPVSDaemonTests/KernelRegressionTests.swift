import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import Testing

/// Daemon bugs the guest end-to-end tier (Tests/Guest/daemon-e2e.sh) found on a real ip_vs kernel,
/// pinned down on the fakes.
@Suite struct KernelRegressionTests {
    static func ip(_ s: String) -> IPAddress { IPAddress(s)! }

    /// Connection counts were read on full syncs only: a connection opened after the last one did not
    /// keep its real server when a partial sync removed the endpoint (deleted at once, connection reset).
    @Test func partialSyncCountsConnectionsBeforeRemovingARealServer() async throws {
        var f = await KernelFixture()
        let p = try f.proxier()
        f.load(KernelFixture.service("hold", ip: "10.96.0.70", port: 9000, endpoints: ["10.244.1.11", "10.244.1.12"]))
        #expect(await f.sync(p, full: true, now: .zero).success)
        let vs = VirtualServerKey(address: Self.ip("10.96.0.70"), proto: .tcp, port: 9000)
        let held = RealServerKey(address: Self.ip("10.244.1.11"), port: 9000)
        await f.ipvs.setCounters(RealServerCounters(activeConnections: 1), of: held, in: vs)

        f.load(KernelFixture.service("hold", ip: "10.96.0.70", port: 9000, endpoints: ["10.244.1.12"]))
        let draining = await f.sync(p, now: .seconds(1))
        #expect(await f.realServers(vs) == ["10.244.1.11:9000/0", "10.244.1.12:9000/1"])
        #expect(draining.draining == 1 && draining.wantsFollowUp)

        await f.ipvs.setCounters(RealServerCounters(), of: held, in: vs)
        let done = await f.sync(p, now: .seconds(3))
        #expect(await f.realServers(vs) == ["10.244.1.12:9000/1"])
        #expect(done.draining == 0 && !done.wantsFollowUp)
    }

    /// Service IPs on kube-ipvs0 counted as node addresses, so a ClusterIP's port made a foreign virtual
    /// server on a node address with that port "ours", and the next full sync deleted it.
    @Test func foreignVirtualServerOnANodeAddressIsNotClaimedByAClusterIPPort() async throws {
        var f = await KernelFixture()
        let foreign = VirtualServer(key: VirtualServerKey(address: KernelFixture.nodeIP, proto: .tcp, port: 80),
                                    scheduler: .sourceHashing)
        try await f.ipvs.addVirtualServer(foreign)
        let p = try f.proxier()
        f.load(KernelFixture.service("web", ip: "10.96.0.10", port: 80, endpoints: ["10.244.1.11"]))
        #expect(await f.sync(p, full: true, withServiceIPs: true, now: .zero).success)
        // Now 10.96.0.10 is bound on kube-ipvs0 and among the node's local addresses.
        #expect(await f.sync(p, full: true, withServiceIPs: true, now: .seconds(5)).success)
        #expect(await f.ipvs.virtualServers().contains(foreign))
        #expect(await f.realServers(VirtualServerKey(address: Self.ip("10.96.0.10"), proto: .tcp, port: 80))
            == ["10.244.1.11:80/1"])
    }

    /// `--cleanup` runs in a fresh process that has synced nothing: it did not know the node's addresses
    /// nor the published node ports, so NodePort virtual servers survived the cleanup.
    @Test func cleanupInAFreshProcessRemovesNodePortVirtualServers() async throws {
        var f = await KernelFixture()
        let foreign = VirtualServer(key: VirtualServerKey(address: KernelFixture.nodeIP, proto: .tcp, port: 80),
                                    scheduler: .roundRobin)
        try await f.ipvs.addVirtualServer(foreign)
        let running = try f.proxier()
        f.load(KernelFixture.service("np", ip: "10.96.0.20", port: 80, nodePort: 30080, endpoints: ["10.244.1.11"]))
        #expect(await f.sync(running, full: true, now: .zero).success)
        let nodePort = VirtualServerKey(address: KernelFixture.nodeIP, proto: .tcp, port: 30080)
        #expect(await f.ipvs.virtualServers().map(\.key).contains(nodePort))

        try await f.proxier().cleanup()
        #expect(await f.ipvs.virtualServers() == [foreign])
        #expect(await f.links.links().contains { $0.name == "kube-ipvs0" } == false)
        #expect(await f.ipsets.setNames().filter { $0.hasPrefix("KUBE-") } == [])
    }
}
