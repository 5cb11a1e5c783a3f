import CNetlink
import Glibc
import KubeIPVSKernel

/// A `NETLINK_GENERIC` socket: the one file that makes socket system calls.
///
/// libnl builds and parses the messages (``GenlMessage``, ``NetlinkReplies``), but its I/O layer sends one
/// request per call and folds the kernel's errno into an `NLE_*` code, so sending and receiving are done
/// here with plain `send`/`recv`: many requests per datagram, every errno kept.
///
/// Not Sendable: one socket belongs to one thread (the netlink thread of ``NetlinkIPVS``); it was
/// created in that thread's network namespace.
final class GenlSocket {
    let fd: Int32
    /// The kernel-assigned netlink port id (`nl_pid` after bind).
    let portID: UInt32
    /// The kernel's accounting limits (`sk_rcvbuf`, `sk_sndbuf`) as read back after sizing.
    let receiveBufferLimit: Int
    let sendBufferLimit: Int
    /// Receive buffer; a dump datagram is at most 32 KiB (`netlink_dump`), an ACK far less.
    private let buffer: UnsafeMutableRawBufferPointer

    /// Opens and binds the socket, sizes its kernel buffers (`SO_*BUFFORCE` when CAP_NET_ADMIN allows,
    /// else the plain options, capped by `net.core.[rw]mem_max`), caps ACKs (`NETLINK_CAP_ACK`), asks for
    /// extended ACK messages, and bounds every receive by `receiveTimeout` (`SO_RCVTIMEO`).
    init(receiveTimeout: Duration, bufferBytes: Int) throws(KernelError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_GENERIC)
        guard fd >= 0 else { throw GenlSocket.error("socket(AF_NETLINK, NETLINK_GENERIC)") }
        self.fd = fd
        self.buffer = .allocate(byteCount: 64 << 10, alignment: 8)
        do {
            var local = sockaddr_nl()
            local.nl_family = sa_family_t(AF_NETLINK)
            try GenlSocket.check(withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
                }
            }, "bind")
            var len = socklen_t(MemoryLayout<sockaddr_nl>.size)
            try GenlSocket.check(withUnsafeMutablePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
            }, "getsockname")
            portID = local.nl_pid
            try GenlSocket.setOption(fd, SOL_NETLINK, NETLINK_CAP_ACK, Int32(1), "NETLINK_CAP_ACK")
            // Extended ACK messages are a nicety: older kernels reject the option, which is fine.
            try? GenlSocket.setOption(fd, SOL_NETLINK, NETLINK_EXT_ACK, Int32(1), "NETLINK_EXT_ACK")
            let bytes = Int32(clamping: bufferBytes)
            for (force, plain, name) in [(SO_RCVBUFFORCE, SO_RCVBUF, "SO_RCVBUF"), (SO_SNDBUFFORCE, SO_SNDBUF, "SO_SNDBUF")] {
                if (try? GenlSocket.setOption(fd, SOL_SOCKET, force, bytes, name + "FORCE")) == nil {
                    try GenlSocket.setOption(fd, SOL_SOCKET, plain, bytes, name)
                }
            }
            receiveBufferLimit = Int(try GenlSocket.option(fd, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF"))
            sendBufferLimit = Int(try GenlSocket.option(fd, SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF"))
            let seconds = receiveTimeout.components.seconds
            let micros = receiveTimeout.components.attoseconds / 1_000_000_000_000
            try GenlSocket.setOption(fd, SOL_SOCKET, SO_RCVTIMEO,
                                     timeval(tv_sec: Int(seconds), tv_usec: Int(micros)), "SO_RCVTIMEO")
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
                throw KernelError(code: .failed, operation: "send", target: "NETLINK_GENERIC",
                                  detail: "short send: \(sent) of \(bytes.count) bytes")
            }
            throw GenlSocket.error("send \(bytes.count) bytes")
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
                    throw KernelError(code: .timeout, operation: "recv", target: "NETLINK_GENERIC",
                                      detail: "no answer from the kernel within the receive timeout")
                }
                throw KernelError(operation: "recv", target: "NETLINK_GENERIC", errno: e)
            }
            guard got <= buffer.count else {
                throw KernelError(code: .failed, operation: "recv", target: "NETLINK_GENERIC",
                                  detail: "datagram of \(got) bytes truncated to \(buffer.count)")
            }
            return UnsafeRawBufferPointer(rebasing: buffer[0..<got])
        }
    }

    private static func error(_ operation: String) -> KernelError {
        KernelError(operation: operation, target: "NETLINK_GENERIC", errno: errno)
    }

    private static func check(_ rc: Int32, _ operation: String) throws(KernelError) {
        if rc < 0 { throw error(operation) }
    }

    private static func setOption<T: BitwiseCopyable>(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: T,
                                     _ label: String) throws(KernelError) {
        var v = value
        try check(setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<T>.size)), "setsockopt \(label)")
    }

    private static func option(_ fd: Int32, _ level: Int32, _ name: Int32, _ label: String) throws(KernelError) -> Int32 {
        var v: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        try check(getsockopt(fd, level, name, &v, &len), "getsockopt \(label)")
        return v
    }
}
