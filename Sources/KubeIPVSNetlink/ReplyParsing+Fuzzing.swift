import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// Runs every parser of kernel answers over one received datagram, for the fuzz harness and its regression
/// tests (docs/fuzzing.md): the datagram is walked message by message and each message is read as an IPVS
/// service, real server and timeouts answer, an rtnetlink link and address, and an ipset dump. Parsers may
/// throw `KernelError` on a malformed message; they must never trap or read outside the datagram.
@_spi(Fuzzing)
public enum NetlinkReplyParsing {
    /// Parses `datagram` with every reply parser; returns how many messages were walked.
    @discardableResult
    public static func parseAll(_ datagram: [UInt8]) -> Int {
        // Netlink messages are 4-byte aligned in the receive buffer; copy into aligned storage as recv does.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(datagram.count, 1), alignment: 16)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: datagram)
        var messages = 0
        var dump = IPSetDump(name: "fuzz")
        try? NetlinkReplies.forEach(in: UnsafeRawBufferPointer(rebasing: buffer[0..<datagram.count])) { reply in
            messages += 1
            guard case .data = reply.kind else { return }
            _ = try? IPVSReply.service(reply)
            _ = try? IPVSReply.dest(reply, serviceFamily: .v4)
            _ = try? IPVSReply.dest(reply, serviceFamily: .v6)
            _ = try? IPVSReply.timeouts(reply)
            _ = IPVSReply.familyID(reply)
            _ = RTNetlinkParsing.link(reply)
            _ = RTNetlinkParsing.address(reply)
            try? dump.add(reply)
        }
        _ = try? dump.spec()
        return messages
    }
}
