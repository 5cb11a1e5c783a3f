import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSTesting
import Testing

@Suite struct IPVSProxierSyncTests {
    @Test func firstSyncProgramsExactlyThePlan() async throws {
        var f = try ProxierFixture()
        let outcome = await f.sync()
        #expect(outcome.success, "\(outcome.errors)")
        #expect(outcome.full)
        let plan = f.plan()
        #expect(await f.kernelTable() == IPVSTableText.render(plan))
        #expect(Set(try await f.links.addresses(on: "kube-ipvs0")) == Set(plan.boundAddresses))
        for set in plan.ipsets {
            #expect(Set(try await f.ipsets.entries(of: set.spec.name)) == Set(set.entries), "\(set.spec.name)")
        }
        #expect(await f.rules.last[.v4] == plan.companionRules)
        #expect(outcome.virtualServers == plan.virtualServers.count)
        #expect(outcome.healthChecks.map(\.nodePort) == [32000])
    }

    @Test func partialSyncChangesOnlyTheEditedService() async throws {
        var f = try ProxierFixture()
        _ = await f.sync()
        let before = await f.ipvs.log.count
        f.editSlice("web-nodeport-1") { $0.endpoints.removeAll { $0.addresses == ["10.244.2.13"] } }
        let outcome = await f.sync(at: 1)
        #expect(outcome.success && !outcome.full)
        let ops = await f.ipvs.log.dropFirst(before).map(\.description)
        // One real server fewer on the ClusterIP and on the NodePort; nothing else touched (no connections: deleted at once).
        #expect(ops == ["IPVS_CMD_DEL_DEST 10.0.0.10:30080/TCP -> 10.244.2.13:8080",
                        "IPVS_CMD_DEL_DEST 10.96.198.132:80/TCP -> 10.244.2.13:8080"])
        #expect(await f.kernelTable() == IPVSTableText.render(f.plan()))
    }

    @Test func restartAdoptsTheTableResetsWeightsAndRemovesStrays() async throws {
        var first = try ProxierFixture()
        _ = await first.sync()
        // Damage as a crash would leave it: a weight-0 server, a stray real server, a lost set member.
        let vs = VirtualServerKey(address: IPAddress("10.96.198.132")!, proto: .tcp, port: 80)
        _ = await first.ipvs.apply([
            .updateRealServer(RealServer(address: IPAddress("10.244.1.11")!, port: 8080, weight: 0), in: vs),
            .addRealServer(RealServer(address: IPAddress("10.244.9.9")!, port: 8080), to: vs),
        ])
        try await first.ipsets.delete([.ipPort(IPAddress("10.96.72.46")!, .tcp, 8080)], from: "KUBE-CLUSTER-IP")
        var second = try ProxierFixture(proxierOver: first)
        let before = await first.ipvs.log.count
        let outcome = await second.sync()
        #expect(outcome.success)
        let ops = await first.ipvs.log.dropFirst(before).map(\.description)
        #expect(ops == ["IPVS_CMD_SET_DEST 10.96.198.132:80/TCP -> 10.244.1.11:8080",
                        "IPVS_CMD_DEL_DEST 10.96.198.132:80/TCP -> 10.244.9.9:8080"])
        #expect(await first.kernelTable() == IPVSTableText.render(second.plan()))
        #expect(try await first.ipsets.contains(.ipPort(IPAddress("10.96.72.46")!, .tcp, 8080), in: "KUBE-CLUSTER-IP"))
    }

    @Test func fullSyncRepairsDriftAndLeavesForeignAndExcludedServers() async throws {
        var f = try ProxierFixture()
        _ = await f.sync()
        let ours = VirtualServerKey(address: IPAddress("10.96.0.1")!, proto: .tcp, port: 443)
        let foreign = VirtualServer(key: VirtualServerKey(address: IPAddress("172.31.0.1")!, proto: .tcp, port: 80),
                                    scheduler: .weightedLeastConnection)
        let excluded = VirtualServer(key: VirtualServerKey(address: IPAddress("10.200.0.1")!, proto: .tcp, port: 80),
                                     scheduler: .roundRobin)
        _ = await f.ipvs.apply([.deleteVirtualServer(ours), .addVirtualServer(foreign), .addVirtualServer(excluded)])
        try await f.links.addAddress(IPAddress("10.200.0.1")!, to: "kube-ipvs0")
        let outcome = await f.sync(full: true, at: 30)
        #expect(outcome.success)
        let keys = Set(await f.ipvs.table().map(\.virtualServer.key))
        #expect(keys.contains(ours))
        #expect(keys.contains(foreign.key))
        #expect(keys.contains(excluded.key))
    }

    /// The daemon's node facts list every local address, kube-ipvs0's included: a foreign virtual server
    /// on a real node address stays untouched even on a port our ClusterIPs use (only NodePorts we publish
    /// make a node-address virtual server ours).
    @Test func foreignServerOnANodeAddressSurvivesWithDummyAddressesInNodeFacts() async throws {
        var f = try ProxierFixture()
        _ = await f.sync()
        let dummy = f.plan().boundAddresses.map { LocalAddress(interface: "kube-ipvs0", address: $0) }
        let node = NodeContext(name: "node1", localAddresses: ProxierFixture.node.localAddresses + dummy,
                               primaryIPs: ProxierFixture.node.primaryIPs)
        let foreign = VirtualServer(key: VirtualServerKey(address: IPAddress("10.0.0.10")!, proto: .tcp, port: 443),
                                    scheduler: .roundRobin)
        #expect(f.plan().virtualServers.contains { $0.key.port == 443 && $0.key.address != foreign.key.address })
        _ = await f.ipvs.apply([.addVirtualServer(foreign)])
        for (t, full) in [(30, true), (31, false)] {
            let outcome = await f.proxier.sync(SyncRequest(store: f.store, changed: full ? nil : [], node: node,
                                                           now: .seconds(Int64(t))))
            #expect(outcome.success)
            #expect(await f.ipvs.table().contains { $0.virtualServer.key == foreign.key }, "after the sync at \(t)")
        }
        let nodePort = VirtualServerKey(address: IPAddress("10.0.0.10")!, proto: .tcp, port: 30080)
        #expect(await f.ipvs.table().contains { $0.virtualServer.key == nodePort }, "our NodePort is in place")
    }

    @Test func malformedObjectIsRejectedWhileTheRestSyncs() async throws {
        var f = try ProxierFixture()
        var bad = f.objects.services.first { $0.metadata.name == "sticky" }!
        bad.metadata.name = "broken"
        bad.spec.clusterIP = "10.96.99.99"
        bad.spec.clusterIPs = ["10.96.99.99"]
        bad.spec.ports[0].port = 70000
        f.store.upsert(bad)
        let outcome = await f.sync()
        #expect(outcome.success)
        #expect(outcome.rejections.contains { $0.kind == .service && $0.object == "demo/broken" && $0.reason.contains("70000") })
        #expect(await f.kernelTable() == IPVSTableText.render(f.plan()))
        #expect(!(await f.ipvs.table()).contains { $0.virtualServer.key.address == IPAddress("10.96.99.99")! })
    }
    /// A first sync plans the services a chunk at a time: with more services than a chunk, the kernel still
    /// gets exactly the plan, a bad object in a late chunk is rejected, and so is a slice that names no
    /// service (it belongs to no chunk).
    @Test func chunkedFullReplanProgramsThePlanAndKeepsEveryRejection() async throws {
        var f = try ProxierFixture()
        for i in 0..<1_200 {
            var service = KubeService(metadata: KubeObjectMeta(name: "bulk\(i)", namespace: "bulk"),
                                      spec: KubeService.Spec(type: "ClusterIP"))
            let ip = "10.97.\(i / 250).\(i % 250 + 1)"
            service.spec.clusterIP = ip
            service.spec.clusterIPs = [ip]
            service.spec.ports = [KubeService.Port(name: "http", protocol: "TCP", port: i == 1_150 ? 0 : 80)]
            f.store.upsert(service)
        }
        var orphan = try #require(f.objects.endpointSlices.first { $0.metadata.name == "web-nodeport-1" })
        orphan.metadata.name = "orphan"
        orphan.metadata.labels = [:]
        f.store.upsert(orphan)
        let outcome = await f.sync()
        #expect(outcome.success)
        #expect(outcome.virtualServers == f.plan().virtualServers.count)
        #expect(outcome.virtualServers > 1_199)
        #expect(await f.kernelTable() == IPVSTableText.render(f.plan()))
        #expect(outcome.rejections.contains { $0.kind == .service && $0.object == "bulk/bulk1150" })
        #expect(outcome.rejections.contains { $0.kind == .endpointSlice && $0.object == "demo/orphan"
            && $0.reason.contains("is missing") })
        #expect(outcome.rejections == f.plan().rejections.sorted())
    }
}
