import KubeIPVSCore

extension IPVSProxier {
    /// A node switching from iptables mode keeps serving through the old KUBE-SVC-*/KUBE-SEP-* chains until
    /// the IPVS mode has programmed everything; only after the first sync without a failure (virtual servers,
    /// addresses, sets and companion rules all in place) are those chains removed, once per family
    /// (docs/migrating-from-kube-proxy.md).
    func removeIptablesModeLeftovers() async -> [String] {
        var errors: [String] = []
        for family in Set(appliedRules.keys).subtracting(leftoversRemoved).sorted() {
            do {
                let removed = try await kernel.removeIptablesModeLeftovers(family)
                leftoversRemoved.insert(family)
                guard !removed.isEmpty else { continue }
                logger.info("Removed the iptables-mode chains a previous proxy left",
                            metadata: ["ipFamily": "\(family)", "chains": "\(removed.count)"])
            } catch {
                errors.append("removing iptables-mode leftovers (\(family)): \(error)")
            }
        }
        return errors
    }
}
