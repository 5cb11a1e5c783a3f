import Foundation
import NIOSSL

/// How to reach and authenticate to the API server: resolved from a kubeconfig, the in-cluster service account,
/// or a `--master` URL.
public struct ClientConfiguration: Sendable, Equatable {
    /// Base URL (`https://10.96.0.1:443`; a path prefix is kept).
    public var server: String
    /// PEM CA bundle to trust (nil: the system roots).
    public var certificateAuthorityPEM: [UInt8]?
    /// Skip server certificate verification.
    public var insecureSkipTLSVerify: Bool
    /// PEM client certificate chain.
    public var clientCertificatePEM: [UInt8]?
    /// PEM client private key.
    public var clientKeyPEM: [UInt8]?
    /// The files `clientCertificatePEM` and `clientKeyPEM` were read from (a kubeconfig's
    /// `client-certificate` / `client-key`): re-read when they rotate (``ClientCertificateReloader``).
    public var clientCertificateFile: String?
    public var clientKeyFile: String?
    /// Static bearer token.
    public var bearerToken: String?
    /// File with a bearer token, re-read for every request so rotated service-account tokens work; a successful
    /// read wins over `bearerToken`.
    public var bearerTokenFile: String?
    /// `User-Agent` header.
    public var userAgent: String
    /// Deadline for a list page and for a watch's response head.
    public var requestTimeout: Duration
    /// How long to keep trying to establish a connection (TCP and TLS) before failing with the last error.
    public var connectTimeout: Duration

    /// A configuration for `server` with no credentials.
    public init(server: String, certificateAuthorityPEM: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false,
                clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil, bearerToken: String? = nil,
                bearerTokenFile: String? = nil, userAgent: String = "kube-ipvs", requestTimeout: Duration = .seconds(60),
                connectTimeout: Duration = .seconds(10)) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.bearerToken = bearerToken
        self.bearerTokenFile = bearerTokenFile
        self.userAgent = userAgent
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
    }

    /// The TLS settings for AsyncHTTPClient: CA, client certificate and key, verification mode.
    public func makeTLSConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        // client-go's floor: TLS 1.0 and 1.1 are refused.
        tls.minimumTLSVersion = .tlsv12
        do {
            if let ca = certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
            if insecureSkipTLSVerify { tls.certificateVerification = .none }
            switch (clientCertificatePEM, clientKeyPEM) {
            case (let certificate?, let key?):
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            case (nil, nil):
                break
            default:
                throw APIError(.configuration, operation: "configure TLS for \(server)",
                               message: "a client certificate needs a client key, and a key needs a certificate")
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.configuration, operation: "configure TLS for \(server)",
                           message: "unreadable certificate or key", underlying: error)
        }
        return tls
    }

    /// The bearer token to send now: the token file's content if readable, else the static token.
    func currentBearerToken() -> String? {
        if let path = bearerTokenFile, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !token.isEmpty { return token }
        }
        return bearerToken
    }
}
