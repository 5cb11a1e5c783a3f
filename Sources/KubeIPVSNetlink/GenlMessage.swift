import CNetlink
import KubeIPVSKernel

/// One generic netlink request being built with libnl (`struct nl_msg *`, freed in `deinit`).
///
/// Not Sendable: it is built, copied into a send buffer and dropped on the netlink thread.
final class GenlMessage {
    private let raw: OpaquePointer
    /// Names the request in errors (`IPVS_CMD_NEW_SERVICE`).
    let operation: String

    /// `nlmsg_alloc_size` + `genlmsg_put`: netlink header (`port`, `seq`, `flags`) and generic netlink
    /// header (`command`, `version`). 512 bytes hold the largest IPVS request (200 bytes).
    init(family: UInt16, command: UInt8, version: UInt8 = 1, flags: Int32, seq: UInt32, port: UInt32 = 0,
         operation: String) throws(KernelError) {
        self.operation = operation
        guard let msg = nlmsg_alloc_size(512) else {
            throw KernelError(code: .failed, operation: operation, target: "nlmsg_alloc_size", detail: "out of memory")
        }
        raw = msg
        guard genlmsg_put(msg, port, seq, Int32(family), 0, flags, command, version) != nil else {
            throw KernelError(code: .failed, operation: operation, target: "genlmsg_put", detail: "no room")
        }
    }

    deinit { nlmsg_free(raw) }

    /// The encoded message (netlink header included), valid while `self` lives.
    var bytes: UnsafeRawBufferPointer {
        let header = nlmsg_hdr(raw)!
        return UnsafeRawBufferPointer(start: header, count: Int(header.pointee.nlmsg_len))
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
    /// `nla_put` of raw bytes.
    func put(_ type: Int, bytes value: [UInt8]) throws(KernelError) {
        let rc = value.withUnsafeBytes { nla_put(raw, Int32(type), Int32($0.count), $0.baseAddress) }
        try check(rc, type)
    }
    /// `nla_put` of two `u32`s back to back (`struct ip_vs_flags`).
    func put(_ type: Int, u32 first: UInt32, _ second: UInt32) throws(KernelError) {
        let rc = withUnsafeBytes(of: (first, second)) { nla_put(raw, Int32(type), Int32($0.count), $0.baseAddress) }
        try check(rc, type)
    }

    /// `nla_nest_start` / `nla_nest_end` around `body` (libnl 3.7 sets `NLA_F_NESTED`, as ipvsadm sends it).
    func nest(_ type: Int, _ body: () throws(KernelError) -> Void) throws(KernelError) {
        guard let start = nla_nest_start(raw, Int32(type)) else { throw failure(type, rc: -Int32(NLE_NOMEM)) }
        try body()
        try check(nla_nest_end(raw, start), type)
    }

    private func check(_ rc: Int32, _ type: Int) throws(KernelError) {
        if rc < 0 { throw failure(type, rc: rc) }
    }

    // A libnl NLE_* code is not an errno: it goes into the detail, never into `errno`.
    private func failure(_ type: Int, rc: Int32) -> KernelError {
        KernelError(code: .failed, operation: operation, target: "attribute \(type)",
                    detail: "libnl: \(String(cString: nl_geterror(rc)))")
    }
}
