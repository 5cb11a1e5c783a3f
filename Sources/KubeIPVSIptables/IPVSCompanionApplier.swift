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
}
