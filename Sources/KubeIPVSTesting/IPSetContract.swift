import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// The ipset behaviour every ``IPSetControl`` must show, written once and run against
/// `FakeIPSet` and against the real kernel (libipset) in a fresh network namespace.
///
/// Each case expects an empty namespace and leaves its sets behind (the caller discards the
/// namespace or the fake). Failures throw ``ContractViolation``.
public enum IPSetContract {
    /// Makes a set referenced by the kernel (an iptables `-m set` rule; a fake's counter).
    public typealias ReferenceHook = @Sendable (String) async throws -> Void

    public enum Case: String, CaseIterable, Sendable, CustomStringConvertible {
        case everyTypeRoundTrips, duplicateCreate, entriesRoundTrip, duplicateAdd, missingDelete
        case missingSet, swapExchangesContents, flushEmpties, wrongEntryRefused, bitmapRange
        case hashFull, largeBatch, destroyReferenced, hostPrefixTestCoversNets

        public var description: String { rawValue }
    }

    /// Runs one case.
    public static func run(_ c: Case, on control: any IPSetControl, reference: ReferenceHook) async throws {
        switch c {
        case .everyTypeRoundTrips: try await everyTypeRoundTrips(control)
        case .duplicateCreate: try await duplicateCreate(control)
        case .entriesRoundTrip: try await entriesRoundTrip(control)
        case .duplicateAdd: try await duplicateAdd(control)
        case .missingDelete: try await missingDelete(control)
        case .missingSet: try await missingSet(control)
        case .swapExchangesContents: try await swapExchangesContents(control)
        case .flushEmpties: try await flushEmpties(control)
        case .wrongEntryRefused: try await wrongEntryRefused(control)
        case .bitmapRange: try await bitmapRange(control)
        case .hashFull: try await hashFull(control)
        case .largeBatch: try await largeBatch(control)
        case .destroyReferenced: try await destroyReferenced(control, reference: reference)
        case .hostPrefixTestCoversNets: try await hostPrefixTestCoversNets(control)
        }
    }

    static func ip(_ s: String) -> IPAddress { IPAddress(s)! }
    static func net(_ s: String) -> CIDR { CIDR(s)! }

    /// One spec per type and family kube-proxy uses (docs/kube-proxy-ipvs.md "ipsets"), with three sample entries each.
    static let samples: [(IPSetSpec, [IPSetEntry])] = [
        (IPSetSpec(name: "C-IP4", type: .hashIP, family: .v4),
         [.ip(ip("10.96.0.1")), .ip(ip("10.96.0.10")), .ip(ip("192.0.2.7"))]),
        (IPSetSpec(name: "C-IP6", type: .hashIP, family: .v6),
         [.ip(ip("fd00::1")), .ip(ip("fd00::a")), .ip(ip("2001:db8::7"))]),
        (IPSetSpec(name: "C-IPPORT4", type: .hashIPPort, family: .v4),
         [.ipPort(ip("10.96.0.10"), .tcp, 53), .ipPort(ip("10.96.0.10"), .udp, 53), .ipPort(ip("10.96.0.11"), .sctp, 30080)]),
        (IPSetSpec(name: "C-IPPORT6", type: .hashIPPort, family: .v6),
         [.ipPort(ip("fd00::10"), .tcp, 443), .ipPort(ip("fd00::10"), .udp, 53), .ipPort(ip("fd00::11"), .sctp, 9)]),
        (IPSetSpec(name: "C-IPPORTIP4", type: .hashIPPortIP, family: .v4),
         [.ipPortIP(ip("10.0.0.1"), .tcp, 80, ip("10.0.0.1")), .ipPortIP(ip("10.0.0.2"), .udp, 53, ip("10.0.0.2")),
          .ipPortIP(ip("10.0.0.3"), .sctp, 7, ip("10.0.0.3"))]),
        (IPSetSpec(name: "C-IPPORTIP6", type: .hashIPPortIP, family: .v6),
         [.ipPortIP(ip("fd00::1"), .tcp, 80, ip("fd00::1")), .ipPortIP(ip("fd00::2"), .udp, 53, ip("fd00::2")),
          .ipPortIP(ip("fd00::3"), .tcp, 8080, ip("fd00::3"))]),
        (IPSetSpec(name: "C-IPPORTNET4", type: .hashIPPortNet, family: .v4),
         [.ipPortNet(ip("192.0.2.10"), .tcp, 80, net("10.244.0.0/16")),
          .ipPortNet(ip("192.0.2.10"), .tcp, 80, net("203.0.113.9/32")),
          .ipPortNet(ip("192.0.2.11"), .udp, 53, net("198.51.100.0/24"))]),
        (IPSetSpec(name: "C-IPPORTNET6", type: .hashIPPortNet, family: .v6),
         [.ipPortNet(ip("fd00::10"), .tcp, 443, net("fd00:10::/64")),
          .ipPortNet(ip("fd00::10"), .tcp, 443, net("2001:db8::5/128")),
          .ipPortNet(ip("fd00::11"), .udp, 53, net("2001:db8:1::/48"))]),
        (IPSetSpec(name: "C-NET4", type: .hashNet, family: .v4),
         [.net(net("10.0.0.0/8")), .net(net("172.16.1.1/32")), .net(net("192.0.2.0/24"))]),
        (IPSetSpec(name: "C-NET6", type: .hashNet, family: .v6),
         [.net(net("fd00::/8")), .net(net("2001:db8::1/128")), .net(net("2001:db8:2::/48"))]),
        (IPSetSpec(name: "C-PORT", type: .bitmapPort, family: nil, portRange: 0...65535),
         [.port(0), .port(30080), .port(65535)]),
    ]

