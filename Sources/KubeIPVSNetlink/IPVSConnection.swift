import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// A generic netlink socket talking to the kernel's IPVS family: synchronous, confined to one thread
/// (the ``NetlinkIPVS`` actor's). Requests and their answers are matched by sequence number; answers
/// for other sequence numbers (late replies to a request that timed out) are skipped.
final class IPVSConnection {
    let socket: GenlSocket
    /// The IPVS generic netlink family id (dynamic, from `CTRL_CMD_GETFAMILY`).
    private(set) var family: UInt16
    let options: NetlinkIPVS.Options
    private var nextSequence: UInt32 = 1
    /// Reused between batches.
    var sendBuffer: [UInt8] = []
    /// Set when an exchange ended without its answer (timeout, socket error, unreadable reply): replies
    /// may still be in flight, so the owner should open a new connection.
    var broken = false

    /// Opens the socket and resolves the "IPVS" family: `.notFound` (errno ENOENT) when ip_vs is not loaded.
    init(options: NetlinkIPVS.Options) throws(KernelError) {
        self.options = options
        socket = try GenlSocket(receiveTimeout: options.receiveTimeout, bufferBytes: options.socketBufferBytes)
        family = 0
        family = try resolveFamily(IPVSConnection.familyName)
    }

    /// `IPVS_GENL_NAME`.
    static let familyName = "IPVS"

    func takeSequence(_ count: UInt32 = 1) -> UInt32 {
        let first = nextSequence
        nextSequence &+= count
        if nextSequence == 0 { nextSequence = 1 }
        return first
    }

    /// `CTRL_CMD_GETFAMILY` by name, built with libnl but sent here so the kernel's errno survives
    /// (`genl_ctrl_resolve` turns ENOENT into `NLE_OBJ_NOTFOUND`).
    private func resolveFamily(_ name: String) throws(KernelError) -> UInt16 {
        let seq = takeSequence()
        var id: UInt16?
        do {
            try exchange(try IPVSRequest.getFamily(name, seq: seq, port: socket.portID), seq: seq,
                         target: name) { reply throws(KernelError) in id = IPVSReply.familyID(reply) }
        } catch where error.errno == ENOENT {
            throw KernelError(code: .notFound, operation: "CTRL_CMD_GETFAMILY", target: name, errno: ENOENT,
                              detail: "generic netlink family \(name) not found: the ip_vs kernel module is not loaded")
        }
        guard let id else { throw IPVSReply.malformed("CTRL_CMD_GETFAMILY", "no CTRL_ATTR_FAMILY_ID") }
        return id
    }

    /// Sends one request and hands each data message answering it to `onData`, until its ACK
    /// (plain request) or `NLMSG_DONE` (dump). A kernel error becomes a ``KernelError`` naming
    /// the request and `target`.
    func exchange(_ msg: GenlMessage, seq: UInt32, target: String,
                  onData: (NetlinkReply) throws(KernelError) -> Void) throws(KernelError) {
        var answer: KernelError?
        var finished = false
        do throws(KernelError) {
            try socket.send(msg.bytes)
            while !finished {
                let datagram = try socket.receive()
                try NetlinkReplies.forEach(in: datagram) { (reply) throws(KernelError) in
                    guard reply.sequence == seq, !finished else { return }
                    switch reply.kind {
                    case .data: if answer == nil { try onData(reply) }
                    case .ack: finished = true
                    case .done(let e):
                        if e != 0 { answer = KernelError(operation: msg.operation, target: target, errno: e) }
                        finished = true
                    case .error(let e, let text):
                        answer = KernelError(operation: msg.operation, target: target, errno: e, detail: text)
                        finished = true
                    }
                }
            }
        } catch {
            broken = true
            throw error
        }
        if let answer { throw answer }
    }
}
