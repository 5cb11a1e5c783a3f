import Foundation
import KubeIPVSDaemon
import Testing
import Yams

/// deploy/ holds what an operator applies: every object must be one the API server accepts, and the
/// DaemonSet, RBAC and ConfigMap must fit together and fit what kube-ipvs actually accepts and needs.
@Suite("deploy manifests")
struct DeployManifestsTests {
    /// apiVersion/kind pairs deploy/ may contain, with the fields their top level may have.
    static let kinds: [String: Set<String>] = [
        "v1/ServiceAccount": ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
        "v1/ConfigMap": ["data", "binaryData", "immutable"],
        "rbac.authorization.k8s.io/v1/ClusterRole": ["rules", "aggregationRule"],
        "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ["roleRef", "subjects"],
        "apps/v1/DaemonSet": ["spec"],
        // deploy/examples: the objects kube-ipvs reads.
        "v1/Service": ["spec", "status"],
        "discovery.k8s.io/v1/EndpointSlice": ["addressType", "endpoints", "ports"],
        "v1/Node": ["spec", "status"],
    ]
    static let clusterScoped: Set<String> = ["ClusterRole", "ClusterRoleBinding", "Node"]
    static let podSpecFields: Set<String> = [
        "activeDeadlineSeconds", "affinity", "automountServiceAccountToken", "containers", "dnsConfig", "dnsPolicy",
        "enableServiceLinks", "hostAliases", "hostIPC", "hostNetwork", "hostPID", "hostUsers", "hostname",
        "imagePullSecrets", "initContainers", "nodeName", "nodeSelector", "os", "preemptionPolicy", "priority",
        "priorityClassName", "restartPolicy", "runtimeClassName", "schedulerName", "securityContext",
        "serviceAccountName", "shareProcessNamespace", "terminationGracePeriodSeconds", "tolerations",
        "topologySpreadConstraints", "volumes",
    ]
    static let containerFields: Set<String> = [
        "args", "command", "env", "envFrom", "image", "imagePullPolicy", "lifecycle", "livenessProbe", "name", "ports",
        "readinessProbe", "resources", "securityContext", "startupProbe", "terminationMessagePath",
        "terminationMessagePolicy", "volumeMounts", "workingDir",
    ]

