import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSIptables
import KubeIPVSKernel
import KubeIPVSNetlink
import KubeIPVSTesting
import Logging

/// The kernel an ``IPVSProxier`` drives in the benchmark, every capability timed by one ``KernelClock``:
/// the real one (netlink, libipset, rtnetlink, iptables-restore) or, with `fake`, the in-memory fakes (the
/// daemon's own cost alone, for profiling on a host without ip_vs).
struct BenchKernel {
    let kernel: IPVSProxier.Kernel
    let clock: KernelClock
    /// Untimed handles for the benchmark's own reads.
    let ipvs: any IPVSControl
    let links: any LinkAddressControl
    let fake: Bool
    /// The thread of the real kernel actors, for the proxier to share as the daemon does (nil with fakes).
    let thread: NamespaceThreadExecutor?

    /// A proxier on this kernel, wired as DaemonBootstrap wires it.
    func proxier(logger: Logger) throws -> IPVSProxier {
        try IPVSProxier(kernel: kernel, config: ProxyConfiguration(), logger: logger, executor: thread)
    }

    static func make(fake: Bool) async throws -> BenchKernel {
        let clock = KernelClock()
        let ipvs: any IPVSControl, ipsets: any IPSetControl, links: any LinkAddressControl
        let restore: @Sendable (IPFamily, String) async throws -> Void
        var thread: NamespaceThreadExecutor?
        if fake {
            ipvs = FakeIPVS()
            ipsets = FakeIPSet()
            links = FakeLinkAddress()
            restore = { _, _ in }
        } else {
            let shared = try NamespaceThreadExecutor(name: "kipvs-kernel")
            thread = shared
            ipvs = NetlinkIPVS(executor: shared)
            ipsets = LibIPSet(executor: shared)
            links = RTNetlinkLinkAddress(executor: shared)
            let backend = await IptablesBackendDetector().detect().backend
            restore = { family, text in try await IptablesRestore(backend: backend, family: family).restore(text) }
        }
        let timedRestore: @Sendable (IPFamily, String) async throws -> Void = { family, text in
            try await clock.measure(.iptables) { try await restore(family, text) }
        }
        let kernel = IPVSProxier.Kernel(ipvs: TimedIPVS(inner: ipvs, clock: clock),
                                        ipsets: TimedIPSets(inner: ipsets, clock: clock),
                                        links: TimedLinks(inner: links, clock: clock), restoreRules: timedRestore)
        return BenchKernel(kernel: kernel, clock: clock, ipvs: ipvs, links: links, fake: fake, thread: thread)
    }

    /// This node as the daemon sees it: its local addresses outside kube-ipvs0 (as DaemonBootstrap wires them).
    func node() async -> NodeContext {
        let addresses = (try? await links.localAddresses(excluding: "kube-ipvs0")) ?? []
        return NodeContext(name: "node-0", localAddresses: addresses.sorted())
    }
}
