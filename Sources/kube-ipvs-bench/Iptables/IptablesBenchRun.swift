import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Logging

/// Timings of one kind of sync over repeated runs, split by step.
struct SyncPhase {
    var total = Samples(), build = Samples(), render = Samples(), restore = Samples(), conntrack = Samples()
    /// CPU time of the proxy (snapshot, render, diff) and of the tools it ran (iptables-restore, …).
    var ownCPU = Samples(), toolCPU = Samples()
    /// Both together: what the sync costs on an idle machine (wall time also counts waiting for a CPU).
    var cpu = Samples()

    mutating func add(build: Duration, sync: Duration, report: IptablesProxier.SyncReport, cpu: CPUTime) {
        total.add(build + sync)
        self.build.add(build)
        render.add(report.renderTime)
        restore.add(report.restoreTime)
        conntrack.add(report.conntrackTime)
        ownCPU.add(cpu.own)
        toolCPU.add(cpu.children)
        self.cpu.add(cpu.own + cpu.children)
    }
}

/// What one backend × size run measured.
struct IptablesBenchResult {
    var backend: IptablesBackend
    var services = 0, servicePorts = 0, endpoints = 0
    /// nat rules and restore bytes of a full IPv4 sync.
    var natRules = 0, fullBytes = 0, changeBytes = 0
    var full = SyncPhase()
    /// One changed EndpointSlice, snapshot rebuilt from every object (what the daemon does today).
    var change = SyncPhase()
    /// The same, telling the proxier which service changed (`sync(_:changed:)`).
    var changeHinted = SyncPhase()
    /// Only the changed service's objects normalized (`sync(changes:for:)`).
    var changeMerged = SyncPhase()
    /// CPU time of the pure parts of a full sync, alone: rendering both families with an empty
    /// cache, and writing the IPv4 restore text.
    var pureRender = Samples(), pureText = Samples()
    /// The in-run baseline for a one-change sync: what a proxier without partial syncs does (as
    /// kube-proxy < 1.26 did): build the whole snapshot, render every family from nothing and
    /// restore every chain, into the same namespace.
    var naiveResync = Samples()
    /// Why the run stopped early, if it did.
    var failure: String?
    /// What the kernel holds after the run matches what the proxier wrote.
    var verification = ""
}

/// How a one-change sync reaches the proxier.
enum ChangeMode: CaseIterable {
    case rebuildAll, hinted, merged
}

/// Full syncs from empty (each in a fresh namespace), then one-change syncs in the last one.
struct IptablesBenchRun {
    var backend: IptablesBackend
    var cluster: IptablesBenchCluster
    var fullRuns: Int
    var changes: Int
    var timeout: Duration
    var logger: Logger
    /// What was measured so far.
    var result: IptablesBenchResult
    /// Leave the last namespace in place (for experiments with the tools by hand).
    var keepNamespace = false

