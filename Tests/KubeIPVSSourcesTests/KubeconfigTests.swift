import Foundation
import KubeIPVSSources
import KubeIPVSTestAPIServer
import NIOSSL
import Testing

@Suite("Kubeconfig and client configuration")
struct KubeconfigTests {
    private func base64(_ name: String) throws -> String {
        try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(name))).base64EncodedString()
    }

    private func pem(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(name))))
    }

    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "kube-ipvs-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func tokenUserAndInsecureCluster() throws {
        let kubeconfig = try Kubeconfig.parse("""
            apiVersion: v1
            kind: Config
            current-context: lab
            clusters:
            - name: lab-cluster
              cluster:
                server: https://10.0.0.1:6443
                insecure-skip-tls-verify: true
            users:
            - name: proxy
              user:
                token: abc.def
            contexts:
            - name: other
              context: {cluster: missing, user: proxy}
            - name: lab
              context:
                cluster: lab-cluster
                user: proxy
                namespace: kube-system
            """)
        #expect(kubeconfig.currentContext == "lab")
        #expect(kubeconfig.contexts["lab"]?.namespace == "kube-system")
        let configuration = try ClientConfiguration.fromKubeconfig(kubeconfig)
        #expect(configuration.server == "https://10.0.0.1:6443")
        #expect(configuration.insecureSkipTLSVerify)
        #expect(configuration.bearerToken == "abc.def")
        #expect(configuration.certificateAuthorityPEM == nil)
        #expect(try configuration.makeTLSConfiguration().certificateVerification == .none)
        let error = #expect(throws: APIError.self) { try ClientConfiguration.fromKubeconfig(kubeconfig, context: "other") }
        #expect(error?.code == .configuration)
        #expect(error?.message == "cluster \"missing\" not found")
        let master = try ClientConfiguration.fromKubeconfig(kubeconfig, master: "https://192.0.2.1:443")
        #expect(master.server == "https://192.0.2.1:443")
    }

    @Test func embeddedClientCertificateKeyAndCA() throws {
        let kubeconfig = try Kubeconfig.parse("""
            current-context: c
            clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: \(try base64("tls/ca.crt"))}}]
            users: [{name: u, user: {client-certificate-data: \(try base64("tls/client.crt")), client-key-data: \(try base64("tls/client.key"))}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """)
        let configuration = try ClientConfiguration.fromKubeconfig(kubeconfig)
        #expect(configuration.certificateAuthorityPEM == (try pem("tls/ca.crt")))
        #expect(configuration.clientCertificatePEM == (try pem("tls/client.crt")))
        #expect(configuration.clientKeyPEM == (try pem("tls/client.key")))
        #expect(!configuration.insecureSkipTLSVerify)
        let tls = try configuration.makeTLSConfiguration()
        #expect(tls.certificateVerification == .fullVerification)
        #expect(tls.certificateChain.count == 1)
        #expect(tls.privateKey != nil)
        guard case .certificates(let roots)? = tls.trustRoots else {
            Issue.record("CA not used as trust root")
            return
        }
        #expect(roots == (try NIOSSLCertificate.fromPEMBytes(try pem("tls/ca.crt"))))
    }

    @Test func relativeFilesAndTokenFileResolveAgainstTheKubeconfigDirectory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["ca.crt", "client.crt", "client.key"] {
            try FileManager.default.copyItem(atPath: Fixtures.path("tls/" + name), toPath: directory + "/" + name)
        }
        try "first-token\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        try """
            current-context: c
            clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443", certificate-authority: ca.crt}}]
            users: [{name: u, user: {client-certificate: client.crt, client-key: \(directory)/client.key, tokenFile: token}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """.write(toFile: directory + "/kubeconfig", atomically: true, encoding: .utf8)
        let configuration = try ClientConfiguration.resolve(kubeconfigPath: directory + "/kubeconfig", master: nil,
                                                            environment: [:])
        #expect(configuration.certificateAuthorityPEM == (try pem("tls/ca.crt")))
        #expect(configuration.clientCertificatePEM == (try pem("tls/client.crt")))
        #expect(configuration.clientKeyPEM == (try pem("tls/client.key")))
        #expect(configuration.bearerTokenFile == directory + "/token")
        _ = try configuration.makeTLSConfiguration()
    }

    @Test func inClusterConfiguration() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "sa-token\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Fixtures.path("tls/ca.crt"), toPath: directory + "/ca.crt")
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let configuration = try ClientConfiguration.resolve(kubeconfigPath: nil, master: "", environment: environment,
                                                            serviceAccountDirectory: directory)
        #expect(configuration.server == "https://10.96.0.1:443")
        #expect(configuration.bearerToken == "sa-token")
        #expect(configuration.bearerTokenFile == directory + "/token")
        #expect(configuration.certificateAuthorityPEM == (try pem("tls/ca.crt")))
        let v6 = try ClientConfiguration.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "fd00::1",
                                                                 "KUBERNETES_SERVICE_PORT": "443"],
                                                   serviceAccountDirectory: directory)
        #expect(v6.server == "https://[fd00::1]:443")
        let error = #expect(throws: APIError.self) {
            try ClientConfiguration.resolve(kubeconfigPath: nil, master: nil, environment: [:],
                                            serviceAccountDirectory: directory)
        }
        #expect(error?.message == "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined")
        let masterOnly = try ClientConfiguration.resolve(kubeconfigPath: nil, master: "http://127.0.0.1:8080",
                                                         environment: environment, serviceAccountDirectory: directory)
        #expect(masterOnly == ClientConfiguration(server: "http://127.0.0.1:8080"))
    }

    @Test func mutualTLSAndTokenFileAgainstTheTestServer() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "rotating-1".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        let store = APIStore()
        try store.create(.services, serviceJSON("a"))
        let tls = TestAPIServer.TLSFiles(certificateChainPath: Fixtures.path("tls/server.crt"),
                                         privateKeyPath: Fixtures.path("tls/server.key"),
                                         clientCAPath: Fixtures.path("tls/ca.crt"))
        let kubeconfig = { (url: String) in """
            current-context: c
            clusters: [{name: k, cluster: {server: "\(url)", certificate-authority-data: \(try! self.base64("tls/ca.crt"))}}]
            users: [{name: u, user: {client-certificate-data: \(try! self.base64("tls/client.crt")), client-key-data: \(try! self.base64("tls/client.key")), tokenFile: \(directory)/token}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """ }
        try await withServer(.init(tls: tls, bearerToken: "rotating-1"), store: store, clientConfiguration: { url in
            try! ClientConfiguration.fromKubeconfig(try! Kubeconfig.parse(kubeconfig(url)))
        }) { server, client in
            #expect(server.baseURL!.hasPrefix("https://127.0.0.1:"))
            let list = try await client.list(TestService.self, .services)
            #expect(list.items.map(\.metadata.name) == ["a"])
            // The token file is re-read: a rotated token the server does not accept fails with 401.
            try "rotating-2".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
            let unauthorized = await #expect(throws: APIError.self) { _ = try await client.list(TestService.self, .services) }
            #expect(unauthorized?.httpStatus == 401)

            // Without a client certificate the handshake fails.
            var anonymous = ClientConfiguration(server: server.baseURL!, certificateAuthorityPEM: try pem("tls/ca.crt"),
                                                bearerToken: "rotating-1", requestTimeout: .seconds(4),
                                                connectTimeout: .milliseconds(1500))
            let noCertificate = try APIClient(configuration: anonymous, logger: quietLogger)
            let rejected = await #expect(throws: APIError.self) { _ = try await noCertificate.list(TestService.self, .services) }
            #expect(rejected?.code == .transport)
            #expect("\(rejected.map { "\($0)" } ?? "")".contains("CERTIFICATE_REQUIRED"))
            try await noCertificate.shutdown()
            // Without the CA the server is not trusted.
            anonymous.certificateAuthorityPEM = nil
            anonymous.clientCertificatePEM = try pem("tls/client.crt")
            anonymous.clientKeyPEM = try pem("tls/client.key")
            let untrusting = try APIClient(configuration: anonymous, logger: quietLogger)
            let untrusted = await #expect(throws: APIError.self) { _ = try await untrusting.list(TestService.self, .services) }
            #expect(untrusted?.code == .transport)
            #expect("\(untrusted.map { "\($0)" } ?? "")".contains("CERTIFICATE_VERIFY_FAILED"))
            try await untrusting.shutdown()
        }
    }
}
