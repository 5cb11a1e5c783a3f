import CIPSet
import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// One set read straight from the kernel's ipset netlink dump (`IPSET_CMD_LIST` on NETLINK_NETFILTER),
/// attributes parsed in place. libipset's save text costs an open/read/close of /etc/protocols per member
/// (its printer calls `getprotobynumber`), which dominated every full sync's read of KUBE-CLUSTER-IP.
///
///     nlmsghdr   len | type = NFNL_SUBSYS_IPSET << 8 | IPSET_CMD_LIST | flags REQUEST|DUMP | seq | pid
///     nfgenmsg   family AF_INET | version 0 | res_id 0
///     IPSET_ATTR_PROTOCOL u8 = 7 | IPSET_ATTR_SETNAME "NAME\0" | [IPSET_ATTR_FLAGS be32 = LIST_HEADER]
///
/// The answer is one or more messages for the set (`IPSET_CMD_LIST` type, same nfgenmsg), each with
/// PROTOCOL and SETNAME; the first adds TYPENAME, FAMILY (NFPROTO_*), REVISION and
/// DATA{HASHSIZE be32, MAXELEM be32 | PORT be16, PORT_TO be16 (bitmap:port), ...}; members come in
/// ADT{DATA{IP{IPADDR_IPV4|IPADDR_IPV6}, PORT be16, PROTO u8, IP2{...}, CIDR u8, CIDR2 u8}, ...}.
struct IPSetDump {
    /// `NFNL_SUBSYS_IPSET` (<linux/netfilter/nfnetlink.h>, not in the CNetlink umbrella).
    static let subsystem = 6
    /// `struct nfgenmsg`: family, version, res_id (big-endian).
    typealias NFGenHeader = (family: UInt8, version: UInt8, resourceID: UInt16)

    let name: String
    private(set) var type: IPSetType?
    private(set) var family: IPFamily?
    private var hashSize: UInt32?
    private var maxElements: UInt32?
    private var portFrom: UInt16?
    private var portTo: UInt16?
    private(set) var entries: [IPSetEntry] = []

    init(name: String) { self.name = name }

    /// The dump request for `name`; `headerOnly` asks for the header without members.
    static func request(set name: String, headerOnly: Bool) throws(KernelError) -> NetlinkMessage {
        let msg = try NetlinkMessage(type: Int32(subsystem << 8) | Int32(IPSET_CMD_LIST.rawValue),
                                     flags: Int32(NLM_F_REQUEST | NLM_F_DUMP), operation: "ipset save")
        try msg.append(NFGenHeader(family: UInt8(AF_INET), version: 0, resourceID: 0))
        try msg.put(Int(IPSET_ATTR_PROTOCOL), u8: UInt8(IPSET_PROTOCOL))
        try msg.put(Int(IPSET_ATTR_SETNAME), string: name)
        if headerOnly { try msg.put(Int(IPSET_ATTR_FLAGS), u32: UInt32(IPSET_FLAG_LIST_HEADER.rawValue).bigEndian) }
        return msg
    }

    /// Folds one message of the answer in.
    mutating func add(_ message: NetlinkReply) throws(KernelError) {
        for attribute in message.attributes(after: NFGenHeader.self) {
            switch attribute.type {
            case Int(IPSET_ATTR_TYPENAME):
                guard let t = IPSetType(rawValue: attribute.string) else { throw malformed("set type \(attribute.string)") }
                type = t
            case Int(IPSET_ATTR_FAMILY):
                family = attribute.u8 == UInt8(AF_INET6) ? .v6 : attribute.u8 == UInt8(AF_INET) ? .v4 : nil
            case Int(IPSET_ATTR_DATA):
                header(attribute.nested)
            case Int(IPSET_ATTR_ADT):
                for member in attribute.nested where member.type == Int(IPSET_ATTR_DATA) {
                    entries.append(try entry(member.nested))
                }
            default:
                break
            }
        }
    }