    static let node = NodeContext(name: "node1", localAddresses: [LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!)],
                                  primaryIPs: [IPAddress("10.0.0.10")!])
    static let configuration = ProxyConfiguration(clusterCIDRs: [IptablesBenchCluster.podCIDR])

    /// Measures into ``result``.
    mutating func run() async throws {
        result = IptablesBenchResult(backend: backend, services: cluster.services.count,
                                     servicePorts: cluster.servicePortCount, endpoints: cluster.endpointCount)
        var lab: NetnsLab?
        var proxier: IptablesProxier?
        var namespace = ""
        defer {
            if let lab {
                if keepNamespace {
                    LabCleanup.shared.keep(lab)
                    print("kept namespace \(namespace) (delete it with: ip netns del \(namespace))")
                } else {
                    LabCleanup.shared.release(lab)
                }
            }
        }
        for _ in 0..<max(fullRuns, 1) {
            if let lab { LabCleanup.shared.release(lab) }
            let fresh = try LabCleanup.shared.makeLab(prefix: "kbench")
            lab = fresh
            namespace = try fresh.addNamespace("node")
            let instance = makeProxier(runner: fresh.runner(in: namespace))
            proxier = instance
            let cpu = CPUTime.now()
            let (snapshot, build) = measure { ProxySnapshot.build(services: cluster.services, slices: cluster.slices, node: Self.node) }
            let (report, sync) = try await measure { try await instance.sync(snapshot) }
            result.full.add(build: build, sync: sync, report: report, cpu: CPUTime.now() - cpu)
            result.fullBytes = report.bytesWritten[.v4] ?? 0
        }
        guard let lab, let proxier else { return }
        let snapshot = ProxySnapshot.build(services: cluster.services, slices: cluster.slices, node: Self.node)
        for _ in 0..<3 {
            var cpu = CPUTime.now()
            let rulesets = IptablesModeRenderer(configuration: Self.configuration).renderAll(snapshot, node: Self.node)
            result.pureRender.add((CPUTime.now() - cpu).own)
            cpu = CPUTime.now()
            _ = rulesets[0].restoreText()
            result.pureText.add((CPUTime.now() - cpu).own)
        }
        if let ruleset = await proxier.appliedRulesets[.v4] {
            result.natRules = ruleset.natHeadRules.count + ruleset.natTailRules.count
                + ruleset.services.reduce(0) { $0 + $1.topLevelRules.count + $1.chainRules.count }
        }
        var counter = 0
        for mode in ChangeMode.allCases {
            for _ in 0..<changes {
                let index = (counter * 7919 + 1) % cluster.services.count
                counter += 1
                let service = cluster.addEndpoint(toService: index)
                let cpu = CPUTime.now()
                let (snapshot, build) = measure {
                    mode == .merged
                        ? ProxySnapshot.build(services: [cluster.services[index]], slices: [cluster.slices[index]], node: Self.node)
                        : ProxySnapshot.build(services: cluster.services, slices: cluster.slices, node: Self.node)
                }
                let (report, sync) = try await measure {
                    switch mode {
                    case .rebuildAll: try await proxier.sync(snapshot)
                    case .hinted: try await proxier.sync(snapshot, changed: [service])
                    case .merged: try await proxier.sync(changes: snapshot, for: [service])
                    }
                }
                let used = CPUTime.now() - cpu
                guard report.fullSyncs.isEmpty else { throw BenchError("a one-change sync was a full sync") }
                switch mode {
                case .rebuildAll: result.change.add(build: build, sync: sync, report: report, cpu: used)
                case .hinted: result.changeHinted.add(build: build, sync: sync, report: report, cpu: used)
                case .merged: result.changeMerged.add(build: build, sync: sync, report: report, cpu: used)
                }
                result.changeBytes = report.bytesWritten[.v4] ?? 0
            }
        }
        for _ in 0..<max(1, min(changes, 5)) {
            let ((), took) = try await measure { try await naiveResync(runner: lab.runner(in: namespace)) }
            result.naiveResync.add(took)
        }
        result.verification = try await verify(lab: lab, namespace: namespace, proxier: proxier)
    }

    func makeProxier(runner: ProcessRunner) -> IptablesProxier {
        IptablesProxier(configuration: Self.configuration, node: Self.node, backend: backend, runner: runner,
                        timeout: timeout, logger: logger)
    }

    /// A whole rewrite of the current state with plain iptables-restore calls (the baseline).
    func naiveResync(runner: ProcessRunner) async throws {
        let snapshot = ProxySnapshot.build(services: cluster.services, slices: cluster.slices, node: Self.node)
        for ruleset in IptablesModeRenderer(configuration: Self.configuration).renderAll(snapshot, node: Self.node) {
            let tool = IptablesRestore(backend: backend, family: ruleset.family, runner: runner, timeout: timeout)
            // The same -Z a full nft sync starts with (without it nft needs minutes at 10,000 services).
            try await tool.restore(ruleset.restoreText(natPrelude: backend == .nft ? ["-Z"] : []), target: "baseline")
        }
    }

    /// The nat table's KUBE-* chains read back equal the chains the proxier believes it wrote, and
    /// the endpoints added last are there.
    func verify(lab: NetnsLab, namespace: String, proxier: IptablesProxier) async throws -> String {
        guard let ruleset = await proxier.appliedRulesets[.v4] else { throw BenchError("nothing applied") }
        let saved = try lab.must(namespace, [backend.command(.save, family: .v4), "-t", "nat"], timeout: timeout)
        let inKernel = Set(IptablesSaveDump(parsing: saved)["nat"].userChains.filter(IptablesChainNames.isServiceChain))
        let written = ruleset.serviceChainNames
        guard inKernel == written else {
            throw BenchError("kernel holds \(inKernel.count) service chains, proxier wrote \(written.count)"
                + " (missing \(written.subtracting(inKernel).count), extra \(inKernel.subtracting(written).count))")
        }
        let sep = written.filter { $0.hasPrefix(IptablesChainNames.endpointPrefix) }.count
        return "\(written.count) service chains (\(sep) KUBE-SEP) read back equal"
    }
}

/// The benchmark could not measure.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension IptablesBenchRun {
    /// ``run()``, turning a failure (a restore over its time limit) into a result that says so.
    mutating func runCatching() async -> IptablesBenchResult {
        do {
            try await run()
        } catch {
            result.failure = "\(error)"
        }
        return result
    }
}
