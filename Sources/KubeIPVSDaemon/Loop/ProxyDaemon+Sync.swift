import Foundation
import KubeIPVSCore
import Logging

extension ProxyDaemon {
    /// Runs one sync now (full when the scheduler says it is periodic, or on the first run).
    @discardableResult
    public func syncNow() async -> SyncOutcome {
        applyQueuedEvents()
        let start = clock.now
        syncsStarted += 1
        let periodic = scheduler.started(now: start - epoch)
        let first = syncCount == 0
        if periodic || first { await refreshNode() }
        metrics.serviceChangesTotal.increment(by: Int64(store.pendingServiceChanges))
        metrics.endpointChangesTotal.increment(by: Int64(store.pendingEndpointChanges))
        let changes = store.takeChanges()
        let triggerTimes = programmingLatency.take(first ? nil : changes)
        // A periodic reconcile re-reads the kernel but re-plans only what changed: the desired state is
        // kept current service by service, so re-planning an unchanged cluster would only burn CPU.
        if first {
            logger.info("Syncing proxy rules for the first time", metadata: [
                "services": .stringConvertible(store.services.count),
                "endpointSlices": .stringConvertible(store.slices.count),
            ])
        }
        let request = SyncRequest(store: store, changed: first ? nil : changes, reconcileKernel: periodic,
                                  node: node, now: start - epoch)
        let outcome = await proxier.sync(request)
        let elapsed = clock.now - start
        record(outcome, elapsed: elapsed, triggerTimes: triggerTimes)
        logIgnoredHints(changed: first ? nil : changes)
        scheduler.finished(success: outcome.success, now: clock.now - epoch)
        if outcome.wantsFollowUp {
            // Draining real servers: look at their connection counts again in drainCheckInterval (a
            // change request here would spin at --ipvs-min-sync-period 0 and starve full syncs).
            scheduler.requestFollowUp(at: clock.now - epoch + drainCheckInterval)
        }
        syncCount += 1
        lastOutcome = outcome
        return outcome
    }

    func record(_ outcome: SyncOutcome, elapsed: Duration, triggerTimes: [Date]) {
        metrics.syncDuration.record(elapsed)
        (outcome.full ? metrics.fullSyncDuration : metrics.partialSyncDuration).record(elapsed)
        metrics.serviceChangesPending.set(to: 0)
        metrics.endpointChangesPending.set(to: 0)
        let rejections = (outcome.rejections + sourceRejections).sorted()
        metrics.setRejections(rejections)
        metrics.virtualServers.set(to: Double(outcome.virtualServers))
        metrics.realServers.set(to: Double(outcome.realServers))
        metrics.drainingRealServers.set(to: Double(outcome.draining))
        if let n = outcome.noLocalEndpoints { metrics.setNoLocalEndpoints(internal: n.internal, external: n.external) }
        if let r = outcome.iptablesRules { metrics.setIptablesRules(filter: r.filter, nat: r.nat) }
        healthChecks?.update(Dictionary(outcome.healthChecks.map {
            ($0.nodePort, HealthCheckNodePorts.Entry(service: $0.service, localEndpoints: $0.localEndpoints))
        }, uniquingKeysWith: { a, _ in a }))
        let meta: Logger.Metadata = [
            "elapsed": .stringConvertible(elapsed), "full": .stringConvertible(outcome.full),
            "virtualServers": .stringConvertible(outcome.virtualServers),
            "realServers": .stringConvertible(outcome.realServers),
            "rejected": .stringConvertible(rejections.count), "draining": .stringConvertible(outcome.draining),
        ]
        if outcome.restoreFailures > 0 { metrics.iptablesRestoreFailures.increment(by: Int64(outcome.restoreFailures)) }
        if outcome.success {
            health.updated()
            metrics.lastSyncTimestamp.set(to: Date().timeIntervalSince1970)
            // kube-proxy logs "SyncProxyRules complete" at V(2); the first one also at the default verbosity.
            logger.log(level: syncCount == 0 ? .info : .debug, "SyncProxyRules complete", metadata: meta)
            let now = Date()
            for time in triggerTimes {
                let latency = now.timeIntervalSince(time)
                metrics.networkProgrammingDuration.record(latency)
                logger.trace("Network programming", metadata: ["elapsed": .stringConvertible(latency)])
            }
        } else {
            metrics.syncFailures.increment()
            logger.warning("sync incomplete; will retry", metadata: meta.merging(
                ["errors": "\(outcome.errors.count)", "first_error": "\(outcome.errors.first ?? "")"]) { a, _ in a })
        }
        for r in rejections where !(lastOutcome?.rejections.contains(r) ?? false) {
            logger.warning("rejected object", metadata: ["kind": "\(r.kind.rawValue)", "object": "\(printable(r.object))",
                                                         "reason": "\(r.reason)"])
        }
    }

    /// Re-reads local addresses and this node's primary IPs.
    func refreshNode() async {
        lastAddressPoll = clock.now
        let addresses = await nodeFacts.localAddresses()
        node = NodeContext(name: nodeFacts.name, localAddresses: addresses.sorted(),
                           primaryIPs: Self.primaryIPs(node: nodeObject, addresses: addresses), zone: node.zone)
    }

    /// New or removed local addresses trigger a sync (NodePort on addresses that appear later).
    func pollAddressesIfDue() async {
        guard synced, let last = lastAddressPoll, clock.now - last >= addressPollInterval else { return }
        let before = node
        await refreshNode()
        if node != before {
            logger.info("local addresses changed", metadata: ["addresses": "\(node.localAddresses.map(\.address))"])
            scheduler.request()
            store.markAllChanged()
        }
    }

    /// The Node's InternalIPs (one per family), else the first non-loopback local address per family.
    static func primaryIPs(node: KubeNode?, addresses: [LocalAddress]) -> [IPAddress] {
        var out: [IPFamily: IPAddress] = [:]
        for a in node?.status.addresses ?? [] where a.type == "InternalIP" {
            if let ip = IPAddress(a.address), out[ip.family] == nil { out[ip.family] = ip }
        }
        for a in addresses.sorted() where !a.address.isLoopback && !a.address.isLinkLocal && out[a.address.family] == nil {
            out[a.address.family] = a.address
        }
        return out.values.sorted()
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
