import Foundation
import KubeIPVSCore
import KubeIPVSSources
import Logging
import Synchronization

/// Services, EndpointSlices (kube-proxy's label selector: no headless, no other proxy's) and this
/// node's Node from the API server, by list + watch with bookmarks, 410 relists and backoff.
/// Reports `.synced` once Services and EndpointSlices have both been listed. Each list (all its pages)
/// marks the source busy in `health`: a list still running after the health timeout fails /healthz, as a
/// stuck manifest reload does (docs/bounds.md "Liveness").
public struct APIServerSource: ObjectSource {
    let client: APIClient
    let nodeName: String
    let logger: Logger
    let health: HealthState?
    let metrics: DaemonMetrics?
    let listLimits: ListLimits
    let maximumEventBytes: Int
    let watchList: Bool
    let now: @Sendable () -> Date

    /// `listLimits` bound every list (docs/bounds.md); `now` dates the busy marks (injectable for tests);
    /// `metrics` counts oversized watch events. `maximumEventBytes` is the longest watch event line kept.
    /// `watchList` streams the initial state with watch-list where the server serves it (docs/api-client.md).
    public init(client: APIClient, nodeName: String, health: HealthState? = nil, metrics: DaemonMetrics? = nil,
                listLimits: ListLimits = .default, maximumEventBytes: Int = 16 << 20, watchList: Bool = false,
                now: @escaping @Sendable () -> Date = { Date() }, logger: Logger) {
        self.watchList = watchList
        self.client = client
        self.nodeName = nodeName
        self.health = health
        self.metrics = metrics
        self.maximumEventBytes = maximumEventBytes
        self.listLimits = listLimits
        self.now = now
        self.logger = logger
    }

    func configuration<Object: APIObject>(_ options: ListOptions) -> Reflector<Object>.Configuration {
        var options = options
        options.limits = listLimits
        var configuration = Reflector<Object>.Configuration(listOptions: options, maximumEventBytes: maximumEventBytes)
        configuration.watchList = watchList
        return configuration
    }

    /// Counts `resource`'s oversized watch events in `metrics`.
    func oversizedEvent(_ resource: APIResource) -> @Sendable (Int) -> Void {
        { [metrics] _ in metrics?.countOversizedWatchEvent(resource: "\(resource)") }
    }

    /// Marks `resource`'s list busy/idle in `health`.
    func listActivity(_ resource: APIResource) -> Reflector<KubeService>.ListActivity {
        let key = "\(name) list \(resource)"
        return { [health, now] listing in
            if listing { health?.sourceBusy(key, at: now()) } else { health?.sourceIdle(key) }
        }
    }

    public var name: String { "api \(client.configuration.server)" }

    /// Shuts the API client down. AsyncHTTPClient traps in debug builds (and leaks otherwise) when a
    /// client is released without `shutdown()`: a daemon stopped by SIGTERM crashed on its way out.
    public func shutdown() async {
        do { try await client.shutdown() } catch {
            logger.warning("cannot shut down the API client", metadata: ["error": "\(error)"])
        }
    }

    /// Publishes an Event about this node; a refusal is logged, never fatal.
    public func report(_ event: NodeEvent) async {
        do {
            try await client.create(event)
            logger.info("event published", metadata: ["event.reason": "\(event.reason)"])
        } catch {
            logger.warning("cannot publish event", metadata: ["event.reason": "\(event.reason)", "error": "\(error)"])
        }
    }

    public func run(_ sink: @escaping @Sendable (ObjectEvent) async -> Void) async throws {
        let services = Reflector<KubeService>(client: client, resource: .services, configuration: configuration(.proxied),
                                              logger: logger, listActivity: listActivity(.services),
                                              oversizedEvent: oversizedEvent(.services))
        let slices = Reflector<KubeEndpointSlice>(client: client, resource: .endpointSlices,
                                                  configuration: configuration(.proxied), logger: logger,
                                                  listActivity: listActivity(.endpointSlices),
                                                  oversizedEvent: oversizedEvent(.endpointSlices))
        let nodes = Reflector<KubeNode>(client: client, resource: .nodes, configuration: configuration(.node(named: nodeName)),
                                        logger: logger, listActivity: listActivity(.nodes),
                                        oversizedEvent: oversizedEvent(.nodes))
        let listed = Mutex<Set<String>>([])
        let markListed: @Sendable (String) async -> Void = { kind in
            let done = listed.withLock { s -> Bool in
                let fresh = s.insert(kind).inserted
                return fresh && s.isSuperset(of: ["services", "slices"])
            }
            if done { await sink(.synced) }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await services.run() }
            group.addTask { await slices.run() }
            group.addTask { await nodes.run() }
            group.addTask {
                for await e in services.events {
                    switch e {
                    case .replaced(let all): await sink(.replaceServices(all)); await markListed("services")
                    case .upserted(let s): await sink(.upsertService(s))
                    case .deleted(let s): await sink(.deleteService(s))
                    }
                }
            }
            group.addTask {
                for await e in slices.events {
                    switch e {
                    case .replaced(let all): await sink(.replaceSlices(all)); await markListed("slices")
                    case .upserted(let s): await sink(.upsertSlice(s))
                    case .deleted(let s): await sink(.deleteSlice(s))
                    }
                }
            }
            group.addTask {
                for await e in nodes.events {
                    switch e {
                    case .replaced(let all): for n in all { await sink(.node(n)) }
                    case .upserted(let n): await sink(.node(n))
                    case .deleted: break
                    }
                }
            }
            await group.waitForAll()
        }
    }
}
