import KubeIPVSCore

/// One network interface as rtnetlink reports it (`ip -d link`).
public struct NetworkLink: Hashable, Sendable, CustomStringConvertible {
    /// ifindex.
    public var index: Int32
    public var name: String
    /// `IFLA_INFO_KIND` (`dummy`, `veth`, ...); nil for links without one (lo, physical NICs).
    public var kind: String?
    /// IFF_UP.
    public var isUp: Bool

    public init(index: Int32, name: String, kind: String?, isUp: Bool) {
        self.index = index
        self.name = name
        self.kind = kind
        self.isUp = isUp
    }

    /// `3: kube-ipvs0 (dummy) DOWN`.
    public var description: String {
        "\(index): \(name)" + (kind.map { " (\($0))" } ?? "") + (isUp ? " UP" : " DOWN")
    }
}

/// The link and address capability the applier needs: the `kube-ipvs0` dummy link, the
/// service addresses bound on it, and the node's local addresses (NodePort).
///
/// Implementations: `RTNetlinkLinkAddress` (rtnetlink over libnl-3, KubeIPVSNetlink) and
/// `FakeLinkAddress` (KubeIPVSTesting), held to the same contract. Kernel semantics:
/// adding a present address fails with `.exists` (EEXIST), deleting an absent one with
/// `.notFound` (EADDRNOTAVAIL), naming a missing link with `.notFound` (ENODEV).
public protocol LinkAddressControl: Sendable {
    /// Creates the dummy link `name` if missing (`ip link add NAME type dummy`), left DOWN as
    /// kube-proxy leaves kube-ipvs0, and returns it. Idempotent. An existing link of another
    /// kind fails with `.exists`. A kernel without the dummy driver fails with `.unsupported`,
    /// errno EOPNOTSUPP, detail ``LinkAddressMessage/dummyUnsupported``.
    nonisolated(nonsending) func ensureDummyLink(named name: String) async throws -> NetworkLink

    /// Every link (`ip link`), by index.
    nonisolated(nonsending) func links() async throws -> [NetworkLink]

    /// `ip link del NAME`.
    nonisolated(nonsending) func deleteLink(named name: String) async throws

    /// Addresses on one link (`ip addr show dev NAME`), host bits included, sorted.
    nonisolated(nonsending) func addresses(on link: String) async throws -> [IPAddress]

    /// `ip addr add IP/32 dev LINK` (`/128` for IPv6).
    nonisolated(nonsending) func addAddress(_ address: IPAddress, to link: String) async throws

    /// `ip addr del IP/32 dev LINK` (`/128` for IPv6).
    nonisolated(nonsending) func deleteAddress(_ address: IPAddress, from link: String) async throws

    /// Every address of every link with the link's name (`ip addr`), loopback and link-local
    /// included; callers filter (NodePort excludes kube-ipvs0 and, by default, loopback).
    nonisolated(nonsending) func localAddresses() async throws -> [LocalAddress]

    /// ``localAddresses()`` without those of `link` (kube-ipvs0): what NodePort listens on. An
    /// implementation may ask the kernel for each other link's addresses only, so 10,000 service
    /// addresses on the dummy link cost nothing to leave out.
    nonisolated(nonsending) func localAddresses(excluding link: String) async throws -> [LocalAddress]

    /// ``addAddress(_:to:)`` for each of `addresses`, in order: one result per address (nil: added).
    /// An implementation may pipeline the requests (many per datagram) instead of a round trip each.
    nonisolated(nonsending) func addAddresses(_ addresses: [IPAddress], to link: String) async -> [(any Error)?]

    /// ``deleteAddress(_:from:)`` for each of `addresses`, in order: one result per address (nil: deleted).
    nonisolated(nonsending) func deleteAddresses(_ addresses: [IPAddress], from link: String) async -> [(any Error)?]
}

extension LinkAddressControl {
    /// All addresses, filtered.
    public nonisolated(nonsending) func localAddresses(excluding link: String) async throws -> [LocalAddress] {
        try await localAddresses().filter { $0.interface != link }
    }

    /// One ``addAddress(_:to:)`` after the other.
    public nonisolated(nonsending) func addAddresses(_ addresses: [IPAddress], to link: String) async -> [(any Error)?] {
        var results: [(any Error)?] = []
        for a in addresses {
            do { try await addAddress(a, to: link); results.append(nil) } catch { results.append(error) }
        }
        return results
    }

    /// One ``deleteAddress(_:from:)`` after the other.
    public nonisolated(nonsending) func deleteAddresses(_ addresses: [IPAddress], from link: String) async -> [(any Error)?] {
        var results: [(any Error)?] = []
        for a in addresses {
            do { try await deleteAddress(a, from: link); results.append(nil) } catch { results.append(error) }
        }
        return results
    }
}

/// Fixed texts shared by the implementations.
public enum LinkAddressMessage {
    /// The detail of the `.unsupported` error when the kernel has no dummy link type.
    public static let dummyUnsupported = "dummy link type not supported by this kernel (module dummy missing)"
}
