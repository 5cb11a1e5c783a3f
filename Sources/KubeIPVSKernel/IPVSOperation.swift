import KubeIPVSCore

/// One IPVS change, as the batch entry point ``IPVSControl/apply(_:)`` takes it.
/// Each case is one generic netlink request (`IPVS_CMD_*`).
public enum IPVSOperation: Hashable, Sendable, CustomStringConvertible {
    /// `IPVS_CMD_NEW_SERVICE` (`ipvsadm -A`). EEXIST when the virtual server is already there.
    case addVirtualServer(VirtualServer)
    /// `IPVS_CMD_SET_SERVICE` (`ipvsadm -E`). ESRCH when it is missing.
    case updateVirtualServer(VirtualServer)
    /// `IPVS_CMD_DEL_SERVICE` (`ipvsadm -D`), with all its real servers. ESRCH when it is missing.
    case deleteVirtualServer(VirtualServerKey)
    /// `IPVS_CMD_NEW_DEST` (`ipvsadm -a`). EEXIST when present, ESRCH when the virtual server is missing.
    case addRealServer(RealServer, to: VirtualServerKey)
    /// `IPVS_CMD_SET_DEST` (`ipvsadm -e`). ENOENT when the real server is missing.
    case updateRealServer(RealServer, in: VirtualServerKey)
    /// `IPVS_CMD_DEL_DEST` (`ipvsadm -d`). ENOENT when the real server is missing.
    case deleteRealServer(RealServerKey, from: VirtualServerKey)

    /// The uapi command name, used as ``KernelError/operation``.
    public var operationName: String {
        switch self {
        case .addVirtualServer: "IPVS_CMD_NEW_SERVICE"
        case .updateVirtualServer: "IPVS_CMD_SET_SERVICE"
        case .deleteVirtualServer: "IPVS_CMD_DEL_SERVICE"
        case .addRealServer: "IPVS_CMD_NEW_DEST"
        case .updateRealServer: "IPVS_CMD_SET_DEST"
        case .deleteRealServer: "IPVS_CMD_DEL_DEST"
        }
    }

    /// The virtual server the operation touches.
    public var virtualServer: VirtualServerKey {
        switch self {
        case .addVirtualServer(let vs), .updateVirtualServer(let vs): vs.key
        case .deleteVirtualServer(let key): key
        case .addRealServer(_, let vs), .updateRealServer(_, let vs), .deleteRealServer(_, let vs): vs
        }
    }

    /// What the operation applies to: `10.96.0.1:443/TCP` or `10.96.0.1:443/TCP -> 10.244.1.2:8443`.
    public var target: String {
        switch self {
        case .addVirtualServer, .updateVirtualServer, .deleteVirtualServer: "\(virtualServer)"
        case .addRealServer(let rs, let vs), .updateRealServer(let rs, let vs): "\(vs) -> \(rs.key)"
        case .deleteRealServer(let rs, let vs): "\(vs) -> \(rs)"
        }
    }

    /// The error this operation fails with for a positive kernel errno.
    public func error(errno: Int32, detail: String = "") -> KernelError {
        KernelError(operation: operationName, target: target, errno: errno, detail: detail)
    }

    public var description: String { "\(operationName) \(target)" }
}

/// The outcome of one ``IPVSOperation`` in a batch: `error` is nil when the kernel accepted it.
public struct IPVSOperationResult: Hashable, Sendable, CustomStringConvertible {
    public var operation: IPVSOperation
    public var error: KernelError?

    public init(operation: IPVSOperation, error: KernelError? = nil) {
        self.operation = operation
        self.error = error
    }

    /// True when the kernel accepted the operation.
    public var succeeded: Bool { error == nil }

    public var description: String { error.map { "\($0)" } ?? "\(operation): ok" }
}

extension Array where Element == IPVSOperationResult {
    /// The results whose operation failed, in submission order.
    public var failures: [IPVSOperationResult] { filter { !$0.succeeded } }
}
