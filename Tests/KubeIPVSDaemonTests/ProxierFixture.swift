import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSSources
import KubeIPVSTesting
import Logging

/// An IPVSProxier over the kernel fakes, with the example cluster loaded.
struct ProxierFixture {
    let ipvs = FakeIPVS()
    let ipsets = FakeIPSet()
    let links = FakeLinkAddress()
    let rules = RuleRecorder()
    let proxier: IPVSProxier
    var store = ObjectStore()
    let objects: ManifestObjects
    static let node = NodeContext(name: "node1",
                                  localAddresses: [LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!)],
                                  primaryIPs: [IPAddress("10.0.0.10")!])
    static let config = ProxyConfiguration(clusterCIDRs: [CIDR("10.244.0.0/16")!], excludeCIDRs: [CIDR("10.200.0.0/16")!])

    init(proxierOver other: ProxierFixture? = nil) throws {
        objects = ProxierFixture.examples()
        let kernel = IPVSProxier.Kernel(ipvs: other?.ipvs ?? ipvs, ipsets: other?.ipsets ?? ipsets,
                                        links: other?.links ?? links,
                                        restoreRules: { [rules] family, text in await rules.record(family, text) })
        proxier = try IPVSProxier(kernel: kernel, config: Self.config, drainTimeout: .seconds(60),
                              logger: Logger(label: "test"))
        store.replaceServices(objects.services)
        store.replaceSlices(objects.endpointSlices)
    }

    static func examples() -> ManifestObjects {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../deploy/examples/cluster.yaml").standardized
        return ManifestLoader.loadFile(url.path)
    }

    /// A partial sync, or (`full`) a periodic reconcile as the daemon asks for it: the kernel re-read,
    /// the pending changes re-planned. At monotonic second `t`.
    mutating func sync(full: Bool = false, at t: Int64 = 0) async -> SyncOutcome {
        let changed = store.takeChanges()
        return await proxier.sync(SyncRequest(store: store, changed: changed, reconcileKernel: full,
                                              node: Self.node, now: .seconds(t)))
    }

    /// The full plan for the current objects.
    func plan() -> IPVSPlan {
        let o = store.objects()
        return IPVSPlanner.plan(ProxySnapshot.build(services: o.services, slices: o.slices, node: Self.node),
                                node: Self.node, config: Self.config)
    }

    /// The fake kernel's IPVS table in `ipvsadm -Ln` form, counters left out (all 0, as in a rendered plan).
    func kernelTable(_ ipvs: FakeIPVS? = nil) async -> String {
        let table = await (ipvs ?? self.ipvs).table()
        return IPVSTableText.render(table.map {
            IPVSServiceState(server: $0.virtualServer, realServers: $0.realServers.map(\.realServer))
        })
    }

    mutating func editSlice(_ name: String, _ edit: (inout KubeEndpointSlice) -> Void) {
        var slice = store.slices.values.first { $0.metadata.name == name }!
        edit(&slice)
        store.upsert(slice)
    }
}

/// Collects the iptables-restore texts the proxier applies.
actor RuleRecorder {
    private(set) var applied: [(IPFamily, String)] = []
    func record(_ family: IPFamily, _ text: String) { applied.append((family, text)) }
    var last: [IPFamily: String] { Dictionary(applied.map { ($0.0, $0.1) }, uniquingKeysWith: { _, b in b }) }
}
