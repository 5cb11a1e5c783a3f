import KubeIPVSCore
import KubeIPVSKernel

extension IPVSProxier {
    /// Reads the kernel's IPVS table, dummy-link addresses and our ipsets into the applied state.
    func observeKernel() async throws {
        _ = try await kernel.links.ensureDummyLink(named: config.dummyInterface)
        appliedAddresses = Set(try await kernel.links.addresses(on: config.dummyInterface))
        var table = IPVSTableState()
        for vs in try await kernel.ipvs.table() {
            var counters: [RealServerKey: RealServerCounters] = [:]
            for rs in vs.realServers { counters[rs.realServer.key] = rs.counters }
            table[vs.virtualServer.key] = IPVSServiceState(server: vs.virtualServer,
                                                           realServers: vs.realServers.map(\.realServer),
                                                           counters: counters)
        }
        applied = table
        let existing = Set(try await kernel.ipsets.setNames())
        appliedSets = [:]
        for name in desired.ipsets().keys where existing.contains(name) {
            let spec = try await kernel.ipsets.header(of: name)
            appliedSets[name] = IPSetState(spec: spec, entries: Set(try await kernel.ipsets.entries(of: name)))
        }
        appliedRules = [:]
    }

    /// Reads the KUBE-NODE-PORT-{TCP,UDP,SCTP-HASH} sets not yet known: with the node's addresses they
    /// say which NodePort virtual servers are ours.
    func observeNodePortSets() async {
        let existing = Set((try? await kernel.ipsets.setNames()) ?? [])
        for family in [IPFamily.v4, .v6] {
            for set in [ProxyIPSet.nodePortTCP, .nodePortUDP, .nodePortSCTP] {
                let name = set.name(family)
                guard existing.contains(name), appliedSets[name] == nil,
                      let spec = try? await kernel.ipsets.header(of: name),
                      let entries = try? await kernel.ipsets.entries(of: name) else { continue }
                appliedSets[name] = IPSetState(spec: spec, entries: Set(entries))
            }
        }
    }

    /// Fresh connection counters for `keys` (the kernel's, not the ones cached at the last full sync).
    func refreshCounters(for keys: some Sequence<VirtualServerKey>) async -> [String] {
        var errors: [String] = []
        for key in keys {
            do {
                let states = try await kernel.ipvs.realServers(of: key)
                guard var entry = applied[key] else { continue }
                entry.realServers = Dictionary(states.map { ($0.realServer.key, $0.realServer) },
                                               uniquingKeysWith: { a, _ in a })
                entry.counters = Dictionary(states.map { ($0.realServer.key, $0.counters) },
                                            uniquingKeysWith: { a, _ in a })
                applied[key] = entry
            } catch where error.code == .notFound {
                applied[key] = nil
                termination.endAll(key)
            } catch {
                errors.append("reading real servers of \(key): \(error)")
            }
        }
        return errors
    }

    /// Which observed virtual servers are ours.
    func ownership() -> IPVSOwnership {
        // Node addresses are those of the node's own interfaces: a service IP on kube-ipvs0 is no node
        // address, or a ClusterIP's port would claim that port on every node address (a foreign
        // 10.0.0.10:80 next to a ClusterIP on port 80 would be deleted as ours).
        let nodeAddresses = Set(node?.localAddresses.filter { $0.interface != config.dummyInterface }.map(\.address) ?? [])
        var ports: [L4Protocol: Set<UInt16>] = [:]
        for key in desired.table.keys where nodeAddresses.contains(key.address) {
            ports[key.proto, default: []].insert(key.port)
        }
        for family in [IPFamily.v4, .v6] {
            for (set, proto) in [(ProxyIPSet.nodePortTCP, L4Protocol.tcp), (.nodePortUDP, .udp)] {
                for case .port(let p) in appliedSets[set.name(family)]?.entries ?? [] { ports[proto, default: []].insert(p) }
            }
            for case .ipPort(_, let proto, let p) in appliedSets[ProxyIPSet.nodePortSCTP.name(family)]?.entries ?? [] {
                ports[proto, default: []].insert(p)
            }
        }
        return IPVSOwnership(dummyAddresses: appliedAddresses.union(desired.boundAddresses),
                             nodeAddresses: nodeAddresses,
                             nodePorts: ports, excludeCIDRs: config.excludeCIDRs)
    }
}
