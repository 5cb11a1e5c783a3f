import Foundation
import Testing

/// The built `kube-ipvs` executable: kube-proxy's command lines are accepted or refused as kube-proxy
/// does, and `plan` derives the node name as the daemon does.
@Suite struct CommandLineBinaryTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = KubeIPVSCommandLine.binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func temporary(_ name: String, _ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kipvs-cli-\(UUID().uuidString)-\(name)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [
        (["--healthz-bind-address", "garbage"], "Error: --healthz-bind-address: invalid argument \"garbage\": not in a valid format (ip or ip:port)"),
        (["--ipvs-sync-period=9999999999h"], "Error: --ipvs-sync-period: invalid argument \"9999999999h\": duration out of range (at most 2562047h47m16.854775807s)"),
        (["--no-such-flag"], "Error: --no-such-flag: unknown flag"),
        (["--masquerade-all", "true"], "Error: kube-ipvs: does not take any arguments, got [\"true\"]"),
    ])
    func badCommandLinesExitOneWithTheReason(_ arguments: [String], _ message: String) throws {
        let (status, output) = try Self.run(arguments)
        #expect(status == 1 && output.hasPrefix(message + "\n"), "\(status) \(output)")
    }

    @Test func kubeProxyFormsAreAcceptedAndTheEffectiveConfigurationWritten() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("kipvs-cli-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (status, output) = try Self.run(["--masquerade-all=true", "--ipvs-strict-arp=T", "-v=4", "--conntrack-min", "5",
                                             "--feature-gates=Foo=true", "--hostname-override=NODE1",
                                             "--healthz-bind-address=127.0.0.1", "--write-config-to=\(out)"])
        #expect(status == 0, "\(output)")
        let yaml = try String(contentsOfFile: out, encoding: .utf8)
        for line in ["  masqueradeAll: true", "  strictARP: true", "  verbosity: 4", "  min: 5", "  Foo: true",
                     "hostnameOverride: node1", "healthzBindAddress: 127.0.0.1:10256"] {
            #expect(yaml.contains("\n" + line + "\n"), "\(line) in:\n\(yaml)")
        }
    }

    @Test func planDerivesTheNodeNameAsTheDaemon() throws {
        let manifests = try Self.temporary("local.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec:
              type: NodePort
              clusterIP: 10.96.0.10
              externalTrafficPolicy: Local
              ports:
              - {name: http, protocol: TCP, port: 80, targetPort: 8080, nodePort: 30080}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports:
            - {name: http, protocol: TCP, port: 8080}
            endpoints:
            - {addresses: ["10.244.1.2"], conditions: {ready: true}, nodeName: node1}
            - {addresses: ["10.244.2.2"], conditions: {ready: true}, nodeName: node2}
            """)
        defer { try? FileManager.default.removeItem(atPath: manifests) }
        func plan(_ node: String) throws -> String {
            let r = try Self.run(["plan", "--manifests", manifests, "--hostname-override", node, "--node-ip", "192.0.2.1"])
            #expect(r.status == 0, "\(r.output)")
            return r.output
        }
        let lower = try plan("node1")
        #expect(try plan("NODE1") == lower && (try plan(" Node1 ")) == lower)
        #expect(try plan("node2") != lower, "the node name decides the Local endpoints")
    }
}
