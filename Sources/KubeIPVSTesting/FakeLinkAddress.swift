import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// An in-memory ``LinkAddressControl`` with the kernel's semantics (held to
/// `LinkAddressContract`, which also runs against the real kernel): EEXIST on a duplicate
/// address, EADDRNOTAVAIL on deleting an absent one, ENODEV on a missing link, and — when built
/// with `dummySupported: false` — the EOPNOTSUPP of a kernel without the dummy driver.
public actor FakeLinkAddress: LinkAddressControl {
    private struct Link {
        var link: NetworkLink
        var addresses: [IPAddress] = []
    }

    private var table: [Link] = []
    private var nextIndex: Int32 = 1
    private let dummySupported: Bool
    /// Every mutating call as an `ip` command line, in order.
    public private(set) var log: [String] = []

    /// A namespace with only `lo` (index 1, down), like a fresh network namespace.
    public init(dummySupported: Bool = true) {
        self.dummySupported = dummySupported
        table = [Link(link: NetworkLink(index: 1, name: "lo", kind: nil, isUp: false))]
        nextIndex = 2
    }

    /// Adds a link as if created elsewhere (a veth, a NIC); returns it.
    @discardableResult
    public func addLink(named name: String, kind: String?, isUp: Bool = false, addresses: [IPAddress] = []) -> NetworkLink {
        let link = NetworkLink(index: nextIndex, name: name, kind: kind, isUp: isUp)
        nextIndex += 1
        table.append(Link(link: link, addresses: addresses))
        return link
    }

    private func position(_ name: String, _ operation: String) throws -> Int {
        guard let i = table.firstIndex(where: { $0.link.name == name }) else {
            throw KernelError(code: .notFound, operation: operation, target: name, errno: ENODEV,
                              detail: "no link named \(name)")
        }
        return i
    }

    public func ensureDummyLink(named name: String) throws -> NetworkLink {
        if let present = table.first(where: { $0.link.name == name })?.link {
            guard present.kind == "dummy" else {
                throw KernelError(code: .exists, operation: "RTM_NEWLINK", target: name, errno: EEXIST,
                                  detail: "link \(name) exists with kind \(present.kind ?? "none"), not dummy")
            }
            return present
        }
        guard dummySupported else {
            throw KernelError(code: .unsupported, operation: "RTM_NEWLINK", target: name, errno: EOPNOTSUPP,
                              detail: LinkAddressMessage.dummyUnsupported)
        }
        log.append("ip link add \(name) type dummy")
        return addLink(named: name, kind: "dummy")
    }

    public func links() -> [NetworkLink] { table.map(\.link) }

    public func deleteLink(named name: String) throws {
        let i = try position(name, "RTM_DELLINK")
        table.remove(at: i)
        log.append("ip link del \(name)")
    }

    public func addresses(on link: String) throws -> [IPAddress] {
        table[try position(link, "RTM_GETADDR")].addresses.sorted()
    }

    public func addAddress(_ address: IPAddress, to link: String) throws {
        let i = try position(link, "RTM_NEWADDR")
        guard !table[i].addresses.contains(address) else {
            throw KernelError(operation: "RTM_NEWADDR", target: "\(CIDR(host: address)) dev \(link)", errno: EEXIST)
        }
        table[i].addresses.append(address)
        log.append("ip addr add \(CIDR(host: address)) dev \(link)")
    }

    public func deleteAddress(_ address: IPAddress, from link: String) throws {
        let i = try position(link, "RTM_DELADDR")
        guard let at = table[i].addresses.firstIndex(of: address) else {
            throw KernelError(code: .notFound, operation: "RTM_DELADDR", target: "\(CIDR(host: address)) dev \(link)",
                              errno: EADDRNOTAVAIL)
        }
        table[i].addresses.remove(at: at)
        log.append("ip addr del \(CIDR(host: address)) dev \(link)")
    }

    public func localAddresses() -> [LocalAddress] {
        table.flatMap { l in l.addresses.map { LocalAddress(interface: l.link.name, address: $0) } }.sorted()
    }
}
