import KubeIPVSCore
import KubeIPVSKernel

/// IPVS operations the kernel refused, attributed to the Service whose plan owns the virtual server
/// (docs/bounds.md, "Kernel refusals"). A Service refused on `threshold` consecutive syncs that
/// attempted its operations is quarantined: it is reported as a rejection and its failures no longer
/// fail the sync; the first sync in which the kernel accepts all its operations clears it.
struct KernelFailureLedger {
    /// Consecutive syncs with a refusal before a Service is reported as rejected.
    static let threshold = 3

    struct Streak: Equatable {
        var syncs: Int
        /// The last refusal, already attributed (`scheduler "sed" of 10.96.0.1:80/TCP: ...`).
        var reason: String
    }

    private(set) var streaks: [ServiceName: Streak] = [:]
    /// This sync's attempts and refusals (first refusal per Service), folded in by `endSync`.
    private var attempted: Set<ServiceName> = []
    private var refused: [ServiceName: String] = [:]

    /// True when `service` has reached the threshold (its refusals are rejections, not sync errors).
    func isQuarantined(_ service: ServiceName) -> Bool { (streaks[service]?.syncs ?? 0) >= Self.threshold }

    /// Notes that an operation of `service` was sent to the kernel, and its refusal if `reason` is set.
    mutating func record(_ service: ServiceName, refusal reason: String?) {
        attempted.insert(service)
        if let reason, refused[service] == nil { refused[service] = reason }
    }

    /// Ends a sync: refused Services extend their streak, attempted ones that were all accepted (and
    /// Services that no longer exist) are cleared. Returns the Services quarantined by this sync.
    mutating func endSync(existing: (ServiceName) -> Bool) -> [ServiceName] {
        var quarantined: [ServiceName] = []
        for service in attempted where refused[service] == nil { streaks[service] = nil }
        for (service, reason) in refused {
            let syncs = (streaks[service]?.syncs ?? 0) + 1
            streaks[service] = Streak(syncs: syncs, reason: reason)
            if syncs == Self.threshold { quarantined.append(service) }
        }
        streaks = streaks.filter { existing($0.key) }
        attempted = []
        refused = [:]
        return quarantined.sorted()
    }

    /// The quarantined Services as rejections.
    var rejections: [Rejection] {
        streaks.filter { $0.value.syncs >= Self.threshold }.map { service, streak in
            Rejection(kind: .service, object: service.description,
                      reason: "kernel refused its IPVS operations on \(streak.syncs) consecutive syncs: \(streak.reason)")
        }.sorted()
    }

    /// The field of the planned virtual server an operation failed on, for the log and the rejection.
    static func cause(of operation: IPVSOperation, owner: PlannedVirtualServer) -> String {
        let where_ = "\(owner.role) \(operation.virtualServer) of port \(owner.servicePort)"
        switch operation {
        case .addVirtualServer(let vs), .updateVirtualServer(let vs):
            return "virtual server (scheduler \"\(vs.scheduler)\", address \(vs.key.address)) \(where_)"
        case .deleteVirtualServer:
            return "virtual server removal \(where_)"
        case .addRealServer(let rs, _), .updateRealServer(let rs, _):
            return "real server \(rs.key) (weight \(rs.weight)) \(where_)"
        case .deleteRealServer(let rs, _):
            return "real server removal \(rs) \(where_)"
        }
    }
}
