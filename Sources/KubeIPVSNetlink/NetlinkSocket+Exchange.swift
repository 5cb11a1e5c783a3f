import KubeIPVSKernel

extension NetlinkSocket {
    /// Sends one request (sequence `seq`) and hands each data message answering it to `onData`, until
    /// its ACK (plain request) or `NLMSG_DONE` (dump). Answers for other sequence numbers (late replies
    /// to a request that timed out) are skipped.
    ///
    /// A kernel refusal becomes a ``KernelError`` naming the request and `target` with the kernel's errno
    /// and extended-ACK text. A socket failure (timeout, I/O error) is named the same way, keeps its code
    /// and errno, and marks the socket ``broken``.
    func exchange(_ msg: NetlinkMessage, seq: UInt32, target: String,
                  onData: (NetlinkReply) throws(KernelError) -> Void) throws(KernelError) {
        var answer: KernelError?
        var finished = false
        do throws(KernelError) {
            try send(msg.bytes)
            while !finished {
                let datagram = try receive()
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
            throw KernelError(code: error.code, operation: msg.operation, target: target, errno: error.errno,
                              detail: "\(error)")
        }
        if let answer { throw answer }
    }
}
