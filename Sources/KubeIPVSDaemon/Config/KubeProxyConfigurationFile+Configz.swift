extension KubeProxyConfigurationFile {
    /// kube-proxy's /configz body: `{"kubeproxy.config.k8s.io": {...}}`. kube-proxy registers its
    /// internal KubeProxyConfiguration (pkg/proxy/apis/config/types.go), whose fields carry no JSON
    /// tags, so encoding/json writes Go field names (`BindAddress`, `IPVS.SyncPeriod`, `OOMScoreAdj`)
    /// and the empty TypeMeta leaves out apiVersion and kind (docs/kube-proxy-config.md).
    public var configz: String {
        ConfigValue.map([("kubeproxy.config.k8s.io", Self.internalNames(rendered, path: ""))]).json
    }

    /// Renames v1alpha1 keys to the internal type's Go field names, recursively; `logging` keeps its
    /// inner keys (component-base's logging type is JSON-tagged), and `featureGates` its feature names.
    static func internalNames(_ value: ConfigValue, path: String) -> ConfigValue {
        guard case .map(let pairs) = value, path != "logging", path != "featureGates" else { return value }
        return .map(pairs.compactMap { key, inner in
            if path.isEmpty, key == "apiVersion" || key == "kind" { return nil }
            let child = path.isEmpty ? key : "\(path).\(key)"
            return (goFieldNames[key] ?? key.prefix(1).uppercased() + key.dropFirst(), internalNames(inner, path: child))
        })
    }

    /// v1alpha1 JSON names whose Go field name is not the name with its first letter capitalised.
    static let goFieldNames: [String: String] = [
        "clusterCIDR": "ClusterCIDR", "qps": "QPS", "iptables": "IPTables", "ipvs": "IPVS", "nftables": "NFTables",
        "oomScoreAdj": "OOMScoreAdj", "excludeCIDRs": "ExcludeCIDRs", "strictARP": "StrictARP",
        "tcpTimeout": "TCPTimeout", "tcpFinTimeout": "TCPFinTimeout", "udpTimeout": "UDPTimeout",
        "tcpEstablishedTimeout": "TCPEstablishedTimeout", "tcpCloseWaitTimeout": "TCPCloseWaitTimeout",
        "tcpBeLiberal": "TCPBeLiberal", "udpStreamTimeout": "UDPStreamTimeout", "enableDSR": "EnableDSR",
    ]
}
