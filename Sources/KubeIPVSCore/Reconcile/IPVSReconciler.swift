/// Computes the IPVS changes that turn the observed table into the desired one, touching only what
/// kube-ipvs owns, draining removed TCP real servers gracefully. Pure: no kernel, no clock.
public enum IPVSReconciler {
    /// Decides whether an observed virtual server belongs to us (see ``IPVSOwnership``).
    public typealias Owner = @Sendable (VirtualServerKey) -> Bool

    /// The changes, in a safe order: services added or updated, real servers added or updated,
    /// real servers removed, services removed. Within each group, sorted by key.
    ///
    /// - Parameters:
    ///   - scope: only these virtual servers are compared (nil: the whole table). An incremental
    ///     sync passes the keys of the services that changed.
    ///   - owns: observed virtual servers for which this returns false are never modified or deleted.
    ///   - termination: draining bookkeeping, updated in place.
    ///   - now: monotonic time, for drain deadlines.
    public static func diff(desired: IPVSTableState, observed: IPVSTableState, scope: Set<VirtualServerKey>? = nil,
                            owns: Owner, termination: inout GracefulTermination, now: Duration) -> [IPVSChange] {
        let keys = scope ?? Set(desired.keys).union(observed.keys)
        var upserts: [IPVSChange] = [], realUpserts: [IPVSChange] = []
        var realDeletes: [IPVSChange] = [], deletes: [IPVSChange] = []
        for key in keys.sorted() {
            switch (desired[key], observed[key]) {
            case let (want?, nil):
                upserts.append(.addService(want.server))
                realUpserts += want.realServers.values.map { .addRealServer(key, $0) }
                termination.endAll(key)
            case let (want?, have?):
                guard owns(key) else { continue }
                if want.server != have.server { upserts.append(.updateService(want.server)) }
                realUpserts += realServerUpserts(key, want: want, have: have, termination: &termination)
                realDeletes += realServerRemovals(key, want: want, have: have, termination: &termination, now: now)
            case let (nil, have?):
                guard owns(key) else { continue }
                _ = have
                deletes.append(.deleteService(key))
                termination.endAll(key)
            case (nil, nil):
                continue
            }
        }
        return upserts + realUpserts + realDeletes + deletes
    }

    static func realServerUpserts(_ key: VirtualServerKey, want: IPVSServiceState, have: IPVSServiceState,
                                  termination: inout GracefulTermination) -> [IPVSChange] {
        var changes: [IPVSChange] = []
        for rs in want.realServers.values {
            termination.end(key, rs.key)
            if let existing = have.realServers[rs.key] {
                // A weight-0 leftover (restart, or a drain cancelled by a re-add) is reset here.
                if existing != rs { changes.append(.updateRealServer(key, rs)) }
            } else {
                changes.append(.addRealServer(key, rs))
            }
        }
        return changes
    }

    static func realServerRemovals(_ key: VirtualServerKey, want: IPVSServiceState, have: IPVSServiceState,
                                   termination: inout GracefulTermination, now: Duration) -> [IPVSChange] {
        var changes: [IPVSChange] = []
        for rs in have.realServers.values where want.realServers[rs.key] == nil {
            let counters = have.counters[rs.key]
            // UDP and SCTP have no connection end to wait for: delete at once (docs/kube-proxy-ipvs.md, failure 3).
            let drains = key.proto == .tcp && (counters?.total ?? 0) > 0
            if drains && !termination.isDraining(key, rs.key) { termination.begin(key, rs.key, now: now) }
            if !drains || termination.mayDelete(key, rs.key, counters: counters, now: now) {
                termination.end(key, rs.key)
                changes.append(.deleteRealServer(key, rs.key))
            } else if rs.weight != 0 {
                var quiesced = rs
                quiesced.weight = 0
                changes.append(.updateRealServer(key, quiesced))
            }
        }
        return changes
    }
}
