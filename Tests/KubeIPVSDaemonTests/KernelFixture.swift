import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSSources
import KubeIPVSTesting
import Logging

/// An IPVS proxier on fakes with kernel semantics, a node with eth0 10.0.0.10, and an object store fed
/// from YAML, for regression tests found by the guest end-to-end tier.
struct KernelFixture {
    let ipvs = FakeIPVS()
    let ipsets = FakeIPSet()
    let links = FakeLinkAddress()
    var store = ObjectStore()
    static let nodeIP = IPAddress("10.0.0.10")!

    var kernel: IPVSProxier.Kernel {
        IPVSProxier.Kernel(ipvs: ipvs, ipsets: ipsets, links: links, restoreRules: { _, _ in })
    }

    init() async {
        _ = await links.addLink(named: "eth0", kind: "veth", isUp: true, addresses: [Self.nodeIP])
    }

    /// A fresh proxier (a new process) on the same fake kernel.
    func proxier() throws -> IPVSProxier {
        try IPVSProxier(kernel: kernel, config: ProxyConfiguration(),
                    logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Replaces the objects with those of `yaml` (the whole set, as a manifest reload does).
    mutating func load(_ yaml: String) {
        let objects = ManifestLoader.decode(text: yaml, format: .yaml, source: "test")
        store.replaceServices(objects.services)
        store.replaceSlices(objects.endpointSlices)
    }

    /// Syncs the store's pending changes (`full`: a periodic reconcile, the kernel re-read), at `now`,
    /// for this node as the daemon sees it: its interfaces' addresses (`withServiceIPs`: those on
    /// kube-ipvs0 too, as before the daemon filtered them out).
    mutating func sync(_ proxier: IPVSProxier, full: Bool = false, withServiceIPs: Bool = false,
                       now: Duration) async -> SyncOutcome {
        let changes = store.takeChanges()
        let local = await links.localAddresses().filter { withServiceIPs || $0.interface != "kube-ipvs0" }
        let node = NodeContext(name: "node1", localAddresses: local, primaryIPs: [Self.nodeIP])
        return await proxier.sync(SyncRequest(store: store, changed: changes, reconcileKernel: full, node: node,
                                              now: now))
    }

    /// `ADDRESS:PORT/WEIGHT` of each real server of `vs`, sorted.
    func realServers(_ vs: VirtualServerKey) async -> [String] {
        await ipvs.realServers(of: vs).map { "\($0.realServer.key.address):\($0.realServer.key.port)/\($0.realServer.weight)" }.sorted()
    }

    /// A ClusterIP Service `name` on `ip`:`port`/TCP with one EndpointSlice of ready `endpoints`.
    static func service(_ name: String, ip: String, port: Int, nodePort: Int? = nil, endpoints: [String]) -> String {
        let type = nodePort == nil ? "ClusterIP" : "NodePort"
        let np = nodePort.map { ", nodePort: \($0)" } ?? ""
        let eps = endpoints.map { "- {addresses: [\"\($0)\"], conditions: {ready: true}, nodeName: node1}" }
        return """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: \(name), namespace: t}
        spec:
          type: \(type)
          clusterIP: \(ip)
          ports:
          - {name: p, protocol: TCP, port: \(port), targetPort: \(port)\(np)}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: \(name)-1, namespace: t, labels: {kubernetes.io/service-name: \(name)}}
        addressType: IPv4
        ports: [{name: p, protocol: TCP, port: \(port)}]
        endpoints:\(eps.isEmpty ? " []" : "\n" + eps.joined(separator: "\n"))

        """
    }
}
