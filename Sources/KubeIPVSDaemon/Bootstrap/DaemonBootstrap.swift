import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSKernel
import KubeIPVSNetlink
import KubeIPVSSources
import Logging
import ServiceLifecycle

/// Composes the daemon from resolved options: picks the mode (probing IPVS, falling back to
/// iptables unless `--no-fallback`), builds the kernel adapters, the object source, the HTTP
/// servers, and runs them in one `ServiceGroup` until SIGTERM/SIGINT. SIGTERM leaves the data
/// plane in place; `--cleanup` removes it.
public enum DaemonBootstrap {
    /// Runs the daemon; returns the process exit code.
    public static func run(options: DaemonOptions, logger: Logger) async throws -> Int32 {
        let nodeName = DaemonOptions.effectiveNodeName(options.hostnameOverride)
        let backend = await IptablesBackendDetector().detect()
        logger.info("iptables backend", metadata: ["backend": "\(backend)"])
        if options.cleanup { return await cleanupEverything(options: options, backend: backend.backend, logger: logger) }

        HostTuningSetup(logger: logger).apply(options.hostTuning)
        let metrics = DaemonMetrics()
        // One thread for every kernel actor and the IPVS proxier: a sync calls the kernel without thread switches.
        let kernelThread = try NamespaceThreadExecutor(name: "kipvs-kernel")
        let links = RTNetlinkLinkAddress(executor: kernelThread)
        let selection = await ModeSelection.choose(options: options, logger: logger)
        guard let mode = selection.mode else { return 1 }
        metrics.setMode(mode, fallback: selection.fallback)

        let proxier: any Proxier
        switch mode {
        case .ipvs:
            proxier = try await makeIPVSProxier(options: options, links: links, thread: kernelThread,
                                                backend: backend.backend, logger: logger)
        case .iptables:
            proxier = makeIptablesProxier(options: options, nodeName: nodeName, backend: backend.backend, logger: logger)
        }
        // The running proxier's periods: after a fallback to iptables, the iptables pair.
        let periods = options.syncPeriods(for: mode)
        let health = HealthState(timeout: TimeInterval(Double(periods.sync.components.seconds) * 2))
        let source = try ObjectSources.make(options: options, nodeName: nodeName, health: health, metrics: metrics,
                                            logger: logger,
                                            observer: metrics.restClient.observe)
        if selection.fallback, let api = source as? APIServerSource {
            await api.report(NodeEvent(node: nodeName, reason: "IPVSUnavailable",
                                       message: "kube-ipvs falls back to the iptables proxier: \(selection.reason)"))
        }
        let checks = HealthCheckNodePorts(logger: logger, proxyHealthy: { health.isHealthy() })
        // Service IPs on kube-ipvs0 are ours, not the node's: counted as local addresses they would
        // re-plan every service at each address poll after a service IP is bound, and could become a
        // primary IP.
        let dummy = options.proxy.dummyInterface
        let daemon = try ProxyDaemon(
            source: source, proxier: proxier,
            node: .init(name: nodeName, localAddresses: {
                (try? await links.localAddresses(excluding: dummy)) ?? []
            }),
            minSyncPeriod: periods.min, syncPeriod: periods.sync, metrics: metrics,
            health: health, healthChecks: checks, logger: logger, executor: kernelThread,
            detectLocalNodeCIDR: options.detectLocalMode == .nodeCIDR)
        logger.info("kube-ipvs starting", metadata: [
            "mode": "\(mode.rawValue)", "node": "\(nodeName)", "source": "\(source.name)",
            "scheduler": "\(options.proxy.scheduler)",
        ])
        let result: Result<Int32, any Error>
        do {
            result = .success(try await serve(daemon, options: options, mode: mode, health: health, checks: checks,
                                              metrics: metrics, logger: logger))
        } catch {
            result = .failure(error)
        }
        await source.shutdown()
        return try result.get()
    }

