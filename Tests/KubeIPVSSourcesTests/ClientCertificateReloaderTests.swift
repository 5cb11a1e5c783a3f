import Foundation
import KubeIPVSTestAPIServer
import NIOSSL
import Testing

@testable import KubeIPVSSources

/// Rotation of a kubeconfig's client-certificate / client-key files, with pairs openssl generates.
@Suite struct ClientCertificateReloaderTests {
    /// A temporary directory with a kubeconfig naming `client.crt` / `client.key` (relative paths).
    struct Directory {
        let path = NSTemporaryDirectory() + "kube-ipvs-certs-" + UUID().uuidString

        init() throws {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try """
                current-context: c
                clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]
                users: [{name: u, user: {client-certificate: client.crt, client-key: client.key}}]
                contexts: [{name: c, context: {cluster: k, user: u}}]
                """.write(toFile: path + "/kubeconfig", atomically: true, encoding: .utf8)
        }

        /// A self-signed EC pair with `serial` and CN `node-<serial>`, written to `<name>.crt` / `<name>.key`.
        func generate(_ name: String, serial: Int) throws {
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                 "-nodes", "-days", "1", "-subj", "/CN=node-\(serial)/O=system:nodes",
                                 "-set_serial", "\(serial)", "-keyout", "\(path)/\(name).key", "-out", "\(path)/\(name).crt"]
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            #expect(openssl.terminationStatus == 0)
        }

