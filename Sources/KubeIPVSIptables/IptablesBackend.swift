import KubeIPVSCore

/// Which kernel interface the iptables tools drive: the legacy xtables or nf_tables. Rules written
/// through one are invisible to the other, so the proxy must use the one the rest of the node
/// (kubelet, the CNI) uses.
public enum IptablesBackend: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case legacy, nft

    /// `iptables-nft-restore`, `ip6tables-legacy-save`, `iptables-nft`.
    public func command(_ tool: Tool, family: IPFamily) -> String {
        (family == .v4 ? "iptables" : "ip6tables") + "-\(rawValue)" + tool.rawValue
    }

    /// The tools of a backend.
    public enum Tool: String, Sendable {
        case iptables = "", save = "-save", restore = "-restore"
    }

    public var description: String { rawValue }
}

/// How the backend was chosen, for the log line that announces it.
public struct IptablesBackendChoice: Hashable, Sendable, CustomStringConvertible {
    /// The backend to use.
    public var backend: IptablesBackend
    /// Why, in words for the log.
    public var reason: String

    /// A choice with its reason.
    public init(_ backend: IptablesBackend, reason: String) {
        self.backend = backend
        self.reason = reason
    }

    public var description: String { "\(backend) (\(reason))" }
}

/// Chooses legacy or nft as kube-proxy's images do (kubernetes-sigs/iptables-wrappers): kubelet's
/// hint chains first (`KUBE-IPTABLES-HINT`, `KUBE-KUBELET-CANARY` in mangle, nft checked first),
/// then our own chains (a restarted proxy keeps its backend), then whichever holds more rules;
/// nft when nothing tells.
public struct IptablesBackendDetector: Sendable {
    /// Runs the save tools.
    public var runner: any CommandRunning
    /// Limit per save command (iptables-nft 1.8.3 could hang).
    public var timeout: Duration

    /// A detector using the tools on PATH.
    public init(runner: any CommandRunning = ProcessRunner(), timeout: Duration = .seconds(5)) {
        self.runner = runner
        self.timeout = timeout
    }

    /// Runs the save tools of both backends (both families) and decides.
    public func detect() async -> IptablesBackendChoice {
        var installed: Set<IptablesBackend> = []
        for backend in IptablesBackend.allCases where await available(backend) { installed.insert(backend) }
        if installed.count == 1, let only = installed.first { return IptablesBackendChoice(only, reason: "only \(only) is installed") }
        let nftMangle = await save(.nft, ["-t", "mangle"])
        let legacyAll = await save(.legacy, [])
        let nftAll = await save(.nft, [])
        return Self.decide(nftMangle: nftMangle, legacy: legacyAll, nft: nftAll)
    }

    /// The decision on the save outputs (both families concatenated).
    public static func decide(nftMangle: String, legacy: String, nft: String) -> IptablesBackendChoice {
        let kubelet = ["KUBE-IPTABLES-HINT", "KUBE-KUBELET-CANARY"]
        if declares(nftMangle, kubelet) { return IptablesBackendChoice(.nft, reason: "kubelet's chains are in nf_tables") }
        if declares(legacy, kubelet) { return IptablesBackendChoice(.legacy, reason: "kubelet's chains are in legacy xtables") }
        let ours = [IptablesChainNames.proxyCanary, IptablesChainNames.services, IptablesChainNames.postrouting]
        let inLegacy = declares(legacy, ours), inNft = declares(nft, ours)
        if inLegacy != inNft {
            return IptablesBackendChoice(inLegacy ? .legacy : .nft, reason: "proxy chains already in \(inLegacy ? "legacy" : "nft")")
        }
        let legacyRules = ruleCount(legacy), nftRules = ruleCount(nft)
        if legacyRules > nftRules {
            return IptablesBackendChoice(.legacy, reason: "legacy holds \(legacyRules) rules, nft \(nftRules)")
        }
        return IptablesBackendChoice(.nft, reason: "nft holds \(nftRules) rules, legacy \(legacyRules)")
    }

    static func declares(_ dump: String, _ chains: [String]) -> Bool {
        dump.split(separator: "\n").contains { line in chains.contains { line.hasPrefix(":\($0) ") } }
    }

    static func ruleCount(_ dump: String) -> Int {
        dump.split(separator: "\n").filter { $0.hasPrefix("-") }.count
    }

    func available(_ backend: IptablesBackend) async -> Bool {
        let result = try? await runner.run([backend.command(.save, family: .v4), "--version"], input: nil, timeout: timeout)
        return result?.status == 0
    }

    func save(_ backend: IptablesBackend, _ arguments: [String]) async -> String {
        var text = ""
        for family in IPFamily.allFamilies {
            let result = try? await runner.run([backend.command(.save, family: family)] + arguments, input: nil, timeout: timeout)
            if let result, result.status == 0, !result.timedOut { text += result.stdout }
        }
        return text
    }
}
