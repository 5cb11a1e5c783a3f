import KubeIPVSCore
import KubeIPVSKernel

extension IPVSProxier {
    /// Reads the kernel's IPVS table, dummy-link addresses and our ipsets into the applied state.
    func observeKernel() async throws {
        _ = try await kernel.links.ensureDummyLink(named: config.dummyInterface)
        appliedAddresses = Set(try await kernel.links.addresses(on: config.dummyInterface))
        var table = IPVSTableState()
        for vs in try await kernel.ipvs.table() {
            // Counters decide how a real server that goes is removed: only those not wanted are kept.
            let wanted = desired.table[vs.virtualServer.key]?.realServers ?? []
            var counters: [RealServerKey: RealServerCounters] = [:]
            for rs in vs.realServers where wanted[rs.realServer.key] == nil { counters[rs.realServer.key] = rs.counters }
            table[vs.virtualServer.key] = IPVSServiceState(server: vs.virtualServer,
                                                           realServers: vs.realServers.map(\.realServer),
                                                           counters: counters)
        }
        applied = table
        appliedRealServers = table.values.reduce(0) { $0 + $1.realServers.count }
        let existing = Set(try await kernel.ipsets.setNames())
        appliedSets = [:]
        for family in [IPFamily.v4, .v6] {
            for set in ProxyIPSet.allCases where existing.contains(set.name(family)) {
                let name = set.name(family)
                let spec = try await kernel.ipsets.header(of: name)
                appliedSets[name] = IPSetState(spec: spec, entries: Set(try await kernel.ipsets.entries(of: name)))
            }
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
                appliedRealServers -= entry.realServers.count
                entry.realServers = RealServerTable(states.map(\.realServer))
                entry.counters = Dictionary(states.map { ($0.realServer.key, $0.counters) },
                                            uniquingKeysWith: { a, _ in a })
                appliedRealServers += entry.realServers.count
                applied[key] = entry
            } catch where error.code == .notFound {
                appliedRealServers -= applied.removeValue(forKey: key)?.realServers.count ?? 0
                termination.endAll(key)
            } catch {
                errors.append("reading real servers of \(key): \(error)")
            }
        }
        return errors
    }

    /// Which observed virtual servers are ours, decided for the keys in `scope` (every desired or applied
    /// key when nil): the dummy addresses and node ports among them only, so a partial sync pays for
    /// what it touches, not for the whole table.
    func ownership(scope: Set<VirtualServerKey>? = nil) -> IPVSOwnership {
        let keys = scope ?? Set(desired.table.keys).union(applied.keys)
        var dummy: Set<IPAddress> = []
        var ports: [L4Protocol: Set<UInt16>] = [:]
        for key in keys {
            if appliedAddresses.contains(key.address) || desired.binds(key.address) { dummy.insert(key.address) }
            if nodeAddresses.contains(key.address) && publishesNodePort(key.proto, key.port) {
                ports[key.proto, default: []].insert(key.port)
            }
        }
        return IPVSOwnership(dummyAddresses: dummy, nodeAddresses: nodeAddresses, nodePorts: ports,
                             excludeCIDRs: config.excludeCIDRs)
    }

    /// A node port of ours: planned on a node address, or in a KUBE-NODE-PORT-* set we hold.
    func publishesNodePort(_ proto: L4Protocol, _ port: UInt16) -> Bool {
        if nodeAddresses.contains(where: { desired.table[VirtualServerKey(address: $0, proto: proto, port: port)] != nil }) {
            return true
        }
        for family in [IPFamily.v4, .v6] {
            for (set, setProto) in [(ProxyIPSet.nodePortTCP, L4Protocol.tcp), (.nodePortUDP, .udp)] where setProto == proto {
                if appliedSets[set.name(family)]?.entries.contains(.port(port)) == true { return true }
            }
            let sctp = appliedSets[ProxyIPSet.nodePortSCTP.name(family)]?.entries ?? []
            if sctp.contains(where: { if case .ipPort(_, proto, port) = $0 { true } else { false } }) { return true }
        }
        return false
    }
}
