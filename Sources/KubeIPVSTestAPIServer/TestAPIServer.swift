import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An in-memory kube-apiserver for tests: list (paging, selectors), watch (chunked streaming, bookmarks,
/// timeoutSeconds, 410 Gone), get/create/update/delete over HTTP, and fault injection. Built on SwiftNIO's HTTP/1.1
/// server pipeline. `bind()` opens the socket, `run()` serves until its task is cancelled.
public final class TestAPIServer: Sendable {
    /// TLS files (PEM).
    public struct TLSFiles: Sendable {
        /// Server certificate chain.
        public var certificateChainPath: String
        /// Server private key.
        public var privateKeyPath: String
        /// When set, clients must present a certificate signed by this CA (mutual TLS).
        public var clientCAPath: String?

        /// TLS with these files.
        public init(certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
            self.clientCAPath = clientCAPath
        }
    }

    /// How the server listens and streams.
    public struct Configuration: Sendable {
        /// Address to listen on.
        public var host: String
        /// Port to listen on (0: any free port).
        public var port: Int
        /// Interval between BOOKMARK events on watches that allow them (kube-apiserver: about a minute).
        public var bookmarkInterval: Duration
        /// Watch duration when the request has no `timeoutSeconds` (kube-apiserver: 30–60 minutes).
        public var defaultWatchTimeout: Duration
        /// Serve HTTPS with these files.
        public var tls: TLSFiles?
        /// Require `Authorization: Bearer <token>` (401 otherwise).
        public var bearerToken: String?

        /// A configuration; the defaults listen on a free loopback port over plain HTTP.
        public init(host: String = "127.0.0.1", port: Int = 0, bookmarkInterval: Duration = .seconds(60),
                    defaultWatchTimeout: Duration = .seconds(1800), tls: TLSFiles? = nil, bearerToken: String? = nil) {
            self.host = host
            self.port = port
            self.bookmarkInterval = bookmarkInterval
            self.defaultWatchTimeout = defaultWatchTimeout
            self.tls = tls
            self.bearerToken = bearerToken
        }
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// The configuration.
    public let configuration: Configuration
    /// The objects served.
    public let store: APIStore
    /// Faults to inject.
    public let faults: FaultInjector
    /// Requests received.
    public let requestLog = RequestLog()
    /// Bytes of watch events written so far (watch bodies are chunked: a client sees no Content-Length).
    public var watchBytesWritten: Int { watchBytes.withLockedValue { $0 } }
    let watchBytes = NIOLockedValueBox(0)
    let logger: Logger
    private let listener = NIOLockedValueBox<NIOAsyncChannel<Connection, Never>?>(nil)

    /// A server over `store`; nothing is opened until `bind()`.
    public init(configuration: Configuration = Configuration(), store: APIStore = APIStore(),
                faults: FaultInjector = FaultInjector(), logger: Logger = Logger(label: "kube-ipvs.test-apiserver")) {
        self.configuration = configuration
        self.store = store
        self.faults = faults
        self.logger = logger
    }

    /// Opens the listening socket and returns the bound address (with the real port when 0 was asked).
    @discardableResult
    public func bind() async throws -> SocketAddress {
        let sslContext = try configuration.tls.map(Self.makeSSLContext)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        listener.withLockedValue { $0 = channel }
        guard let address = channel.channel.localAddress else { throw ChannelError.unknownLocalAddress }
        logger.info("test API server listening", metadata: ["address": "\(address)"])
        return address
    }

    /// The bound port, once bound.
    public var port: Int? { listener.withLockedValue { $0?.channel.localAddress?.port } }

    /// `http://host:port` or `https://host:port`, once bound.
    public var baseURL: String? {
        guard let port else { return nil }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "\(configuration.tls == nil ? "http" : "https")://\(host):\(port)"
    }

    /// Serves connections until the calling task is cancelled (binding first if needed); then closes the listener
    /// and every connection.
    public func run() async throws {
        if listener.withLockedValue({ $0 }) == nil { try await bind() }
        guard let channel = listener.withLockedValue({ $0 }) else { return }
        // The accept loop must drain every accepted connection through `executeThenClose` (NIO traps on a dropped,
        // unfinished one), so it is not cancelled directly: cancellation closes the listener, which ends the loop.
        let acceptLoop = Task { try await self.accept(channel) }
        try await withTaskCancellationHandler {
            try await acceptLoop.value
        } onCancel: {
            channel.channel.close(promise: nil)
        }
    }

    private func accept(_ channel: NIOAsyncChannel<Connection, Never>) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try? await channel.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { await self.serve(connection) }
                }
            }
            group.cancelAll()
        }
    }

    private func serve(_ connection: Connection) async {
        if faults.shouldRefuseConnection() {
            try? await connection.executeThenClose { _, _ in }
            return
        }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = ByteBuffer()
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body.clear()
                    case .body(var chunk):
                        body.writeBuffer(&chunk)
                    case .end:
                        guard let requestHead = head else { continue }
                        let keepOpen = try await respond(to: requestHead, body: body, outbound: outbound,
                                                         channel: connection.channel)
                        if !keepOpen { return }
                    }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    private static func makeSSLContext(_ files: TLSFiles) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(files.certificateChainPath).map { NIOSSLCertificateSource.certificate($0) }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain,
                                                           privateKey: .privateKey(try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem)))
        if let clientCA = files.clientCAPath {
            tls.trustRoots = .file(clientCA)
            tls.certificateVerification = .noHostnameVerification
        }
        return try NIOSSLContext(configuration: tls)
    }
}
