import KubeIPVSCore

/// The IPVS table of one network namespace: virtual servers, their real servers, timeouts.
///
/// Implementations: `NetlinkIPVS` (generic netlink, the real kernel) and `FakeIPVS` (in memory, same
/// semantics); `IPVSContract` checks both against the same expectations. Errors are ``KernelError``s that
/// carry the kernel's errno: EEXIST for a duplicate add, ESRCH for a missing virtual server, ENOENT for a
/// missing real server or scheduler module.
public protocol IPVSControl: Sendable {
    /// Applies `operations` in order and reports each outcome, in the same order. A failing operation does
    /// not stop the ones after it (the kernel processes every request of a batch). Many requests travel per
    /// round trip; each kernel answer is matched to its operation by netlink sequence number.
    nonisolated(nonsending) func apply(_ operations: [IPVSOperation]) async -> [IPVSOperationResult]

    /// All virtual servers (`IPVS_CMD_GET_SERVICE` dump), in the kernel's hash-table order.
    /// Firewall-mark services, which have no address, are not reported.
    nonisolated(nonsending) func virtualServers() async throws(KernelError) -> [VirtualServer]

    /// The real servers of one virtual server with their connection counters (`IPVS_CMD_GET_DEST` dump),
    /// most recently added first. A virtual server that does not exist has none: the kernel answers
    /// an empty dump.
    nonisolated(nonsending) func realServers(of virtualServer: VirtualServerKey) async throws(KernelError) -> [RealServerState]

    /// Every virtual server with its real servers, in one call (one service dump plus one destination
    /// dump per virtual server, on one socket).
    nonisolated(nonsending) func table() async throws(KernelError) -> [VirtualServerState]

    /// The connection timeouts (`IPVS_CMD_GET_CONFIG`).
    nonisolated(nonsending) func timeouts() async throws(KernelError) -> IPVSTimeouts

    /// Sets the connection timeouts (`IPVS_CMD_SET_CONFIG`); a 0 field is left unchanged.
    nonisolated(nonsending) func setTimeouts(_ timeouts: IPVSTimeouts) async throws(KernelError)

    /// Deletes every virtual server and real server (`IPVS_CMD_FLUSH`, `ipvsadm -C`).
    nonisolated(nonsending) func flush() async throws(KernelError)
}

extension IPVSControl {
    /// Adds a virtual server (`IPVS_CMD_NEW_SERVICE`); EEXIST when it is already there.
    public nonisolated(nonsending) func addVirtualServer(_ vs: VirtualServer) async throws(KernelError) {
        try await applyOne(.addVirtualServer(vs))
    }

    /// Changes a virtual server's scheduler or persistence (`IPVS_CMD_SET_SERVICE`); ESRCH when missing.
    public nonisolated(nonsending) func updateVirtualServer(_ vs: VirtualServer) async throws(KernelError) {
        try await applyOne(.updateVirtualServer(vs))
    }

    /// Deletes a virtual server and its real servers (`IPVS_CMD_DEL_SERVICE`); ESRCH when missing.
    public nonisolated(nonsending) func deleteVirtualServer(_ key: VirtualServerKey) async throws(KernelError) {
        try await applyOne(.deleteVirtualServer(key))
    }

    /// Adds a real server (`IPVS_CMD_NEW_DEST`); EEXIST when present, ESRCH when the virtual server is missing.
    public nonisolated(nonsending) func addRealServer(_ rs: RealServer, to vs: VirtualServerKey) async throws(KernelError) {
        try await applyOne(.addRealServer(rs, to: vs))
    }

    /// Changes a real server's weight, forwarding or thresholds (`IPVS_CMD_SET_DEST`); ENOENT when missing.
    public nonisolated(nonsending) func updateRealServer(_ rs: RealServer, in vs: VirtualServerKey) async throws(KernelError) {
        try await applyOne(.updateRealServer(rs, in: vs))
    }

    /// Deletes a real server (`IPVS_CMD_DEL_DEST`); ENOENT when missing.
    public nonisolated(nonsending) func deleteRealServer(_ rs: RealServerKey, from vs: VirtualServerKey) async throws(KernelError) {
        try await applyOne(.deleteRealServer(rs, from: vs))
    }

    private nonisolated(nonsending) func applyOne(_ operation: IPVSOperation) async throws(KernelError) {
        let results = await apply([operation])
        if let error = results.first?.error { throw error }
    }
}
