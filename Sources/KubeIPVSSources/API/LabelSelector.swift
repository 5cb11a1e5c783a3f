/// A label selector to send in `labelSelector=`, rendered as `k8s.io/apimachinery/pkg/labels` renders one:
/// requirements sorted by key, joined by commas.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    /// One requirement.
    public enum Requirement: Sendable, Hashable {
        /// `key`
        case exists(String)
        /// `!key`
        case doesNotExist(String)
        /// `key=value`
        case equals(String, String)
        /// `key!=value`
        case notEquals(String, String)

        var key: String {
            switch self {
            case .exists(let key), .doesNotExist(let key), .equals(let key, _), .notEquals(let key, _): return key
            }
        }

        var text: String {
            switch self {
            case .exists(let key): return key
            case .doesNotExist(let key): return "!" + key
            case .equals(let key, let value): return "\(key)=\(value)"
            case .notEquals(let key, let value): return "\(key)!=\(value)"
            }
        }
    }

    /// The requirements.
    public var requirements: [Requirement]

    /// A selector with these requirements.
    public init(_ requirements: [Requirement]) { self.requirements = requirements }

    /// The query-parameter text.
    public var description: String {
        requirements.sorted { $0.key < $1.key }.map(\.text).joined(separator: ",")
    }

    /// Label a Service (and its EndpointSlices) carries to be handled by another proxy than kube-proxy.
    public static let serviceProxyNameLabel = "service.kubernetes.io/service-proxy-name"
    /// Label the EndpointSlice controller puts on the slices of headless Services.
    public static let headlessLabel = "service.kubernetes.io/headless"

    /// kube-proxy's selector for Services and EndpointSlices (`cmd/kube-proxy/app/server.go`): objects naming another
    /// service proxy, and headless Services' endpoints, are not its business.
    /// Renders as `!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name`.
    public static let kubeProxy = LabelSelector([.doesNotExist(serviceProxyNameLabel), .doesNotExist(headlessLabel)])
}
