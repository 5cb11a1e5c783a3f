import AsyncHTTPClient
import Logging

extension APIClient {
    /// The HTTP client in use, the ones it replaced (their running requests finish on them; closed by
    /// `shutdown()`), and the certificate files to watch.
    struct Transport: Sendable {
        var current: HTTPClient
        var retired: [HTTPClient] = []
        var configuration: ClientConfiguration
        var reloader: ClientCertificateReloader?
    }

    /// The HTTP client for a new request: after the client certificate files rotated, a new one with
    /// the new pair, so new connections present it while a running watch keeps its connection.
    func httpClient() -> HTTPClient {
        let now = ContinuousClock.now - created
        let (client, reloaded) = transport.withLockedValue { t -> (HTTPClient, ClientCertificateReloader?) in
            guard var reloader = t.reloader else { return (t.current, nil) }
            defer { t.reloader = reloader }
            guard let rotated = reloader.check(t.configuration, now: now),
                  let client = try? Self.makeHTTPClient(rotated, https: true, eventLoopGroup: eventLoopGroup,
                                                        logger: logger) else { return (t.current, nil) }
            t.retired.append(t.current)
            t.current = client
            t.configuration = rotated
            return (client, reloader)
        }
        if let reloaded {
            logger.info("client certificate reloaded", metadata: [
                "certificate": "\(reloaded.certificateFile)", "key": "\(reloaded.keyFile)",
            ])
        }
        return client
    }
}
