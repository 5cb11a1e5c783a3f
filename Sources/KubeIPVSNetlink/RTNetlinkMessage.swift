import CNetlink

/// An rtnetlink request being built: owns one `struct nl_msg *` (libnl-3 core), freed once.
///
/// Move-only so a message cannot be sent twice or used after free. Built the way iproute2
/// builds its requests, byte for byte (see Tests/KubeIPVSNetlinkTests/Fixtures): nests without
/// NLA_F_NESTED, `IFLA_INFO_KIND` without its NUL.
struct RTNetlinkMessage: ~Copyable {
    let raw: OpaquePointer

    /// `nlmsg_alloc_simple(type, flags)`; `flags` complete (NLM_F_REQUEST and NLM_F_ACK included),
    /// since the socket does not add any.
    init(type: Int32, flags: Int32) throws {
        guard let m = nlmsg_alloc_simple(type, flags) else { throw RTNetlinkMessage.noMemory("nlmsg_alloc_simple") }
        raw = m
    }

    deinit { nlmsg_free(raw) }

    static func noMemory(_ what: String) -> RTNetlinkLibraryError {
        RTNetlinkLibraryError(call: what, code: NLE_NOMEM)
    }

    /// The whole message as it goes on the wire (before libnl fills `nlmsg_pid`/`nlmsg_seq`).
    var bytes: [UInt8] {
        let header = nlmsg_hdr(raw)!
        return Array(UnsafeRawBufferPointer(start: header, count: Int(header.pointee.nlmsg_len)))
    }

    /// Appends the family header (`ifinfomsg`, `ifaddrmsg`), `NLMSG_ALIGNTO`-padded.
    func append<T: BitwiseCopyable>(_ header: T) throws {
        var value = header
        let rc = withUnsafeMutableBytes(of: &value) { buffer in
            nlmsg_append(raw, buffer.baseAddress, buffer.count, Int32(NLMSG_ALIGNTO))
        }
        if rc < 0 { throw RTNetlinkLibraryError(call: "nlmsg_append", code: rc) }
    }

    /// `nla_put` of raw bytes (no terminator added).
    func put(_ type: Int32, bytes: [UInt8]) throws {
        let rc = bytes.withUnsafeBytes { nla_put(raw, type, Int32($0.count), $0.baseAddress) }
        if rc < 0 { throw RTNetlinkLibraryError(call: "nla_put(\(type))", code: rc) }
    }

    /// `nla_put_string`: the text and its NUL.
    func put(_ type: Int32, string: String) throws {
        let rc = nla_put_string(raw, type, string)
        if rc < 0 { throw RTNetlinkLibraryError(call: "nla_put_string(\(type))", code: rc) }
    }

    /// A nested attribute around `body`, without NLA_F_NESTED (libnl 3.7 sets it; iproute2 does
    /// not, and the kernel accepts both for these attributes).
    func nest(_ type: Int32, _ body: () throws -> Void) throws {
        guard let start = nla_nest_start(raw, type) else { throw RTNetlinkMessage.noMemory("nla_nest_start(\(type))") }
        do {
            try body()
        } catch {
            nla_nest_cancel(raw, start)
            throw error
        }
        start.pointee.nla_type &= ~UInt16(NLA_F_NESTED)
        let rc = nla_nest_end(raw, start)
        if rc < 0 { throw RTNetlinkLibraryError(call: "nla_nest_end(\(type))", code: rc) }
    }
}

/// A libnl failure without a kernel errno (`NLE_*` code, never an errno).
struct RTNetlinkLibraryError: Error, CustomStringConvertible {
    let call: String
    /// Negative or positive NLE_* code.
    let code: Int32
    var description: String { "\(call): \(String(cString: nl_geterror(code < 0 ? -code : code)))" }
}
