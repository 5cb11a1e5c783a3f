import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// The rtnetlink requests kube-ipvs sends, each as `ip` (iproute2) sends it.
///
/// ```
/// RTM_NEWLINK (ip link add kube-ipvs0 type dummy)        RTM_NEWADDR / RTM_DELADDR (ip addr add|del A/32 dev X)
/// nlmsghdr   len type=16 flags=0x605 seq pid             nlmsghdr   len type=20|21 flags=0x605|0x005 seq pid
/// ifinfomsg  16 zero bytes                               ifaddrmsg  family prefixlen flags=0 scope=0 index
/// IFLA_IFNAME(3)    "kube-ipvs0\0" (pad to 4)           IFA_LOCAL(2)    4 or 16 address bytes
/// IFLA_LINKINFO(18) nest, no NLA_F_NESTED               IFA_ADDRESS(1)  the same bytes
///   IFLA_INFO_KIND(1) "dummy" (no NUL)
/// ```
enum RTNetlinkRequests {
    static let request = NLM_F_REQUEST | NLM_F_ACK
    static let create = NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE
    /// VETH_INFO_PEER from <linux/veth.h> (not in the CNetlink umbrella; uapi value, stable).
    static let vethInfoPeer = 1

    /// A message of `type` named as the uapi names it (`RTM_NEWADDR`), for errors.
    static func message(_ type: Int32, _ flags: Int32) throws(KernelError) -> NetlinkMessage {
        let names = [RTM_NEWLINK: "RTM_NEWLINK", RTM_DELLINK: "RTM_DELLINK", RTM_GETLINK: "RTM_GETLINK",
                     RTM_NEWADDR: "RTM_NEWADDR", RTM_DELADDR: "RTM_DELADDR", RTM_GETADDR: "RTM_GETADDR"]
        return try NetlinkMessage(type: type, flags: flags, operation: names[Int(type)] ?? "rtnetlink \(type)")
    }

    /// `ip link add NAME type KIND`.
    static func newLink(name: String, kind: String) throws(KernelError) -> NetlinkMessage {
        let msg = try message(Int32(RTM_NEWLINK), create)
        try msg.append(ifinfomsg())
        try msg.put(Int(IFLA_IFNAME), string: name)
        try msg.nest(Int(IFLA_LINKINFO), flagged: false) { () throws(KernelError) in
            try msg.put(Int(IFLA_INFO_KIND), bytes: Array(kind.utf8))
        }
        return msg
    }

    /// `ip link add NAME type veth peer name PEER` (test topologies).
    static func newVethPair(name: String, peer: String) throws(KernelError) -> NetlinkMessage {
        let msg = try message(Int32(RTM_NEWLINK), create)
        try msg.append(ifinfomsg())
        try msg.put(Int(IFLA_IFNAME), string: name)
        try msg.nest(Int(IFLA_LINKINFO), flagged: false) { () throws(KernelError) in
            try msg.put(Int(IFLA_INFO_KIND), bytes: Array("veth".utf8))
            try msg.nest(Int(IFLA_INFO_DATA), flagged: false) { () throws(KernelError) in
                // VETH_INFO_PEER carries a whole ifinfomsg followed by the peer's attributes.
                try msg.nest(vethInfoPeer, flagged: false) { () throws(KernelError) in
                    try msg.append(ifinfomsg())
                    try msg.put(Int(IFLA_IFNAME), string: peer)
                }
            }
        }
        return msg
    }

    /// `ip link del dev NAME` (iproute2 resolves the index first, then deletes by index).
    static func deleteLink(index: Int32) throws(KernelError) -> NetlinkMessage {
        let msg = try message(Int32(RTM_DELLINK), request)
        var info = ifinfomsg()
        info.ifi_index = index
        try msg.append(info)
        return msg
    }

    /// `ip link set dev INDEX up|down`.
    static func setLink(index: Int32, up: Bool) throws(KernelError) -> NetlinkMessage {
        let msg = try message(Int32(RTM_NEWLINK), request)
        var info = ifinfomsg()
        info.ifi_index = index
        info.ifi_flags = up ? UInt32(IFF_UP) : 0
        info.ifi_change = UInt32(IFF_UP)
        try msg.append(info)
        return msg
    }

    /// RTM_GETLINK for one name: one RTM_NEWLINK back, or ENODEV.
    static func getLink(name: String) throws(KernelError) -> NetlinkMessage {
        let msg = try message(Int32(RTM_GETLINK), request)
        try msg.append(ifinfomsg())
        try msg.put(Int(IFLA_IFNAME), string: name)
        return msg
    }

    /// RTM_GETLINK dump of every link.
    static func dumpLinks() throws(KernelError) -> NetlinkMessage {
        let msg = try message(Int32(RTM_GETLINK), NLM_F_REQUEST | NLM_F_DUMP)
        try msg.append(ifinfomsg())
        return msg
    }

    /// RTM_GETADDR dump of every address of both families; with `index`, of that link only (honoured
    /// by kernels with NETLINK_GET_STRICT_CHK set on the socket; others answer every link).
    static func dumpAddresses(index: Int32 = 0) throws(KernelError) -> NetlinkMessage {
        let msg = try message(Int32(RTM_GETADDR), NLM_F_REQUEST | NLM_F_DUMP)
        var info = ifaddrmsg()
        info.ifa_index = UInt32(bitPattern: index)
        try msg.append(info)
        return msg
    }

    /// `ip addr add|del IP/32 dev INDEX` (`/128` for IPv6), scope global.
    static func address(_ ip: IPAddress, index: Int32, add: Bool) throws(KernelError) -> NetlinkMessage {
        let msg = try message(Int32(add ? RTM_NEWADDR : RTM_DELADDR), add ? create : request)
        var info = ifaddrmsg()
        info.ifa_family = UInt8(ip.family == .v4 ? AF_INET : AF_INET6)
        info.ifa_prefixlen = ip.family == .v4 ? 32 : 128
        info.ifa_scope = UInt8(RT_SCOPE_UNIVERSE.rawValue)
        info.ifa_index = UInt32(bitPattern: index)
        try msg.append(info)
        try msg.put(Int(IFA_LOCAL), bytes: ip.bytes)
        try msg.put(Int(IFA_ADDRESS), bytes: ip.bytes)
        return msg
    }
}
