import KubeIPVSCore
import KubeIPVSSources
import Logging
import Synchronization

/// Services, EndpointSlices (kube-proxy's label selector: no headless, no other proxy's) and this
/// node's Node from the API server, by list + watch with bookmarks, 410 relists and backoff.
/// Reports `.synced` once Services and EndpointSlices have both been listed.
public struct APIServerSource: ObjectSource {
    let client: APIClient
    let nodeName: String
    let logger: Logger

    public init(client: APIClient, nodeName: String, logger: Logger) {
        self.client = client
        self.nodeName = nodeName
        self.logger = logger
    }

    public var name: String { "api \(client.configuration.server)" }

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
        let services = Reflector<KubeService>(client: client, resource: .services,
                                              configuration: .init(listOptions: .proxied), logger: logger)
        let slices = Reflector<KubeEndpointSlice>(client: client, resource: .endpointSlices,
                                                  configuration: .init(listOptions: .proxied), logger: logger)
        let nodes = Reflector<KubeNode>(client: client, resource: .nodes,
                                        configuration: .init(listOptions: .node(named: nodeName)), logger: logger)
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
