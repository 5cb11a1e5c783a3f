import Foundation
import NIOSSL

/// Notices a rotation of a kubeconfig's `client-certificate` / `client-key` files (the kubelet's
/// certificate manager rewrites them in place) and yields the configuration with the new pair
/// (docs/api-client.md, "Client certificate rotation"). The files are re-read at most every
/// `interval`, or at the next check after `requestCheck()` (a 401/403 or a TLS failure); a pair that
/// does not parse or does not match (caught mid-write) is ignored until a later check.
struct ClientCertificateReloader: Sendable {
    /// Files larger than this are not certificates: ignored (as unreadable) rather than read whole.
    static let maximumFileBytes = 1 << 20

    let certificateFile: String
    let keyFile: String
    let interval: Duration
    private var lastCheck: Duration?
    private var checkRequested = false
    private var certificatePEM: [UInt8]
    private var keyPEM: [UInt8]
    /// The last pair refused (it did not match): not tried again until a file changes. Each refusal costs a
    /// context that swift-nio-ssl does not free (its init throws after SSL_CTX_new), about 1 KB.
    private var refused: (certificate: [UInt8], key: [UInt8])?

    /// A reloader for `configuration`'s certificate files; nil when its pair did not come from files.
    init?(_ configuration: ClientConfiguration, interval: Duration = .seconds(60)) {
        guard let certificateFile = configuration.clientCertificateFile, let keyFile = configuration.clientKeyFile,
              let certificatePEM = configuration.clientCertificatePEM, let keyPEM = configuration.clientKeyPEM else {
            return nil
        }
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.interval = interval
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }

    /// Makes the next `check` read the files whatever the interval (the server refused the credentials).
    mutating func requestCheck() { checkRequested = true }

    /// The configuration with the rotated pair, when the files changed since the pair in use, are
    /// complete and match; nil otherwise (and between checks). `now` is any monotonic time.
    mutating func check(_ configuration: ClientConfiguration, now: Duration) -> ClientConfiguration? {
        if !checkRequested, let lastCheck, now - lastCheck < interval { return nil }
        lastCheck = now
        checkRequested = false
        guard let certificate = Self.read(certificateFile), let key = Self.read(keyFile),
              certificate != certificatePEM || key != keyPEM else { return nil }
        if let refused, refused.certificate == certificate, refused.key == key { return nil }
        var rotated = configuration
        rotated.clientCertificatePEM = certificate
        rotated.clientKeyPEM = key
        // The context is what checks that the key belongs to the certificate.
        guard let tls = try? rotated.makeTLSConfiguration(), (try? NIOSSLContext(configuration: tls)) != nil else {
            refused = (certificate, key)
            return nil
        }
        certificatePEM = certificate
        keyPEM = key
        return rotated
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maximumFileBytes + 1), !data.isEmpty,
              data.count <= maximumFileBytes else { return nil }
        return Array(data)
    }
}
