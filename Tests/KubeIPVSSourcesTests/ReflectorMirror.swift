import KubeIPVSSources
import KubeIPVSTestAPIServer
import Synchronization

/// Applies a reflector's events to a map, as a consumer would, and keeps a log of what it saw.
final class ReflectorMirror<Object: APIObject>: Sendable {
    struct State {
        var objects: [String: Object] = [:]
        var log: [String] = []
        /// resourceVersions of every `.upserted`/`.deleted`, in delivery order.
        var deliveredVersions: [UInt64] = []
        var replacements = 0
    }

    private let state = Mutex(State())

    var objects: [String: Object] { state.withLock { $0.objects } }
    var log: [String] { state.withLock { $0.log } }
    var deliveredVersions: [UInt64] { state.withLock { $0.deliveredVersions } }
    var replacements: Int { state.withLock { $0.replacements } }

    /// key → resourceVersion of the mirrored objects.
    var versions: [String: String] {
        state.withLock { $0.objects.mapValues { $0.apiMetadata.resourceVersion ?? "" } }
    }

    func apply(_ event: ReflectorEvent<Object>) {
        state.withLock { state in
            switch event {
            case .replaced(let objects):
                state.objects = Dictionary(objects.map { ($0.apiMetadata.key, $0) }, uniquingKeysWith: { $1 })
                state.log.append("replaced \(objects.map(\.apiMetadata.key).sorted().joined(separator: ","))")
                state.replacements += 1
            case .upserted(let object):
                state.objects[object.apiMetadata.key] = object
                state.log.append("upserted \(object.apiMetadata.key)@\(object.apiMetadata.resourceVersion ?? "")")
                state.deliveredVersions.append(UInt64(object.apiMetadata.resourceVersion ?? "") ?? 0)
            case .deleted(let object):
                state.objects[object.apiMetadata.key] = nil
                state.log.append("deleted \(object.apiMetadata.key)@\(object.apiMetadata.resourceVersion ?? "")")
                state.deliveredVersions.append(UInt64(object.apiMetadata.resourceVersion ?? "") ?? 0)
            }
        }
    }
}

/// Runs a reflector feeding a mirror while `body` runs; cancels it afterwards.
func withReflector<Object: APIObject, T: Sendable>(
    _ type: Object.Type, client: APIClient, resource: APIResource,
    configuration: Reflector<Object>.Configuration = .init(), recorder: SleepRecorder? = nil,
    random: @escaping @Sendable () -> Double = { 0 },
    _ body: (Reflector<Object>, ReflectorMirror<Object>) async throws -> T) async throws -> T {
    let sleep: Reflector<Object>.Sleep = { delay in
        if let recorder { try await recorder.sleep(delay) } else { try await Task.sleep(for: .milliseconds(1)) }
    }
    let reflector = Reflector<Object>(client: client, resource: resource, configuration: configuration,
                                      logger: quietLogger, sleep: sleep, random: random)
    let mirror = ReflectorMirror<Object>()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await reflector.run() }
        group.addTask { for await event in reflector.events { mirror.apply(event) } }
        defer { group.cancelAll() }
        return try await body(reflector, mirror)
    }
}

/// The store's objects of a resource as key → resourceVersion, to compare with a mirror.
func storeVersions(_ store: APIStore, _ resource: ServedResource) -> [String: String] {
    Dictionary(uniqueKeysWithValues: store.objects(resource).map { ($0.key.description, String($0.resourceVersion)) })
}
