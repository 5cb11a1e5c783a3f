import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// The link/address behaviour every ``LinkAddressControl`` must show, written once and run
/// against `FakeLinkAddress` and the real kernel (a fresh network namespace on the host; the
/// dummy-link case also in the qemu guest, whose kernel has the dummy driver).
///
/// Plain async functions throwing ``ContractViolation``: no test framework needed.
public enum LinkAddressContract {
    static let v4a = IPAddress("10.96.0.10")!
    static let v4b = IPAddress("10.96.0.11")!
    static let v6 = IPAddress("fd00::10")!

    /// Service addresses on an existing, address-less `link` (a veth, or lo of a fresh namespace):
    /// /32 and /128 added, listed, refused twice (EEXIST), deleted, refused when absent
    /// (EADDRNOTAVAIL); a missing link is ENODEV.
    public static func runAddresses(on control: any LinkAddressControl, link: String) async throws {
        try Contract.isTrue(try await control.links().contains { $0.name == link }, "\(link) is listed")
        try Contract.equal(try await control.addresses(on: link), [], "no address on \(link) at start")
        for address in [v4a, v4b, v6] { try await control.addAddress(address, to: link) }
        try Contract.equal(try await control.addresses(on: link), [v4a, v4b, v6].sorted(), "addresses on \(link)")
        let target = "\(CIDR(host: v4a)) dev \(link)"
        try await Contract.fails("add twice", code: .exists, errno: EEXIST, target: target) {
            try await control.addAddress(v4a, to: link)
        }
        let local = try await control.localAddresses()
        for address in [v4a, v4b, v6] {
            try Contract.isTrue(local.contains(LocalAddress(interface: link, address: address)), "\(address) local on \(link)")
        }
        try await control.deleteAddress(v4b, from: link)
        try await control.deleteAddress(v6, from: link)
        try Contract.equal(try await control.addresses(on: link), [v4a], "addresses after delete")
        for address in [v4b, v6] {
            try await Contract.fails("delete absent \(address)", code: .notFound, errno: EADDRNOTAVAIL,
                                     target: "\(CIDR(host: address)) dev \(link)") {
                try await control.deleteAddress(address, from: link)
            }
        }
        try await control.deleteAddress(v4a, from: link)
        try await Contract.fails("add on a missing link", code: .notFound, errno: ENODEV) {
            try await control.addAddress(v4a, to: "kipvs-missing")
        }
        try await Contract.fails("delete a missing link", code: .notFound, errno: ENODEV) {
            try await control.deleteLink(named: "kipvs-missing")
        }
        try await Contract.fails("dummy over an existing \(link)", code: .exists, errno: EEXIST) {
            _ = try await control.ensureDummyLink(named: link)
        }
        try await runAddressBatches(on: control, link: link)
    }

    /// Batches (``LinkAddressControl/addAddresses(_:to:)``) on an address-less `link`: one result per
    /// address in order, over more than one datagram's worth; a present address is EEXIST and an
    /// absent one EADDRNOTAVAIL without stopping the rest; a missing link fails every address.
    public static func runAddressBatches(on control: any LinkAddressControl, link: String) async throws {
        let many = (0..<600).map { IPAddress(v4: 0x0a61_0000 + UInt32($0)) }
        try await control.addAddress(v4a, to: link)
        let added = await control.addAddresses([v4b, v4a, v6] + many, to: link)
        try Contract.equal(added.count, 603, "one result per address")
        try Contract.isTrue(added.enumerated().allSatisfy { ($0.offset == 1) == ($0.element != nil) },
                            "only the present address failed: \(added.compactMap { $0 }.prefix(3))")
        try Contract.isTrue((added[1] as? KernelError).map { $0.code == .exists && $0.errno == EEXIST
                                && $0.target == "\(CIDR(host: v4a)) dev \(link)" } ?? false, "add twice in a batch: \(added[1].map { "\($0)" } ?? "")")
        try Contract.equal(try await control.addresses(on: link), ([v4a, v4b, v6] + many).sorted(), "addresses after the batch")
        let deleted = await control.deleteAddresses(many + [v4b, v4b, v6, v4a], from: link)
        try Contract.isTrue(deleted.enumerated().allSatisfy { ($0.offset == 601) == ($0.element != nil) },
                            "only the second delete of \(v4b) failed: \(deleted.compactMap { $0 }.prefix(3))")
        try Contract.isTrue((deleted[601] as? KernelError).map { $0.code == .notFound && $0.errno == EADDRNOTAVAIL } ?? false,
                            "delete absent in a batch: \(deleted[601].map { "\($0)" } ?? "")")
        try Contract.equal(try await control.addresses(on: link), [], "no address after the batch delete")
        let missing = await control.addAddresses([v4a, v4b], to: "kipvs-missing")
        try Contract.isTrue(missing.count == 2 && missing.allSatisfy { ($0 as? KernelError)?.errno == ENODEV },
                            "a batch on a missing link fails every address: \(missing)")
    }

    /// kube-ipvs0 on a kernel with the dummy driver: created DOWN with kind dummy, idempotent,
    /// carries /32 and /128 service addresses, and goes away with its addresses.
    public static func runDummyLink(on control: any LinkAddressControl, name: String = "kube-ipvs0") async throws {
        let link = try await control.ensureDummyLink(named: name)
        try Contract.equal(link.name, name, "dummy name")
        try Contract.equal(link.kind, "dummy", "link kind")
        try Contract.equal(link.isUp, false, "dummy left down")
        try Contract.equal(try await control.ensureDummyLink(named: name), link, "second ensure returns the same link")
        try Contract.equal(try await control.links().filter { $0.name == name }, [link], "listed once")
        try await control.addAddress(v4a, to: name)
        try await control.addAddress(v6, to: name)
        try Contract.equal(try await control.addresses(on: name), [v4a, v6], "service addresses on \(name)")
        let all = try await control.localAddresses()
        try Contract.isTrue(all.contains(LocalAddress(interface: name, address: v4a)), "\(v4a) local on \(name)")
        try Contract.equal(try await control.localAddresses(excluding: name), all.filter { $0.interface != name },
                           "every local address but those of \(name)")
        try await control.deleteLink(named: name)
        try Contract.equal(try await control.links().contains { $0.name == name }, false, "\(name) deleted")
        try Contract.equal(try await control.localAddresses().contains { $0.interface == name }, false,
                           "its addresses went with it")
        try await Contract.fails("addresses of the deleted link", code: .notFound, errno: ENODEV) {
            _ = try await control.addresses(on: name)
        }
    }

    /// A kernel without the dummy driver: the exact `.unsupported` EOPNOTSUPP error, nothing created.
    public static func runDummyUnsupported(on control: any LinkAddressControl, name: String = "kube-ipvs0") async throws {
        try await Contract.fails("dummy link", code: .unsupported, errno: EOPNOTSUPP,
                                 detail: LinkAddressMessage.dummyUnsupported, target: name) {
            _ = try await control.ensureDummyLink(named: name)
        }
        try Contract.equal(try await control.links().contains { $0.name == name }, false, "nothing created")
    }
}
