import CNetlink
import Glibc

/// How an rtnetlink request failed, before it becomes a ``KernelError``.
enum RTNetlinkFailure: Error {
    /// NLMSG_ERROR from the kernel: positive errno, extended-ACK text if any.
    case kernel(errno: Int32, message: String?)
    /// libnl failed without a kernel answer (NLE_* code).
    case library(RTNetlinkLibraryError)
    /// No complete answer within the socket's receive timeout.
    case timeout
}

/// One NETLINK_ROUTE socket (`struct nl_sock *`, libnl-3 core).
///
/// Not Sendable: libnl sockets are not thread-safe, and the socket is bound to the network
/// namespace of the thread that created it. Owned by one actor on one thread.
final class RTNetlinkSocket {
    private let raw: OpaquePointer
    private let timeoutSeconds: Int

    /// Connects, asks for extended ACKs (kernel error texts) with capped echoes, and bounds every
    /// receive by `timeoutSeconds`.
    init(timeoutSeconds: Int = 5) throws {
        guard let socket = nl_socket_alloc() else {
            throw RTNetlinkFailure.library(RTNetlinkLibraryError(call: "nl_socket_alloc", code: NLE_NOMEM))
        }
        let rc = nl_connect(socket, NETLINK_ROUTE)
        if rc < 0 {
            nl_socket_free(socket)
            throw RTNetlinkFailure.library(RTNetlinkLibraryError(call: "nl_connect(NETLINK_ROUTE)", code: rc))
        }
        raw = socket
        self.timeoutSeconds = timeoutSeconds
        let fd = nl_socket_get_fd(socket)
        var on: Int32 = 1
        // SOL_NETLINK 270, NETLINK_CAP_ACK 10, NETLINK_EXT_ACK 11: best effort (old kernels lack them).
        _ = setsockopt(fd, 270, 10, &on, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, 270, 11, &on, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { nl_socket_free(raw) }

    /// State shared with the C callbacks through libnl's `void *arg`.
    private final class Transaction {
        var done = false
        var errno: Int32 = 0
        var errorMessage: String?
        var replies: [[UInt8]] = []
    }

    /// Sends `message` and collects every data reply (copied bytes) until the ACK (request) or
    /// NLMSG_DONE (dump). libnl fills in the port id and sequence number and checks replies' order.
    func transact(_ message: consuming RTNetlinkMessage) throws(RTNetlinkFailure) -> [[UInt8]] {
        let tx = Transaction()
        let arg = Unmanaged.passUnretained(tx).toOpaque()
        guard let cb = nl_cb_clone(nl_socket_get_cb(raw)) else {
            throw .library(RTNetlinkLibraryError(call: "nl_cb_clone", code: NLE_NOMEM))
        }
        defer { nl_cb_put(cb) }
        nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, { msg, arg in
            let tx = Unmanaged<Transaction>.fromOpaque(arg!).takeUnretainedValue()
            let header = nlmsg_hdr(msg)!
            tx.replies.append(Array(UnsafeRawBufferPointer(start: header, count: Int(header.pointee.nlmsg_len))))
            return Int32(NL_OK.rawValue)
        }, arg)
        let finish: nl_recvmsg_msg_cb_t = { _, arg in
            Unmanaged<Transaction>.fromOpaque(arg!).takeUnretainedValue().done = true
            return Int32(NL_STOP.rawValue)
        }
        nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, finish, arg)
        nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish, arg)
        nl_cb_err(cb, NL_CB_CUSTOM, { _, error, arg in
            let tx = Unmanaged<Transaction>.fromOpaque(arg!).takeUnretainedValue()
            // libnl turns the errno into a lossy NLE_* code: keep the kernel's own errno here.
            tx.errno = -error!.pointee.error
            let header = UnsafeRawPointer(error!).advanced(by: -MemoryLayout<nlmsghdr>.size)
            let length = Int(header.load(as: nlmsghdr.self).nlmsg_len)
            tx.errorMessage = RTNetlinkParsing.extendedAckMessage(Array(UnsafeRawBufferPointer(start: header, count: length)))
            tx.done = true
            return Int32(NL_STOP.rawValue)
        }, arg)

        let sent = nl_send_auto(raw, message.raw)
        if sent < 0 { throw .library(RTNetlinkLibraryError(call: "nl_send_auto", code: sent)) }
        let deadline = Self.now() + Double(timeoutSeconds)
        try withExtendedLifetime(tx) { () throws(RTNetlinkFailure) in
            while !tx.done {
                let rc = nl_recvmsgs(raw, cb)
                if tx.errno != 0 { throw .kernel(errno: tx.errno, message: tx.errorMessage) }
                if rc == -NLE_AGAIN || Self.now() > deadline { throw .timeout }
                if rc < 0 { throw .library(RTNetlinkLibraryError(call: "nl_recvmsgs", code: rc)) }
            }
        }
        return tx.replies
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
