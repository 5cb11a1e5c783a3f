import Foundation

/// A kubeconfig file (`clientcmd/api/v1` Config): the fields a node daemon needs to reach the API server.
public struct Kubeconfig: Decodable, Sendable, Equatable {
    /// `clusters[].cluster`.
    public struct Cluster: Decodable, Sendable, Equatable {
        /// API server URL (`https://10.0.0.1:6443`).
        public var server: String?
        /// CA bundle file (relative paths are relative to the kubeconfig's directory).
        public var certificateAuthority: String?
        /// CA bundle, base64 PEM.
        public var certificateAuthorityData: String?
        /// Skip server certificate verification.
        public var insecureSkipTLSVerify: Bool?
        /// Server name to verify instead of the URL's host (not supported yet; rejected when set).
        public var tlsServerName: String?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
        }
    }

    /// `users[].user`.
    public struct AuthInfo: Decodable, Sendable, Equatable {
        /// Client certificate file.
        public var clientCertificate: String?
        /// Client certificate, base64 PEM.
        public var clientCertificateData: String?
        /// Client key file.
        public var clientKey: String?
        /// Client key, base64 PEM.
        public var clientKeyData: String?
        /// Bearer token.
        public var token: String?
        /// File holding a bearer token (re-read, so rotated tokens are picked up).
        public var tokenFile: String?
        /// Whether an exec credential plugin is configured (not supported).
        public var hasExec: Bool

        enum CodingKeys: String, CodingKey {
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case token, tokenFile, exec
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            clientCertificate = try container.decodeIfPresent(String.self, forKey: .clientCertificate)
            clientCertificateData = try container.decodeIfPresent(String.self, forKey: .clientCertificateData)
            clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
            clientKeyData = try container.decodeIfPresent(String.self, forKey: .clientKeyData)
            token = try container.decodeIfPresent(String.self, forKey: .token)
            tokenFile = try container.decodeIfPresent(String.self, forKey: .tokenFile)
            hasExec = container.contains(.exec)
        }
    }

    /// `contexts[].context`.
    public struct Context: Decodable, Sendable, Equatable {
        /// Cluster name.
        public var cluster: String
        /// User name.
        public var user: String?
        /// Default namespace.
        public var namespace: String?
    }

    private struct Named<Value: Decodable & Sendable & Equatable>: Decodable, Sendable, Equatable {
        var name: String
        var value: Value
        enum CodingKeys: String, CodingKey { case name, cluster, user, context }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            let key = [CodingKeys.cluster, .user, .context].first(where: container.contains) ?? .cluster
            value = try container.decode(Value.self, forKey: key)
        }
    }

    /// `current-context`.
    public var currentContext: String?
    /// Clusters by name.
    public var clusters: [String: Cluster]
    /// Users by name.
    public var users: [String: AuthInfo]
    /// Contexts by name.
    public var contexts: [String: Context]

    enum CodingKeys: String, CodingKey {
        case currentContext = "current-context"
        case clusters, users, contexts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currentContext = try container.decodeIfPresent(String.self, forKey: .currentContext)
        func table<Value: Decodable & Sendable & Equatable>(_ key: CodingKeys, _: Value.Type) throws -> [String: Value] {
            let entries = try container.decodeIfPresent([Named<Value>].self, forKey: key) ?? []
            return Dictionary(entries.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        clusters = try table(.clusters, Cluster.self)
        users = try table(.users, AuthInfo.self)
        contexts = try table(.contexts, Context.self)
    }

    /// Parses kubeconfig YAML (or JSON) through `KubeYAML` (JSON scalar rules, no aliases, size caps).
    public static func parse(_ text: String, source: String = "kubeconfig") throws -> Kubeconfig {
        do { return try KubeYAML.decode(Kubeconfig.self, from: text.utf8) } catch {
            throw APIError(.configuration, operation: "read \(source)", message: "invalid kubeconfig",
                           underlying: error)
        }
    }
}
