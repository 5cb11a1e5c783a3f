/// Which objects of a resource to list and watch.
public struct ListOptions: Sendable, Hashable {
    /// Namespace, or nil for all namespaces.
    public var namespace: String?
    /// `labelSelector`, if any.
    public var labelSelector: String?
    /// `fieldSelector`, if any.
    public var fieldSelector: String?
    /// `limit` per list page (client-go's reflector pages by 500).
    public var pageSize: Int
    /// Caps on the whole list (docs/bounds.md, "Sources and decoding").
    public var limits: ListLimits = .default

    /// Options; the defaults select everything in all namespaces, 500 per page.
    public init(namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
                pageSize: Int = 500) {
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.pageSize = pageSize
    }

    /// kube-proxy's options for Services and EndpointSlices: all namespaces, `LabelSelector.kubeProxy`.
    public static let proxied = ListOptions(labelSelector: LabelSelector.kubeProxy.description)

    /// kube-proxy's options for its own Node: `fieldSelector=metadata.name=<node>`.
    public static func node(named name: String) -> ListOptions {
        ListOptions(fieldSelector: "metadata.name=\(name)")
    }

    /// The selector query parameters, in a fixed order.
    var selectorParameters: [(String, String)] {
        var parameters: [(String, String)] = []
        if let labelSelector, !labelSelector.isEmpty { parameters.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { parameters.append(("fieldSelector", fieldSelector)) }
        return parameters
    }
}
