import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSSources
import KubeIPVSTestAPIServer
import KubeIPVSTesting
import Logging
import Testing

/// The daemon against the project's test API server: list, watch, dropped watches, 410 relists,
/// an unreachable server — the data plane follows and never churns.
@Suite struct APIServerSourceTests {
    static let logger: Logger = { var l = Logger(label: "test"); l.logLevel = .error; return l }()

    static func examplesPath() -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../deploy/examples/cluster.yaml").standardized.path
    }

    @Test func daemonFollowsTheAPIServerThroughWatchFaults() async throws {
        let store = APIStore(historyLimit: 50)
        _ = try store.seed(path: Self.examplesPath())
        let server = TestAPIServer(configuration: .init(bookmarkInterval: .milliseconds(200)), store: store,
                                   logger: Self.logger)
        try await server.bind()
        let serverTask = Task { try await server.run() }
        defer { serverTask.cancel() }
        let client = try APIClient(configuration: ClientConfiguration(server: server.baseURL!, requestTimeout: .seconds(5)),
                                   logger: Self.logger)
        let ipvs = FakeIPVS()
        let kernel = IPVSProxier.Kernel(ipvs: ipvs, ipsets: FakeIPSet(), links: FakeLinkAddress(), restoreRules: { _, _ in })
        let daemon = try ProxyDaemon(
            source: APIServerSource(client: client, nodeName: "node1", logger: Self.logger),
            proxier: try IPVSProxier(kernel: kernel, config: ProxyConfiguration(), logger: Self.logger),
            node: .init(name: "node1", localAddresses: { [LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!)] }),
            minSyncPeriod: .zero, syncPeriod: .seconds(30), metrics: DaemonMetrics(), health: HealthState(timeout: 60),
            logger: Self.logger)
        let run = Task { try await daemon.run() }
        defer { run.cancel() }

        let web = VirtualServerKey(address: IPAddress("10.96.198.132")!, proto: .tcp, port: 80)
        try await eventually("initial list", timeout: .seconds(15)) { await ipvs.realServers(of: web).count == 3 }
        // The headless service's slice is filtered by the label selector; other-proxy's service too.
        #expect(await !ipvs.table().contains { $0.virtualServer.key.address == IPAddress("10.96.50.9")! })
        let opsAfterSync = await ipvs.log.count
        // Start read Services, EndpointSlices and the Node from the watch cache, never etcd (docs/api-client.md).
        let startReads = server.requestLog.listReads()
        #expect(Set(startReads) == [.cache] && startReads.count >= 3, "\(startReads)")

        // A watch event: one endpoint removed.
        _ = try store.apply(.endpointSlices, try JSONValue.parse("""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-nodeport-1, namespace: demo, labels: {kubernetes.io/service-name: web-nodeport}}
            addressType: IPv4
            ports: [{name: http, protocol: TCP, port: 8080}]
            endpoints:
            - {addresses: ["10.244.1.11"], conditions: {ready: true}, nodeName: node1}
            """))
        try await eventually("watch event", timeout: .seconds(15)) { await ipvs.realServers(of: web).count == 1 }

        // Dropped watches and a compaction (410 → relist): no churn, then the next change still arrives.
        let opsBeforeFaults = await ipvs.log.count
        store.signalWatchers(.drop)
        store.compact()
        store.expireWatchers()
        try await Task.sleep(for: .seconds(2))
        #expect(await ipvs.log.count == opsBeforeFaults, "relists must not churn the data plane")
        // The relists after 410 read the cache not older than the last version seen; still no quorum read.
        let relistReads = server.requestLog.listReads().dropFirst(startReads.count)
        #expect(!relistReads.isEmpty && Set(relistReads) == [.notOlderThan], "\(relistReads)")
        _ = try store.delete(.services, namespace: "demo", name: "sticky")
        let sticky = VirtualServerKey(address: IPAddress("10.96.72.46")!, proto: .tcp, port: 8080)
        try await eventually("delete after faults", timeout: .seconds(15)) { await !ipvs.table().contains { $0.virtualServer.key == sticky } }
        #expect(opsAfterSync > 0)
        try await client.shutdown()
    }

    /// With watch-list, the daemon's three sources start from streamed initial state, with no list at all; a
    /// server that rejects it costs one refused request per resource, then cache reads (docs/api-client.md).
    @Test(arguments: [FaultInjector.WatchListSupport.served, .rejected])
    func daemonStartsFromWatchListWhereTheServerServesIt(support: FaultInjector.WatchListSupport) async throws {
        let store = APIStore()
        _ = try store.seed(path: Self.examplesPath())
        let server = TestAPIServer(store: store, logger: Self.logger)
        server.faults.setWatchList(support)
        try await server.bind()
        let serverTask = Task { try await server.run() }
        defer { serverTask.cancel() }
        let client = try APIClient(configuration: ClientConfiguration(server: server.baseURL!, requestTimeout: .seconds(5)),
                                   logger: Self.logger)
        let ipvs = FakeIPVS()
        let kernel = IPVSProxier.Kernel(ipvs: ipvs, ipsets: FakeIPSet(), links: FakeLinkAddress(), restoreRules: { _, _ in })
        let daemon = try ProxyDaemon(
            source: APIServerSource(client: client, nodeName: "node1", watchList: true, logger: Self.logger),
            proxier: try IPVSProxier(kernel: kernel, config: ProxyConfiguration(), logger: Self.logger),
            node: .init(name: "node1", localAddresses: { [LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!)] }),
            minSyncPeriod: .zero, syncPeriod: .seconds(30), metrics: DaemonMetrics(), health: HealthState(timeout: 60),
            logger: Self.logger)
        let run = Task { try await daemon.run() }
        defer { run.cancel() }
        let web = VirtualServerKey(address: IPAddress("10.96.198.132")!, proto: .tcp, port: 80)
        try await eventually("initial state", timeout: .seconds(15)) { await ipvs.realServers(of: web).count == 3 }
        let reads = server.requestLog.resourceRequests.filter { $0.method == "GET" }.map(\.read)
        #expect(reads.filter { $0 == .watchList }.count == 3, "\(reads)")
        if support == .served {
            #expect(server.requestLog.listReads().isEmpty, "\(reads)")
        } else {
            #expect(Set(server.requestLog.listReads()) == [.cache], "\(reads)")
        }
        try await client.shutdown()
    }

    @Test func fallbackEventIsPublished() async throws {
        let store = APIStore()
        let server = TestAPIServer(store: store, logger: Self.logger)
        try await server.bind()
        let serverTask = Task { try await server.run() }
        defer { serverTask.cancel() }
        let client = try APIClient(configuration: ClientConfiguration(server: server.baseURL!), logger: Self.logger)
        let source = APIServerSource(client: client, nodeName: "node1", logger: Self.logger)
        await source.report(NodeEvent(node: "node1", reason: "IPVSUnavailable", message: "falls back: ip_vs missing"))
        let events = store.objects(.events)
        #expect(events.count == 1)
        #expect(events.first?.key.name.hasPrefix("node1.") == true)
        try await client.shutdown()
    }

    /// The daemon shuts its source down on exit: AsyncHTTPClient traps in a debug build when a client is
    /// released unshut (kube-ipvs with an API server crashed on SIGTERM).
    @Test func shutdownReleasesTheAPIClient() async throws {
        let client = try APIClient(configuration: ClientConfiguration(server: "http://127.0.0.1:1"), logger: Self.logger)
        let source: any ObjectSource = APIServerSource(client: client, nodeName: "node1", logger: Self.logger)
        await source.shutdown()
        let error = await #expect(throws: (any Error).self) { try await client.shutdown() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("alreadyShutdown"), "\(String(describing: error))")
    }
}
