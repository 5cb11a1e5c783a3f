import Foundation
import KubeIPVSCore
import KubeIPVSSources
import KubeIPVSTestAPIServer
import Logging
import Synchronization

/// `kube-ipvs-bench api-list`: what one node's start costs the API server, against the in-process test API
/// server holding `--services` Services with one EndpointSlice of `--endpoints` endpoints each (docs/api-client.md).
/// Prints, per way of reading: requests, response bytes, and time to the three resources listed; then the
/// cluster-wide cost model (``ListCostModel``). The test server answers cache and quorum reads from the same
/// memory, so the times compare request counts and sizes, not etcd.
enum ListBench {
    static func run(_ arguments: [String]) async throws {
        let options = try BenchmarkOptions(arguments)
        try options.check(known: ["services", "endpoints", "nodes"])
        let services = try options.int("services", default: 10_000)
        let endpoints = try options.int("endpoints", default: 10)
        let nodes = try options.int("nodes", default: 5_000)
        var logger = Logger(label: "kube-ipvs-bench")
        logger.logLevel = .error
        let store = APIStore(historyLimit: 100)
        let seeding = ContinuousClock.now
        try ListFixtures.seed(store, services: services, endpoints: endpoints)
        print("BENCH api-list: \(services) Services x \(endpoints) endpoints seeded in "
              + "\(BenchFigures.s(ContinuousClock.now - seeding)) s (resourceVersion \(store.resourceVersion))")
        let server = TestAPIServer(store: store, logger: logger)
        try await server.bind()
        let serverTask = Task { try await server.run() }
        defer { serverTask.cancel() }
        let bench = ListBench.Runner(server: server, logger: logger)
        let quorum = try await bench.measure("start, quorum reads (no resourceVersion, 500 a page; before)") { client in
            try await bench.listAll(client, read: .quorum)
        }
        let cache = try await bench.measure("start, reflectors, watch cache (resourceVersion=0; server < 1.31)") {
            try await bench.reflectorsSynced($0)
        }
        server.faults.setPagingCacheLists(true)
        _ = try await bench.measure("start, reflectors, watch cache paged by 500 (server >= 1.31)") {
            try await bench.reflectorsSynced($0)
        }
        server.faults.setPagingCacheLists(false)
        _ = try await bench.measure("start, reflectors, watch-list (sendInitialEvents, streamed from the cache)") {
            try await bench.reflectorsSynced($0, watchList: true)
        }
        let version = String(store.resourceVersion)
        _ = try await bench.measure("relist after 410 (resourceVersionMatch=NotOlderThan, unpaged)") { client in
            try await bench.listAll(client, read: .notOlderThan(version), pageSize: 0)
        }
        ListCostModel(nodes: nodes, services: services, endpoints: endpoints, listBytes: cache.bytes,
                      quorumRequests: quorum.requests).print()
    }

    /// Requests and bytes of one way of listing.
    struct Figures {
        var requests = 0
        var bytes = 0
    }

    struct Runner {
        let server: TestAPIServer
        let logger: Logger

        /// Runs `body` with a fresh client and prints what it cost.
        func measure(_ name: String, _ body: (APIClient) async throws -> Void) async throws -> Figures {
            let bytes = Atomic<Int>(0)
            let watchBytes = server.watchBytesWritten
            let client = try APIClient(configuration: ClientConfiguration(server: server.baseURL!,
                                                                          requestTimeout: .seconds(120)),
                                       logger: logger, observer: { record in
                                           bytes.add(record.responseBytes ?? 0, ordering: .relaxed)
                                       })
            server.requestLog.clear()
            let start = ContinuousClock.now
            do { try await body(client) } catch {
                try? await client.shutdown()
                throw error
            }
            let elapsed = ContinuousClock.now - start
            try await client.shutdown()
            // The watches the reflectors opened after their lists are not counted: only what led to the state.
            let reads = server.requestLog.resourceRequests.map(\.read).filter { $0 != .watch }
            let byRead = Dictionary(grouping: reads, by: \.rawValue).map { "\($0.key) \($0.value.count)" }.sorted()
            let streamed = reads.contains(.watchList) ? server.watchBytesWritten - watchBytes : 0
            let figures = Figures(requests: reads.count, bytes: bytes.load(ordering: .relaxed) + streamed)
            print("BENCH api-list \(name): \(figures.requests) requests (\(byRead.joined(separator: ", "))), "
                  + "\(figures.bytes / 1024) KiB received, initial state in \(BenchFigures.ms(elapsed)) ms")
            return figures
        }

        /// Lists Services, EndpointSlices and the Node at once, as the daemon's three sources do.
        func listAll(_ client: APIClient, read: ListRead, pageSize: Int = 500) async throws {
            var proxied = ListOptions.proxied
            proxied.pageSize = pageSize
            var node = ListOptions.node(named: ListFixtures.nodeName)
            node.pageSize = pageSize
            async let services = client.list(KubeService.self, .services, options: proxied, read: read)
            async let slices = client.list(KubeEndpointSlice.self, .endpointSlices, options: proxied, read: read)
            async let nodes = client.list(KubeNode.self, .nodes, options: node, read: read)
            _ = try await (services.items.count, slices.items.count, nodes.items.count)
        }

        /// Starts the daemon's three reflectors and returns once each has delivered its first list.
        func reflectorsSynced(_ client: APIClient, watchList: Bool = false) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await firstList(KubeService.self, .services, .proxied, client, watchList) }
                group.addTask {
                    try await firstList(KubeEndpointSlice.self, .endpointSlices, .proxied, client, watchList)
                }
                group.addTask {
                    try await firstList(KubeNode.self, .nodes, .node(named: ListFixtures.nodeName), client, watchList)
                }
                try await group.waitForAll()
            }
        }

        private func firstList<Object: APIObject>(_ type: Object.Type, _ resource: APIResource,
                                                  _ options: ListOptions, _ client: APIClient,
                                                  _ watchList: Bool) async throws {
            var configuration = Reflector<Object>.Configuration(listOptions: options)
            configuration.watchList = watchList
            let reflector = Reflector<Object>(client: client, resource: resource, configuration: configuration,
                                              logger: logger)
            let run = Task { await reflector.run() }
            defer { run.cancel() }
            for await event in reflector.events {
                if case .replaced = event { return }
            }
            throw APIError(.transport, operation: "list \(resource)", message: "reflector ended before its list")
        }
    }
}
