import KubeIPVSCore
import Logging

extension ProxyDaemon {
    /// The Node label naming its zone (topology hints are read against it).
    static let zoneLabel = "topology.kubernetes.io/zone"

    /// The zone label of `node`, "" when absent or unknown.
    static func zone(of node: KubeNode?) -> String { node?.metadata.labels[zoneLabel] ?? "" }

    /// Takes this Node's zone; when it differs, re-plans only the services whose slices carry zone
    /// hints (no other selection reads the zone).
    func adoptZone(of object: KubeNode) {
        let zone = Self.zone(of: object)
        guard zone != node.zone else { return }
        let affected = store.servicesWithHints(zoneHints: true)
        logger.info("node zone changed", metadata: ["zone": "\(zone)", "from": "\(node.zone)",
                                                    "services_replanned": "\(affected.count)"])
        node.zone = zone
        store.markChanged(affected)
    }

    /// Logs, once per service and again only when the reason changes, why its topology hints are
    /// ignored (kube-proxy logs the same at each sync; the planner returns it as data). `changed` is
    /// what this sync re-planned (nil: everything).
    func logIgnoredHints(changed: Set<ServiceName>?) {
        let hinted = store.servicesWithHints(among: changed)
        let reasons = store.ignoredHints(for: hinted, node: node)
        let scope = changed ?? Set(hintsIgnoredLogged.keys).union(reasons.keys)
        for name in scope.sorted() {
            let reason = reasons[name]
            guard reason != hintsIgnoredLogged[name] else { continue }
            hintsIgnoredLogged[name] = reason
            guard let reason else { continue }
            logger.info("ignoring topology hints", metadata: [
                "service": "\(name)", "reason": "\(reason.reason(zone: node.zone))", "zone": "\(node.zone)",
            ])
        }
    }
}
