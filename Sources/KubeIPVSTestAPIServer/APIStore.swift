import Foundation
import NIOConcurrencyHelpers

/// The in-memory object store behind the test API server, with kube-apiserver's versioning: one global,
/// monotonically increasing resourceVersion stamped on every write, a bounded history of changes (the watch
/// cache window; older watches get 410 Gone), and watchers fed in commit order.
public final class APIStore: Sendable {
    /// A change kind, as named in watch events.
    enum EventType: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }

    /// One committed change.
    struct HistoryEntry: Sendable {
        var resourceVersion: UInt64
        var resource: ServedResource
        var type: EventType
        /// The new object, or for a deletion the last state stamped with the deletion's resourceVersion.
        var object: StoredObject
        /// The object before the change (nil for a creation).
        var previous: StoredObject?
    }

    struct State {
        var resourceVersion: UInt64 = 1
        /// History holds every change with resourceVersion > floor.
        var floor: UInt64 = 1
        var objects: [ServedResource: [ObjectKey: StoredObject]] = [:]
        var history: [HistoryEntry] = []
        var watchers: [Int: Watcher] = [:]
        var nextWatcherID = 1
    }

    let state = NIOLockedValueBox(State())
    /// How many changes the history keeps before dropping the oldest.
    public let historyLimit: Int

    /// An empty store keeping at most `historyLimit` changes (kube-apiserver's watch cache window).
    public init(historyLimit: Int = 1000) {
        self.historyLimit = max(1, historyLimit)
    }

    /// The current (latest) resourceVersion.
    public var resourceVersion: UInt64 { state.withLockedValue { $0.resourceVersion } }

    /// The oldest resourceVersion a watch may start from without 410 Gone.
    public var oldestWatchableResourceVersion: UInt64 { state.withLockedValue { $0.floor } }

    /// The current objects of a resource, in key order.
    public func objects(_ resource: ServedResource) -> [StoredObject] {
        state.withLockedValue { $0.objects[resource, default: [:]].values.sorted { $0.key < $1.key } }
    }

    /// One object, as GET returns it.
    public func get(_ resource: ServedResource, namespace: String, name: String) throws -> JSONValue {
        let key = ObjectKey(namespace: resource.namespaced ? namespace : "", name: name)
        guard let object = state.withLockedValue({ $0.objects[resource]?[key] }) else {
            throw TestAPIError.notFound(resource, name)
        }
        return object.value
    }

    /// Creates an object (POST). `namespace` comes from the URL; the object's own must agree or be absent.
    @discardableResult
    public func create(_ resource: ServedResource, _ object: JSONValue, namespace: String? = nil) throws -> JSONValue {
        let normalized = try normalize(resource, object, namespace: namespace)
        var value = normalized.0
        let key = normalized.1
        value.setMetadata("uid", .string(UUID().uuidString.lowercased()))
        value.setMetadata("creationTimestamp", .string(Date().formatted(.iso8601)))
        if resource == .endpointSlices { value.setMetadata("generation", .int(1)) }
        return try state.withLockedValue { state in
            guard state.objects[resource]?[key] == nil else { throw TestAPIError.alreadyExists(resource, key.name) }
            state.resourceVersion += 1
            let stored = StoredObject(value: value, key: key, resourceVersion: state.resourceVersion)
            commit(&state, HistoryEntry(resourceVersion: stored.resourceVersion, resource: resource, type: .added,
                                        object: stored, previous: nil))
            return stored.value
        }
    }

    /// Replaces an object (PUT). A `metadata.resourceVersion` in the body must match (409 Conflict otherwise);
    /// an update that changes nothing keeps the resourceVersion and sends no event, as kube-apiserver does.
    @discardableResult
    public func update(_ resource: ServedResource, _ object: JSONValue, namespace: String? = nil) throws -> JSONValue {
        let normalized = try normalize(resource, object, namespace: namespace)
        var value = normalized.0
        let key = normalized.1
        let expected = value.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap { UInt64($0) }
        return try state.withLockedValue { state in
            guard let old = state.objects[resource]?[key] else { throw TestAPIError.notFound(resource, key.name) }
            if let expected, expected != old.resourceVersion { throw TestAPIError.conflict(resource, key.name) }
            for field in ["uid", "creationTimestamp", "generation"] {
                value.setMetadata(field, old.value.value(at: ["metadata", field]))
            }
            if StoredObject(value: value, key: key, resourceVersion: old.resourceVersion) == old { return old.value }
            if resource == .endpointSlices, Self.contentChanged(old.value, value),
               case .int(let generation)? = old.value.value(at: ["metadata", "generation"]) {
                value.setMetadata("generation", .int(generation + 1))
            }
            state.resourceVersion += 1
            let stored = StoredObject(value: value, key: key, resourceVersion: state.resourceVersion)
            commit(&state, HistoryEntry(resourceVersion: stored.resourceVersion, resource: resource, type: .modified,
                                        object: stored, previous: old))
            return stored.value
        }
    }

    /// Creates the object, or replaces it whatever its resourceVersion.
    @discardableResult
    public func apply(_ resource: ServedResource, _ object: JSONValue) throws -> JSONValue {
        var object = object
        object.setMetadata("resourceVersion", nil)
        do { return try create(resource, object) } catch let error as TestAPIError where error.reason == "AlreadyExists" {
            return try update(resource, object)
        }
    }

    /// Deletes an object (DELETE) and returns its last state, stamped with the deletion's resourceVersion.
    @discardableResult
    public func delete(_ resource: ServedResource, namespace: String, name: String) throws -> JSONValue {
        let key = ObjectKey(namespace: resource.namespaced ? namespace : "", name: name)
        return try state.withLockedValue { state in
            guard let old = state.objects[resource]?[key] else { throw TestAPIError.notFound(resource, name) }
            state.resourceVersion += 1
            let last = old.withResourceVersion(state.resourceVersion)
            commit(&state, HistoryEntry(resourceVersion: last.resourceVersion, resource: resource, type: .deleted,
                                        object: last, previous: old))
            return last.value
        }
    }

    /// Forgets all history: every watch or continue token from before now gets 410 Gone (etcd compaction).
    public func compact() {
        state.withLockedValue { state in
            state.history.removeAll()
            state.floor = state.resourceVersion
        }
    }

    /// Applies a committed change to the objects, the history and the watchers. Called with the lock held.
    private func commit(_ state: inout State, _ entry: HistoryEntry) {
        if entry.type == .deleted {
            state.objects[entry.resource]?[entry.object.key] = nil
        } else {
            state.objects[entry.resource, default: [:]][entry.object.key] = entry.object
        }
        state.history.append(entry)
        // Drop in batches so a full window does not copy the history on every write.
        if state.history.count > historyLimit + historyLimit / 4 {
            let drop = state.history.count - historyLimit
            state.floor = state.history[drop - 1].resourceVersion
            state.history.removeFirst(drop)
        }
        deliver(&state, entry)
    }

    /// Checks kind/apiVersion, fills namespace, and puts `kind` and `apiVersion` first.
    func normalize(_ resource: ServedResource, _ object: JSONValue,
                   namespace: String?) throws -> (JSONValue, ObjectKey) {
        guard case .object(var body) = object else { throw TestAPIError.badRequest("the body is not a JSON object") }
        if let kind = body["kind"]?.stringValue, kind != resource.kind {
            throw TestAPIError.badRequest("kind \(kind) does not match resource \(resource.qualifiedName)")
        }
        if let apiVersion = body["apiVersion"]?.stringValue, apiVersion != resource.apiVersion {
            throw TestAPIError.badRequest("apiVersion \(apiVersion) does not match \(resource.apiVersion)")
        }
        body["kind"] = nil
        body["apiVersion"] = nil
        var value = JSONValue.object(JSONObject([("kind", .string(resource.kind)),
                                                 ("apiVersion", .string(resource.apiVersion))] +
                                                body.members.map { ($0.key, $0.value) }))
        var name = value.value(at: ["metadata", "name"])?.stringValue ?? ""
        if name.isEmpty, let prefix = value.value(at: ["metadata", "generateName"])?.stringValue, !prefix.isEmpty {
            name = prefix + String(UUID().uuidString.lowercased().prefix(5))
            value.setMetadata("name", .string(name))
        }
        guard !name.isEmpty else { throw TestAPIError.badRequest("metadata.name: Required value: name is required") }
        var objectNamespace = value.value(at: ["metadata", "namespace"])?.stringValue ?? ""
        if resource.namespaced {
            if let namespace, !objectNamespace.isEmpty, objectNamespace != namespace {
                throw TestAPIError.badRequest("the namespace of the provided object does not match the namespace "
                                              + "sent on the request")
            }
            if objectNamespace.isEmpty { objectNamespace = namespace ?? "default" }
            value.setMetadata("namespace", .string(objectNamespace))
        } else {
            objectNamespace = ""
            value.setMetadata("namespace", nil)
        }
        return (value, ObjectKey(namespace: objectNamespace, name: name))
    }

    private static func contentChanged(_ old: JSONValue, _ new: JSONValue) -> Bool {
        var old = old, new = new
        old["metadata"] = nil
        new["metadata"] = nil
        return old != new
    }
}
