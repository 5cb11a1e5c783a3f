import Foundation
import KubeIPVSIptables
import KubeIPVSSources
import KubeIPVSTesting
import Testing

/// The DaemonSet's pod run for real on a node namespace with no service proxy: the built `kube-ipvs` with
/// exactly the container's command line and environment (the kubelet's `KUBERNETES_SERVICE_*` included,
/// pointing at a ClusterIP nothing serves yet), every volumeMount a directory bound at its path in a
/// private mount namespace, and the ConfigMap's kubeconfig pointed at `kube-ipvs-test-apiserver` (HTTPS,
/// bearer token required) in the node namespace: the daemon must reach it, sync the example cluster and
/// answer kube-proxy's probes.
@Suite(.serialized, .enabled(if: NetnsLab.isUsable || ProcessInfo.processInfo.environment["KUBE_IPVS_REQUIRE_TIERS"] == "1",
                             "needs root and ip netns"))
struct DeployPodRunTests {
    static let token = "deploy-test-token"
    static let server = "https://127.0.0.1:6443"

    @Test func daemonSetPodBootstrapsAgainstTheControlPlaneEndpoint() throws {
        try #require(NetnsLab.isUsable, "host tier required but root/ip netns are missing")
        let pod = try DeployPod.fromDeploy()
        let lab = try NetnsLab(prefix: "kdep")
        defer { lab.destroy() }
        let node = try lab.addNamespace("node")
        let tls = DeployManifests.root.appendingPathComponent("Tests/KubeIPVSSourcesTests/Fixtures/tls").path
        let apiServer = try lab.start(node, [try Self.binary("kube-ipvs-test-apiserver"), "--listen", "127.0.0.1:6443",
                                             "--seed", DeployManifests.root.appendingPathComponent("deploy/examples").path,
                                             "--token", Self.token, "--tls-cert", tls + "/server.crt",
                                             "--tls-key", tls + "/server.key"], log: "apiserver.log")
        try lab.waitFor("the test API server to listen", seconds: 15) {
            guard apiServer.isRunning else { throw LabError(message: "test API server exited: \(apiServer.log())") }
            return apiServer.log().contains("listening on")
        }

        let script = try Self.mountScript(pod, lab: lab, ca: tls + "/ca.crt")
        let daemon = try lab.start(node, ["unshare", "-m", "--propagation", "private", "sh", "-ec", script, "pod"]
                                   + pod.command, log: "kube-ipvs.log", environment: pod.environment)
        defer { _ = daemon.stop() }
        try lab.waitFor("the pod's readiness probe (/healthz on 10256) to pass", seconds: 30) {
            guard daemon.isRunning else { throw LabError(message: "kube-ipvs exited: \(daemon.log())") }
            return try lab.run(node, ["curl", "-fsS", "-m", "2", "http://127.0.0.1:10256/healthz"]).status == 0
        }
        #expect(try lab.run(node, ["curl", "-fsS", "-m", "2", "http://127.0.0.1:10256/livez"]).status == 0)
        // The example cluster came through the API server: demo/web-nodeport's ClusterIP and NodePort reach
        // the node's rules (the fallback proxier here; this kernel has no ip_vs). /healthz answers 200 from
        // the start, as kube-proxy's, so the first sync may still be running: wait for it, bounded.
        try lab.waitFor("demo/web-nodeport's ClusterIP and NodePort in the node's nat rules", seconds: 20) {
            let rules = try lab.must(node, ["iptables-save", "-t", "nat"])
            return rules.contains("10.96.198.132/32") && rules.contains("30080")
        }
    }

    /// `sh -ec` text that mounts every volume of `pod` at its path (tmpfs over /run and /var/lib first, so
    /// nothing is created on the host) and the built kube-ipvs at the image's entry point, then execs the
    /// command it is given.
    static func mountScript(_ pod: DeployPod, lab: NetnsLab, ca: String) throws -> String {
        var lines = ["mount -t tmpfs tmpfs /run", "mount -t tmpfs tmpfs /var/lib"]
        for (index, mount) in pod.mounts.enumerated() {
            guard ["/run/", "/var/run/", "/var/lib/", "/lib/modules"].contains(where: { mount.path.hasPrefix($0) }) else {
                throw ManifestProblem("mount \(mount.path): outside what this test can stage without touching the host")
            }
            let path = mount.path.hasPrefix("/var/run/") ? "/run/" + mount.path.dropFirst("/var/run/".count) : mount.path
            let source = lab.workdir.appendingPathComponent("volume-\(index)")
            var isFile = false
            switch mount.source {
            case .configMap(let data):
                try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
                for (key, value) in data {
                    let text = value.replacingOccurrences(of: DeployBootstrapTests.placeholderServer, with: server)
                    try text.write(to: source.appendingPathComponent(key), atomically: true, encoding: .utf8)
                }
            case .serviceAccount:
                try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
                try token.write(to: source.appendingPathComponent("token"), atomically: true, encoding: .utf8)
                try "kube-system".write(to: source.appendingPathComponent("namespace"), atomically: true, encoding: .utf8)
                try FileManager.default.copyItem(atPath: ca, toPath: source.appendingPathComponent("ca.crt").path)
            case .hostPath(let hostPath, let type):
                isFile = type == "FileOrCreate"
                if hostPath == "/lib/modules" {   // read-only, and the only host path the pod reads
                    lines.append("mount --bind -o ro /lib/modules /lib/modules")
                    continue
                }
                if isFile {
                    _ = FileManager.default.createFile(atPath: source.path, contents: nil)
                } else {
                    try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
                }
            }
            lines.append(isFile ? "mkdir -p '\((path as NSString).deletingLastPathComponent)'; touch '\(path)'" : "mkdir -p '\(path)'")
            lines.append("mount --bind\(mount.readOnly ? " -o ro" : "") '\(source.path)' '\(path)'")
        }
        // The image's entry point path holds the built kube-ipvs.
        let entry = try #require(pod.command.first)
        let entryDirectory = (entry as NSString).deletingLastPathComponent
        lines += ["mount -t tmpfs tmpfs '\(entryDirectory)'", "touch '\(entry)'",
                  "mount --bind -o ro '\(try binary("kube-ipvs"))' '\(entry)'"]
        lines.append("exec \"$@\"")
        return lines.joined(separator: "\n")
    }

    /// An executable built next to the test bundle (`swift build --build-tests` builds every product).
    static func binary(_ name: String) throws -> String {
        let path = KubeIPVSCommandLine.binary.deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LabError(message: "\(name) is not built at \(path): run `swift build --build-tests` first")
        }
        return path
    }
}
