import ArgumentParser
import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSSources

/// `kube-ipvs plan`: prints the kernel state kube-ipvs would program for some manifests, without
/// touching the kernel.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the desired kernel state (ipvsadm -Ln, addresses, ipsets, iptables) for manifests.")

    @Option(name: .customLong("manifests"), help: "A manifest file or directory (YAML, JSON, JSON lines).")
    var manifests: String

    @Option(name: .customLong("hostname-override"), help: "This node's name (default: the host name).")
    var hostnameOverride: String?

    @Option(name: .customLong("node-ip"), help: "A local address of the node (repeatable). Default: the Node object's addresses.")
    var nodeIPs: [String] = []

    @Option(name: .customLong("ipvs-scheduler"), help: "rr|lc|dh|sh|sed|nq (also wrr, wlc).")
    var scheduler: String?

    @Option(name: .customLong("nodeport-addresses"), help: "CIDRs (comma-separated) or 'primary'.")
    var nodePortAddresses: String?

    @Option(name: .customLong("proxy-mode"), help: "ipvs or iptables.")
    var proxyMode: String?

    @Option(name: .customLong("cluster-cidr"), help: "Pod CIDR(s), comma-separated.")
    var clusterCIDR: String?

    @Option(name: .customLong("detect-local-mode"),
            help: "ClusterCIDR, NodeCIDR (the Node object's podCIDRs), BridgeInterface or InterfaceNamePrefix.")
    var detectLocalMode: String?

    @Option(name: .customLong("pod-bridge-interface"), help: "The bridge of BridgeInterface mode.")
    var podBridgeInterface: String?

    @Option(name: .customLong("pod-interface-name-prefix"), help: "The interface prefix of InterfaceNamePrefix mode.")
    var podInterfaceNamePrefix: String?

    @Flag(name: .customLong("masquerade-all"), help: "SNAT all traffic sent via service IPs.")
    var masqueradeAll = false

    @Option(name: .customLong("ipvs-exclude-cidrs"), help: "CIDRs whose virtual servers are never touched.")
    var excludeCIDRs: String?

    @Option(name: .customLong("output"), help: "text or json.")
    var output: String = "text"

    func validate() throws {
        guard ["text", "json"].contains(output) else { throw ValidationError("--output must be text or json") }
        for ip in nodeIPs where IPAddress(ip) == nil { throw ValidationError("--node-ip: invalid IP address \"\(ip)\"") }
    }

    func run() throws {
        var flags = DaemonFlags()
        flags.proxyMode = proxyMode
        flags.ipvsScheduler = scheduler
        flags.nodePortAddresses = nodePortAddresses
        flags.clusterCIDR = clusterCIDR
        flags.masqueradeAll = masqueradeAll ? true : nil
        flags.ipvsExcludeCIDRs = excludeCIDRs
        for (name, value) in [("detect-local-mode", detectLocalMode), ("pod-bridge-interface", podBridgeInterface),
                              ("pod-interface-name-prefix", podInterfaceNamePrefix)] {
            if let value { flags.extra[name] = value }
        }
        let options: DaemonOptions
        do { options = try DaemonOptions.resolve(flags: flags) } catch { throw ValidationError("\(error)") }
        let objects = try ManifestLoader.load(path: manifests)
        // Lowercased and trimmed as the daemon (and kube-proxy) derive the node name.
        let name = DaemonOptions.effectiveNodeName(hostnameOverride)
        let node = PlanNode.context(name: name, nodeIPs: nodeIPs.compactMap(IPAddress.init), objects: objects)
        let config = PlanNode.configuration(options, name: name, objects: objects)
        let report = PlanReport(objects: objects, node: node, config: config, mode: options.mode)
        print(output == "json" ? try report.json() : report.text(), terminator: "")
    }
}
