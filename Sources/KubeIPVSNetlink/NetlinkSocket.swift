import CNetlink
import Glibc
import KubeIPVSKernel

/// A netlink socket (`NETLINK_GENERIC` for IPVS, `NETLINK_ROUTE` for links and addresses, `NETLINK_NETFILTER`
/// for reading ipsets): the one file that makes socket system calls.
///
/// libnl builds and parses the messages (``NetlinkMessage``, ``NetlinkReplies``), but its I/O layer sends
/// one request per call and folds the kernel's errno into an `NLE_*` code, so sending and receiving are
/// done here with plain `send`/`recv`: many requests per datagram, every errno kept. Requests and answers
/// are matched by sequence number (``exchange(_:seq:target:onData:)``).
///
/// Not Sendable: one socket belongs to one thread (a ``NamespaceThreadExecutor``'s); it was created in
/// that thread's network namespace.
final class NetlinkSocket {
    let fd: Int32
    /// `NETLINK_GENERIC` or `NETLINK_ROUTE`, as errors name the socket.
    let protocolName: String
    /// The kernel-assigned netlink port id (`nl_pid` after bind).
    let portID: UInt32
    /// The kernel's accounting limits (`sk_rcvbuf`, `sk_sndbuf`) as read back after sizing.
    let receiveBufferLimit: Int
    let sendBufferLimit: Int
    /// Receive buffer; a dump datagram is at most 32 KiB (`netlink_dump`), an ACK far less.
    private let buffer: UnsafeMutableRawBufferPointer
    private var nextSequence: UInt32 = 1
    /// Set when an exchange ended without its answer (timeout, socket error, unreadable reply): replies
    /// may still be in flight, so the owner should open a new socket.
    var broken = false

    /// Opens and binds the socket, sizes its kernel buffers (`SO_*BUFFORCE` when CAP_NET_ADMIN allows,
    /// else the plain options, capped by `net.core.[rw]mem_max`), caps ACKs (`NETLINK_CAP_ACK`), asks for
    /// extended ACK messages, and bounds every receive by `receiveTimeout` (`SO_RCVTIMEO`).
    init(protocol netlinkProtocol: Int32 = NETLINK_GENERIC, receiveTimeout: Duration,
         bufferBytes: Int) throws(KernelError) {
        let names = [NETLINK_ROUTE: "NETLINK_ROUTE", NETLINK_GENERIC: "NETLINK_GENERIC", NETLINK_NETFILTER: "NETLINK_NETFILTER"]
        let name = names[netlinkProtocol] ?? "netlink protocol \(netlinkProtocol)"
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkProtocol)
        guard fd >= 0 else { throw KernelError(operation: "socket(AF_NETLINK, \(name))", target: name, errno: errno) }
        self.fd = fd
        protocolName = name
        self.buffer = .allocate(byteCount: 64 << 10, alignment: 8)
        let setup = Setup(fd: fd, name: name)
        do {
            var local = sockaddr_nl()
            local.nl_family = sa_family_t(AF_NETLINK)
            try setup.check(withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
                }
            }, "bind")
            var len = socklen_t(MemoryLayout<sockaddr_nl>.size)
            try setup.check(withUnsafeMutablePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
            }, "getsockname")
            portID = local.nl_pid
            try setup.set(SOL_NETLINK, NETLINK_CAP_ACK, Int32(1), "NETLINK_CAP_ACK")
            // Extended ACK messages are a nicety: older kernels reject the option, which is fine.
            try? setup.set(SOL_NETLINK, NETLINK_EXT_ACK, Int32(1), "NETLINK_EXT_ACK")
            let bytes = Int32(clamping: bufferBytes)
            for (force, plain, label) in [(SO_RCVBUFFORCE, SO_RCVBUF, "SO_RCVBUF"), (SO_SNDBUFFORCE, SO_SNDBUF, "SO_SNDBUF")] {
                if (try? setup.set(SOL_SOCKET, force, bytes, label + "FORCE")) == nil {
                    try setup.set(SOL_SOCKET, plain, bytes, label)
                }
            }
            receiveBufferLimit = Int(try setup.get(SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF"))
            sendBufferLimit = Int(try setup.get(SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF"))
            let seconds = receiveTimeout.components.seconds
            let micros = receiveTimeout.components.attoseconds / 1_000_000_000_000
            try setup.set(SOL_SOCKET, SO_RCVTIMEO, timeval(tv_sec: Int(seconds), tv_usec: Int(micros)), "SO_RCVTIMEO")
        } catch {
            close(fd)
            buffer.deallocate()
            throw error
        }
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Sends one datagram holding one or more netlink messages; the kernel processes them in order
    /// before `send` returns.
    func send(_ bytes: UnsafeRawBufferPointer) throws(KernelError) {
        while true {
            let sent = Glibc.send(fd, bytes.baseAddress, bytes.count, 0)
            if sent == bytes.count { return }
            if sent < 0 && errno == EINTR { continue }
            if sent >= 0 {
                throw KernelError(code: .failed, operation: "send", target: protocolName,
                                  detail: "short send: \(sent) of \(bytes.count) bytes")
            }
            throw error("send \(bytes.count) bytes")
        }
    }

    /// Receives one datagram; the returned bytes stay valid until the next `receive`.
    /// Throws `.timeout` when nothing arrives within the receive timeout.
    func receive() throws(KernelError) -> UnsafeRawBufferPointer {
        while true {
            let got = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_TRUNC))
            if got < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK {
                    throw KernelError(code: .timeout, operation: "recv", target: protocolName,
                                      detail: "no answer from the kernel within the receive timeout")
                }
                throw KernelError(operation: "recv", target: protocolName, errno: e)
            }
            guard got <= buffer.count else {
                throw KernelError(code: .failed, operation: "recv", target: protocolName,
                                  detail: "datagram of \(got) bytes truncated to \(buffer.count)")
            }
            return UnsafeRawBufferPointer(rebasing: buffer[0..<got])
        }
    }

    private func error(_ operation: String) -> KernelError {
        KernelError(operation: operation, target: protocolName, errno: errno)
    }

    /// Reserves `count` consecutive sequence numbers (never 0) and returns the first.
    func takeSequence(_ count: UInt32 = 1) -> UInt32 {
        let first = nextSequence
        nextSequence &+= count
        if nextSequence == 0 { nextSequence = 1 }
        return first
    }

    /// The system calls that set a new socket up, with errors naming the option.
    private struct Setup {
        let fd: Int32
        let name: String

        func check(_ rc: Int32, _ operation: String) throws(KernelError) {
            if rc < 0 { throw KernelError(operation: operation, target: name, errno: errno) }
        }

        func set<T: BitwiseCopyable>(_ level: Int32, _ option: Int32, _ value: T, _ label: String) throws(KernelError) {
            var v = value
            try check(setsockopt(fd, level, option, &v, socklen_t(MemoryLayout<T>.size)), "setsockopt \(label)")
        }

        func get(_ level: Int32, _ option: Int32, _ label: String) throws(KernelError) -> Int32 {
            var v: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            try check(getsockopt(fd, level, option, &v, &len), "getsockopt \(label)")
            return v
        }
    }
}
