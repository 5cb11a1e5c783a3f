import KubeIPVSCore
import KubeIPVSKernel

extension IPVSProxier {
    /// Applies the difference in a safe order: sets and addresses that appear, then IPVS, then
    /// members and addresses that go, then the companion rules. Returns one line per failure.
    func apply(dirty: IPVSDesiredState.Dirty, full: Bool, now: Duration) async -> [String] {
        var errors: [String] = []
        if !full { errors += await refreshCounters(for: countersNeeded(dirty.virtualServers)) }
        let sets = setChanges(dirty: dirty, full: full)
        errors += await applySets(sets.filter { if case .delete = $0 { false } else { true } })
        let addressKeys = full ? desired.boundAddresses.union(appliedAddresses) : dirty.addresses
        let add = addressKeys.filter { desired.binds($0) && !appliedAddresses.contains($0) }.sorted()
        let remove = addressKeys.filter { !desired.binds($0) && appliedAddresses.contains($0) }.sorted()
        errors += await addAddresses(add)
        errors += await applyIPVS(scope: full ? nil : dirty.virtualServers.union(termination.draining.keys), now: now)
        errors += await applySets(sets.filter { if case .delete = $0 { true } else { false } })
        errors += await deleteAddresses(remove)
        if full || dirty.companionRules || appliedRules.isEmpty { errors += await applyRules() }
        if errors.isEmpty { errors += await removeIptablesModeLeftovers() }
        return errors
    }

    /// TCP virtual servers about to lose real servers, or draining ones: their connection counts
    /// decide between deleting and draining, so they are read fresh (one dump per service).
    func countersNeeded(_ dirty: Set<VirtualServerKey>) -> Set<VirtualServerKey> {
        var keys = Set(termination.draining.keys)
        for key in dirty where key.proto == .tcp {
            guard let have = applied[key] else { continue }
            let want = desired.table[key]?.realServers ?? []
            if have.realServers.keys.contains(where: { want[$0] == nil }) { keys.insert(key) }
        }
        return keys
    }

    func setChanges(dirty: IPVSDesiredState.Dirty, full: Bool) -> [IPSetChange] {
        if full { return IPSetReconciler.diff(desired: desired.ipsets(), observed: appliedSets) }
        var changes: [IPSetChange] = []
        for (name, entries) in dirty.entries.sorted(by: { $0.key < $1.key }) {
            let have = appliedSets[name]?.entries ?? []
            let add = entries.filter { desired.contains($0, inSet: name) && !have.contains($0) }.sorted()
            let del = entries.filter { !desired.contains($0, inSet: name) && have.contains($0) }.sorted()
            if !add.isEmpty { changes.append(.add(name, add)) }
            if !del.isEmpty { changes.append(.delete(name, del)) }
        }
        return changes
    }

    func applySets(_ changes: [IPSetChange]) async -> [String] {
        var errors: [String] = []
        var storm = FailureStorm("ipset changes")
        defer { storm.report(to: logger) }
        for change in changes {
            do {
                switch change {
                case .create(let spec):
                    try await kernel.ipsets.create(spec, ignoreExisting: true)
                    appliedSets[spec.name] = IPSetState(spec: spec, entries: [])
                case .destroy(let name):
                    try await kernel.ipsets.destroy(set: name)
                    appliedSets[name] = nil
                case .add(let name, let entries):
                    try await kernel.ipsets.add(entries, to: name, ignoreExisting: true)
                    appliedSets[name]?.entries.formUnion(entries)
                case .delete(let name, let entries):
                    try await kernel.ipsets.delete(entries, from: name, ignoreMissing: true)
                    appliedSets[name]?.entries.subtract(entries)
                }
                storm.record("\(change)", error: nil, logger: logger)
            } catch {
                errors.append("\(change): \(error)")
                storm.record("\(change)", error: error, logger: logger)
            }
        }
        return errors
    }

    func addAddresses(_ addresses: [IPAddress]) async -> [String] {
        guard !addresses.isEmpty else { return [] }
        let results = await kernel.links.addAddresses(addresses, to: config.dummyInterface)
        var errors: [String] = []
        var storm = FailureStorm("address adds")
        defer { storm.report(to: logger) }
        for (a, error) in zip(addresses, results) {
            storm.record("add \(a)", error: error, logger: logger)
            guard let error else { appliedAddresses.insert(a); continue }
            errors.append("adding \(a) to \(config.dummyInterface): \(error)")
        }
        return errors
    }

    func deleteAddresses(_ addresses: [IPAddress]) async -> [String] {
        guard !addresses.isEmpty else { return [] }
        let results = await kernel.links.deleteAddresses(addresses, from: config.dummyInterface)
        var errors: [String] = []
        var storm = FailureStorm("address deletes")
        defer { storm.report(to: logger) }
        for (a, error) in zip(addresses, results) {
            storm.record("delete \(a)", error: error, logger: logger)
            guard let error else { appliedAddresses.remove(a); continue }
            errors.append("deleting \(a) from \(config.dummyInterface): \(error)")
        }
        return errors
    }

