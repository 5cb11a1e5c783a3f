import Foundation
import KubeIPVSTesting
import Testing

/// A LoadBalancer Service with externalTrafficPolicy Local gets its healthCheckNodePort answered on every
/// address of both families, as kube-proxy's listener; the real daemon in a node namespace, asked with curl.
/// /healthz on the wildcard address too.
@Suite(.serialized) struct DaemonHealthCheckNodePortTests {
    typealias O = DaemonE2EObjects

    static func objects(_ net: PodNetwork) -> String {
        O.stream([
            """
            apiVersion: v1
            kind: Service
            metadata: {name: lb, namespace: e2e}
            spec:
              type: LoadBalancer
              clusterIP: "10.96.0.20"
              externalTrafficPolicy: Local
              healthCheckNodePort: 32095
              ports:
              - {name: http, protocol: TCP, port: 80, targetPort: 8080, nodePort: 30095}

            """,
            O.slice("lb", O.members(net, local: ["pod1"])),
        ])
    }

    @Test("healthCheckNodePort answers 200 with the local endpoint count over IPv4 and IPv6")
    func answersOnBothFamilies() throws {
        try DaemonE2E.requireHost()
        let lab = try NetnsLab(prefix: "khcnp")
        defer { lab.destroy() }
        let net = try PodNetwork.build(lab, pods: 2)
        let directory = lab.workdir.appendingPathComponent("manifests")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.objects(net).write(to: directory.appendingPathComponent("lb.yaml"), atomically: true, encoding: .utf8)
        // /healthz on the wildcard, as kubeadm's config has it: both families too.
        let harness = DaemonHarness(net, source: ["--manifests", directory.path],
                                    extra: ["--healthz-bind-address", "0.0.0.0:10256"])
        let daemon = try harness.start()
        defer { daemon.stop() }
        for url in ["http://127.0.0.1:32095/", "http://[::1]:32095/"] {
            var answer = ""
            try lab.waitFor("\(url) to answer", seconds: 10) {
                answer = try lab.run(net.node, ["curl", "-sS", "-m", "2", "-w", "\n%{http_code}", url]).stdout
                return answer.hasSuffix("\n200")
            }
            #expect(answer.contains("\"localEndpoints\": 1"), "\(url): \(answer)")
            #expect(answer.contains("\"name\": \"lb\""), "\(url): \(answer)")
        }
        for url in ["http://127.0.0.1:10256/livez", "http://[::1]:10256/livez"] {
            let code = try lab.must(net.node, ["curl", "-sS", "-m", "2", "-o", "/dev/null", "-w", "%{http_code}", url])
            #expect(code == "200", "\(url)")
        }
    }
}
