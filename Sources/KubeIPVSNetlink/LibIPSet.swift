import CIPSet
import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// ``IPSetControl`` through libipset's session API, in-process (no `ipset` binary); sets are read back
/// from the kernel's netlink dump directly (``IPSetDump``).
///
/// An actor whose executor is one dedicated thread: libipset blocks in `recv`, so its calls
/// never run on the cooperative pool, and its netlink socket opens on that thread — in that
/// thread's network namespace. Every libipset call also holds ``LibIPSetLock`` because the
/// library's state is process-global.
public actor LibIPSet: IPSetControl {
    private let executor: NamespaceThreadExecutor
    private let ownsExecutor: Bool
    // Created lazily on the executor's thread (an actor's init runs on the caller's thread).
    private var session: LibIPSetSession?
    /// NETLINK_NETFILTER socket for reading sets (``IPSetDump``), also opened on the executor's thread.
    private var dumpSocket: NetlinkSocket?

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Uses `executor`'s thread (shared with other kernel actors of the same namespace).
    public init(executor: NamespaceThreadExecutor) {
        self.executor = executor
        ownsExecutor = false
    }

    /// Starts a private thread in `namespace` (nil: the process's own namespace).
    public init(namespace: NetworkNamespace? = nil) throws {
        executor = try NamespaceThreadExecutor(name: "kipvs-ipset", namespace: namespace)
        ownsExecutor = true
    }

    /// The executor thread's namespace, for other actors that must share it (tests).
    public nonisolated var namespacePath: NetworkNamespace { executor.namespacePath }

    /// Closes the session; stops the thread if this actor started it. The actor is unusable after.
    public func close() {
        session = nil
        dumpSocket = nil
        if ownsExecutor { executor.stopSoon() }
    }

    private func withSession<T>(_ body: (LibIPSetSession) throws -> T) throws -> T {
        try LibIPSetLock.withLock {
            if let session { return try body(session) }
            let created = try LibIPSetSession()
            session = created
            return try body(created)
        }
    }

    /// A dump (list/save) that failed may leave unread kernel messages on the session's socket;
    /// a new session (new socket) keeps them from answering the next command.
    private func withDumpSession<T>(_ body: (LibIPSetSession) throws -> T) throws -> T {
        do {
            return try withSession(body)
        } catch {
            session = nil  // outside the lock: the session's deinit takes it
            throw error
        }
    }

    public func create(_ spec: IPSetSpec, ignoreExisting: Bool) throws {
        let family = spec.type == .bitmapPort ? nil : (spec.family == .v6 ? "inet6" : "inet")
        let range = spec.portRange.map { "\($0.lowerBound)-\($0.upperBound)" }
        try withSession {
            try $0.create(name: spec.name, type: spec.type.rawValue, family: family, hashSize: spec.hashSize,
                          maxElements: spec.maxElements, range: range, exist: ignoreExisting)
        }
    }

    public func destroy(set name: String) throws {
        try withSession { try $0.simple(IPSET_CMD_DESTROY, "ipset destroy", name: name) }
    }

    public func flush(set name: String) throws {
        try withSession { try $0.simple(IPSET_CMD_FLUSH, "ipset flush", name: name) }
    }

    public func swap(_ first: String, _ second: String) throws {
        try withSession { try $0.swap(first, second) }
    }

    public func setNames() throws -> [String] {
        try withDumpSession { try $0.names() }.sorted()
    }

    public func header(of name: String) throws -> IPSetSpec {
        try dump(name, headerOnly: true).spec()
    }

    public func entries(of name: String) throws -> [IPSetEntry] {
        try dump(name, headerOnly: false).entries.sorted()
    }

    /// One set read from the kernel's netlink dump (no libipset: see ``IPSetDump``).
    private func dump(_ name: String, headerOnly: Bool) throws(KernelError) -> IPSetDump {
        let socket: NetlinkSocket
        if let open = dumpSocket {
            socket = open
        } else {
            socket = try NetlinkSocket(protocol: NETLINK_NETFILTER, receiveTimeout: .seconds(5), bufferBytes: 1 << 20)
            dumpSocket = socket
        }
        defer { if socket.broken { dumpSocket = nil } }
        let message = try IPSetDump.request(set: name, headerOnly: headerOnly)
        let seq = socket.takeSequence()
        message.address(seq: seq, port: socket.portID)
        var result = IPSetDump(name: name)
        do {
            try socket.exchange(message, seq: seq, target: name) { (reply) throws(KernelError) in try result.add(reply) }
        } catch where error.errno == ENOENT {
            // The text libipset reports, so callers see one error for a missing set whatever the command.
            throw KernelError(operation: "ipset save", target: name, errno: ENOENT, detail: IPSetMessage.setMissing)
        }
        return result
    }

    public func add(_ entries: [IPSetEntry], to name: String, ignoreExisting: Bool) throws {
        try withSession { try $0.batch(IPSET_CMD_ADD, name: name, entries: entries, exist: ignoreExisting) }
    }

    public func delete(_ entries: [IPSetEntry], from name: String, ignoreMissing: Bool) throws {
        try withSession { try $0.batch(IPSET_CMD_DEL, name: name, entries: entries, exist: ignoreMissing) }
    }

    public func contains(_ entry: IPSetEntry, in name: String) throws -> Bool {
        try withSession { try $0.test(name: name, element: entry.description) }
    }
}
