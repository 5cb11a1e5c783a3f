import Foundation
import Testing
@testable import KubeIPVSCore
import KubeIPVSSources

/// The incremental desired state (one service at a time) must always equal the full planner's
/// output for the same objects, whatever the order of updates.
@Suite struct IncrementalStateTests {
    static let node = NodeContext(name: "node1", localAddresses: [LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!)],
                                  primaryIPs: [IPAddress("10.0.0.10")!])
    static let config = ProxyConfiguration(clusterCIDRs: [CIDR("10.244.0.0/16")!])

    static func examples() throws -> ManifestObjects {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../deploy/examples/cluster.yaml").standardized
        return ManifestLoader.loadFile(url.path)
    }

    static func replanAll(_ store: ObjectStore, into state: inout IPVSDesiredState, names: Set<ServiceName>) {
        let objects = store.objects(for: names)
        let snapshot = ProxySnapshot.build(services: objects.services, slices: objects.slices, node: node)
        var plans: [ServiceName: [PortPlan]] = [:]
        for port in snapshot.servicePorts.values {
            plans[port.name.service, default: []].append(
                IPVSPlanner.planPort(port, selection: snapshot.selection(for: port), node: node, config: config))
        }
        for name in names { state.replace(service: name, with: plans[name] ?? []) }
    }

    static func assertEqualsFullPlan(_ state: IPVSDesiredState, _ store: ObjectStore) {
        let objects = store.objects()
        let plan = IPVSPlanner.plan(ProxySnapshot.build(services: objects.services, slices: objects.slices, node: node),
                                    node: node, config: config)
        var table = IPVSTableState()
        for vs in plan.virtualServers { table[vs.key] = IPVSServiceState(server: vs.server, realServers: vs.realServers) }
        #expect(state.table == table)
        #expect(state.boundAddresses == Set(plan.boundAddresses))
        for set in plan.ipsets { #expect(state.ipsets()[set.spec.name]?.entries == Set(set.entries), "\(set.spec.name)") }
        #expect(state.companionRules(.v4, config: config) == plan.companionRules)
        #expect(state.healthChecks() == plan.healthChecks)
        // The O(1) queries a partial sync uses agree with the full views.
        for address in plan.boundAddresses { #expect(state.binds(address)) }
        #expect(!state.binds(IPAddress("192.0.2.254")!))
        #expect(state.bindsAny(.v4) == plan.boundAddresses.contains { $0.family == .v4 })
        #expect(state.bindsAny(.v6) == plan.boundAddresses.contains { $0.family == .v6 })
        for set in plan.ipsets {
            for entry in set.entries { #expect(state.contains(entry, inSet: set.spec.name), "\(entry) in \(set.spec.name)") }
            #expect(!state.contains(.port(1), inSet: set.spec.name))
        }
    }

    /// One shared planning context for many ports plans exactly what planning port by port does, also when
    /// the node's addresses include the dummy interface's.
    @Test func planPortsEqualsPortByPortPlanning() throws {
        let objects = try Self.examples()
        let node = NodeContext(name: "node1", localAddresses: Self.node.localAddresses
                                + [LocalAddress(interface: "kube-ipvs0", address: IPAddress("10.96.0.10")!)],
                               primaryIPs: Self.node.primaryIPs)
        let snapshot = ProxySnapshot.build(services: objects.services, slices: objects.endpointSlices, node: node)
        let shared = IPVSPlanner.planPorts(snapshot, node: node, config: Self.config)
        let single = snapshot.servicePorts.values.map {
            IPVSPlanner.planPort($0, selection: snapshot.selection(for: $0), node: node, config: Self.config)
        }
        #expect(shared.count == snapshot.servicePorts.count)
        #expect(Dictionary(uniqueKeysWithValues: shared.map { ($0.servicePort, $0) })
                == Dictionary(uniqueKeysWithValues: single.map { ($0.servicePort, $0) }))
    }

    @Test func serviceByServiceEqualsFullPlanInAnyOrder() throws {
        let objects = try Self.examples()
        #expect(objects.services.count > 10)
        var rng = SplitMix(seed: 7)
        for _ in 0..<5 {
            var store = ObjectStore(), state = IPVSDesiredState()
            store.replaceSlices(objects.endpointSlices.shuffled(using: &rng))
            for service in objects.services.shuffled(using: &rng) {
                store.upsert(service)
                Self.replanAll(store, into: &state, names: store.takeChanges())
            }
            Self.assertEqualsFullPlan(state, store)
        }
    }

    @Test func removalsAndSliceEditsStayEqualAndReportDirtyKeys() throws {
        let objects = try Self.examples()
        var store = ObjectStore(), state = IPVSDesiredState()
        store.replaceServices(objects.services)
        store.replaceSlices(objects.endpointSlices)
        Self.replanAll(store, into: &state, names: store.takeChanges())
        _ = state.takeDirty()
        // Remove one endpoint of demo/web-nodeport: only its virtual servers are dirty.
        var slice = try #require(objects.endpointSlices.first { $0.metadata.name == "web-nodeport-1" })
        slice.endpoints.removeLast()
        store.upsert(slice)
        let changed = store.takeChanges()
        #expect(changed == [ServiceName(namespace: "demo", name: "web-nodeport")])
        Self.replanAll(store, into: &state, names: changed)
        let dirty = state.takeDirty()
        #expect(Set(dirty.virtualServers.map(\.port)) == [80, 30080])
        // The port was updated in place: its address and set members did not change, so nothing else is dirty.
        #expect(dirty.addresses.isEmpty)
        #expect(dirty.entries.isEmpty)
        #expect(!dirty.companionRules)
        Self.assertEqualsFullPlan(state, store)
        // A local endpoint goes: its hairpin member is the one set entry to change.
        let local = IPAddress("10.244.1.12")!
        slice.endpoints.removeAll { $0.addresses == ["10.244.1.12"] }
        store.upsert(slice)
        Self.replanAll(store, into: &state, names: store.takeChanges())
        let hairpin = state.takeDirty()
        #expect(hairpin.entries == ["KUBE-LOOP-BACK": [.ipPortIP(local, .tcp, 8080, local)]])
        #expect(hairpin.addresses.isEmpty)
        Self.assertEqualsFullPlan(state, store)
        // Delete a service: its addresses and set members go.
        let sticky = try #require(objects.services.first { $0.metadata.name == "sticky" })
        store.delete(sticky)
        Self.replanAll(store, into: &state, names: store.takeChanges())
        let gone = state.takeDirty()
        #expect(gone.addresses == [IPAddress("10.96.72.46")!])
        #expect(gone.entries["KUBE-CLUSTER-IP"] == [.ipPort(IPAddress("10.96.72.46")!, .tcp, 8080)])
        Self.assertEqualsFullPlan(state, store)
    }

    /// Re-planning every service of one random cluster into the state of another (same names; other types,
    /// ports, addresses, policies and endpoints) equals planning the second from scratch: updating a port
    /// planned before by its difference keeps every reference count right.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func replanningIntoAnotherClusterEqualsItsFullPlan(seed: UInt64) {
        let before = RandomCluster(seed: seed, count: 80), after = RandomCluster(seed: seed + 100, count: 80)
        var store = ObjectStore(), state = IPVSDesiredState()
        store.replaceServices(before.services)
        store.replaceSlices(before.slices)
        Self.replanAll(store, into: &state, names: store.takeChanges())
        store.replaceServices(after.services)
        store.replaceSlices(after.slices)
        let changed = store.takeChanges()
        #expect(changed.count > 60)
        Self.replanAll(store, into: &state, names: changed)
        Self.assertEqualsFullPlan(state, store)
        // And back again.
        store.replaceServices(before.services)
        store.replaceSlices(before.slices)
        Self.replanAll(store, into: &state, names: store.takeChanges())
        Self.assertEqualsFullPlan(state, store)
    }

    @Test func unchangedObjectsAreNotChanges() throws {
        let objects = try Self.examples()
        var store = ObjectStore()
        store.replaceServices(objects.services)
        store.replaceSlices(objects.endpointSlices)
        _ = store.takeChanges()
        store.replaceServices(objects.services.reversed())
        store.replaceSlices(objects.endpointSlices)
        #expect(store.takeChanges().isEmpty)
        #expect(store.pendingServiceChanges == 0)
    }
}

/// Deterministic generator for shuffles.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