    /// Every type/family is created as specified and reads back with the same header.
    static func everyTypeRoundTrips(_ control: any IPSetControl) async throws {
        for (spec, _) in samples { try await control.create(spec) }
        try Contract.equal(try await control.setNames(), samples.map(\.0.name).sorted(), "set names after create")
        for (spec, _) in samples {
            let header = try await control.header(of: spec.name)
            try Contract.equal(header, spec, "header of \(spec.name)")
        }
        let custom = IPSetSpec(name: "C-CUSTOM", type: .hashIPPort, family: .v4, hashSize: 4096, maxElements: 1000)
        try await control.create(custom)
        try Contract.equal(try await control.header(of: "C-CUSTOM"), custom, "header with hashsize 4096 maxelem 1000")
        for (spec, _) in samples { try await control.destroy(set: spec.name) }
        try Contract.equal(try await control.setNames(), ["C-CUSTOM"], "set names after destroy")
    }

    /// `create` of an existing name: EEXIST, unless -exist and the sets are the same.
    static func duplicateCreate(_ control: any IPSetControl) async throws {
        let spec = IPSetSpec(name: "KUBE-CLUSTER-IP", type: .hashIPPort, family: .v4)
        try await control.create(spec)
        try await Contract.fails("create twice", code: .exists, errno: EEXIST, detail: IPSetMessage.setExists,
                                 target: spec.name) { try await control.create(spec) }
        try await control.create(spec, ignoreExisting: true)
        var bigger = spec
        bigger.hashSize = 2048
        try await control.create(bigger, ignoreExisting: true)  // hashsize is not compared
        var otherMax = spec
        otherMax.maxElements = 1000
        try await Contract.fails("-exist with another maxelem", code: .exists, errno: EEXIST, detail: IPSetMessage.setExists) {
            try await control.create(otherMax, ignoreExisting: true)
        }
        let otherType = IPSetSpec(name: spec.name, type: .hashIP, family: .v4)
        try await Contract.fails("-exist with another type", code: .exists, errno: EEXIST, detail: IPSetMessage.setExists) {
            try await control.create(otherType, ignoreExisting: true)
        }
        let otherFamily = IPSetSpec(name: spec.name, type: .hashIPPort, family: .v6)
        try await Contract.fails("another family without -exist", code: .exists, errno: EEXIST) {
            try await control.create(otherFamily)
        }
        // Kernel quirk: -exist compares the type's family, not the set's; the set stays inet.
        try await control.create(otherFamily, ignoreExisting: true)
        let long = IPSetSpec(name: String(repeating: "X", count: 32), type: .hashIP, family: .v4)
        try await Contract.fails("32-byte name", code: .invalid, errno: nil, detail: IPSetMessage.nameTooLong(long.name)) {
            try await control.create(long)
        }
        try Contract.equal(try await control.header(of: spec.name), spec, "header unchanged by refused creates")
    }

    /// Entries of every type and family read back exactly; membership tests agree.
    static func entriesRoundTrip(_ control: any IPSetControl) async throws {
        for (spec, entries) in samples {
            try await control.create(spec)
            try await control.add(entries, to: spec.name)
            try Contract.equal(try await control.entries(of: spec.name), entries.sorted(), "entries of \(spec.name)")
            for entry in entries {
                try Contract.isTrue(try await control.contains(entry, in: spec.name), "\(entry) in \(spec.name)")
            }
            try await control.delete([entries[1]], from: spec.name)
            try Contract.equal(try await control.contains(entries[1], in: spec.name), false, "\(entries[1]) deleted")
            try Contract.equal(try await control.entries(of: spec.name), [entries[0], entries[2]].sorted(),
                               "entries of \(spec.name) after delete")
        }
    }
}
