/// A JSON value that keeps the order of object members, so objects read from a capture or a manifest are served back
/// with their keys in the order kube-apiserver wrote them (`kind`, `apiVersion`, `metadata`, `spec`, ...).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The member `key` of an object, or nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        get {
            guard case .object(let object) = self else { return nil }
            return object[key]
        }
        set {
            guard case .object(var object) = self else { return }
            object[key] = newValue
            self = .object(object)
        }
    }

    /// The string payload, or nil.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The object payload, or nil.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The array payload, or nil.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The value at a path of object keys (`["metadata", "name"]`), or nil.
    public func value(at path: [String]) -> JSONValue? {
        var current: JSONValue? = self
        for key in path { current = current?[key] }
        return current
    }

    /// Sets the value at a path of object keys, creating intermediate objects where missing.
    public mutating func setValue(_ value: JSONValue?, at path: [String]) {
        guard let first = path.first else { return }
        if path.count == 1 {
            self[first] = value
            return
        }
        var child = self[first] ?? .object(JSONObject())
        child.setValue(value, at: Array(path.dropFirst()))
        self[first] = child
    }
}

/// A JSON object with ordered members. Setting a new key appends it; setting an existing key keeps its position.
public struct JSONObject: Sendable, Equatable {
    /// One member of an object.
    public struct Member: Sendable, Equatable {
        /// The member's key.
        public var key: String
        /// The member's value.
        public var value: JSONValue
    }

    /// The members, in order.
    public private(set) var members: [Member]

    /// An object with the given members.
    public init(_ members: [(String, JSONValue)] = []) {
        self.members = members.map { Member(key: $0.0, value: $0.1) }
    }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }

    /// Gets, replaces (in place), appends or (with nil) removes a member.
    public subscript(key: String) -> JSONValue? {
        get { members.first(where: { $0.key == key })?.value }
        set {
            let index = members.firstIndex(where: { $0.key == key })
            switch (index, newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append(Member(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Inserts or replaces `key` so that it comes right after the last present key of `predecessors`
    /// (used to place `metadata.resourceVersion` where kube-apiserver puts it).
    public mutating func set(_ key: String, _ value: JSONValue, after predecessors: [String]) {
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
            return
        }
        let anchor = members.lastIndex(where: { predecessors.contains($0.key) })
        members.insert(Member(key: key, value: value), at: anchor.map { $0 + 1 } ?? 0)
    }
}
