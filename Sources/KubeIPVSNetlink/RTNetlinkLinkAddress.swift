import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// ``LinkAddressControl`` over rtnetlink with libnl-3 core (hand-built messages, no libnl-route).
///
/// An actor on one dedicated thread: its NETLINK_ROUTE socket opens on that thread, in that
/// thread's network namespace, and blocking receives stay off the cooperative pool.
public actor RTNetlinkLinkAddress: LinkAddressControl {
    private let executor: NamespaceThreadExecutor
    // Opened lazily on the executor's thread (an actor's init runs on the caller's thread).
    private var socket: NetlinkSocket?
    /// ifindex per link name from the last lookup, so address changes skip an RTM_GETLINK round trip.
    // Safe to trust until ENODEV: the kernel hands out ifindexes in increasing order (no quick reuse).
    private var indexes: [String: Int32] = [:]

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Uses `executor`'s thread (and namespace).
    public init(executor: NamespaceThreadExecutor) {
        self.executor = executor
    }

    /// Starts a private thread in `namespace` (nil: the process's own namespace).
    public init(namespace: NetworkNamespace? = nil) throws {
        executor = try NamespaceThreadExecutor(name: "kipvs-rtnl", namespace: namespace)
    }

    /// The executor thread's namespace, for other actors that must share it (tests).
    public nonisolated var namespacePath: NetworkNamespace { executor.namespacePath }

    /// One request; `onData` sees each data message of the answer (in the receive buffer). Kernel errors
    /// become ``KernelError`` naming the message's operation and `target`; a missing link or address is
    /// `.notFound`. A socket left out of step (timeout) is replaced on the next request.
    private func send(_ message: NetlinkMessage, _ target: String,
                      onData: (NetlinkReply) -> Void) throws(KernelError) {
        let socket = try openSocket()
        defer { if socket.broken { self.socket = nil } }
        let seq = socket.takeSequence()
        message.address(seq: seq, port: socket.portID)
        do {
            try socket.exchange(message, seq: seq, target: target) { (reply) throws(KernelError) in onData(reply) }
        } catch {
            var error = error
            // Missing link / missing address are "not found" in our vocabulary.
            if error.errno == ENODEV || error.errno == EADDRNOTAVAIL { error.code = .notFound }
            throw error
        }
    }

    private func openSocket() throws(KernelError) -> NetlinkSocket {
        if let open = socket { return open }
        let opened = try NetlinkSocket(protocol: NETLINK_ROUTE, receiveTimeout: .seconds(5), bufferBytes: 1 << 20)
        // Strict checking makes the kernel honour a dump's ifindex filter (Linux 4.20+); without it,
        // filtered dumps answer every link and are filtered here.
        var strict: Int32 = 1
        _ = setsockopt(opened.fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &strict, socklen_t(MemoryLayout<Int32>.size))
        socket = opened
        return opened
    }

    /// A request answered by an ACK alone.
    private func send(_ message: NetlinkMessage, _ target: String) throws(KernelError) {
        try send(message, target, onData: { _ in })
    }

    /// The data messages of an answer, parsed by `parse` (messages it does not recognise are skipped).
    private func collect<T>(_ message: NetlinkMessage, _ target: String,
                            _ parse: (NetlinkReply) -> T?) throws(KernelError) -> [T] {
        var out: [T] = []
        try send(message, target, onData: { if let value = parse($0) { out.append(value) } })
        return out
    }

    /// The link called `name` (RTM_GETLINK by name), nil when the kernel says ENODEV.
    public func link(named name: String) throws -> NetworkLink? {
        var found: NetworkLink?
        do {
            found = try collect(try RTNetlinkRequests.getLink(name: name), name, RTNetlinkParsing.link).first
        } catch {
            guard error.errno == ENODEV else { throw error }
        }
        indexes[name] = found?.index
        return found
    }

    private func requireLink(_ name: String, _ operation: String) throws -> NetworkLink {
        guard let link = try link(named: name) else {
            throw KernelError(code: .notFound, operation: operation, target: name, errno: ENODEV,
                              detail: "no link named \(name)")
        }
        return link
    }

    public func ensureDummyLink(named name: String) throws -> NetworkLink {
        if let existing = try link(named: name) { return try Self.checkDummy(existing) }
        do {
            try send(try RTNetlinkRequests.newLink(name: name, kind: "dummy"), name)
        } catch where error.errno == EOPNOTSUPP {
            throw KernelError(code: .unsupported, operation: "RTM_NEWLINK", target: name, errno: EOPNOTSUPP,
                              detail: LinkAddressMessage.dummyUnsupported)
        } catch where error.errno == EEXIST {
            // Created concurrently by someone else: fine if it is a dummy.
        }
        return try Self.checkDummy(try requireLink(name, "RTM_GETLINK"))
    }

    static func checkDummy(_ link: NetworkLink) throws -> NetworkLink {
        guard link.kind == "dummy" else {
            throw KernelError(code: .exists, operation: "RTM_NEWLINK", target: link.name, errno: EEXIST,
                              detail: "link \(link.name) exists with kind \(link.kind ?? "none"), not dummy")
        }
        return link
    }

    public func links() throws -> [NetworkLink] {
        try collect(try RTNetlinkRequests.dumpLinks(), "*", RTNetlinkParsing.link).sorted { $0.index < $1.index }
    }

    public func deleteLink(named name: String) throws {
        let link = try requireLink(name, "RTM_DELLINK")
        indexes[name] = nil
        try send(try RTNetlinkRequests.deleteLink(index: link.index), name)
    }

    /// `ip link add NAME type veth peer name PEER` (test topologies; not part of the protocol).
    public func createVethPair(_ name: String, peer: String) throws {
        try send(try RTNetlinkRequests.newVethPair(name: name, peer: peer), "\(name)/\(peer)")
    }

    /// `ip link set dev NAME up|down` (not part of the protocol: kube-ipvs0 stays down).
    public func setLink(named name: String, up: Bool) throws {
        let link = try requireLink(name, "RTM_NEWLINK")
        try send(try RTNetlinkRequests.setLink(index: link.index, up: up), name)
    }

    private func allAddresses() throws -> [RTNetlinkParsing.Address] {
        try collect(try RTNetlinkRequests.dumpAddresses(), "*", RTNetlinkParsing.address)
    }

    /// The addresses of the link with `index` (asked of that link alone).
    private func addresses(index: Int32) throws(KernelError) -> [RTNetlinkParsing.Address] {
        try collect(try RTNetlinkRequests.dumpAddresses(index: index), "ifindex \(index)", RTNetlinkParsing.address)
            .filter { $0.index == index }
    }

    public func addresses(on link: String) throws -> [IPAddress] {
        let index = try requireLink(link, "RTM_GETADDR").index
        return try addresses(index: index).map(\.address).sorted()
    }

    public func addAddress(_ address: IPAddress, to link: String) throws {
        try changeAddress(address, link, add: true)
    }

    public func deleteAddress(_ address: IPAddress, from link: String) throws {
        try changeAddress(address, link, add: false)
    }

    private func changeAddress(_ address: IPAddress, _ link: String, add: Bool) throws {
        let operation = add ? "RTM_NEWADDR" : "RTM_DELADDR"
        let target = "\(CIDR(host: address)) dev \(link)"
        if let cached = indexes[link] {
            do {
                try send(try RTNetlinkRequests.address(address, index: cached, add: add), target)
                return
            } catch {
                guard error.errno == ENODEV else { throw error }
                indexes[link] = nil  // deleted (or recreated under a new index): look it up again
            }
        }
        let index = try requireLink(link, operation).index
        try send(try RTNetlinkRequests.address(address, index: index, add: add), target)
    }

    /// One dump per other link: the dummy link's (maybe 10,000) addresses are never read.
    public func localAddresses(excluding link: String) throws -> [LocalAddress] {
        var out: [LocalAddress] = []
        for other in try links() where other.name != link {
            switch Result(catching: { () throws(KernelError) in try addresses(index: other.index) }) {
            case .success(let found): out += found.map { LocalAddress(interface: other.name, address: $0.address) }
            case .failure(let error) where error.code == .notFound: continue  // gone between the two dumps
            case .failure(let error): throw error
            }
        }
        return out.sorted()
    }

    public func localAddresses() throws -> [LocalAddress] {
        let names = Dictionary(try links().map { ($0.index, $0.name) }, uniquingKeysWith: { a, _ in a })
        return try allAddresses().compactMap { entry in
            names[entry.index].map { LocalAddress(interface: $0, address: entry.address) }
        }.sorted()
    }

    public func addAddresses(_ addresses: [IPAddress], to link: String) -> [(any Error)?] {
        changeAddresses(addresses, link, add: true)
    }

    public func deleteAddresses(_ addresses: [IPAddress], from link: String) -> [(any Error)?] {
        changeAddresses(addresses, link, add: false)
    }

    /// Many RTM_NEWADDR / RTM_DELADDR per datagram (each asking its ACK), answers read back per chunk:
    /// one send and a few receives per 256 addresses instead of a round trip each.
    private func changeAddresses(_ addresses: [IPAddress], _ link: String, add: Bool) -> [(any Error)?] {
        var results: [(any Error)?] = Array(repeating: nil, count: addresses.count)
        guard !addresses.isEmpty else { return results }
        let index: Int32
        do {
            index = try indexes[link] ?? requireLink(link, add ? "RTM_NEWADDR" : "RTM_DELADDR").index
        } catch {
            return results.map { _ in error }
        }
        var start = 0
        while start < addresses.count {
            let end = min(start + 256, addresses.count)
            do {
                try changeChunk(addresses, start..<end, index: index, link: link, add: add, results: &results)
            } catch {
                for i in start..<addresses.count where results[i] == nil { results[i] = error }
                break
            }
            start = end
        }
        if results.contains(where: { ($0 as? KernelError)?.errno == ENODEV }) { indexes[link] = nil }
        return results
    }

    private func changeChunk(_ addresses: [IPAddress], _ range: Range<Int>, index: Int32, link: String, add: Bool,
                             results: inout [(any Error)?]) throws(KernelError) {
        let socket = try openSocket()
        defer { if socket.broken { self.socket = nil } }
        let first = socket.takeSequence(UInt32(range.count))
        var datagram: [UInt8] = []
        var operation = ""
        for i in range {
            let message = try RTNetlinkRequests.address(addresses[i], index: index, add: add)
            message.address(seq: first &+ UInt32(i - range.lowerBound), port: socket.portID)
            datagram.append(contentsOf: message.bytes)
            operation = message.operation
        }
        do throws(KernelError) {
            try datagram.withUnsafeBytes { bytes in Result { () throws(KernelError) in try socket.send(bytes) } }.get()
            var answered = 0
            while answered < range.count {
                try NetlinkReplies.forEach(in: try socket.receive()) { (reply) throws(KernelError) in
                    let k = Int(reply.sequence &- first)
                    guard k >= 0, k < range.count else { return }  // a late answer to an earlier request
                    switch reply.kind {
                    case .ack: answered += 1
                    case .error(let e, let text):
                        var error = KernelError(operation: operation, target: "\(CIDR(host: addresses[range.lowerBound + k])) dev \(link)",
                                                errno: e, detail: text)
                        if e == ENODEV || e == EADDRNOTAVAIL { error.code = .notFound }
                        results[range.lowerBound + k] = error
                        answered += 1
                    case .data, .done: break
                    }
                }
            }
        } catch {
            socket.broken = true
            throw error
        }
    }
}
