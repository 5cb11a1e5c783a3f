import CNetlink
import KubeIPVSKernel

/// One netlink request being built with libnl (`struct nl_msg *`, freed in `deinit`): generic netlink
/// (IPVS) and rtnetlink requests alike.
///
/// Not Sendable: it is built, sent (or copied into a send buffer) and dropped on one kernel thread.
final class NetlinkMessage {
    private let raw: OpaquePointer
    /// Names the request in errors (`IPVS_CMD_NEW_SERVICE`, `RTM_NEWADDR`).
    let operation: String

    /// `nlmsg_alloc_size` + `nlmsg_put`: a netlink header (`type`, `flags`, `seq`, `port`) and nothing
    /// else; the family header follows with ``append(_:)``. 512 bytes hold every request we build.
    init(type: Int32, flags: Int32, seq: UInt32 = 0, port: UInt32 = 0, operation: String) throws(KernelError) {
        self.operation = operation
        raw = try Self.allocate(operation)
        guard nlmsg_put(raw, port, seq, type, 0, flags) != nil else {
            throw KernelError(code: .failed, operation: operation, target: "nlmsg_put", detail: "no room")
        }
    }

    /// `nlmsg_alloc_size` + `genlmsg_put`: netlink header (`port`, `seq`, `flags`) and generic netlink
    /// header (`command`, `version`). The largest IPVS request is 200 bytes.
    init(family: UInt16, command: UInt8, version: UInt8 = 1, flags: Int32, seq: UInt32, port: UInt32 = 0,
         operation: String) throws(KernelError) {
        self.operation = operation
        raw = try Self.allocate(operation)
        guard genlmsg_put(raw, port, seq, Int32(family), 0, flags, command, version) != nil else {
            throw KernelError(code: .failed, operation: operation, target: "genlmsg_put", detail: "no room")
        }
    }

    private static func allocate(_ operation: String) throws(KernelError) -> OpaquePointer {
        guard let msg = nlmsg_alloc_size(512) else {
            throw KernelError(code: .failed, operation: operation, target: "nlmsg_alloc_size", detail: "out of memory")
        }
        return msg
    }

    deinit { nlmsg_free(raw) }

    /// The encoded message (netlink header included), valid while `self` lives.
    var bytes: UnsafeRawBufferPointer {
        let header = nlmsg_hdr(raw)!
        return UnsafeRawBufferPointer(start: header, count: Int(header.pointee.nlmsg_len))
    }

    /// Sets `nlmsg_seq` and `nlmsg_pid` (a request built before its socket's sequence was known).
    func address(seq: UInt32, port: UInt32) {
        let header = nlmsg_hdr(raw)!
        header.pointee.nlmsg_seq = seq
        header.pointee.nlmsg_pid = port
    }

    /// `nlmsg_append` of a family header (`ifinfomsg`, `ifaddrmsg`), `NLMSG_ALIGNTO`-padded.
    func append<T: BitwiseCopyable>(_ header: T) throws(KernelError) {
        var value = header
        let rc = withUnsafeMutableBytes(of: &value) { buffer in
            nlmsg_append(raw, buffer.baseAddress, buffer.count, Int32(NLMSG_ALIGNTO))
        }
        if rc < 0 { throw failure("family header", rc: rc) }
    }

    /// `nla_put_u8`.
    func put(_ type: Int, u8 value: UInt8) throws(KernelError) { try check(nla_put_u8(raw, Int32(type), value), type) }
    /// `nla_put_u16` (host byte order; pass `.bigEndian` for a `__be16`).
    func put(_ type: Int, u16 value: UInt16) throws(KernelError) { try check(nla_put_u16(raw, Int32(type), value), type) }
    /// `nla_put_u32`.
    func put(_ type: Int, u32 value: UInt32) throws(KernelError) { try check(nla_put_u32(raw, Int32(type), value), type) }
    /// `nla_put_string` (NUL-terminated).
    func put(_ type: Int, string value: String) throws(KernelError) {
        try check(nla_put_string(raw, Int32(type), value), type)
    }
    /// `nla_put` of raw bytes (no terminator added).
    func put(_ type: Int, bytes value: [UInt8]) throws(KernelError) {
        let rc = value.withUnsafeBytes { nla_put(raw, Int32(type), Int32($0.count), $0.baseAddress) }
        try check(rc, type)
    }
    /// `nla_put` of two `u32`s back to back (`struct ip_vs_flags`).
    func put(_ type: Int, u32 first: UInt32, _ second: UInt32) throws(KernelError) {
        let rc = withUnsafeBytes(of: (first, second)) { nla_put(raw, Int32(type), Int32($0.count), $0.baseAddress) }
        try check(rc, type)
    }

    /// `nla_nest_start` / `nla_nest_end` around `body`. libnl 3.7 sets `NLA_F_NESTED`, as ipvsadm sends
    /// it; `flagged: false` clears it, as iproute2 sends rtnetlink nests (the kernel accepts both there).
    func nest(_ type: Int, flagged: Bool = true, _ body: () throws(KernelError) -> Void) throws(KernelError) {
        guard let start = nla_nest_start(raw, Int32(type)) else { throw failure("attribute \(type)", rc: -Int32(NLE_NOMEM)) }
        do {
            try body()
        } catch {
            nla_nest_cancel(raw, start)
            throw error
        }
        if !flagged { start.pointee.nla_type &= ~UInt16(NLA_F_NESTED) }
        try check(nla_nest_end(raw, start), type)
    }

    private func check(_ rc: Int32, _ type: Int) throws(KernelError) {
        if rc < 0 { throw failure("attribute \(type)", rc: rc) }
    }

    // A libnl NLE_* code is not an errno: it goes into the detail, never into `errno`.
    private func failure(_ target: String, rc: Int32) -> KernelError {
        KernelError(code: .failed, operation: operation, target: target,
                    detail: "libnl: \(String(cString: nl_geterror(rc < 0 ? -rc : rc)))")
    }
}
