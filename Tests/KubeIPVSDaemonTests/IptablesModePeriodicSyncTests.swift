import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSIptables
import KubeIPVSTesting
import Logging
import Testing

/// The daemon's periodic reconcile reaching the iptables fallback (`reconcileKernel` with no
/// changes, as `ProxyDaemon.syncNow` sends it every `iptables.syncPeriod`): it verifies and runs no
/// iptables-restore at rest, and restores what was deleted by hand. Real tools in a namespace the
/// test creates.
@Suite(.serialized, .enabled(if: !NetnsLab.iptablesBackends.isEmpty, "needs root, ip netns and iptables in a namespace"))
struct IptablesModePeriodicSyncTests {
    @Test("periodic reconciles of the iptables proxier: none restores at rest, one repairs a flushed chain",
          arguments: NetnsLab.iptablesBackends)
    func periodic(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let logger = Logger(label: "test")
        let inner = IptablesProxier(configuration: ProxierFixture.config, node: ProxierFixture.node, backend: backend,
                                    runner: lab.runner(in: ns), logger: logger)
        let proxier = IptablesModeProxier(proxier: inner, cleanup: { try await inner.cleanup() }, logger: logger)
        var store = ObjectStore()
        let objects = ProxierFixture.examples()
        store.replaceServices(objects.services)
        store.replaceSlices(objects.endpointSlices)
        _ = store.takeChanges()
        func request(first: Bool = false, at t: Int64) -> SyncRequest {
            SyncRequest(store: store, changed: first ? nil : store.takeChanges(), reconcileKernel: !first,
                        node: ProxierFixture.node, now: .seconds(t))
        }

        let first = await proxier.sync(request(first: true, at: 0))
        #expect(first.success && first.full)
        let restores = await inner.restores
        #expect(restores >= 1)
        for t in 1...4 {
            let periodic = await proxier.sync(request(at: Int64(t) * 30))
            #expect(periodic.success && periodic.errors.isEmpty)
        }
        #expect(await inner.restores == restores, "at rest: no iptables-restore")

        let svc = try #require(await inner.appliedRulesets[.v4]?.services.flatMap(\.chains)
            .first { $0.hasPrefix("KUBE-SVC-") })
        let iptables = backend.command(.iptables, family: .v4)
        let rules = try lab.must(ns, [iptables, "-w", "5", "-t", "nat", "-S", svc])
        _ = try lab.must(ns, [iptables, "-w", "5", "-t", "nat", "-F", svc])
        #expect(try lab.must(ns, [iptables, "-w", "5", "-t", "nat", "-S", svc]) == "-N \(svc)\n")
        let repaired = await proxier.sync(request(at: 150))
        #expect(repaired.success)
        #expect(await inner.restores == restores + 1)
        #expect(try lab.must(ns, [iptables, "-w", "5", "-t", "nat", "-S", svc]) == rules)
        _ = await proxier.sync(request(at: 180))
        #expect(await inner.restores == restores + 1)
    }
}
