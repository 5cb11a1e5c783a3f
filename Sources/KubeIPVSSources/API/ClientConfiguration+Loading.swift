import Foundation

extension ClientConfiguration {
    /// The service-account directory mounted into every pod.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// kube-proxy's choice (`createClient` in `cmd/kube-proxy/app/server.go`): with neither a kubeconfig nor a master
    /// URL, the in-cluster configuration; otherwise the kubeconfig (if any) with its server replaced by `master`
    /// (if any).
    public static func resolve(kubeconfigPath: String?, master: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               serviceAccountDirectory: String = serviceAccountDirectory) throws -> ClientConfiguration {
        let kubeconfigPath = kubeconfigPath.flatMap { $0.isEmpty ? nil : $0 }
        let master = master.flatMap { $0.isEmpty ? nil : $0 }
        guard let kubeconfigPath else {
            if let master { return ClientConfiguration(server: master) }
            return try inCluster(environment: environment, serviceAccountDirectory: serviceAccountDirectory)
        }
        let text: String
        do { text = try String(contentsOfFile: kubeconfigPath, encoding: .utf8) } catch {
            throw APIError(.configuration, operation: "read kubeconfig \(kubeconfigPath)", underlying: error)
        }
        let directory = (kubeconfigPath as NSString).deletingLastPathComponent
        return try fromKubeconfig(Kubeconfig.parse(text, source: kubeconfigPath), directory: directory, master: master)
    }

    /// The configuration of a kubeconfig context (default: `current-context`). Relative file paths are resolved
    /// against `directory` (the kubeconfig's own), as clientcmd does; `master` replaces the cluster's server.
    public static func fromKubeconfig(_ kubeconfig: Kubeconfig, context name: String? = nil, directory: String = ".",
                                      master: String? = nil) throws -> ClientConfiguration {
        let operation = "load kubeconfig"
        guard let contextName = name ?? kubeconfig.currentContext, !contextName.isEmpty else {
            throw APIError(.configuration, operation: operation, message: "no current-context and no context given")
        }
        guard let context = kubeconfig.contexts[contextName] else {
            throw APIError(.configuration, operation: operation, message: "context \"\(contextName)\" not found")
        }
        guard let cluster = kubeconfig.clusters[context.cluster] else {
            throw APIError(.configuration, operation: operation, message: "cluster \"\(context.cluster)\" not found")
        }
        guard let server = master ?? cluster.server, !server.isEmpty else {
            throw APIError(.configuration, operation: operation, message: "cluster \"\(context.cluster)\" has no server")
        }
        if cluster.tlsServerName != nil {
            throw APIError(.configuration, operation: operation, message: "tls-server-name is not supported")
        }
        let user = context.user.flatMap { kubeconfig.users[$0] }
        if let userName = context.user, user == nil {
            throw APIError(.configuration, operation: operation, message: "user \"\(userName)\" not found")
        }
        func path(_ data: String?, _ file: String?) -> String? {
            guard data?.isEmpty ?? true, let file, !file.isEmpty else { return nil }
            return file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
        }
        func load(data: String?, file: String?, _ what: String) throws -> [UInt8]? {
            if let data, !data.isEmpty {
                guard let decoded = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                    throw APIError(.configuration, operation: operation, message: "\(what) data is not base64")
                }
                return Array(decoded)
            }
            guard let file, !file.isEmpty else { return nil }
            let path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw APIError(.configuration, operation: operation, message: "cannot read \(what) file \(path)")
            }
            return Array(contents)
        }
        var configuration = ClientConfiguration(server: server)
        configuration.insecureSkipTLSVerify = cluster.insecureSkipTLSVerify ?? false
        configuration.certificateAuthorityPEM = try load(data: cluster.certificateAuthorityData,
                                                         file: cluster.certificateAuthority, "certificate-authority")
        if let user {
            if user.hasExec, user.token == nil, user.tokenFile == nil, user.clientCertificate == nil,
               user.clientCertificateData == nil {
                throw APIError(.configuration, operation: operation, message: "exec credential plugins are not supported")
            }
            configuration.clientCertificatePEM = try load(data: user.clientCertificateData,
                                                          file: user.clientCertificate, "client-certificate")
            configuration.clientKeyPEM = try load(data: user.clientKeyData, file: user.clientKey, "client-key")
            configuration.clientCertificateFile = path(user.clientCertificateData, user.clientCertificate)
            configuration.clientKeyFile = path(user.clientKeyData, user.clientKey)
            configuration.bearerToken = user.token.flatMap { $0.isEmpty ? nil : $0 }
            configuration.bearerTokenFile = user.tokenFile.map {
                $0.hasPrefix("/") ? $0 : (directory as NSString).appendingPathComponent($0)
            }
        }
        return configuration
    }

    /// The in-cluster configuration (client-go `rest.InClusterConfig`): `https://$KUBERNETES_SERVICE_HOST:
    /// $KUBERNETES_SERVICE_PORT`, the service-account token (re-read, it rotates) and CA.
    public static func inCluster(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 serviceAccountDirectory: String = serviceAccountDirectory) throws -> ClientConfiguration {
        let operation = "load in-cluster configuration"
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw APIError(.configuration, operation: operation,
                           message: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined")
        }
        let tokenPath = (serviceAccountDirectory as NSString).appendingPathComponent("token")
        guard let token = try? String(contentsOfFile: tokenPath, encoding: .utf8) else {
            throw APIError(.configuration, operation: operation, message: "cannot read token file \(tokenPath)")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var configuration = ClientConfiguration(server: "https://\(hostPart):\(port)")
        configuration.bearerToken = token.trimmingCharacters(in: .whitespacesAndNewlines)
        configuration.bearerTokenFile = tokenPath
        let caPath = (serviceAccountDirectory as NSString).appendingPathComponent("ca.crt")
        configuration.certificateAuthorityPEM = FileManager.default.contents(atPath: caPath).map(Array.init)
        return configuration
    }
}
