import KubeIPVSCore

/// Applies the IPVS mode's companion rules for one family: the chains' contents with
/// `iptables-restore --noflush`, then each jump from a built-in chain ensured exactly as kube-proxy
/// does it (`-C`, and `-I … 1` at the top when missing), so restarts never duplicate them.
public struct IPVSCompanionApplier: Sendable {
    public let backend: IptablesBackend
    let runner: any CommandRunning

    public init(backend: IptablesBackend, runner: any CommandRunning = ProcessRunner()) {
        self.backend = backend
        self.runner = runner
    }

    public func apply(family: IPFamily, text: String) async throws {
        let tool = IptablesRestore(backend: backend, family: family, runner: runner)
        try await tool.restore(text, target: "IPVS companion rules")
        for jump in IPVSCompanionRules.jumps {
            let spec = [jump.chain] + jump.arguments
            let present = try await tool.command(["-t", jump.table, "-C"] + spec)
            guard present.status != 0 else { continue }
            let inserted = try await tool.command(["-t", jump.table, "-I", jump.chain, "1"] + jump.arguments)
            guard inserted.status == 0 else {
                throw IptablesError(code: .commandFailed, operation: backend.command(.iptables, family: family),
                                    target: "-t \(jump.table) -I \(jump.chain) -j \(jump.target)",
                                    exitStatus: inserted.status, message: inserted.stderr)
            }
        }
    }

    /// Removes what an iptables-mode proxy left in `family`'s tables once the IPVS mode serves the node
    /// (docs/migrating-from-kube-proxy.md): every KUBE-* chain that is not one of the IPVS mode's (nor
    /// kubelet's) and the built-in chains' jumps into them. Returns "table/chain" for each chain removed.
    public func removeIptablesModeLeftovers(family: IPFamily) async throws -> [String] {
        let tool = IptablesRestore(backend: backend, family: family, runner: runner)
        var removed: [String] = []
        for (table, keep) in Self.ipvsModeChains {
            let dump = IptablesSaveDump(parsing: try await tool.save(table: table))
            guard let text = IptablesJumpPlan.cleanupText(dump: dump, table: table, family: family,
                                                          includingKubelet: false, keeping: keep) else { continue }
            try await tool.restore(text, target: "iptables-mode leftovers (\(table))")
            removed += text.split(separator: "\n").filter { $0.hasPrefix("-X ") }.map { "\(table)/\($0.dropFirst(3))" }
        }
        return removed
    }

    /// The chains the IPVS mode keeps, per table (mangle: none; iptables mode's canary lives there).
    static let ipvsModeChains: [(String, Set<String>)] = [
        ("nat", Set(IPVSCompanionRules.natChains)), ("filter", Set(IPVSCompanionRules.filterChains)), ("mangle", []),
    ]
}
