import Foundation
import KubeIPVSSources
import Yams

/// The kube-ipvs pod the DaemonSet makes on a node, as the kubelet would start it: the container's
/// command line with `$(VAR)` expanded, its environment, and what each volumeMount shows (a
/// ConfigMap's keys as files, a hostPath, the service-account token volume).
struct DeployPod {
    /// What appears at a mount path.
    enum Source: Equatable {
        /// The ConfigMap's data, one file per key.
        case configMap([String: String])
        /// The node's path (`type` as written, "" when none).
        case hostPath(String, type: String)
        /// The projected service-account volume (token, ca.crt, namespace).
        case serviceAccount
    }

    /// One mount: where, what, whether read-only.
    struct Mount: Equatable {
        var path: String
        var source: Source
        var readOnly: Bool
    }

    /// The node name the kubelet substitutes for `spec.nodeName`.
    static let nodeName = "node1"

    var image: String
    var command: [String]
    var environment: [String: String]
    var mounts: [Mount]

    /// The pod from deploy/daemonset.yaml, deploy/configmap.yaml and deploy/rbac.yaml; throws for a
    /// reference that does not resolve (a mount without volume, an unknown ConfigMap, a `$(VAR)` not in env).
    static func fromDeploy() throws -> DeployPod {
        let ds = try DeployManifests.object("DaemonSet", in: "deploy/daemonset.yaml")
        let pod = try require(ds["spec"]?["template"]?["spec"], "DaemonSet has no pod template")
        let container = try DeployManifestsTests.kubeIPVSContainer(ds)
        var environment: [String: String] = [:]
        for variable in container["env"]?.array() ?? [] {
            let name = try require(variable["name"]?.string, "env entry without name")
            if let value = variable["value"]?.string {
                environment[name] = value
            } else if variable["valueFrom"]?["fieldRef"]?["fieldPath"]?.string == "spec.nodeName" {
                environment[name] = nodeName
            } else {
                throw ManifestProblem("env \(name): only values and spec.nodeName are modelled")
            }
        }
        let command = try (container["command"]?.array(of: String.self) ?? []).map { try expand($0, environment) }
        let volumes = Dictionary(uniqueKeysWithValues: (pod["volumes"]?.array() ?? []).compactMap { volume in
            volume["name"]?.string.map { ($0, volume) }
        })
        let configMaps = try DeployManifests.allObjects().filter { $0.object["kind"]?.string == "ConfigMap" }
        var mounts: [Mount] = []
        for mount in container["volumeMounts"]?.array() ?? [] {
            let name = mount["name"]?.string ?? ""
            let path = try require(mount["mountPath"]?.string, "volumeMount \(name) has no mountPath")
            let volume = try require(volumes[name], "volumeMount \(name) has no volume")
            let source: Source
            if let configMap = volume["configMap"]?["name"]?.string {
                let object = try require(configMaps.first { $0.object.name == configMap && $0.object.namespace == ds.namespace },
                                         "volume \(name): no ConfigMap \(configMap) in \(ds.namespace ?? "")")
                source = .configMap(object.object["data"]?.stringMap ?? [:])
            } else if let hostPath = volume["hostPath"]?["path"]?.string {
                source = .hostPath(hostPath, type: volume["hostPath"]?["type"]?.string ?? "")
            } else {
                throw ManifestProblem("volume \(name): only configMap and hostPath volumes are modelled")
            }
            mounts.append(Mount(path: path, source: source, readOnly: mount["readOnly"]?.bool ?? false))
        }
        let account = try DeployManifests.object("ServiceAccount", in: "deploy/rbac.yaml")
        if pod["automountServiceAccountToken"]?.bool != false, account["automountServiceAccountToken"]?.bool != false {
            mounts.append(Mount(path: ClientConfiguration.serviceAccountDirectory, source: .serviceAccount, readOnly: true))
        }
        // The image's own PATH (scripts/build-image.sh), under the container's env.
        environment["PATH"] = environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        // The kubelet always injects the `kubernetes` Service's address; the daemon must not need it.
        environment["KUBERNETES_SERVICE_HOST"] = "10.96.0.1"
        environment["KUBERNETES_SERVICE_PORT"] = "443"
        return DeployPod(image: container["image"]?.string ?? "", command: command, environment: environment,
                         mounts: mounts)
    }

    /// The file a path inside the container shows: (mount, key) for a ConfigMap file, nil when no mount
    /// covers it. A service-account path resolves to (mount, file name).
    func resolve(_ path: String) -> (mount: Mount, relative: String)? {
        mounts.filter { path.hasPrefix($0.path + "/") }.max { $0.path.count < $1.path.count }.map {
            ($0, String(path.dropFirst($0.path.count + 1)))
        }
    }

    static func expand(_ token: String, _ environment: [String: String]) throws -> String {
        var out = token
        while let open = out.range(of: "$("), let close = out[open.upperBound...].firstIndex(of: ")") {
            let name = String(out[open.upperBound..<close])
            guard let value = environment[name] else { throw ManifestProblem("\(token) refers to $(\(name)), not in env") }
            out.replaceSubrange(open.lowerBound...close, with: value)
        }
        return out
    }

    static func require<T>(_ value: T?, _ problem: String) throws -> T {
        guard let value else { throw ManifestProblem(problem) }
        return value
    }
}
