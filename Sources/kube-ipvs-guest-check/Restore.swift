import KubeIPVSCore
import KubeIPVSKernel

/// The add operations that build `table` from empty (each virtual server, then its real servers).
func restoreOperations(_ table: [VirtualServerState]) -> [IPVSOperation] {
    var ops: [IPVSOperation] = []
    ops.reserveCapacity(table.count * (1 + (table.first?.realServers.count ?? 0)))
    for s in table {
        ops.append(.addVirtualServer(s.virtualServer))
        for rs in s.realServers.reversed() { ops.append(.addRealServer(rs.realServer, to: s.virtualServer.key)) }
    }
    return ops
}
