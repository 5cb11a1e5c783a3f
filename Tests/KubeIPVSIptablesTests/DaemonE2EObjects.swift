import Foundation
import KubeIPVSTesting

/// Services and EndpointSlices (YAML) for the daemon end-to-end tests, all in namespace `e2e`, with
/// the pods of a ``PodNetwork`` as endpoints. The daemon runs as node `node1`; pods placed on
/// `node2` are remote endpoints.
enum DaemonE2EObjects {
    /// `pod1@node1`: the pod's IPv4 address, on that node.
    struct Member {
        var pod: PodNetwork.Pod
        var node: String
    }

    /// Every pod, all on `node` unless listed in `local` (then on node1).
    static func members(_ net: PodNetwork, local: Set<String> = [], node: String = "node2") -> [Member] {
        net.pods.map { Member(pod: $0, node: local.contains($0.name) ? "node1" : node) }
    }

    /// A Service with one port (`http` TCP 80→8080 unless told otherwise); `spec` adds spec lines.
    static func service(_ name: String, clusterIP: String, port: Int = 80, targetPort: Int = 8080,
                        portName: String = "http", proto: String = "TCP", nodePort: Int? = nil,
                        spec: [String] = []) -> String {
        let type = nodePort == nil ? [] : ["type: NodePort"]
        let node = nodePort.map { ", nodePort: \($0)" } ?? ""
        return """
            apiVersion: v1
            kind: Service
            metadata: {name: \(name), namespace: e2e}
            spec:
            \((type + ["clusterIP: \"\(clusterIP)\""] + spec).map { "  " + $0 }.joined(separator: "\n"))
              ports:
              - {name: \(portName), protocol: \(proto), port: \(port), targetPort: \(targetPort)\(node)}

            """
    }

    /// The EndpointSlice `<service>-1` of `service` with ready `members` on `port`.
    static func slice(_ service: String, _ members: [Member], port: Int = 8080, portName: String = "http",
                      proto: String = "TCP") -> String {
        let endpoints = members.map {
            "- {addresses: [\"\($0.pod.ipv4)\"], conditions: {ready: true, serving: true, terminating: false}, "
                + "nodeName: \($0.node)}"
        }
        return """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: \(service)-1
              namespace: e2e
              labels: {kubernetes.io/service-name: \(service)}
            addressType: IPv4
            ports:
            - {name: \(portName), protocol: \(proto), port: \(port)}
            endpoints:\(endpoints.isEmpty ? " []" : "\n" + endpoints.joined(separator: "\n"))

            """
    }

    /// Documents joined into one YAML stream.
    static func stream(_ documents: [String]) -> String { documents.joined(separator: "---\n") }

    /// The cluster the API-server case starts from:
    /// - `web`: NodePort 30080, ClusterIP 10.96.0.10, externalIP 192.0.2.10, all pods (remote);
    /// - `sticky`: ClusterIP 10.96.0.11, ClientIP affinity;
    /// - `local`: NodePort 30090, ClusterIP 10.96.0.12, externalTrafficPolicy Local, pod1 on node1;
    /// - `internal`: ClusterIP 10.96.0.13, internalTrafficPolicy Local, pod2 on node1;
    /// - `dns`: UDP ClusterIP 10.96.0.53:53 → 5353, all pods.
    static func cluster(_ net: PodNetwork) -> String {
        let all = members(net)
        return stream([
            service("web", clusterIP: "10.96.0.10", nodePort: 30080, spec: ["externalIPs: [\"192.0.2.10\"]"]),
            slice("web", all),
            service("sticky", clusterIP: "10.96.0.11",
                    spec: ["sessionAffinity: ClientIP", "sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}"]),
            slice("sticky", all),
            service("local", clusterIP: "10.96.0.12", nodePort: 30090, spec: ["externalTrafficPolicy: Local"]),
            slice("local", members(net, local: ["pod1"])),
            service("internal", clusterIP: "10.96.0.13", spec: ["internalTrafficPolicy: Local"]),
            slice("internal", members(net, local: ["pod2"])),
            dnsService,
            dnsSlice(all),
        ])
    }

    static let dnsService = service("dns", clusterIP: "10.96.0.53", port: 53, targetPort: Int(PodNetwork.udpPort),
                                    portName: "dns", proto: "UDP")

    static func dnsSlice(_ members: [Member]) -> String {
        slice("dns", members, port: Int(PodNetwork.udpPort), portName: "dns", proto: "UDP")
    }
}
