import KubeIPVSCore
import KubeIPVSSources

/// The node `kube-ipvs plan` plans for: explicit `--node-ip`s, else the addresses of the Node
/// object of that name found in the manifests; its zone label (for topology hints) from that Node object.
public enum PlanNode {
    public static func context(name: String, nodeIPs: [IPAddress], objects: ManifestObjects) -> NodeContext {
        var ips = nodeIPs
        var primary: [IPAddress] = []
        if ips.isEmpty, let n = objects.nodes.first(where: { $0.metadata.name == name }) {
            for a in n.status.addresses where a.type == "InternalIP" || a.type == "ExternalIP" {
                if let ip = IPAddress(a.address) { ips.append(ip) }
            }
        }
        for ip in ips where !primary.contains(where: { $0.family == ip.family }) { primary.append(ip) }
        let object = objects.nodes.first(where: { $0.metadata.name == name })
        return NodeContext(name: name, localAddresses: ips.map { LocalAddress(interface: "node", address: $0) },
                           primaryIPs: primary, zone: ProxyDaemon.zone(of: object))
    }

    /// The configuration `plan` uses: NodeCIDR local-traffic detection reads the pod CIDRs of the Node object
    /// of that name, as the daemon does once the Node is known (docs/local-traffic-detection.md).
    public static func configuration(_ options: DaemonOptions, name: String, objects: ManifestObjects) -> ProxyConfiguration {
        var config = options.proxy
        if options.detectLocalMode == .nodeCIDR {
            let node = objects.nodes.first(where: { $0.metadata.name == name })
            config.localDetector = .nodeCIDR(node?.podCIDRs ?? [])
        }
        return config
    }
}
