/// What kube-proxy reads from its own Node besides addresses and labels: the pod CIDRs of
/// `--detect-local-mode NodeCIDR` (docs/local-traffic-detection.md) and whether the node is eligible
/// for load-balancer traffic (docs/routing-decisions.md, "/healthz and nodeEligible").
extension KubeNode {
    /// The taint the Cluster Autoscaler sets before it deletes a node.
    public static let toBeDeletedTaint = "ToBeDeletedByClusterAutoscaler"

    /// The pod CIDRs as the API gives them: `spec.podCIDRs`, or `[spec.podCIDR]` when that list is
    /// empty; empty when the node has none yet. Compared verbatim to notice a change.
    public var declaredPodCIDRs: [String] {
        if !spec.podCIDRs.isEmpty { return spec.podCIDRs }
        return spec.podCIDR.isEmpty ? [] : [spec.podCIDR]
    }

    /// The field path of `declaredPodCIDRs[index]`, for log lines about it.
    public func podCIDRField(_ index: Int) -> String {
        spec.podCIDRs.isEmpty ? "spec.podCIDR" : "spec.podCIDRs[\(index)]"
    }

    /// The pod CIDRs the NodeCIDR detector uses: the first valid CIDR of each family in
    /// `declaredPodCIDRs` (surrounding blanks trimmed), in list order; `invalid` holds each entry
    /// that is not a CIDR (a blank one excepted), with its field path, to be logged and skipped.
    public var podCIDRSelection: (cidrs: [CIDR], invalid: [(field: String, value: String)]) {
        var cidrs: [CIDR] = []
        var invalid: [(field: String, value: String)] = []
        for (i, raw) in declaredPodCIDRs.enumerated() {
            let text = Self.trimmed(raw)
            guard let cidr = CIDR(text) else {
                if !text.isEmpty { invalid.append((podCIDRField(i), raw)) }
                continue
            }
            if !cidrs.contains(where: { $0.family == cidr.family }) { cidrs.append(cidr) }
        }
        return (cidrs, invalid)
    }

    static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    /// The valid pod CIDRs, at most one per family (see `podCIDRSelection`).
    public var podCIDRs: [CIDR] { podCIDRSelection.cidrs }

    /// The Node is being deleted (`metadata.deletionTimestamp` set).
    public var isBeingDeleted: Bool { !(metadata.deletionTimestamp ?? "").isEmpty }

    /// kube-proxy's node eligibility (KEP-3836): false while the Node is being deleted or carries the
    /// `ToBeDeletedByClusterAutoscaler` taint; `/healthz` then answers 503.
    public var isEligibleForTraffic: Bool {
        !isBeingDeleted && !spec.taints.contains { $0.key == Self.toBeDeletedTaint }
    }
}
