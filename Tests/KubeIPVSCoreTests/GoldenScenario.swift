import Foundation
import KubeIPVSCore
import KubeIPVSSources
import Yams

/// A golden scenario: `Golden/NAME.yaml` holds Kubernetes manifests plus one `kind: TestScenario`
/// document (node and proxy configuration); `Golden/NAME.golden` holds the expected
/// `IPVSPlanText` rendering. `KUBE_IPVS_UPDATE_GOLDEN=1` rewrites the golden files.
struct GoldenScenario {
    /// The `kind: TestScenario` document; every field optional.
    struct Settings: Decodable {
        struct Node: Decodable {
            var name: String?
            /// `interface address` pairs.
            var addresses: [String]?
            var primaryIPs: [String]?
            /// The Node's `topology.kubernetes.io/zone` label (absent: none).
            var zone: String?
        }

        struct Config: Decodable {
            var scheduler: String?
            /// `[all]`, `[primary]`, or CIDRs.
            var nodePortAddresses: [String]?
            var clusterCIDRs: [String]?
            var excludeCIDRs: [String]?
            var masqueradeAll: Bool?
        }

        var node: Node?
        var config: Config?
        /// Further manifest files (relative to the Golden directory).
        var include: [String]?
    }

    let name: String
    let objects: ManifestObjects
    let node: NodeContext
    let config: ProxyConfiguration

    static let updating = ProcessInfo.processInfo.environment["KUBE_IPVS_UPDATE_GOLDEN"] == "1"

    /// Golden files in the test bundle (read) and in the source tree (written when updating).
    static var bundleDirectory: String { Bundle.module.url(forResource: "Golden", withExtension: nil)!.path }
    static var sourceDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    }

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: bundleDirectory)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    init(_ name: String) throws {
        self.name = name
        let path = GoldenScenario.bundleDirectory + "/" + name + ".yaml"
        var objects = try ManifestLoader.load(path: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var settings = Settings()
        for document in try Yams.compose_all(yaml: text) where document.mapping?["kind"]?.string == "TestScenario" {
            settings = try YAMLDecoder().decode(Settings.self, from: document)
        }
        for file in settings.include ?? [] {
            objects.append(try ManifestLoader.load(path: GoldenScenario.bundleDirectory + "/" + file))
        }
        // Name manifest files relative to the Golden directory, wherever the bundle lives.
        objects.rejections = objects.rejections.map { rejection in
            var r = rejection
            r.object = r.object.replacingOccurrences(of: GoldenScenario.bundleDirectory + "/", with: "")
            return r
        }
        self.objects = objects
        node = try GoldenScenario.node(settings.node ?? Settings.Node())
        config = try GoldenScenario.config(settings.config ?? Settings.Config())
    }

    static func node(_ s: Settings.Node) throws -> NodeContext {
        let pairs = s.addresses ?? ["eth0 10.0.0.10", "lo 127.0.0.1", "lo ::1"]
        let addresses = try pairs.map { pair -> LocalAddress in
            let parts = pair.split(separator: " ")
            return LocalAddress(interface: String(parts[0]), address: try require(IPAddress(String(parts[1])), pair))
        }
        let primary = try (s.primaryIPs ?? ["10.0.0.10"]).map { try require(IPAddress($0), $0) }
        return NodeContext(name: s.name ?? "node1", localAddresses: addresses, primaryIPs: primary, zone: s.zone ?? "")
    }

    static func config(_ c: Settings.Config) throws -> ProxyConfiguration {
        let nodePorts: NodePortAddresses
        switch c.nodePortAddresses ?? ["all"] {
        case ["all"]: nodePorts = .all
        case ["primary"]: nodePorts = .primary
        case let cidrs: nodePorts = .cidrs(try cidrs.map { try require(CIDR($0), $0) })
        }
        let clusterCIDRs = c.clusterCIDRs ?? ["10.244.0.0/16", "fd00:10:244::/56"]
        return ProxyConfiguration(scheduler: try require(Scheduler(rawValue: c.scheduler ?? "rr"), "scheduler"),
                                  nodePortAddresses: nodePorts,
                                  clusterCIDRs: try clusterCIDRs.map { try require(CIDR($0), $0) },
                                  masqueradeAll: c.masqueradeAll ?? false,
                                  excludeCIDRs: try (c.excludeCIDRs ?? []).map { try require(CIDR($0), $0) })
    }

    /// Plans the scenario's objects (manifest rejections included) in the given order.
    func plan(services: [KubeService]? = nil, slices: [KubeEndpointSlice]? = nil) -> IPVSPlan {
        var snapshot = ProxySnapshot.build(services: services ?? objects.services,
                                           slices: slices ?? objects.endpointSlices, node: node)
        snapshot.rejections = (snapshot.rejections + objects.rejections).sorted()
        return IPVSPlanner.plan(snapshot, node: node, config: config)
    }

    var expected: String? {
        try? String(contentsOfFile: GoldenScenario.bundleDirectory + "/" + name + ".golden", encoding: .utf8)
    }

    func writeGolden(_ text: String) throws {
        try text.write(toFile: GoldenScenario.sourceDirectory + "/" + name + ".golden", atomically: true,
                       encoding: .utf8)
    }
}

/// `#require` outside a test body: throws when nil.
func require<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw GoldenError(message: "missing \(what)") }
    return value
}

struct GoldenError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
