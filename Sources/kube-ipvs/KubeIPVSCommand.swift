import ArgumentParser

/// `kube-ipvs`: the node daemon (default) and its offline planner.
@main
struct KubeIPVSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube-ipvs",
        abstract: "Kubernetes service proxy (IPVS mode, automatic iptables fallback).",
        discussion: "Without a subcommand, runs the proxy daemon with kube-proxy's flags.",
        version: "0.1.0",
        subcommands: [RunCommand.self, PlanCommand.self],
        defaultSubcommand: RunCommand.self)
}
