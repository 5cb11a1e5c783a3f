import Foundation
import KubeIPVSCore
import KubeIPVSSources

/// What `kube-ipvs plan` prints: the whole desired kernel state for a set of manifests, as text
/// (ipvsadm -Ln, addresses, ipset save, iptables-restore, rejections) or JSON.
public struct PlanReport: Sendable {
    public var mode: ProxyMode
    public var node: NodeContext
    public var config: ProxyConfiguration
    public var ipvs: IPVSPlan
    /// iptables-restore input per family (iptables mode).
    public var iptablesRules: [(family: IPFamily, text: String)]
    public var rejections: [Rejection]

    /// Plans `objects` for `node` in `mode`.
    public init(objects: ManifestObjects, node: NodeContext, config: ProxyConfiguration, mode: ProxyMode) {
        let snapshot = ProxySnapshot.build(services: objects.services, slices: objects.endpointSlices, node: node)
        self.mode = mode
        self.node = node
        self.config = config
        self.ipvs = IPVSPlanner.plan(snapshot, node: node, config: config)
        let renderer = IptablesModeRenderer(configuration: config)
        self.iptablesRules = mode == .iptables
            ? [IPFamily.v4, .v6].map { ($0, renderer.restoreInput(snapshot, node: node, family: $0).text) } : []
        self.rejections = (objects.rejections + ipvs.rejections).sorted()
    }

    /// The human/diffable text form.
    public func text() -> String {
        var out = "# kube-ipvs plan: mode \(mode.rawValue), node \(node.name), "
        out += "node addresses \(node.localAddresses.map { "\($0.address)" }.joined(separator: ","))\n"
        if mode == .ipvs {
            out += "\n## IPVS table (ipvsadm -Ln)\n" + IPVSTableText.render(ipvs)
            out += "\n## \(config.dummyInterface) addresses\n"
            out += ipvs.boundAddresses.map { "\($0)/\($0.family == .v4 ? 32 : 128)\n" }.joined()
            out += "\n## ipsets (ipset save)\n" + IPSetText.render(ipvs.ipsets)
            out += "\n## iptables-restore --noflush (IPv4)\n" + ipvs.companionRules
            if ipvs.boundAddresses.contains(where: { $0.family == .v6 }) {
                out += "\n## ip6tables-restore --noflush (IPv6)\n" + ipvs.companionRulesIPv6
            }
            if !ipvs.healthChecks.isEmpty {
                out += "\n## health check node ports\n" + ipvs.healthChecks.map { "\($0)\n" }.joined()
            }
        } else {
            for (family, text) in iptablesRules where !text.isEmpty {
                out += "\n## \(family == .v4 ? "iptables" : "ip6tables")-restore --noflush\n" + text
            }
        }
        out += "\n## rejections (\(rejections.count))\n" + rejections.map { "\($0)\n" }.joined()
        return out
    }
}
