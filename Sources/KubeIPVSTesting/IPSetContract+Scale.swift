import Glibc
import KubeIPVSCore
import KubeIPVSKernel

extension IPSetContract {
    /// A hash set refuses new entries beyond maxelem (present ones are still accepted with -exist).
    static func hashFull(_ control: any IPSetControl) async throws {
        let spec = IPSetSpec(name: "SMALL", type: .hashIP, family: .v4, maxElements: 4)
        try await control.create(spec)
        let entries = (1...5).map { IPSetEntry.ip(IPAddress(v4: 0x0a00_0000 + UInt32($0))) }
        try await Contract.fails("fifth entry", code: .invalid, errno: ENOSPC, detail: IPSetMessage.hashFull,
                                 target: "SMALL \(entries[4])") { try await control.add(entries, to: spec.name) }
        try Contract.equal(try await control.entries(of: spec.name).count, 4, "entries kept when full")
        try await control.add(Array(entries.prefix(4)), to: spec.name, ignoreExisting: true)
    }

    /// Thousands of entries in one call, then half of them deleted in one call.
    static func largeBatch(_ control: any IPSetControl) async throws {
        let spec = IPSetSpec(name: "KUBE-CLUSTER-IP", type: .hashIPPort, family: .v4)
        try await control.create(spec)
        let entries = sampleEntries(5000)
        try await control.add(entries, to: spec.name)
        let listed = try await control.entries(of: spec.name)
        try Contract.equal(listed.count, entries.count, "entry count after a 5000-entry batch")
        try Contract.equal(listed, entries.sorted(), "entries after a 5000-entry batch")
        try await control.delete(Array(entries.prefix(2500)), from: spec.name)
        try Contract.equal(try await control.entries(of: spec.name), Array(entries.suffix(2500)).sorted(),
                           "entries after deleting 2500 in a batch")
        try Contract.isTrue(try await control.contains(entries[4999], in: spec.name), "last entry present")
        try Contract.equal(try await control.contains(entries[0], in: spec.name), false, "first entry deleted")
    }

    /// `count` distinct hash:ip,port entries in 10.96.0.0/16, TCP and UDP alternating.
    public static func sampleEntries(_ count: Int) -> [IPSetEntry] {
        (0..<count).map { (i: Int) -> IPSetEntry in
            let address = IPAddress(v4: 0x0a60_0000 + UInt32(i / 2))
            let proto: L4Protocol = i % 2 == 0 ? .tcp : .udp
            return .ipPort(address, proto, UInt16(80 + i % 7))
        }
    }

    /// A referenced set cannot be destroyed; the reference stays with the name across swap.
    static func destroyReferenced(_ control: any IPSetControl, reference: ReferenceHook) async throws {
        let used = IPSetSpec(name: "KUBE-LOOP-BACK", type: .hashIPPortIP, family: .v4)
        var spare = used
        spare.name = "KUBE-LOOP-BACK-NEXT"
        try await control.create(used)
        try await control.create(spare)
        try await reference(used.name)
        try await Contract.fails("destroy referenced", code: .invalid, errno: EBUSY, detail: IPSetMessage.setInUse,
                                 target: used.name) { try await control.destroy(set: used.name) }
        try await control.swap(used.name, spare.name)
        try await Contract.fails("destroy referenced after swap", code: .invalid, errno: EBUSY,
                                 detail: IPSetMessage.setInUse) { try await control.destroy(set: used.name) }
        try await control.destroy(set: spare.name)
        try Contract.equal(try await control.setNames(), [used.name], "only the referenced set is left")
    }
}
