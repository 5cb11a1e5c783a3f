import KubeIPVSTestAPIServer

/// The objects `api-list` serves: ClusterIP Services in 100 namespaces, one EndpointSlice each, and the node.
enum ListFixtures {
    static let nodeName = "node-0"

    static func seed(_ store: APIStore, services: Int, endpoints: Int) throws {
        var report = APIStore.SeedReport()
        try store.seed(node(), report: &report)
        for index in 0..<services {
            try store.seed(service(index), report: &report)
            try store.seed(slice(index, endpoints: endpoints), report: &report)
        }
    }

    private static func metadata(_ name: String, _ namespace: String, labels: [(String, JSONValue)] = []) -> JSONValue {
        var fields: [(String, JSONValue)] = [("name", .string(name)), ("namespace", .string(namespace)),
                                             ("uid", .string("00000000-0000-4000-8000-\(name.suffix(12))"))]
        if !labels.isEmpty { fields.append(("labels", .object(JSONObject(labels)))) }
        return .object(JSONObject(fields))
    }

    private static func service(_ index: Int) -> JSONValue {
        let ip = "10.96.\(index / 250).\(index % 250 + 1)"
        let port = JSONValue.object(JSONObject([("name", .string("http")), ("protocol", .string("TCP")),
                                                ("port", .int(80)), ("targetPort", .int(8080))]))
        return .object(JSONObject([
            ("apiVersion", .string("v1")), ("kind", .string("Service")),
            ("metadata", metadata("svc-\(index)", "ns-\(index % 100)")),
            ("spec", .object(JSONObject([
                ("type", .string("ClusterIP")), ("clusterIP", .string(ip)), ("clusterIPs", .array([.string(ip)])),
                ("ipFamilies", .array([.string("IPv4")])), ("ports", .array([port])),
                ("selector", .object(JSONObject([("app", .string("svc-\(index)"))]))),
            ]))),
        ]))
    }

    private static func slice(_ index: Int, endpoints: Int) -> JSONValue {
        let addresses = (0..<endpoints).map { endpoint -> JSONValue in
            let n = index * endpoints + endpoint
            return .object(JSONObject([
                ("addresses", .array([.string("10.\(128 + n / 65_536).\(n / 256 % 256).\(n % 256)")])),
                ("conditions", .object(JSONObject([("ready", .bool(true)), ("serving", .bool(true)),
                                                   ("terminating", .bool(false))]))),
                ("nodeName", .string("node-\(n % 5000)")),
            ]))
        }
        return .object(JSONObject([
            ("apiVersion", .string("discovery.k8s.io/v1")), ("kind", .string("EndpointSlice")),
            ("metadata", metadata("svc-\(index)-abcde", "ns-\(index % 100)", labels: [
                ("kubernetes.io/service-name", .string("svc-\(index)")),
                ("endpointslice.kubernetes.io/managed-by", .string("endpointslice-controller.k8s.io")),
            ])),
            ("addressType", .string("IPv4")), ("endpoints", .array(addresses)),
            ("ports", .array([.object(JSONObject([("name", .string("http")), ("protocol", .string("TCP")),
                                                  ("port", .int(8080))]))])),
        ]))
    }

    private static func node() -> JSONValue {
        .object(JSONObject([("apiVersion", .string("v1")), ("kind", .string("Node")),
                            ("metadata", .object(JSONObject([("name", .string(nodeName))]))),
                            ("spec", .object(JSONObject([("podCIDRs", .array([.string("10.244.0.0/24")]))])))]))
    }
}
