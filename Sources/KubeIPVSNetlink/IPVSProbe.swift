import KubeIPVSCore
import KubeIPVSKernel

/// Whether this node can run the IPVS proxier with a given scheduler.
public enum IPVSAvailability: Hashable, Sendable, CustomStringConvertible {
    /// IPVS works and the scheduler module loads.
    case available
    /// The kernel has no IPVS (the "IPVS" generic netlink family is missing: errno ENOENT), or it refused
    /// the probe for another reason (e.g. EPERM without CAP_NET_ADMIN).
    case ipvsMissing(KernelError)
    /// IPVS works but the scheduler's module (`ip_vs_<name>`) is missing: ENOENT on `IPVS_CMD_NEW_SERVICE`.
    case schedulerMissing(Scheduler, KernelError)

    public var description: String {
        switch self {
        case .available: "IPVS available"
        case .ipvsMissing(let e): "IPVS missing: \(e)"
        case .schedulerMissing(let s, let e): "IPVS scheduler \(s) missing: \(e)"
        }
    }
}

/// The availability check kube-proxy runs before choosing IPVS mode (`CanUseIPVSProxier`): reach the
/// IPVS family, then create and delete a dummy virtual server with the configured scheduler.
public enum IPVSProbe {
    /// `198.51.100.0:20000/TCP` (TEST-NET-2), kube-proxy's dummy virtual server.
    public static let dummyVirtualServer = VirtualServerKey(address: IPAddress(v4: 0xC633_6400), proto: .tcp, port: 20000)

    /// Probes the kernel through a fresh ``NetlinkIPVS``.
    public static func run(scheduler: Scheduler, options: NetlinkIPVS.Options = NetlinkIPVS.Options()) async -> IPVSAvailability {
        let ipvs: NetlinkIPVS
        do {
            ipvs = try NetlinkIPVS(options: options)
            try await ipvs.open()
        } catch let error as KernelError {
            return .ipvsMissing(error)
        } catch {
            return .ipvsMissing(KernelError(code: .failed, operation: "IPVS probe", target: "IPVS", detail: "\(error)"))
        }
        return await run(scheduler: scheduler, on: ipvs)
    }

    /// Creates and deletes the dummy virtual server on `ipvs`. A dummy left over by an earlier,
    /// interrupted probe (EEXIST) is deleted and the probe repeated once.
    public static func run(scheduler: Scheduler, on ipvs: any IPVSControl) async -> IPVSAvailability {
        let dummy = VirtualServer(key: dummyVirtualServer, scheduler: scheduler)
        for attempt in 0..<2 {
            let added = await ipvs.apply([.addVirtualServer(dummy)])
            guard let error = added.first?.error else {
                if let deleteError = await ipvs.apply([.deleteVirtualServer(dummy.key)]).first?.error {
                    return .ipvsMissing(deleteError)
                }
                return .available
            }
            switch error.code {
            case .exists where attempt == 0:
                _ = await ipvs.apply([.deleteVirtualServer(dummy.key)])
            case .notFound:
                return .schedulerMissing(scheduler, error)
            default:
                return .ipvsMissing(error)
            }
        }
        return .ipvsMissing(KernelError(code: .exists, operation: "IPVS_CMD_NEW_SERVICE", target: "\(dummy.key)",
                                        detail: "dummy virtual server keeps coming back"))
    }
}
