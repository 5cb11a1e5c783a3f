import ArgumentParser
import CKubeIPVSShim
import KubeIPVSCore

/// `kube-ipvs`: the node daemon (default) and its offline planner.
@main
struct KubeIPVSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube-ipvs",
        abstract: "Kubernetes service proxy (IPVS mode, automatic iptables fallback).",
        discussion: "Without a subcommand, runs the proxy daemon with kube-proxy's flags.",
        version: "\(KubeIPVSCoreVersion.version) (commit \(String(cString: kipvs_build_commit())))",
        subcommands: [RunCommand.self, PlanCommand.self],
        defaultSubcommand: RunCommand.self)
}