    /// Diffs and applies the virtual servers in `scope` (all when nil), a chunk of keys at a time so the
    /// changes of a 10,000-service table never all sit in memory at once (each key's changes stay in order).
    func applyIPVS(scope: Set<VirtualServerKey>?, now: Duration) async -> [String] {
        let keys = (scope ?? Set(desired.table.keys).union(applied.keys)).sorted()
        var errors: [String] = []
        for start in stride(from: 0, to: keys.count, by: Self.applyChunk) {
            let end = min(start + Self.applyChunk, keys.count)
            errors += await applyIPVS(chunk: Set(keys[start..<end]), now: now)
            if keys.count > Self.applyChunk { progress("Programming IPVS virtual servers", done: end, total: keys.count) }
        }
        return errors
    }

    static let applyChunk = 2048

    private func applyIPVS(chunk: Set<VirtualServerKey>, now: Duration) async -> [String] {
        let changes = IPVSReconciler.diff(desired: desired.table, observed: applied, scope: chunk,
                                          owns: ownership(scope: chunk).predicate, termination: &termination, now: now)
        guard !changes.isEmpty else { return [] }
        let results = await kernel.ipvs.apply(changes.map(Self.operation))
        var errors: [String] = []
        var storm = FailureStorm("IPVS operations")
        defer { storm.report(to: logger) }
        for (change, result) in zip(changes, results) {
            let owner = desired.owner(of: result.operation.virtualServer)
            guard let error = result.error else {
                if let owner { kernelFailures.record(owner.servicePort.service, refusal: nil) }
                storm.record("\(change)", error: nil, logger: logger)
                record(change)
                continue
            }
            guard let owner else {
                storm.record("\(change)", error: error, logger: logger)
                errors.append("\(error)")
                continue
            }
            // Attributed: the Service and the field of its plan the kernel refused.
            let service = owner.servicePort.service
            let line = "Service \(service): \(KernelFailureLedger.cause(of: result.operation, owner: owner)): \(error)"
            kernelFailures.record(service, refusal: line)
            if kernelFailures.isQuarantined(service) {
                // Already reported as a rejection: retried, but no longer failing the sync.
                logger.trace("kernel operation failed", metadata: ["service": "\(service)", "error": "\(line)"])
            } else {
                storm.record(line, error: error, logger: logger)
                errors.append(line)
            }
        }
        return errors
    }

    /// Updates the applied table after a successful change.
    func record(_ change: IPVSChange) {
        switch change {
        case .addService(let s), .updateService(let s):
            var entry = applied[s.key] ?? IPVSServiceState(server: s)
            entry.server = s
            applied[s.key] = entry
        case .deleteService(let k):
            appliedRealServers -= applied.removeValue(forKey: k)?.realServers.count ?? 0
        case .addRealServer(let k, let r), .updateRealServer(let k, let r):
            guard applied[k] != nil else { return }
            if applied[k]?.realServers.update(r) == nil { appliedRealServers += 1 }
        case .deleteRealServer(let k, let r):
            if applied[k]?.realServers.remove(r) != nil { appliedRealServers -= 1 }
            applied[k]?.counters[r] = nil
        }
    }

    static func operation(_ change: IPVSChange) -> IPVSOperation {
        switch change {
        case .addService(let s): .addVirtualServer(s)
        case .updateService(let s): .updateVirtualServer(s)
        case .deleteService(let k): .deleteVirtualServer(k)
        case .addRealServer(let k, let r): .addRealServer(r, to: k)
        case .updateRealServer(let k, let r): .updateRealServer(r, in: k)
        case .deleteRealServer(let k, let r): .deleteRealServer(r, from: k)
        }
    }

    /// Restores the companion rules of each family whose text changed.
    func applyRules() async -> [String] {
        var errors: [String] = []
        let families: [IPFamily] = desired.bindsAny(.v6) || appliedRules[.v6] != nil
            ? [.v4, .v6] : [.v4]
        for family in families {
            let text = desired.companionRules(family, config: config)
            guard appliedRules[family] != text else { continue }
            logger.trace("Restoring iptables", metadata: ["ipFamily": "\(family)", "rules": "\(text)"])
            do {
                try await kernel.restoreRules(family, text)
                appliedRules[family] = text
            } catch {
                restoreFailures += 1
                errors.append("iptables-restore (\(family)): \(error)")
                logger.error("companion rules restore failed", metadata: ["ipFamily": "\(family)", "error": "\(error)"])
            }
        }
        return errors
    }
}