    @Test func everyFileParsesIntoKnownObjectsWithValidNames() throws {
        let files = try DeployManifests.yamlFiles()
        #expect(Set(files).isSuperset(of: ["deploy/configmap.yaml", "deploy/daemonset.yaml",
                                           "deploy/examples/cluster.yaml", "deploy/rbac.yaml"]))
        for (file, object) in try DeployManifests.allObjects() {
            let kind = object["kind"]?.string ?? "", apiVersion = object["apiVersion"]?.string ?? ""
            let where_ = "\(file): \(apiVersion) \(kind) \(object.name ?? "<no name>")"
            guard let fields = Self.kinds["\(apiVersion)/\(kind)"] else {
                Issue.record("\(where_): not a known apiVersion/kind")
                continue
            }
            let unknown = Set(object.keyNames).subtracting(fields.union(["apiVersion", "kind", "metadata"]))
            #expect(unknown.isEmpty, "\(where_): unknown top-level fields \(unknown.sorted())")
            let metaUnknown = Set(object["metadata"]?.keyNames ?? [])
                .subtracting(["name", "namespace", "labels", "annotations"])
            #expect(metaUnknown.isEmpty, "\(where_): unknown metadata fields \(metaUnknown.sorted())")
            let name = object.name ?? ""
            let validName = switch kind {
            case "ClusterRole", "ClusterRoleBinding": KubeNames.isPathSegment(name)
            case "Service": KubeNames.isDNS1035Label(name)
            default: KubeNames.isDNSSubdomain(name)
            }
            #expect(validName, "\(where_): metadata.name is not a valid \(kind) name")
            if Self.clusterScoped.contains(kind) {
                #expect(object.namespace == nil, "\(where_): cluster-scoped but has a namespace")
            } else if !file.hasPrefix("deploy/examples/") {
                #expect(object.namespace == "kube-system", "\(where_): the daemon's objects live in kube-system")
            }
            for (key, value) in object["metadata"]?["labels"]?.stringMap ?? [:] {
                #expect(value.utf8.count <= 63 && !key.isEmpty, "\(where_): bad label \(key)=\(value)")
            }
        }
    }

    @Test func daemonSetRunsPrivilegedOnTheHostNetworkWithModules() throws {
        let ds = try DeployManifests.object("DaemonSet", in: "deploy/daemonset.yaml")
        let selector = ds["spec"]?["selector"]?["matchLabels"]?.stringMap ?? [:]
        let labels = ds["spec"]?["template"]?["metadata"]?["labels"]?.stringMap ?? [:]
        #expect(!selector.isEmpty)
        #expect(selector.allSatisfy { labels[$0.key] == $0.value }, "selector \(selector) must match \(labels)")
        let pod = try #require(ds["spec"]?["template"]?["spec"])
        let podUnknown = Set(pod.keyNames).subtracting(Self.podSpecFields)
        #expect(podUnknown.isEmpty, "unknown pod spec fields \(podUnknown.sorted())")
        #expect(pod["hostNetwork"]?.bool == true)
        // Cluster DNS sits behind a ClusterIP only a running service proxy serves: the node's resolver.
        #expect(pod["dnsPolicy"]?.string == "Default", "the daemon must not depend on cluster DNS")
        let container = try Self.kubeIPVSContainer(ds)
        let containerUnknown = Set(container.keyNames).subtracting(Self.containerFields)
        #expect(containerUnknown.isEmpty, "unknown container fields \(containerUnknown.sorted())")
        #expect(container["securityContext"]?["privileged"]?.bool == true)

        let volumes = Dictionary(uniqueKeysWithValues: pod["volumes"]?.array().compactMap { v in
            v["name"]?.string.map { ($0, v) } } ?? [])
        let mounts = container["volumeMounts"]?.array() ?? []
        for mount in mounts {
            #expect(volumes[mount["name"]?.string ?? ""] != nil, "volumeMount \(mount["name"]?.string ?? "") has no volume")
        }
        let modules = try #require(mounts.first { $0["mountPath"]?.string == "/lib/modules" }, "/lib/modules not mounted")
        #expect(modules["readOnly"]?.bool == true, "/lib/modules must be mounted read-only")
        let modulesVolume = volumes[modules["name"]?.string ?? ""]
        #expect(modulesVolume?["hostPath"]?["path"]?.string == "/lib/modules")

        let rbac = try DeployManifests.object("ServiceAccount", in: "deploy/rbac.yaml")
        #expect(pod["serviceAccountName"]?.string == rbac.name && ds.namespace == rbac.namespace)
    }

    @Test func daemonSetCommandIsAcceptedByKubeIPVSAndResolves() throws {
        let ds = try DeployManifests.object("DaemonSet", in: "deploy/daemonset.yaml")
        let container = try Self.kubeIPVSContainer(ds)
        let command = container["command"]?.array(of: String.self) ?? []
        #expect(command.first?.hasSuffix("/kube-ipvs") == true, "command \(command) does not run kube-ipvs")
        #expect(container["args"] == nil, "arguments are all in command")
        let env = Set(container["env"]?.array().compactMap { $0["name"]?.string } ?? [])
        // Kubernetes expands $(VAR) from the container's env; an undefined one stays literal.
        let expanded = try command.dropFirst().map { token in
            try Self.expand(token, env: env, value: "node1")
        }
        let line = try KubeIPVSCommandLine(expanded, accepted: try KubeIPVSCommandLine.acceptedOptions())
        #expect(line.value("hostname-override") == "node1")

        // --config names the ConfigMap's key under the ConfigMap volume's mount path.
        let configPath = try #require(line.value("config"), "no --config")
        let cm = try DeployManifests.object("ConfigMap", in: "deploy/configmap.yaml")
        let pod = try #require(ds["spec"]?["template"]?["spec"])
        let volume = try #require(pod["volumes"]?.array().first { $0["configMap"]?["name"]?.string == cm.name },
                                  "no volume of ConfigMap \(cm.name ?? "")")
        let mount = try #require(container["volumeMounts"]?.array().first { $0["name"] == volume["name"] })
        let directory = (mount["mountPath"]?.string ?? "") + "/"
        #expect(configPath.hasPrefix(directory))
        let key = String(configPath.dropFirst(directory.count))
        #expect(cm["data"]?[key]?.string != nil, "ConfigMap has no key \(key) for --config \(configPath)")

        let options = try DaemonOptions.resolve(flags: try line.daemonFlags(), file: try Self.configFile(key: key))
        // The probes reach the healthz server the options bind, on paths it serves.
        let healthz = try #require(BindAddress(options.healthzBindAddress))
        let ports = container["ports"]?.array() ?? []
        for probe in ["livenessProbe", "readinessProbe"] {
            let get = try #require(container[probe]?["httpGet"], "\(probe) is not an httpGet probe")
            let port = get["port"]?.int ?? ports.first { $0["name"] == get["port"] }?["containerPort"]?.int
            #expect(port == healthz.port, "\(probe) port \(port.map(String.init) ?? "?") is not healthz \(healthz.port)")
            #expect(["/healthz", "/livez"].contains(get["path"]?.string ?? ""), "\(probe) path is not served")
        }
    }

    /// kube-apiserver's bootstrap ClusterRole system:node-proxier (plugin/pkg/auth/authorizer/rbac/
    /// bootstrappolicy/policy.go, v1.28; docs/deploying.md): what kubeadm binds kube-proxy to.
    static let nodeProxierRules: [(groups: [String], resources: [String], verbs: [String])] = [
        ([""], ["services", "endpoints"], ["list", "watch"]),
        ([""], ["nodes"], ["get", "list", "watch"]),
        (["", "events.k8s.io"], ["events"], ["create", "update", "patch"]),
        (["discovery.k8s.io"], ["endpointslices"], ["list", "watch"]),
    ]

    @Test func serviceAccountIsBoundToNodeProxierWhichGrantsWhatTheDaemonReads() throws {
        func grants(_ verb: String, _ resource: String, _ group: String) -> Bool {
            Self.nodeProxierRules.contains { $0.groups.contains(group) && $0.resources.contains(resource) && $0.verbs.contains(verb) }
        }
        for verb in ["list", "watch"] {
            #expect(grants(verb, "services", ""), "\(verb) services")
            #expect(grants(verb, "nodes", ""), "\(verb) nodes")
            #expect(grants(verb, "endpointslices", "discovery.k8s.io"), "\(verb) endpointslices")
        }
        #expect(grants("create", "events", "events.k8s.io") && grants("create", "events", ""))

        let objects = try DeployManifests.documents("deploy/rbac.yaml")
        #expect(objects.compactMap { $0["kind"]?.string }.sorted() == ["ClusterRoleBinding", "ServiceAccount"],
                "the built-in role is used, not a copy that would drift from it")
        let binding = try DeployManifests.object("ClusterRoleBinding", in: "deploy/rbac.yaml")
        let account = try DeployManifests.object("ServiceAccount", in: "deploy/rbac.yaml")
        #expect(binding["roleRef"]?["kind"]?.string == "ClusterRole")
        #expect(binding["roleRef"]?["apiGroup"]?.string == "rbac.authorization.k8s.io")
        #expect(binding["roleRef"]?["name"]?.string == "system:node-proxier")
        let subjects = binding["subjects"]?.array() ?? []
        #expect(subjects.contains { $0["kind"]?.string == "ServiceAccount" && $0["name"]?.string == account.name
            && $0["namespace"]?.string == account.namespace })
        #expect(account["automountServiceAccountToken"]?.bool != false, "the daemon authenticates with the token")
    }

    @Test func configMapHoldsAKubeProxyConfigurationThatResolves() throws {
        let cm = try DeployManifests.object("ConfigMap", in: "deploy/configmap.yaml")
        #expect(cm["data"]?.keyNames.sorted() == ["config.conf", "kubeconfig.conf"])
        let text = try #require(cm["data"]?["config.conf"]?.string)
        let node = try #require(try compose(yaml: text))
        // kube-ipvs ignores fields it does not read: a misspelt one would be silently dropped.
        let known: Set<String> = ["apiVersion", "kind", "mode", "clusterCIDR", "hostnameOverride", "healthzBindAddress",
                                  "metricsBindAddress", "nodePortAddresses", "ipvs", "iptables", "clientConnection"]
        #expect(Set(node.keyNames).subtracting(known).isEmpty, "fields kube-ipvs does not read: \(node.keyNames)")
        let ipvsKnown: Set<String> = ["scheduler", "syncPeriod", "minSyncPeriod", "strictARP", "excludeCIDRs",
                                      "tcpTimeout", "tcpFinTimeout", "udpTimeout"]
        let ipvsKeys = Set(node["ipvs"]?.keyNames ?? [])
        #expect(ipvsKeys.isSubset(of: ipvsKnown), "ipvs fields kube-ipvs does not read: \(ipvsKeys.subtracting(ipvsKnown))")
        let file = try Self.configFile(key: "config.conf")
        #expect(file.apiVersion == "kubeproxy.config.k8s.io/v1alpha1" && file.kind == "KubeProxyConfiguration")
        let options = try DaemonOptions.resolve(flags: DaemonFlags(), file: file)
        #expect(options.mode == .ipvs && options.proxy.scheduler == .roundRobin)
        #expect(options.syncPeriod == .seconds(30) && options.minSyncPeriod == .seconds(1))
        #expect(BindAddress(options.healthzBindAddress)?.port == 10256)
        #expect(BindAddress(options.metricsBindAddress) != nil)
    }

    /// The container that runs kube-ipvs.
    static func kubeIPVSContainer(_ ds: Node) throws -> Node {
        let containers = ds["spec"]?["template"]?["spec"]?["containers"]?.array() ?? []
        return try #require(containers.first { $0["name"]?.string == "kube-ipvs" }, "no kube-ipvs container")
    }

    /// The ConfigMap's `key` decoded the way `kube-ipvs --config` decodes the file.
    static func configFile(key: String) throws -> KubeProxyConfigurationFile {
        let cm = try DeployManifests.object("ConfigMap", in: "deploy/configmap.yaml")
        let text = try #require(cm["data"]?[key]?.string)
        return try YAMLDecoder().decode(KubeProxyConfigurationFile.self, from: text)
    }

    /// `$(VAR)` replaced by `value` when VAR is in `env`; throws for an undefined reference.
    static func expand(_ token: String, env: Set<String>, value: String) throws -> String {
        var out = token
        while let open = out.range(of: "$("), let close = out[open.upperBound...].firstIndex(of: ")") {
            let name = String(out[open.upperBound..<close])
            guard env.contains(name) else { throw ManifestProblem("\(token) refers to $(\(name)), not in env") }
            out.replaceSubrange(open.lowerBound...close, with: value)
        }
        return out
    }
}
