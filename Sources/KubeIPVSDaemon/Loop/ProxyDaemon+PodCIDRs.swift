import KubeIPVSCore
import Logging

extension ProxyDaemon {
    /// NodeCIDR mode: whether the Node's pod CIDRs are known, adopting them (and handing the
    /// proxier its detector) the first time they are; throws once kube-proxy's wait has timed out.
    /// Always true in the other modes. docs/local-traffic-detection.md.
    func podCIDRsReady() async throws -> Bool {
        guard var watch = podCIDRWatch, watch.adopted == nil else { return true }
        switch NodePodCIDRWatch.startUp(node: nodeObject, waited: clock.now - epoch) {
        case .waiting(let beingDeleted):
            health.awaitingNode(true)
            // Logged when the reason to wait changes, not at every wake-up.
            let message = beingDeleted ? "Node is being deleted" : "Watching for node, awaiting podCIDR allocation"
            if message != podCIDRWaitLogged {
                logger.info("\(message)", metadata: ["hostname": "\(nodeFacts.name)"])
                podCIDRWaitLogged = message
            }
            return false
        case .timedOut:
            throw DaemonStopped(description: "timeout waiting for PodCIDR allocation to configure "
                                + "detect-local-mode NodeCIDR")
        case .ready(let declared):
            health.awaitingNode(false)
            watch.adopt(declared)
            podCIDRWatch = watch
            let cidrs = adoptedPodCIDRs()
            logger.info("NodeInfo", metadata: ["podCIDRs": "\(declared)", "detector": "\(cidrs.map(\.description))"])
            await proxier.setLocalDetector(.nodeCIDR(cidrs))
            return true
        }
    }

    /// The valid pod CIDRs of the Node (one per family), logging each malformed entry by its field
    /// and each family left without one (its local-traffic rules are then left out).
    private func adoptedPodCIDRs() -> [CIDR] {
        guard let node = nodeObject else { return [] }
        let selection = node.podCIDRSelection
        for bad in selection.invalid.prefix(4) {
            logger.error("Invalid CIDR ignored", metadata: ["field": "\(bad.field)", "CIDR": "\(bad.value)"])
        }
        for family in IPFamily.allFamilies where !selection.cidrs.contains(where: { $0.family == family }) {
            logger.info("Detect-local-mode set to NodeCIDR, but no PodCIDR defined at node for IP family",
                        metadata: ["ipFamily": "\(family)", "podCIDRs": "\(node.declaredPodCIDRs)"])
        }
        return selection.cidrs
    }

    /// After start-up: a Node whose pod CIDRs changed stops the daemon (exit code 1), as kube-proxy's
    /// NodePodCIDRHandler exits, so it starts again with a detector for the new ones.
    func checkPodCIDRs(_ node: KubeNode) {
        guard stopError == nil, let watch = podCIDRWatch, let new = watch.changed(node) else { return }
        let message = "Using NodeCIDR LocalDetector mode, current PodCIDRs are different than previous PodCIDRs, restarting"
        logger.error("\(message)", metadata: [
            "node": "\(node.metadata.name)", "newPodCIDRs": "\(new)", "oldPodCIDRs": "\(watch.adopted ?? [])",
        ])
        stopError = DaemonStopped(description: message)
    }
}
