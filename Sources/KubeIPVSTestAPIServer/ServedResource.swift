/// A resource the test API server serves, with the names kube-apiserver uses for it.
public struct ServedResource: Sendable, Hashable, CustomStringConvertible {
    /// API group; empty for the core group.
    public var group: String
    /// API version (`v1`).
    public var version: String
    /// Plural resource name used in URLs (`services`).
    public var plural: String
    /// Object kind (`Service`).
    public var kind: String
    /// Whether objects live in namespaces.
    public var namespaced: Bool

    /// `apiVersion` of the objects (`v1`, `discovery.k8s.io/v1`).
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// Kind of the list (`ServiceList`).
    public var listKind: String { kind + "List" }
    /// URL prefix of the group version (`/api/v1`, `/apis/discovery.k8s.io/v1`).
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }
    /// `plural` or `plural.group`, as in error messages.
    public var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }
    /// The plural name.
    public var description: String { qualifiedName }

    /// Core v1 Services.
    public static let services = ServedResource(group: "", version: "v1", plural: "services", kind: "Service",
                                                namespaced: true)
    /// discovery.k8s.io/v1 EndpointSlices.
    public static let endpointSlices = ServedResource(group: "discovery.k8s.io", version: "v1",
                                                      plural: "endpointslices", kind: "EndpointSlice",
                                                      namespaced: true)
    /// Core v1 Nodes (cluster-scoped).
    public static let nodes = ServedResource(group: "", version: "v1", plural: "nodes", kind: "Node",
                                             namespaced: false)
    /// Core v1 Events (what the proxy reports, e.g. its fallback to iptables).
    public static let events = ServedResource(group: "", version: "v1", plural: "events", kind: "Event",
                                              namespaced: true)
    /// Every served resource.
    public static let all: [ServedResource] = [.services, .endpointSlices, .nodes, .events]

    /// The resource whose objects have this `kind`, if served.
    public static func forKind(_ kind: String) -> ServedResource? { all.first { $0.kind == kind } }

    /// The object kube-apiserver sends in a BOOKMARK event: the zero value of the kind, encoded by Go,
    /// with only `metadata.resourceVersion` set (shapes copied from real captures and Go zero values).
    func bookmarkObject(resourceVersion: UInt64, initialEventsEnd: Bool = false) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("resourceVersion", .string(String(resourceVersion))), ("creationTimestamp", .null),
        ]
        if initialEventsEnd {
            fields.append(("annotations", .object(JSONObject([("k8s.io/initial-events-end", .string("true"))]))))
        }
        let metadata = JSONValue.object(JSONObject(fields))
        var members: [(String, JSONValue)] = [
            ("kind", .string(kind)), ("apiVersion", .string(apiVersion)), ("metadata", metadata),
        ]
        switch kind {
        case "Service":
            members += [("spec", .object(JSONObject())),
                        ("status", .object(JSONObject([("loadBalancer", .object(JSONObject()))])))]
        case "EndpointSlice":
            members += [("addressType", .string("")), ("endpoints", .null), ("ports", .null)]
        case "Node":
            let kubelet = JSONValue.object(JSONObject([("Port", .int(0))]))
            let info = ["machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion",
                        "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture"]
            let status = JSONObject([
                ("daemonEndpoints", .object(JSONObject([("kubeletEndpoint", kubelet)]))),
                ("nodeInfo", .object(JSONObject(info.map { ($0, JSONValue.string("")) }))),
            ])
            members += [("spec", .object(JSONObject())), ("status", .object(status))]
        default:
            break
        }
        return .object(JSONObject(members))
    }
}
