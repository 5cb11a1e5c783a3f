import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// A generic netlink socket talking to the kernel's IPVS family: synchronous, confined to one thread
/// (the ``NetlinkIPVS`` actor's). Requests and their answers are matched by sequence number; answers
/// for other sequence numbers (late replies to a request that timed out) are skipped.
final class IPVSConnection {
    let socket: NetlinkSocket
    /// The IPVS generic netlink family id (dynamic, from `CTRL_CMD_GETFAMILY`).
    private(set) var family: UInt16
    let options: NetlinkIPVS.Options
    /// Reused between batches.
    var sendBuffer: [UInt8] = []
    /// An exchange ended without its answer (timeout, socket error, unreadable reply): replies may still
    /// be in flight, so the owner should open a new connection.
    var broken: Bool { socket.broken }

    /// Opens the socket and resolves the "IPVS" family: `.notFound` (errno ENOENT) when ip_vs is not loaded.
    init(options: NetlinkIPVS.Options) throws(KernelError) {
        self.options = options
        socket = try NetlinkSocket(protocol: NETLINK_GENERIC, receiveTimeout: options.receiveTimeout,
                                   bufferBytes: options.socketBufferBytes)
        family = 0
        family = try resolveFamily(IPVSConnection.familyName)
    }

    /// `IPVS_GENL_NAME`.
    static let familyName = "IPVS"

    /// `CTRL_CMD_GETFAMILY` by name, built with libnl but sent here so the kernel's errno survives
    /// (`genl_ctrl_resolve` turns ENOENT into `NLE_OBJ_NOTFOUND`).
    private func resolveFamily(_ name: String) throws(KernelError) -> UInt16 {
        let seq = socket.takeSequence()
        var id: UInt16?
        do {
            try socket.exchange(try IPVSRequest.getFamily(name, seq: seq, port: socket.portID), seq: seq,
                         target: name) { reply throws(KernelError) in id = IPVSReply.familyID(reply) }
        } catch where error.errno == ENOENT {
            throw KernelError(code: .notFound, operation: "CTRL_CMD_GETFAMILY", target: name, errno: ENOENT,
                              detail: "generic netlink family \(name) not found: the ip_vs kernel module is not loaded")
        }
        guard let id else { throw IPVSReply.malformed("CTRL_CMD_GETFAMILY", "no CTRL_ATTR_FAMILY_ID") }
        return id
    }
}