    /// One sync (`--once`), or the loop and the HTTP servers until SIGTERM/SIGINT.
    static func serve(_ daemon: ProxyDaemon, options: DaemonOptions, mode: ProxyMode, health: HealthState,
                      checks: HealthCheckNodePorts, metrics: DaemonMetrics, logger: Logger) async throws -> Int32 {
        if options.once {
            let outcome = try await daemon.run(once: true)
            return outcome?.success == true ? 0 : 1
        }
        var services: [any Service] = [DaemonService(daemon: daemon), HealthCheckListeners(ports: checks, logger: logger),
                                       await IgnoredSignals(logger: logger)]
        if let a = BindAddress(options.healthzBindAddress), a.port > 0 {
            services.append(StatusServers.healthz(address: a, health: health, logger: logger))
        }
        if let a = BindAddress(options.metricsBindAddress), a.port > 0 {
            services.append(StatusServers.metrics(address: a, metrics: metrics, mode: { mode },
                                                  configz: options.effectiveConfiguration.configz, logger: logger))
        }
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("kube-ipvs stopped; the data plane stays in place")
        return 0
    }

    static func makeIPVSProxier(options: DaemonOptions, links: RTNetlinkLinkAddress, thread: NamespaceThreadExecutor,
                                backend: IptablesBackend, logger: Logger) async throws -> IPVSProxier {
        let ipvs = NetlinkIPVS(executor: thread)
        _ = IPVSHostSetup(logger: logger).apply(strictARP: options.proxy.strictARP)
        do {
            try await IPVSHostSetup.applyTimeouts(tcp: options.tcpTimeout, tcpFin: options.tcpFinTimeout,
                                                  udp: options.udpTimeout, ipvs: ipvs)
        } catch {
            logger.error("cannot set IPVS timeouts", metadata: ["error": "\(error)"])
        }
        let kernel = IPVSProxier.Kernel(
            ipvs: ipvs, ipsets: LibIPSet(executor: thread), links: links,
            restoreRules: { family, text in
                try await IPVSCompanionApplier(backend: backend).apply(family: family, text: text)
            },
            removeIptablesModeLeftovers: { family in
                try await IPVSCompanionApplier(backend: backend).removeIptablesModeLeftovers(family: family)
            })
        return try IPVSProxier(kernel: kernel, config: options.proxy, logger: logger, executor: thread)
    }

    static func makeIptablesProxier(options: DaemonOptions, nodeName: String, backend: IptablesBackend,
                                    logger: Logger) -> IptablesModeProxier {
        let inner = IptablesProxier(configuration: options.proxy,
                                    options: IptablesModeOptions(localhostNodePorts: options.localhostNodePorts),
                                    node: NodeContext(name: nodeName), backend: backend, logger: logger)
        return IptablesModeProxier(proxier: inner, cleanup: { try await inner.cleanup() }, logger: logger)
    }

    /// `--cleanup`: iptables chains of both modes, then the IPVS state (if IPVS is there at all).
    static func cleanupEverything(options: DaemonOptions, backend: IptablesBackend, logger: Logger) async -> Int32 {
        var failed = false
        let iptables = IptablesProxier(configuration: options.proxy, node: NodeContext(name: ""), backend: backend,
                                       logger: logger)
        do { try await iptables.cleanup() } catch {
            failed = true
            logger.error("iptables cleanup incomplete", metadata: ["error": "\(error)"])
        }
        do {
            let thread = try NamespaceThreadExecutor(name: "kipvs-kernel")
            let kernel = IPVSProxier.Kernel(ipvs: NetlinkIPVS(executor: thread), ipsets: LibIPSet(executor: thread),
                                            links: RTNetlinkLinkAddress(executor: thread), restoreRules: { _, _ in })
            try await IPVSProxier(kernel: kernel, config: options.proxy, logger: logger, executor: thread).cleanup()
        } catch {
            failed = true
            logger.error("IPVS cleanup incomplete", metadata: ["error": "\(error)"])
        }
        logger.info(failed ? "cleanup finished with errors" : "cleanup finished")
        return failed ? 1 : 0
    }
}

/// The reconcile loop as a lifecycle service: cancelled on graceful shutdown.
struct DaemonService: Service {
    let daemon: ProxyDaemon
    func run() async throws {
        try await cancelWhenGracefulShutdown { try await daemon.run() }
    }
}
