import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSSources
import Testing
import Yams

/// The DaemonSet bootstraps a node with no service proxy yet (docs/deploying.md): every reference in the
/// rendered pod resolves, and the API server is reached at the control-plane endpoint with the pod's token.
@Suite("deploy bootstrap")
struct DeployBootstrapTests {
    /// The placeholder an operator replaces with the control-plane endpoint.
    static let placeholderServer = "https://control-plane.example:6443"

    @Test func imageIsTheOneBuildImageTags() throws {
        let pod = try DeployPod.fromDeploy()
        let (repository, tag) = try #require(pod.image.lastIndex(of: ":").map {
            (String(pod.image[..<$0]), String(pod.image[pod.image.index(after: $0)...]))
        }, "image \(pod.image) has no tag")
        // scripts/build-image.sh tags the image with the version `kube-ipvs --version` prints.
        #expect(tag == KubeIPVSCoreVersion.version, "image tag \(tag) is not the version \(KubeIPVSCoreVersion.version)")
        #expect(repository.split(separator: "/").last == "kube-ipvs" && !repository.contains("@"))
        #expect(pod.command.first == "/usr/local/bin/kube-ipvs", "the image's entry point is /usr/local/bin/kube-ipvs")
    }

    @Test func everyPathTheDaemonReadsResolvesToAMount() throws {
        let pod = try DeployPod.fromDeploy()
        #expect(Set(pod.mounts.map(\.path)).count == pod.mounts.count, "two mounts at one path")
        let line = try KubeIPVSCommandLine(Array(pod.command.dropFirst()), accepted: try KubeIPVSCommandLine.acceptedOptions())
        #expect(line.value("hostname-override") == DeployPod.nodeName)
        let configText = try Self.file(pod, try #require(line.value("config"), "no --config"))
        let config = try YAMLDecoder().decode(KubeProxyConfigurationFile.self, from: configText)
        let options = try DaemonOptions.resolve(flags: try line.daemonFlags(), file: config)
        let kubeconfigPath = try #require(options.kubeconfig, "no kubeconfig: the in-cluster config needs a service proxy")
        let kubeconfig = try Kubeconfig.parse(try Self.file(pod, kubeconfigPath), source: kubeconfigPath)
        let context = try #require(kubeconfig.contexts[kubeconfig.currentContext ?? ""], "no current context")
        let cluster = try #require(kubeconfig.clusters[context.cluster])
        let user = try #require(context.user.flatMap { kubeconfig.users[$0] })
        // The control-plane endpoint, never the `kubernetes` Service (a ClusterIP or a cluster DNS name).
        #expect(cluster.server == Self.placeholderServer, "server \(cluster.server ?? "none")")
        // The token and CA are the projected service-account volume's files.
        let account = ClientConfiguration.serviceAccountDirectory
        #expect(cluster.certificateAuthority == account + "/ca.crt")
        #expect(user.tokenFile == account + "/token")
        for path in [cluster.certificateAuthority, user.tokenFile].compactMap({ $0 }) {
            #expect(pod.resolve(path)?.mount.source == .serviceAccount, "\(path) is not the service-account volume")
        }
        // State that outlives the pod: /run/kube-ipvs on the node.
        let state = try #require(pod.mounts.first { $0.path == "/run/kube-ipvs" }, "/run/kube-ipvs not mounted")
        #expect(state.source == .hostPath("/run/kube-ipvs", type: "DirectoryOrCreate") && !state.readOnly)
        #expect(BindAddress(options.healthzBindAddress)?.port == 10256)
    }

    @Test func probesAreKubeProxys() throws {
        let ds = try DeployManifests.object("DaemonSet", in: "deploy/daemonset.yaml")
        let container = try DeployManifestsTests.kubeIPVSContainer(ds)
        #expect(container["livenessProbe"]?["httpGet"]?["path"]?.string == "/livez")
        #expect(container["readinessProbe"]?["httpGet"]?["path"]?.string == "/healthz")
        let hostPort = container["ports"]?.array().first { $0["containerPort"]?.int == 10256 }?["hostPort"]?.int
        #expect(hostPort == 10256, "kube-proxy's healthz port, so load balancers' node checks keep working")
    }

    /// The text of the ConfigMap file at `path` inside the container.
    static func file(_ pod: DeployPod, _ path: String) throws -> String {
        let resolved = try #require(pod.resolve(path), "\(path) is under no mount")
        guard case .configMap(let data) = resolved.mount.source else {
            throw ManifestProblem("\(path) is not a ConfigMap file")
        }
        return try #require(data[resolved.relative], "ConfigMap has no key \(resolved.relative) for \(path)")
    }
}
