import CNetlink
import Foundation
@testable import KubeIPVSNetlink
import KubeIPVSKernel

/// A generic netlink conversation captured from `ipvsadm` in the guest (see Fixtures/README.md):
/// each message with its direction.
struct Fixture {
    struct Message {
        let fromUser: Bool
        let bytes: [UInt8]

        var type: UInt16 { UInt16(bytes[4]) | UInt16(bytes[5]) << 8 }
        var flags: UInt16 { UInt16(bytes[6]) | UInt16(bytes[7]) << 8 }
        var sequence: UInt32 { le32(8) }
        var port: UInt32 { le32(12) }
        var command: UInt8 { bytes[16] }

        private func le32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
    }

    let name: String
    let messages: [Message]

    init(_ name: String) throws {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures") else {
            throw FixtureError(description: "no fixture \(name).txt")
        }
        self.name = name
        messages = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard line.hasPrefix("> ") || line.hasPrefix("< ") else { return nil }
            let hex = Array(line.dropFirst(2).utf8)
            let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
            return Message(fromUser: line.hasPrefix(">"), bytes: bytes)
        }
    }

    /// The IPVS family id: the type of the first message that is not `nlctrl`'s.
    var family: UInt16 { messages.first { $0.type != UInt16(GENL_ID_CTRL) && $0.type >= 0x10 }!.type }

    /// ipvsadm's IPVS requests other than its `IPVS_CMD_GET_INFO` (version check).
    var requests: [Message] {
        messages.filter { $0.fromUser && $0.type == family && $0.command != UInt8(IPVS_CMD_GET_INFO) }
    }

    /// The kernel's IPVS data messages with `command`.
    func replies(command: Int) -> [Message] {
        messages.filter { !$0.fromUser && $0.type == family && $0.command == UInt8(command) }
    }

    /// The kernel's `NLMSG_ERROR` messages (ACKs and errors).
    var errors: [Message] { messages.filter { !$0.fromUser && $0.type == UInt16(NLMSG_ERROR) } }

    static func text(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures") else {
            throw FixtureError(description: "no fixture \(name).txt")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// Runs `body` on each message parsed (through libnl) out of `bytes` copied into an aligned buffer.
func withReplies(_ bytes: [UInt8], _ body: (NetlinkReply) throws(KernelError) -> Void) throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
    defer { buffer.deallocate() }
    buffer.copyBytes(from: bytes)
    try NetlinkReplies.forEach(in: UnsafeRawBufferPointer(buffer), body)
}

/// The bytes of a message built by our encoder.
func bytes(_ message: NetlinkMessage) -> [UInt8] { Array(message.bytes) }