        /// Rewrites `file` in place (as the kubelet does) with `source`'s bytes.
        func copy(_ source: String, to file: String) throws {
            try Data(contentsOf: URL(fileURLWithPath: path + "/" + source)).write(to: URL(fileURLWithPath: path + "/" + file))
        }

        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    /// The serial of the leaf certificate a configuration's TLS settings present.
    static func presentedSerial(_ configuration: ClientConfiguration) throws -> String? {
        let tls = try configuration.makeTLSConfiguration()
        guard case .certificate(let leaf)? = tls.certificateChain.first else { return nil }
        let openssl = Process(), pipe = Pipe(), input = Pipe()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["x509", "-inform", "DER", "-noout", "-serial", "-subject", "-nameopt", "compat"]
        openssl.standardInput = input
        openssl.standardOutput = pipe
        try openssl.run()
        input.fileHandleForWriting.write(Data(try leaf.toDERBytes()))
        try input.fileHandleForWriting.close()
        openssl.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    @Test func rotatedFilesYieldTheNewPairAtTheNextCheck() throws {
        let d = try Directory()
        defer { d.remove() }
        try d.generate("client", serial: 4097)
        try d.generate("next", serial: 4098)
        let configuration = try ClientConfiguration.resolve(kubeconfigPath: d.path + "/kubeconfig", master: nil, environment: [:])
        #expect(configuration.clientCertificateFile == d.path + "/client.crt")
        #expect(configuration.clientKeyFile == d.path + "/client.key")
        var reloader = try #require(ClientCertificateReloader(configuration, interval: .seconds(60)))
        #expect(reloader.check(configuration, now: .seconds(0)) == nil)
        // The kubelet rewrites both files in place.
        try d.copy("next.crt", to: "client.crt")
        try d.copy("next.key", to: "client.key")
        // Not before the interval is over...
        #expect(reloader.check(configuration, now: .seconds(59)) == nil)
        // ...then the new pair, once.
        let next = reloader.check(configuration, now: .seconds(60))
        let rotated = try #require(next)
        #expect(try Self.presentedSerial(rotated) == "serial=1002\nsubject=/CN=node-4098/O=system:nodes\n")
        #expect(try Self.presentedSerial(configuration) == "serial=1001\nsubject=/CN=node-4097/O=system:nodes\n")
        #expect(reloader.check(rotated, now: .seconds(120)) == nil)
    }

    @Test func aHalfWrittenPairIsIgnoredUntilItMatches() throws {
        let d = try Directory()
        defer { d.remove() }
        try d.generate("client", serial: 1)
        try d.generate("next", serial: 2)
        let configuration = try ClientConfiguration.resolve(kubeconfigPath: d.path + "/kubeconfig", master: nil, environment: [:])
        var reloader = try #require(ClientCertificateReloader(configuration, interval: .seconds(60)))
        // The certificate is rewritten, the key not yet: the pair does not match.
        try d.copy("next.crt", to: "client.crt")
        #expect(reloader.check(configuration, now: .seconds(60)) == nil)
        // A truncated key does not parse.
        try Data("-----BEGIN PRIVATE KEY-----\n".utf8).write(to: URL(fileURLWithPath: d.path + "/client.key"))
        #expect(reloader.check(configuration, now: .seconds(120)) == nil)
        try d.copy("next.key", to: "client.key")
        let next = reloader.check(configuration, now: .seconds(180))
        let rotated = try #require(next)
        #expect(try Self.presentedSerial(rotated) == "serial=02\nsubject=/CN=node-2/O=system:nodes\n")
    }

    @Test func aRefusedRequestChecksAtOnce() throws {
        let d = try Directory()
        defer { d.remove() }
        try d.generate("client", serial: 1)
        try d.generate("next", serial: 2)
        let configuration = try ClientConfiguration.resolve(kubeconfigPath: d.path + "/kubeconfig", master: nil, environment: [:])
        var reloader = try #require(ClientCertificateReloader(configuration, interval: .seconds(60)))
        #expect(reloader.check(configuration, now: .seconds(0)) == nil)
        try d.copy("next.crt", to: "client.crt")
        try d.copy("next.key", to: "client.key")
        reloader.requestCheck()
        #expect(reloader.check(configuration, now: .seconds(1)) != nil)
    }

    /// Mutual TLS against the test API server, which trusts the fixture CA for clients: a pair it does not
    /// trust is refused in the handshake; once the files hold a trusted pair, the next request uses it.
    @Test func theClientPresentsTheRotatedCertificateToTheTestServer() async throws {
        let d = try Directory()
        defer { d.remove() }
        try d.generate("client", serial: 7)
        let store = APIStore()
        try store.create(.services, serviceJSON("a"))
        let tls = TestAPIServer.TLSFiles(certificateChainPath: Fixtures.path("tls/server.crt"),
                                         privateKeyPath: Fixtures.path("tls/server.key"),
                                         clientCAPath: Fixtures.path("tls/ca.crt"))
        try await withServer(.init(tls: tls), store: store, clientConfiguration: { url in
            try! """
                current-context: c
                clusters: [{name: k, cluster: {server: "\(url)", certificate-authority: \(Fixtures.path("tls/ca.crt"))}}]
                users: [{name: u, user: {client-certificate: client.crt, client-key: client.key}}]
                contexts: [{name: c, context: {cluster: k, user: u}}]
                """.write(toFile: d.path + "/kubeconfig-tls", atomically: true, encoding: .utf8)
            var configuration = try! ClientConfiguration.resolve(kubeconfigPath: d.path + "/kubeconfig-tls", master: nil,
                                                                 environment: [:])
            configuration.requestTimeout = .seconds(4)
            configuration.connectTimeout = .milliseconds(1500)
            return configuration
        }) { _, client in
            // The self-signed pair is not signed by the CA the server trusts.
            let refused = await #expect(throws: APIError.self) { _ = try await client.list(TestService.self, .services) }
            #expect(refused?.code == .transport)
            // Rotated in place to a pair the server trusts: the failed request made the next one look.
            for name in ["client.crt", "client.key"] {
                try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tls/" + name)))
                    .write(to: URL(fileURLWithPath: d.path + "/" + name))
            }
            let list = try await client.list(TestService.self, .services)
            #expect(list.items.map(\.metadata.name) == ["a"])
        }
    }

    @Test func inlineDataIsNotWatched() throws {
        var configuration = ClientConfiguration(server: "https://127.0.0.1:6443")
        configuration.clientCertificatePEM = Array("x".utf8)
        configuration.clientKeyPEM = Array("y".utf8)
        #expect(ClientCertificateReloader(configuration) == nil)
    }
}
