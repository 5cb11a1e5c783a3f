import Foundation

/// Where an object lives: its namespace (empty for cluster-scoped objects) and name.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Namespace, or "" for cluster-scoped objects.
    public var namespace: String
    /// Name.
    public var name: String

    /// A key for an object.
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name`, or `name` for cluster-scoped objects; also the etcd key order.
    public var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool { lhs.description < rhs.description }
}

/// One version of an object as the store keeps it: the full JSON (with `kind` and `apiVersion` first and
/// `metadata.resourceVersion` set), its key, resourceVersion and labels.
public struct StoredObject: Sendable, Equatable {
    /// The object as served by GET and in watch events.
    public private(set) var value: JSONValue
    /// Its key.
    public let key: ObjectKey
    /// Its `metadata.resourceVersion`.
    public private(set) var resourceVersion: UInt64
    /// Its `metadata.labels`.
    public let labels: [String: String]

    // Fields of ObjectMeta in Go declaration order, so server-set fields land where kube-apiserver puts them.
    static let metadataOrder = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
                                "generation", "creationTimestamp"]

    init(value: JSONValue, key: ObjectKey, resourceVersion: UInt64) {
        var value = value
        value.setMetadata("resourceVersion", .string(String(resourceVersion)))
        self.value = value
        self.key = key
        self.resourceVersion = resourceVersion
        var labels: [String: String] = [:]
        for member in value.value(at: ["metadata", "labels"])?.objectValue?.members ?? [] {
            if let text = member.value.stringValue { labels[member.key] = text }
        }
        self.labels = labels
    }

    /// The same object stamped with another resourceVersion (a deletion's, or a filtered-out update's).
    func withResourceVersion(_ resourceVersion: UInt64) -> StoredObject {
        StoredObject(value: value, key: key, resourceVersion: resourceVersion)
    }

    /// The object as a list item: without `kind` and `apiVersion`, as kube-apiserver lists it.
    var listItem: JSONValue {
        guard case .object(var object) = value else { return value }
        object["kind"] = nil
        object["apiVersion"] = nil
        return .object(object)
    }

    /// Encoded once per event: `{"type":"ADDED","object":{...}}` and a newline.
    func watchLine(type: String) -> [UInt8] {
        var out = Array("{\"type\":\"\(type)\",\"object\":".utf8)
        value.encode(into: &out)
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }
}

extension JSONValue {
    /// Sets a `metadata` field, keeping kube-apiserver's field order.
    mutating func setMetadata(_ key: String, _ value: JSONValue?) {
        var metadata = self["metadata"]?.objectValue ?? JSONObject()
        if let value {
            let index = StoredObject.metadataOrder.firstIndex(of: key) ?? StoredObject.metadataOrder.count
            metadata.set(key, value, after: Array(StoredObject.metadataOrder[..<index]))
        } else {
            metadata[key] = nil
        }
        if self["metadata"] == nil, case .object(var object) = self {
            object.set("metadata", .object(metadata), after: ["kind", "apiVersion"])
            self = .object(object)
        } else {
            self["metadata"] = .object(metadata)
        }
    }

    /// A watch line for a non-object event (BOOKMARK, ERROR).
    func watchLine(type: String) -> [UInt8] {
        var out = Array("{\"type\":\"\(type)\",\"object\":".utf8)
        encode(into: &out)
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }
}
