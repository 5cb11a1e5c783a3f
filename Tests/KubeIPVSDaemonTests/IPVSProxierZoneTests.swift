import KubeIPVSCore
import KubeIPVSDaemon
import Testing

/// The node's zone reaches only zone-hinted services: a zone change alone is not a node change that
/// re-plans and re-compares everything (docs/routing-decisions.md).
@Suite struct IPVSProxierZoneTests {
    @Test func aZoneChangeAloneStaysAPartialSync() async throws {
        var f = try ProxierFixture()
        _ = await f.sync()
        let before = await f.ipvs.log.count
        var zoned = ProxierFixture.node
        zoned.zone = "zone-b"
        let outcome = await f.proxier.sync(SyncRequest(store: f.store, changed: [], node: zoned, now: .seconds(1)))
        #expect(outcome.success && !outcome.full)
        #expect(await f.ipvs.log.count == before)
        // Any other node fact still makes the sync full.
        var moved = zoned
        moved.primaryIPs = [IPAddress("10.0.0.11")!]
        let full = await f.proxier.sync(SyncRequest(store: f.store, changed: [], node: moved, now: .seconds(2)))
        #expect(full.full)
    }
}
