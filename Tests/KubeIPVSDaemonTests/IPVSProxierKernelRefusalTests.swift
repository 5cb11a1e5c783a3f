#if canImport(Glibc)
import Glibc
#endif
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSTesting
import Logging
import Testing

/// A FakeIPVS whose kernel refuses every operation on chosen virtual servers with ENOENT (what the
/// kernel answers for a scheduler module it does not have).
actor RefusingIPVS: IPVSControl {
    let inner = FakeIPVS()
    var refused: Set<VirtualServerKey> = []

    func setRefused(_ keys: Set<VirtualServerKey>) { refused = keys }

    func apply(_ operations: [IPVSOperation]) async -> [IPVSOperationResult] {
        var results: [IPVSOperationResult] = []
        for op in operations {
            if refused.contains(op.virtualServer) {
                results.append(IPVSOperationResult(operation: op, error: op.error(errno: ENOENT)))
            } else {
                results += await inner.apply([op])
            }
        }
        return results
    }

    func virtualServers() async throws(KernelError) -> [VirtualServer] { await inner.virtualServers() }
    func realServers(of virtualServer: VirtualServerKey) async throws(KernelError) -> [RealServerState] {
        await inner.realServers(of: virtualServer)
    }
    func table() async throws(KernelError) -> [VirtualServerState] { await inner.table() }
    func timeouts() async throws(KernelError) -> IPVSTimeouts { await inner.timeouts() }
    func setTimeouts(_ timeouts: IPVSTimeouts) async throws(KernelError) { await inner.setTimeouts(timeouts) }
    func flush() async throws(KernelError) { await inner.flush() }
}

@Suite struct IPVSProxierKernelRefusalTests {
    static let sticky = VirtualServerKey(address: IPAddress("10.96.72.46")!, proto: .tcp, port: 8080)
    static let web = VirtualServerKey(address: IPAddress("10.96.198.132")!, proto: .tcp, port: 80)
    static let movedEndpoint = RealServerKey(address: IPAddress("10.244.2.13")!, port: 8080)

    /// The example cluster over a kernel that refuses `demo/sticky`'s virtual server.
    struct Setup {
        var f: ProxierFixture
        let kernel = RefusingIPVS()
        let proxier: IPVSProxier

        init() async throws {
            f = try ProxierFixture()
            await kernel.setRefused([IPVSProxierKernelRefusalTests.sticky])
            let k = IPVSProxier.Kernel(ipvs: kernel, ipsets: f.ipsets, links: f.links, restoreRules: { _, _ in })
            proxier = try IPVSProxier(kernel: k, config: ProxierFixture.config, logger: Logger(label: "test"))
        }

        mutating func sync(full: Bool = false, at t: Int64) async -> SyncOutcome {
            let changed = f.store.takeChanges()
            return await proxier.sync(SyncRequest(store: f.store, changed: changed, reconcileKernel: full,
                                                  node: ProxierFixture.node, now: .seconds(t)))
        }

        func realServers(_ key: VirtualServerKey) async -> Set<RealServerKey> {
            Set(await kernel.inner.realServers(of: key).map(\.realServer.key))
        }
    }

    static func stickyRejection(_ outcome: SyncOutcome) -> Rejection? {
        outcome.rejections.first { $0.kind == .service && $0.object == "demo/sticky" }
    }

    @Test func refusedServiceIsNamedThenRejectedWhileTheRestSyncs() async throws {
        var s = try await Setup()
        let first = await s.sync(at: 0)
        // The error names the Service, the planned field and the kernel's answer.
        #expect(!first.success)
        #expect(first.errors == [
            "Service demo/sticky: virtual server (scheduler \"rr\", address 10.96.72.46) clusterIP "
                + "10.96.72.46:8080/TCP of port demo/sticky:http: IPVS_CMD_NEW_SERVICE 10.96.72.46:8080/TCP: "
                + "No such file or directory (errno 2)",
            "Service demo/sticky: real server 10.244.1.21:8080 (weight 1) clusterIP 10.96.72.46:8080/TCP of port "
                + "demo/sticky:http: IPVS_CMD_NEW_DEST 10.96.72.46:8080/TCP -> 10.244.1.21:8080: "
                + "No such file or directory (errno 2)",
            "Service demo/sticky: real server 10.244.2.22:8080 (weight 1) clusterIP 10.96.72.46:8080/TCP of port "
                + "demo/sticky:http: IPVS_CMD_NEW_DEST 10.96.72.46:8080/TCP -> 10.244.2.22:8080: "
                + "No such file or directory (errno 2)",
        ])
        #expect(Self.stickyRejection(first) == nil)
        #expect(await s.realServers(Self.web).contains(Self.movedEndpoint))
        // Another Service's change lands while demo/sticky keeps being refused.
        s.f.editSlice("web-nodeport-1") { $0.endpoints.removeAll { $0.addresses == ["10.244.2.13"] } }
        let second = await s.sync(at: 1)
        #expect(!second.success && second.errors.allSatisfy { $0.hasPrefix("Service demo/sticky: ") })
        #expect(!(await s.realServers(Self.web).contains(Self.movedEndpoint)))
        #expect(Self.stickyRejection(second) == nil)
        // The third consecutive refusal makes it a rejection (kubeipvs_rejected_objects{kind="Service"}).
        let third = await s.sync(at: 2)
        let rejection = try #require(Self.stickyRejection(third))
        #expect(rejection.reason.hasPrefix("kernel refused its IPVS operations on 3 consecutive syncs: Service demo/sticky: "))
        #expect(rejection.reason.contains("No such file or directory (errno 2)"))
        // From then on its refusals no longer fail the sync; it stays rejected while refused.
        let fourth = await s.sync(full: true, at: 3)
        #expect(fourth.success && fourth.errors.isEmpty)
        #expect(Self.stickyRejection(fourth)?.reason.hasPrefix("kernel refused its IPVS operations on 4 consecutive") == true)
        #expect(await s.kernel.inner.virtualServers().allSatisfy { $0.key != Self.sticky })
    }

    @Test func rejectionClearsWhenTheKernelAcceptsAgain() async throws {
        var s = try await Setup()
        for t in 0..<3 { _ = await s.sync(at: Int64(t)) }
        #expect(Self.stickyRejection(await s.sync(at: 3)) != nil)
        await s.kernel.setRefused([])
        let accepted = await s.sync(full: true, at: 4)
        #expect(accepted.success && Self.stickyRejection(accepted) == nil)
        #expect(await s.kernel.inner.virtualServers().contains { $0.key == Self.sticky })
        #expect(await s.realServers(Self.sticky).count > 0)
    }

    @Test func aRefusalStreakIsConsecutive() async throws {
        var s = try await Setup()
        _ = await s.sync(at: 0)
        _ = await s.sync(at: 1)
        await s.kernel.setRefused([])
        #expect(await s.sync(at: 2).success)
        await s.kernel.setRefused([Self.sticky])
        // The kernel has it now: a spec change is refused again, from a fresh streak.
        var svc = s.f.objects.services.first { $0.metadata.name == "sticky" }!
        svc.spec.sessionAffinity = "None"
        s.f.store.upsert(svc)
        let again = await s.sync(at: 3)
        #expect(!again.success && Self.stickyRejection(again) == nil)
        #expect(Self.stickyRejection(await s.sync(at: 4)) == nil)
        #expect(Self.stickyRejection(await s.sync(at: 5)) != nil)
    }
}
