import CNetlink
import KubeIPVSKernel

extension IPVSConnection {
    /// Applies `operations` in chunks: each chunk is one datagram of consecutive requests, sent with one
    /// `send`; the kernel runs them in order inside that call, answering each failure with an
    /// `NLMSG_ERROR` carrying the request's sequence number. Successes stay silent (no `NLM_F_ACK`)
    /// except the chunk's last request, whose ACK (or error) closes the chunk: every answer for the
    /// chunk is queued before it. (`Options.acknowledgeEach` asks an ACK for every request instead.)
    ///
    /// A chunk holds at most as many requests as the socket's receive buffer can hold answers for
    /// (an overrun would drop answers), and at most the send buffer's size in bytes.
    func apply(_ operations: [IPVSOperation]) -> [IPVSOperationResult] {
        var results = operations.map { IPVSOperationResult(operation: $0) }
        var start = 0
        while start < operations.count {
            let chunk = buildChunk(operations, from: start, results: &results)
            guard !chunk.indices.isEmpty else { start = chunk.end; continue }
            do throws(KernelError) {
                let sent = sendBuffer.withUnsafeBytes { bytes in
                    Result { () throws(KernelError) in try socket.send(bytes) }
                }
                try sent.get()
                try collectAnswers(chunk, operations, &results)
            } catch {
                socket.broken = true
                // No (complete) answer: what happened to the unanswered requests is unknown, and later
                // chunks are not attempted.
                for i in chunk.indices where results[i].error == nil {
                    results[i].error = KernelError(code: error.code, operation: operations[i].operationName,
                                                   target: operations[i].target, errno: error.errno,
                                                   detail: "outcome unknown: \(error)")
                }
                for i in chunk.end..<operations.count {
                    results[i].error = KernelError(code: .failed, operation: operations[i].operationName,
                                                   target: operations[i].target,
                                                   detail: "not attempted: an earlier request failed: \(error)")
                }
                return results
            }
            start = chunk.end
        }
        return results
    }

    /// One datagram's worth of requests: `indices[k]` is the operation sent with sequence `firstSeq + k`.
    struct Chunk {
        var firstSeq: UInt32
        var indices: [Int]
        /// The first operation not in this chunk.
        var end: Int
    }

    /// Requests per datagram: answers must fit the receive buffer (an error or ACK costs the socket
    /// well under 1 KiB of `sk_rcvbuf`: a 36-byte message in a small skb).
    var maxRequestsPerChunk: Int {
        max(1, min(options.maxRequestsPerDatagram, socket.receiveBufferLimit / 1024))
    }

    private func buildChunk(_ operations: [IPVSOperation], from start: Int,
                            results: inout [IPVSOperationResult]) -> Chunk {
        sendBuffer.removeAll(keepingCapacity: true)
        let byteLimit = socket.sendBufferLimit - 1024
        let maxCount = maxRequestsPerChunk
        let firstSeq = socket.takeSequence(UInt32(maxCount))
        let flags = Int32(NLM_F_REQUEST) | (options.acknowledgeEach ? Int32(NLM_F_ACK) : 0)
        var chunk = Chunk(firstSeq: firstSeq, indices: [], end: start)
        var lastOffset = 0
        while chunk.end < operations.count && chunk.indices.count < maxCount {
            let i = chunk.end
            let seq = firstSeq &+ UInt32(chunk.indices.count)
            do throws(KernelError) {
                let msg = try IPVSRequest.message(for: operations[i], family: family, flags: flags, seq: seq,
                                                  port: socket.portID)
                let bytes = msg.bytes
                if !chunk.indices.isEmpty && sendBuffer.count + bytes.count > byteLimit { break }
                lastOffset = sendBuffer.count
                sendBuffer.append(contentsOf: bytes)
                chunk.indices.append(i)
            } catch {
                results[i].error = error  // could not be encoded; never sent
            }
            chunk.end += 1
        }
        if !chunk.indices.isEmpty {
            // The last request of the chunk asks for an ACK: its answer closes the chunk.
            sendBuffer.withUnsafeMutableBytes { raw in
                let flagsOffset = lastOffset + MemoryLayout<UInt32>.size + MemoryLayout<UInt16>.size
                let old = raw.load(fromByteOffset: flagsOffset, as: UInt16.self)
                raw.storeBytes(of: old | UInt16(NLM_F_ACK), toByteOffset: flagsOffset, as: UInt16.self)
            }
        }
        return chunk
    }

    private func collectAnswers(_ chunk: Chunk, _ operations: [IPVSOperation],
                                _ results: inout [IPVSOperationResult]) throws(KernelError) {
        let lastSeq = chunk.firstSeq &+ UInt32(chunk.indices.count - 1)
        var closed = false
        while !closed {
            let datagram = try socket.receive()
            try NetlinkReplies.forEach(in: datagram) { (reply) throws(KernelError) in
                let k = Int(reply.sequence &- chunk.firstSeq)
                guard k >= 0, k < chunk.indices.count else { return }  // not ours: a late answer
                switch reply.kind {
                case .error(let e, let text):
                    let i = chunk.indices[k]
                    results[i].error = operations[i].error(errno: e, detail: text)
                case .ack, .data, .done:
                    break
                }
                if reply.sequence == lastSeq { closed = true }
            }
        }
    }
}
