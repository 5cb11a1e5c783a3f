import Foundation

/// What a list request asks for.
public struct ListQuery: Sendable {
    /// Namespace from the URL, or nil for all namespaces.
    public var namespace: String?
    /// `labelSelector`.
    public var labels: ParsedLabelSelector = .everything
    /// `fieldSelector`.
    public var fields: ParsedFieldSelector?
    /// `limit` (0 or nil: everything).
    public var limit: Int?
    /// `continue`.
    public var continueToken: String?

    /// A query over all namespaces with no selector and no paging.
    public init(namespace: String? = nil, labels: ParsedLabelSelector = .everything, fields: ParsedFieldSelector? = nil,
                limit: Int? = nil, continueToken: String? = nil) {
        self.namespace = namespace
        self.labels = labels
        self.fields = fields
        self.limit = limit
        self.continueToken = continueToken
    }

    func matches(_ object: StoredObject) -> Bool {
        if let namespace, object.key.namespace != namespace { return false }
        if let fields, !fields.matches(namespace: object.key.namespace, name: object.key.name) { return false }
        return labels.matches(object.labels)
    }
}

extension APIStore {
    /// A list response (`{"kind":"ServiceList","apiVersion":"v1","metadata":{...},"items":[...]}`). Pages of one
    /// paged list all come from the snapshot at the first page's resourceVersion, as etcd serves them; a continue
    /// token older than the history window is 410 Expired.
    public func list(_ resource: ServedResource, _ query: ListQuery) throws -> JSONValue {
        let (items, listRV, next, remaining) = try state.withLockedValue { state in
            var listRV = state.resourceVersion
            var start = ""
            if let token = query.continueToken, !token.isEmpty {
                let decoded = try ContinueToken(encoded: token)
                guard decoded.resourceVersion >= state.floor else { throw TestAPIError.continueExpired }
                listRV = decoded.resourceVersion
                start = decoded.start
            }
            let snapshot = self.snapshot(state, resource, at: listRV)
            let keys = snapshot.keys.filter { $0.description >= start }.sorted()
            var items: [StoredObject] = []
            var next: ObjectKey?
            for (index, key) in keys.enumerated() {
                if let limit = query.limit, limit > 0, items.count == limit {
                    next = keys[index - 1]
                    break
                }
                if let object = snapshot[key], query.matches(object) { items.append(object) }
            }
            var remaining: Int?
            if let next, query.labels.requirements.isEmpty, query.fields == nil {
                remaining = keys.filter { $0 > next }.count
            }
            return (items, listRV, next, remaining)
        }
        var metadata = JSONObject([("resourceVersion", .string(String(listRV)))])
        if let next {
            metadata["continue"] = .string(ContinueToken(resourceVersion: listRV,
                                                         start: next.description + "\u{0}").encoded)
        }
        if let remaining { metadata["remainingItemCount"] = .int(Int64(remaining)) }
        return .object(JSONObject([
            ("kind", .string(resource.listKind)), ("apiVersion", .string(resource.apiVersion)),
            ("metadata", .object(metadata)), ("items", .array(items.map(\.listItem))),
        ]))
    }

    /// The objects of a resource as they were at `resourceVersion`, rolled back from now through the history.
    func snapshot(_ state: State, _ resource: ServedResource, at resourceVersion: UInt64) -> [ObjectKey: StoredObject] {
        var objects = state.objects[resource, default: [:]]
        for entry in state.history.reversed() {
            guard entry.resourceVersion > resourceVersion else { break }
            guard entry.resource == resource else { continue }
            objects[entry.object.key] = entry.previous
        }
        return objects
    }
}

/// kube-apiserver's continue token: base64url of `{"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}`.
struct ContinueToken: Codable, Equatable {
    var v = "meta.k8s.io/v1"
    var rv: UInt64
    var start: String

    var resourceVersion: UInt64 { rv }

    init(resourceVersion: UInt64, start: String) {
        self.rv = resourceVersion
        self.start = start
    }

    init(encoded: String) throws {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
              let token = try? JSONDecoder().decode(ContinueToken.self, from: data),
              token.v == "meta.k8s.io/v1" else {
            throw TestAPIError.badRequest("continue key is not valid: \(encoded)")
        }
        self = token
    }

    var encoded: String {
        let json = JSONValue.object(JSONObject([("v", .string(v)), ("rv", .int(Int64(rv))), ("start", .string(start))]))
        return Data(json.encoded()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
