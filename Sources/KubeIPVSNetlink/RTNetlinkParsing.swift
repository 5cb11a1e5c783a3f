import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// Parsers for rtnetlink replies, reading a received message in place (``NetlinkReply``), attributes
/// walked with libnl like the IPVS replies.
enum RTNetlinkParsing {
    /// A reported address: link index, address, prefix length.
    struct Address: Equatable {
        let index: Int32
        let address: IPAddress
        let prefixLength: UInt8
    }

    /// An RTM_NEWLINK message as a ``NetworkLink``.
    static func link(_ message: NetlinkReply) -> NetworkLink? {
        guard message.type == UInt16(RTM_NEWLINK), let info = message.familyHeader(ifinfomsg.self) else { return nil }
        var name = ""
        var kind: String?
        for attribute in message.attributes(after: ifinfomsg.self) {
            switch attribute.type {
            case Int(IFLA_IFNAME): name = attribute.string
            case Int(IFLA_LINKINFO): kind = attribute.nested.first(Int(IFLA_INFO_KIND))?.string
            default: break
            }
        }
        return NetworkLink(index: info.ifi_index, name: name, kind: kind, isUp: info.ifi_flags & UInt32(IFF_UP) != 0)
    }

    /// An RTM_NEWADDR message: IFA_LOCAL when present (IPv4; IFA_ADDRESS is the peer on
    /// point-to-point links), else IFA_ADDRESS (IPv6).
    static func address(_ message: NetlinkReply) -> Address? {
        guard message.type == UInt16(RTM_NEWADDR), let info = message.familyHeader(ifaddrmsg.self) else { return nil }
        var local: IPAddress?
        var address: IPAddress?
        for attribute in message.attributes(after: ifaddrmsg.self) {
            switch attribute.type {
            case Int(IFA_LOCAL): local = IPAddress(bytes: attribute.bytes)
            case Int(IFA_ADDRESS): address = IPAddress(bytes: attribute.bytes)
            default: break
            }
        }
        guard let ip = local ?? address else { return nil }
        return Address(index: Int32(bitPattern: info.ifa_index), address: ip, prefixLength: info.ifa_prefixlen)
    }
}
