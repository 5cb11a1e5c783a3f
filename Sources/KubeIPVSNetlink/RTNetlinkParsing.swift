import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// Pure parsers for rtnetlink replies, working on copied message bytes (so they can be tested
/// on captured replies and never touch libnl memory after its callback returned).
enum RTNetlinkParsing {
    /// One attribute: type (flags stripped) and payload.
    struct Attribute {
        let type: Int
        let payload: ArraySlice<UInt8>

        /// The payload as a NUL-terminated (or unterminated) string.
        var string: String {
            String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// A reported address: link index, address, prefix length.
    struct Address: Equatable {
        let index: Int32
        let address: IPAddress
        let prefixLength: UInt8
    }

    static let headerLength = 16
    static let ifinfomsgLength = 16
    static let ifaddrmsgLength = 8

    static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    /// The message type in the header.
    static func messageType(_ message: [UInt8]) -> Int { message.count >= 6 ? Int(u16(message, 4)) : -1 }

    /// The attributes in `bytes[from..<to]` (the `nla_for_each_attr` walk).
    static func attributes(_ bytes: [UInt8], from: Int, to: Int) -> [Attribute] {
        var result: [Attribute] = []
        var at = from
        while at + 4 <= to {
            let length = Int(u16(bytes, at))
            guard length >= 4, at + length <= to else { break }
            let type = Int(u16(bytes, at + 2)) & 0x3fff  // NLA_TYPE_MASK: strips NLA_F_NESTED and NLA_F_NET_BYTEORDER
            result.append(Attribute(type: type, payload: bytes[(at + 4)..<(at + length)]))
            at += (length + 3) & ~3
        }
        return result
    }

    /// An RTM_NEWLINK message as a ``NetworkLink``.
    static func link(_ message: [UInt8]) -> NetworkLink? {
        let body = headerLength
        guard messageType(message) == Int(RTM_NEWLINK), message.count >= body + ifinfomsgLength else { return nil }
        let index = Int32(bitPattern: u32(message, body + 4))
        let flags = u32(message, body + 8)
        var name = ""
        var kind: String?
        let end = min(message.count, Int(u32(message, 0)))
        for attribute in attributes(message, from: body + ifinfomsgLength, to: end) {
            if attribute.type == Int(IFLA_IFNAME) { name = attribute.string }
            if attribute.type == Int(IFLA_LINKINFO) {
                let inner = Array(attribute.payload)
                for info in attributes(inner, from: 0, to: inner.count) where info.type == Int(IFLA_INFO_KIND) {
                    kind = info.string
                }
            }
        }
        return NetworkLink(index: index, name: name, kind: kind, isUp: flags & UInt32(IFF_UP) != 0)
    }

    /// An RTM_NEWADDR message: IFA_LOCAL when present (IPv4; IFA_ADDRESS is the peer on
    /// point-to-point links), else IFA_ADDRESS (IPv6).
    static func address(_ message: [UInt8]) -> Address? {
        let body = headerLength
        guard messageType(message) == Int(RTM_NEWADDR), message.count >= body + ifaddrmsgLength else { return nil }
        let prefixLength = message[body + 1]
        let index = Int32(bitPattern: u32(message, body + 4))
        var local: IPAddress?
        var address: IPAddress?
        let end = min(message.count, Int(u32(message, 0)))
        for attribute in attributes(message, from: body + ifaddrmsgLength, to: end) {
            if attribute.type == Int(IFA_LOCAL) { local = IPAddress(bytes: Array(attribute.payload)) }
            if attribute.type == Int(IFA_ADDRESS) { address = IPAddress(bytes: Array(attribute.payload)) }
        }
        guard let ip = local ?? address else { return nil }
        return Address(index: index, address: ip, prefixLength: prefixLength)
    }

    /// The extended-ACK text (`NLMSGERR_ATTR_MSG`) of an NLMSG_ERROR message, if the kernel sent one.
    static func extendedAckMessage(_ message: [UInt8]) -> String? {
        let flags = Int32(u16(message, 6))
        guard messageType(message) == Int(NLMSG_ERROR), flags & Int32(NLM_F_ACK_TLVS) != 0,
              message.count >= headerLength + 20 else { return nil }
        // nlmsgerr = errno (4) + the request's header (16); its payload follows unless capped.
        var at = headerLength + 20
        if flags & Int32(NLM_F_CAPPED) == 0 {
            let echoed = Int(u32(message, headerLength + 4))
            at = headerLength + 4 + ((echoed + 3) & ~3)
        }
        let end = min(message.count, Int(u32(message, 0)))
        guard at < end else { return nil }
        return attributes(message, from: at, to: end).first { $0.type == Int(NLMSGERR_ATTR_MSG.rawValue) }?.string
    }
}
