import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSNetlink
import Logging
import Testing

/// The proxier that runs reads its own mode's `syncPeriod`/`minSyncPeriod`: the `iptables.*` pair in
/// iptables mode, asked for or fallen back to from IPVS; the `ipvs.*` pair in IPVS mode.
@Suite struct SyncPeriodSelectionTests {
    typealias Periods = DaemonOptions.SyncPeriods

    static func options(_ yaml: String) throws -> DaemonOptions {
        let loaded = try KubeProxyConfigLoader.decode("""
            apiVersion: kubeproxy.config.k8s.io/v1alpha1
            kind: KubeProxyConfiguration

            """ + yaml)
        return try DaemonOptions.resolve(flags: DaemonFlags(), file: loaded.file)
    }

    @Test func defaultsAreKubeProxysPerMode() throws {
        let o = try DaemonOptions.resolve(flags: DaemonFlags())
        #expect(o.syncPeriods(for: .iptables) == Periods(sync: .seconds(30), min: .seconds(1)))
        #expect(o.syncPeriods(for: .ipvs) == Periods(sync: .seconds(30), min: .zero))
    }

    @Test func theConfigFilesIptablesPairGovernsIptablesMode() throws {
        let o = try Self.options("""
            mode: iptables
            iptables: {syncPeriod: 45s, minSyncPeriod: 3s}
            ipvs: {syncPeriod: 5s, minSyncPeriod: 0s}
            """)
        #expect(o.mode == .iptables)
        #expect(o.syncPeriods(for: .iptables) == Periods(sync: .seconds(45), min: .seconds(3)))
        #expect(o.syncPeriod == .seconds(45) && o.minSyncPeriod == .seconds(3))
    }

    @Test func aFallbackFromIPVSRunsWithTheIptablesPair() async throws {
        let o = try Self.options("""
            mode: ipvs
            iptables: {syncPeriod: 2m0s, minSyncPeriod: 2s}
            ipvs: {syncPeriod: 10s, minSyncPeriod: 0s}
            """)
        let missing = IPVSAvailability.ipvsMissing(KernelError(code: .notFound, operation: "CTRL_CMD_GETFAMILY",
                                                               target: "IPVS", errno: 2))
        let fallback = await ModeSelection.choose(options: o, logger: Logger(label: "t"), probe: { _ in missing })
        let running = try #require(fallback.mode)
        #expect(running == .iptables && fallback.fallback)
        #expect(o.syncPeriods(for: running) == Periods(sync: .seconds(120), min: .seconds(2)))
        let ipvs = await ModeSelection.choose(options: o, logger: Logger(label: "t"), probe: { _ in .available })
        #expect(o.syncPeriods(for: try #require(ipvs.mode)) == Periods(sync: .seconds(10), min: .zero))
    }

    @Test func theIptablesFlagsCountInIPVSModeToo() throws {
        var flags = DaemonFlags()
        flags.proxyMode = "ipvs"
        flags.ipvsSyncPeriod = "20s"
        flags.extra = ["iptables-sync-period": "50s", "iptables-min-sync-period": "5s"]
        let o = try DaemonOptions.resolve(flags: flags)
        #expect(o.syncPeriods(for: .iptables) == Periods(sync: .seconds(50), min: .seconds(5)))
        #expect(o.syncPeriods(for: .ipvs) == Periods(sync: .seconds(20), min: .zero))
        #expect(o.effectiveConfiguration.iptables?.syncPeriod == "50s")
    }

    @Test func theIptablesPairIsValidatedInEveryModeAsKubeProxyDoes() throws {
        #expect { try Self.options("mode: ipvs\niptables: {syncPeriod: 1s, minSyncPeriod: 5s}\n") } throws: {
            "\($0)".contains("iptables.minSyncPeriod") && "\($0)".contains("must not exceed iptables.syncPeriod")
        }
        var flags = DaemonFlags()
        flags.extra = ["iptables-min-sync-period": "1m"]
        #expect { try DaemonOptions.resolve(flags: flags) } throws: { "\($0)".contains("--iptables-min-sync-period") }
        // The IPVS pair only matters, and is only checked, in IPVS mode.
        let o = try Self.options("mode: iptables\nipvs: {syncPeriod: 1s, minSyncPeriod: 5s}\n")
        #expect(o.syncPeriod == .seconds(30) && o.minSyncPeriod == .seconds(1))
    }
}
