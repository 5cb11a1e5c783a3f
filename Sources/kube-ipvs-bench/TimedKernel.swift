import KubeIPVSCore
import KubeIPVSKernel
import Synchronization

/// Wall time spent inside each kernel capability, so a sync's duration splits into kernel time and
/// the daemon's own time (planning, diffing, bookkeeping).
final class KernelClock: Sendable {
    enum Part: String, CaseIterable, Sendable { case ipvs, ipsets, links, iptables }
    private let spent = Mutex<[Part: Duration]>([:])
    private let ipvsOperations = Mutex(0)

    nonisolated(nonsending) func measure<T>(_ part: Part, _ body: nonisolated(nonsending) () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer { let d = ContinuousClock.now - start; spent.withLock { $0[part, default: .zero] += d } }
        return try await body()
    }

    /// Returns the time per part since the last call and starts again from zero.
    func take() -> [Part: Duration] {
        spent.withLock { value in
            defer { value = [:] }
            return value
        }
    }

    /// IPVS operations applied so far.
    func operations() -> Int { ipvsOperations.withLock { $0 } }
    func count(_ n: Int) { ipvsOperations.withLock { $0 += n } }
}

/// ``IPVSControl`` that times another one.
struct TimedIPVS: IPVSControl {
    let inner: any IPVSControl
    let clock: KernelClock

    nonisolated(nonsending) func apply(_ operations: [IPVSOperation]) async -> [IPVSOperationResult] {
        clock.count(operations.count)
        return await clock.measure(.ipvs) { await inner.apply(operations) }
    }
    nonisolated(nonsending) func virtualServers() async throws(KernelError) -> [VirtualServer] {
        try await timed { () throws(KernelError) in try await inner.virtualServers() }
    }
    nonisolated(nonsending) func realServers(of virtualServer: VirtualServerKey) async throws(KernelError) -> [RealServerState] {
        try await timed { () throws(KernelError) in try await inner.realServers(of: virtualServer) }
    }
    nonisolated(nonsending) func table() async throws(KernelError) -> [VirtualServerState] {
        try await timed { () throws(KernelError) in try await inner.table() }
    }
    nonisolated(nonsending) func timeouts() async throws(KernelError) -> IPVSTimeouts {
        try await timed { () throws(KernelError) in try await inner.timeouts() }
    }
    nonisolated(nonsending) func setTimeouts(_ timeouts: IPVSTimeouts) async throws(KernelError) {
        try await timed { () throws(KernelError) in try await inner.setTimeouts(timeouts) }
    }
    nonisolated(nonsending) func flush() async throws(KernelError) {
        try await timed { () throws(KernelError) in try await inner.flush() }
    }

    private nonisolated(nonsending) func timed<T>(_ body: nonisolated(nonsending) () async throws(KernelError) -> T) async throws(KernelError) -> T {
        let result: Result<T, KernelError> = await clock.measure(.ipvs) {
            do throws(KernelError) { return .success(try await body()) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// ``IPSetControl`` that times another one.
struct TimedIPSets: IPSetControl {
    let inner: any IPSetControl
    let clock: KernelClock

    nonisolated(nonsending) func create(_ spec: IPSetSpec, ignoreExisting: Bool) async throws {
        try await clock.measure(.ipsets) { try await inner.create(spec, ignoreExisting: ignoreExisting) }
    }
    nonisolated(nonsending) func destroy(set name: String) async throws { try await clock.measure(.ipsets) { try await inner.destroy(set: name) } }
    nonisolated(nonsending) func flush(set name: String) async throws { try await clock.measure(.ipsets) { try await inner.flush(set: name) } }
    nonisolated(nonsending) func swap(_ first: String, _ second: String) async throws {
        try await clock.measure(.ipsets) { try await inner.swap(first, second) }
    }
    nonisolated(nonsending) func setNames() async throws -> [String] { try await clock.measure(.ipsets) { try await inner.setNames() } }
    nonisolated(nonsending) func header(of name: String) async throws -> IPSetSpec { try await clock.measure(.ipsets) { try await inner.header(of: name) } }
    nonisolated(nonsending) func entries(of name: String) async throws -> [IPSetEntry] {
        try await clock.measure(.ipsets) { try await inner.entries(of: name) }
    }
    nonisolated(nonsending) func add(_ entries: [IPSetEntry], to name: String, ignoreExisting: Bool) async throws {
        try await clock.measure(.ipsets) { try await inner.add(entries, to: name, ignoreExisting: ignoreExisting) }
    }
    nonisolated(nonsending) func delete(_ entries: [IPSetEntry], from name: String, ignoreMissing: Bool) async throws {
        try await clock.measure(.ipsets) { try await inner.delete(entries, from: name, ignoreMissing: ignoreMissing) }
    }
    nonisolated(nonsending) func contains(_ entry: IPSetEntry, in name: String) async throws -> Bool {
        try await clock.measure(.ipsets) { try await inner.contains(entry, in: name) }
    }
}

/// ``LinkAddressControl`` that times another one.
struct TimedLinks: LinkAddressControl {
    let inner: any LinkAddressControl
    let clock: KernelClock

    nonisolated(nonsending) func ensureDummyLink(named name: String) async throws -> NetworkLink {
        try await clock.measure(.links) { try await inner.ensureDummyLink(named: name) }
    }
    nonisolated(nonsending) func links() async throws -> [NetworkLink] { try await clock.measure(.links) { try await inner.links() } }
    nonisolated(nonsending) func deleteLink(named name: String) async throws { try await clock.measure(.links) { try await inner.deleteLink(named: name) } }
    nonisolated(nonsending) func addresses(on link: String) async throws -> [IPAddress] {
        try await clock.measure(.links) { try await inner.addresses(on: link) }
    }
    nonisolated(nonsending) func addAddress(_ address: IPAddress, to link: String) async throws {
        try await clock.measure(.links) { try await inner.addAddress(address, to: link) }
    }
    nonisolated(nonsending) func deleteAddress(_ address: IPAddress, from link: String) async throws {
        try await clock.measure(.links) { try await inner.deleteAddress(address, from: link) }
    }
    nonisolated(nonsending) func localAddresses() async throws -> [LocalAddress] {
        try await clock.measure(.links) { try await inner.localAddresses() }
    }
    nonisolated(nonsending) func localAddresses(excluding link: String) async throws -> [LocalAddress] {
        try await clock.measure(.links) { try await inner.localAddresses(excluding: link) }
    }
    nonisolated(nonsending) func addAddresses(_ addresses: [IPAddress], to link: String) async -> [(any Error)?] {
        await clock.measure(.links) { await inner.addAddresses(addresses, to: link) }
    }
    nonisolated(nonsending) func deleteAddresses(_ addresses: [IPAddress], from link: String) async -> [(any Error)?] {
        await clock.measure(.links) { await inner.deleteAddresses(addresses, from: link) }
    }
}
