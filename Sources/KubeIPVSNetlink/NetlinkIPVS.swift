import KubeIPVSCore
import KubeIPVSKernel

/// ``IPVSControl`` over generic netlink (libnl-3 + libnl-genl-3): the kernel's IPVS table of the network
/// namespace its thread lives in (the process's, unless started in another one).
///
/// An actor whose executor is one dedicated thread (``NamespaceThreadExecutor``): the socket is opened on
/// first use, on that thread — so in that thread's namespace — and every blocking call happens there. A receive waits at most `Options.receiveTimeout`. After a
/// timeout or a socket error the socket is dropped and the next call opens a new one.
public actor NetlinkIPVS: IPVSControl {
    /// Tuning knobs; the defaults suit a node daemon.
    public struct Options: Sendable, Hashable {
        /// Longest wait for one answer from the kernel (`SO_RCVTIMEO`).
        public var receiveTimeout: Duration
        /// Requested `SO_RCVBUF`/`SO_SNDBUF` (forced with CAP_NET_ADMIN; the kernel doubles it).
        public var socketBufferBytes: Int
        /// Upper bound on requests per datagram in ``NetlinkIPVS/apply(_:)`` (the receive buffer may
        /// lower it further).
        public var maxRequestsPerDatagram: Int
        /// Ask an ACK for every request instead of only for the last of each datagram.
        public var acknowledgeEach: Bool

        public init(receiveTimeout: Duration = .seconds(5), socketBufferBytes: Int = 4 << 20,
                    maxRequestsPerDatagram: Int = 2048, acknowledgeEach: Bool = false) {
            self.receiveTimeout = receiveTimeout
            self.socketBufferBytes = socketBufferBytes
            self.maxRequestsPerDatagram = maxRequestsPerDatagram
            self.acknowledgeEach = acknowledgeEach
        }
    }

    // The thread stops when the last actor using the executor is gone (the executor's deinit).
    private let executor: NamespaceThreadExecutor
    private let options: Options
    private var connection: IPVSConnection?

    /// The actor's jobs run on its own thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Starts a private (idle) netlink thread in `namespace` (nil: the process's own); talks to the
    /// kernel only when first used. Throws if the thread cannot start or enter the namespace.
    public init(options: Options = Options(), namespace: NetworkNamespace? = nil) throws {
        self.options = options
        executor = try NamespaceThreadExecutor(name: "kipvs-ipvs", namespace: namespace)
    }

    /// Uses `executor`'s thread and namespace (shared with other kernel actors of that namespace).
    public init(executor: NamespaceThreadExecutor, options: Options = Options()) {
        self.options = options
        self.executor = executor
    }

    /// The executor thread's namespace, for other actors or tools that must share it.
    public nonisolated var namespacePath: NetworkNamespace { executor.namespacePath }

    /// Opens the socket and resolves the IPVS family now (instead of on first use).
    /// Throws `.notFound` with errno ENOENT when the ip_vs module is not loaded.
    public func open() throws(KernelError) { _ = try connected() }

    /// The IPVS generic netlink family id.
    public func familyID() throws(KernelError) -> UInt16 { try connected().family }

    public func apply(_ operations: [IPVSOperation]) -> [IPVSOperationResult] {
        guard !operations.isEmpty else { return [] }
        let conn: IPVSConnection
        do throws(KernelError) {
            conn = try connected()
        } catch {
            return operations.map {
                IPVSOperationResult(operation: $0, error: KernelError(
                    code: error.code, operation: $0.operationName, target: $0.target, errno: error.errno,
                    detail: "\(error)"))
            }
        }
        let results = conn.apply(operations)
        if conn.broken { connection = nil }
        return results
    }

    public func virtualServers() throws(KernelError) -> [VirtualServer] {
        try withConnection { (c) throws(KernelError) in try c.virtualServers().map(\.0) }
    }

    public func realServers(of virtualServer: VirtualServerKey) throws(KernelError) -> [RealServerState] {
        try withConnection { (c) throws(KernelError) in try c.realServers(of: virtualServer) }
    }

    public func table() throws(KernelError) -> [VirtualServerState] {
        try withConnection { (c) throws(KernelError) in try c.table() }
    }

    public func timeouts() throws(KernelError) -> IPVSTimeouts {
        try withConnection { (c) throws(KernelError) in try c.timeouts() }
    }

    public func setTimeouts(_ timeouts: IPVSTimeouts) throws(KernelError) {
        try withConnection { (c) throws(KernelError) in try c.setTimeouts(timeouts) }
    }

    public func flush() throws(KernelError) {
        try withConnection { (c) throws(KernelError) in try c.flush() }
    }

    private func connected() throws(KernelError) -> IPVSConnection {
        if let c = connection { return c }
        let c = try IPVSConnection(options: options)
        connection = c
        return c
    }

    private func withConnection<R>(_ body: (IPVSConnection) throws(KernelError) -> R) throws(KernelError) -> R {
        let c = try connected()
        // A kernel refusal leaves the socket in sync; a timeout, I/O error or bad reply may not.
        defer { if c.broken { connection = nil } }
        return try body(c)
    }
}
