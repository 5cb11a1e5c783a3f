import KubeIPVSCore

/// A Kubernetes type with a fixed `kind` and `apiVersion`, as the API server serves it.
public protocol KubeKind {
    /// `Service`.
    static var kubeKind: String { get }
    /// `v1`, `discovery.k8s.io/v1`.
    static var kubeAPIVersion: String { get }
}

extension KubeService: KubeKind {
    /// `Service`.
    public static var kubeKind: String { "Service" }
    /// `v1`.
    public static var kubeAPIVersion: String { "v1" }
}

extension KubeEndpointSlice: KubeKind {
    /// `EndpointSlice`.
    public static var kubeKind: String { "EndpointSlice" }
    /// `discovery.k8s.io/v1`.
    public static var kubeAPIVersion: String { "discovery.k8s.io/v1" }
}

extension KubeNode: KubeKind {
    /// `Node`.
    public static var kubeKind: String { "Node" }
    /// `v1`.
    public static var kubeAPIVersion: String { "v1" }
}

extension KubeKind {
    /// Why an item of a list of this type with `header` is refused, or nil (`KubeKindCheck.listItemProblem`).
    static func itemProblem(_ header: KubeObjectHeader) -> String? { KubeKindCheck.listItemProblem(header, in: Self.self) }
}

/// The `kind`/`apiVersion` checks the API server makes, applied to manifest documents and list items.
public enum KubeKindCheck {
    /// The apiVersion a kind kube-ipvs reads must carry; nil for kinds it ignores.
    public static func apiVersion(for kind: String) -> String? {
        switch kind {
        case KubeService.kubeKind: KubeService.kubeAPIVersion
        case KubeEndpointSlice.kubeKind: KubeEndpointSlice.kubeAPIVersion
        case KubeNode.kubeKind: KubeNode.kubeAPIVersion
        default: nil
        }
    }

    /// Why an item of a `T` list with this header is refused, or nil. Items of a typed list may omit kind and
    /// apiVersion (API server lists do); when present they must be `T`'s.
    public static func listItemProblem<T: KubeKind>(_ header: KubeObjectHeader, in _: T.Type) -> String? {
        if let kind = header.kind, kind != T.kubeKind {
            return "kind \(quoted(kind)) in a \(T.kubeKind)List (expected \(T.kubeKind))"
        }
        if let version = header.apiVersion, version != T.kubeAPIVersion {
            return "apiVersion \(quoted(version)) for a \(T.kubeKind) (expected \(T.kubeAPIVersion))"
        }
        return nil
    }

    /// Why a standalone object (a document, or an item of a generic `List`) of `kind` is refused, or nil:
    /// an apiVersion other than the one the API server serves that kind under (a missing one is tolerated, as
    /// hand-written manifests and captures often omit it; the kind alone then decides).
    public static func objectProblem(_ header: KubeObjectHeader, kind: String) -> String? {
        guard let expected = apiVersion(for: kind), let version = header.apiVersion, version != expected else {
            return nil
        }
        return "apiVersion \(quoted(version)) for a \(kind) (expected \(expected))"
    }

    static func quoted(_ text: String) -> String { "\"\(String(text.prefix(64)))\"" }
}

/// An element of a list that `CheckedList` decodes: a kind check, then the value.
protocol CheckedItem: Decodable {
    /// The kind named in a rejection when the item has no `kind`.
    static var fallbackKind: String { get }
    /// Why an item with this header is refused, or nil.
    static func problem(_ header: KubeObjectHeader) -> String?
}

/// A typed list's item (`ServiceList.items[i]`): decoded only when its own kind/apiVersion allow it.
struct CheckedListItem<T: KubeKind & Decodable>: CheckedItem {
    let value: T
    static var fallbackKind: String { T.kubeKind }
    static func problem(_ header: KubeObjectHeader) -> String? { KubeKindCheck.listItemProblem(header, in: T.self) }
    init(from decoder: any Decoder) throws { value = try T(from: decoder) }
}

/// An item of a generic `List`: its kind decides its type, and a wrong apiVersion for that kind is refused.
struct CheckedObject: CheckedItem {
    let value: KubeObject
    static var fallbackKind: String { "object" }
    static func problem(_ header: KubeObjectHeader) -> String? {
        header.kind.flatMap { KubeKindCheck.objectProblem(header, kind: $0) }
    }
    init(from decoder: any Decoder) throws { value = try KubeObject(from: decoder) }
}
