import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSSources
import Testing

/// kubeproxy_sync_proxy_rules_no_local_endpoints_total: services with a Local policy whose endpoints are
/// all on other nodes, counted by the IPVS proxier at every sync (full or partial).
struct NoLocalEndpointsTests {
    static func objects(etpNode: String) -> ManifestObjects {
        func slice(_ service: String, node: String?) -> String {
            let endpoints = node.map { "endpoints: [{addresses: [\"10.244.2.5\"], conditions: {ready: true}, nodeName: \($0)}]" }
                ?? "endpoints: []"
            return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: \(service)-1, namespace: nl, labels: {kubernetes.io/service-name: \(service)}}
                addressType: IPv4
                ports: [{name: http, port: 8080, protocol: TCP}]
                \(endpoints)
                """
        }
        func service(_ name: String, ip: String, spec: String, nodePort: Int? = nil) -> String {
            """
            apiVersion: v1
            kind: Service
            metadata: {name: \(name), namespace: nl}
            spec:
              clusterIP: \(ip)
              \(spec)
              ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP\(nodePort.map { ", nodePort: \($0)" } ?? "")}]
            """
        }
        let text = [
            service("itp", ip: "10.96.50.1", spec: "internalTrafficPolicy: Local"), slice("itp", node: "node2"),
            service("itp-none", ip: "10.96.50.2", spec: "internalTrafficPolicy: Local"), slice("itp-none", node: nil),
            service("etp", ip: "10.96.50.3", spec: "type: NodePort\n  externalTrafficPolicy: Local", nodePort: 30501),
            slice("etp", node: etpNode),
            service("cluster", ip: "10.96.50.4", spec: "type: NodePort", nodePort: 30502), slice("cluster", node: "node2"),
        ].joined(separator: "\n---\n")
        return ManifestLoader.decode(text: text, format: .yaml, source: "test")
    }

    @Test("internal and external Local policies without a local endpoint are counted; none at all or Cluster is not")
    func counts() async throws {
        var f = try ProxierFixture()
        let first = Self.objects(etpNode: "node2")
        #expect(first.rejections.isEmpty, "\(first.rejections)")
        f.store.replaceServices(first.services)
        f.store.replaceSlices(first.endpointSlices)
        let outcome = await f.sync(full: true)
        #expect(outcome.noLocalEndpoints?.internal == 1)
        #expect(outcome.noLocalEndpoints?.external == 1)
        // The etp endpoint moves to this node: a partial sync updates the count.
        for slice in Self.objects(etpNode: "node1").endpointSlices where slice.serviceName == "etp" { f.store.upsert(slice) }
        let after = await f.sync()
        #expect(after.noLocalEndpoints?.internal == 1)
        #expect(after.noLocalEndpoints?.external == 0)
    }
}