    private mutating func header(_ data: NetlinkAttributes) {
        for attribute in data {
            switch attribute.type {
            case Int(IPSET_ATTR_HASHSIZE): hashSize = attribute.u32.map { UInt32(bigEndian: $0) }
            case Int(IPSET_ATTR_MAXELEM): maxElements = attribute.u32.map { UInt32(bigEndian: $0) }
            case Int(IPSET_ATTR_PORT): portFrom = attribute.be16
            case Int(IPSET_ATTR_PORT_TO): portTo = attribute.be16
            default: break
            }
        }
    }

    /// One member of a set of ``type``.
    private func entry(_ data: NetlinkAttributes) throws(KernelError) -> IPSetEntry {
        guard let type else { throw malformed("members before the set type") }
        var ip: IPAddress?, ip2: IPAddress?, port: UInt16?, proto: L4Protocol?, cidr: UInt8?, cidr2: UInt8?
        for attribute in data {
            switch attribute.type {
            case Int(IPSET_ATTR_IP): ip = Self.address(attribute.nested)
            case Int(IPSET_ATTR_IP2): ip2 = Self.address(attribute.nested)
            case Int(IPSET_ATTR_PORT): port = attribute.be16
            case Int(IPSET_ATTR_PROTO): proto = attribute.u8.flatMap { L4Protocol(number: UInt16($0)) }
            case Int(IPSET_ATTR_CIDR): cidr = attribute.u8
            case Int(IPSET_ATTR_CIDR2): cidr2 = attribute.u8
            default: break
            }
        }
        let member: IPSetEntry?
        switch type {
        case .hashIP: member = ip.map { .ip($0) }
        case .hashIPPort: member = ip.flatMap { a in proto.flatMap { p in port.map { .ipPort(a, p, $0) } } }
        case .hashIPPortIP:
            member = ip.flatMap { a in proto.flatMap { p in port.flatMap { n in ip2.map { .ipPortIP(a, p, n, $0) } } } }
        case .hashIPPortNet:
            member = ip.flatMap { a in proto.flatMap { p in port.flatMap { n in
                Self.net(ip2, cidr2).map { .ipPortNet(a, p, n, $0) } } } }
        case .hashNet: member = Self.net(ip, cidr).map { .net($0) }
        case .bitmapPort: member = port.map { .port($0) }
        }
        guard let member else { throw malformed("incomplete \(type) member") }
        return member
    }

    /// `IPSET_ATTR_IPADDR_IPV4|IPV6` inside an `IPSET_ATTR_IP`/`IP2` nest (network byte order).
    private static func address(_ nest: NetlinkAttributes) -> IPAddress? {
        for attribute in nest where attribute.type == Int(IPSET_ATTR_IPADDR_IPV4) || attribute.type == Int(IPSET_ATTR_IPADDR_IPV6) {
            return IPAddress(bytes: attribute.bytes)
        }
        return nil
    }

    /// An address and prefix; no prefix means the host prefix.
    private static func net(_ address: IPAddress?, _ prefix: UInt8?) -> CIDR? {
        guard let address else { return nil }
        guard let prefix else { return CIDR(host: address) }
        return CIDR(address: address, prefixLength: Int(prefix))
    }

    /// The set's spec, once the header has been read.
    func spec() throws(KernelError) -> IPSetSpec {
        guard let type else { throw malformed("no set type in the answer") }
        if type == .bitmapPort {
            guard let from = portFrom, let to = portTo, from <= to else { throw malformed("bitmap:port without a range") }
            return IPSetSpec(name: name, type: type, family: nil, portRange: from...to)
        }
        guard let hashSize, let maxElements else { throw malformed("hash set without hashsize/maxelem") }
        return IPSetSpec(name: name, type: type, family: family ?? .v4, hashSize: hashSize, maxElements: maxElements)
    }

    private func malformed(_ what: String) -> KernelError {
        KernelError(code: .failed, operation: "ipset save", target: name, detail: "unreadable ipset dump: \(what)")
    }
}
