import CIPSet
import CKubeIPVSShim
import KubeIPVSKernel

/// Collects what libipset prints (list/save output) through the C trampoline.
final class LibIPSetTextSink {
    var text = ""
}

/// The C trampoline target: a non-capturing closure, so it converts to a C function pointer;
/// the sink arrives through `ctx`.
private let appendToSink: kipvs_text_fn = { ctx, text, len in
    let sink = Unmanaged<LibIPSetTextSink>.fromOpaque(ctx!).takeUnretainedValue()
    sink.text += String(decoding: UnsafeRawBufferPointer(start: text, count: len), as: UTF8.self)
}

/// One libipset session (`struct ipset_session *`): the only place that calls libipset.
///
/// Not Sendable: it owns a netlink socket bound to the namespace of the thread that first used
/// it. Callers hold ``LibIPSetLock`` around every method (libipset's global state), and run on
/// one thread (the owning actor's executor).
final class LibIPSetSession {
    let raw: OpaquePointer
    private let sink: LibIPSetTextSink
    private let sinkRef: Unmanaged<LibIPSetTextSink>

    /// `ipset_session_init`; call holding ``LibIPSetLock``.
    init() throws {
        let sink = LibIPSetTextSink()
        let ref = Unmanaged.passRetained(sink)
        guard let session = kipvs_ipset_session_new(appendToSink, ref.toOpaque()) else {
            ref.release()
            throw KernelError(code: .failed, operation: "ipset_session_init", target: "libipset",
                              detail: "allocation failed")
        }
        raw = session
        self.sink = sink
        sinkRef = ref
    }

    deinit {
        // ipset_session_fini also frees libipset's global set cache: take the lock.
        LibIPSetLock.withLock { _ = kipvs_ipset_session_free(raw) }
        sinkRef.release()
    }

    // MARK: plumbing

    /// Every command starts from clean data, no report, no restore line, no env options.
    func begin(exist: Bool = false) {
        ipset_session_report_reset(raw)
        ipset_data_reset(ipset_session_data(raw))
        ipset_session_lineno(raw, 0)
        ipset_envopt_unset(raw, IPSET_ENV_LIST_SETNAME)
        if exist { ipset_envopt_set(raw, IPSET_ENV_EXIST) } else { ipset_envopt_unset(raw, IPSET_ENV_EXIST) }
    }

    /// The session's report: (type, message without trailing newline), then resets it.
    func takeReport() -> (ipset_err_type, String) {
        let type = ipset_session_report_type(raw)
        var message = String(cString: ipset_session_report_msg(raw))
        while message.hasSuffix("\n") { message.removeLast() }
        ipset_session_report_reset(raw)
        return (type, message)
    }

    /// The session report as a ``KernelError``.
    func failure(_ operation: String, _ target: String) -> KernelError {
        let (_, message) = takeReport()
        return LibIPSetErrors.kernelError(operation: operation, target: target, message: message)
    }

    /// A parser or command return code: < 0 is a failure described by the session report.
    func check(_ rc: Int32, _ operation: String, _ target: String) throws {
        if rc < 0 { throw failure(operation, target) }
    }

    /// `ipset_cmd`: failure on rc < 0 or an IPSET_ERROR report (warnings are success).
    func run(_ cmd: ipset_cmd, _ operation: String, _ target: String) throws {
        let rc = ipset_cmd(raw, cmd, 0)
        if rc < 0 || ipset_session_report_type(raw) == IPSET_ERROR { throw failure(operation, target) }
        ipset_session_report_reset(raw)
    }

    func parseSetName(_ name: String, _ operation: String) throws {
        try check(ipset_parse_setname(raw, IPSET_SETNAME, name), operation, name)
    }

    /// The set's type, asked from the kernel (`IPSET_CMD_HEADER`). libipset's name cache is
    /// process-wide and blind to namespaces and other processes, so it is dropped first.
    func kernelType(of name: String, for cmd: ipset_cmd, _ operation: String)
        throws -> UnsafePointer<ipset_type>
    {
        _ = ipset_cache_del(name)
        try parseSetName(name, operation)
        guard let type = ipset_type_get(raw, cmd) else { throw failure(operation, name) }
        return type
    }

    // MARK: commands

    /// `ipset create`. `family` is "inet"/"inet6" (nil for bitmap:port), `range` "A-B".
    func create(name: String, type: String, family: String?, hashSize: UInt32, maxElements: UInt32,
                range: String?, exist: Bool) throws {
        let op = "ipset create"
        begin(exist: exist)
        try parseSetName(name, op)
        if let family { try check(ipset_parse_family(raw, IPSET_OPT_FAMILY, family), op, name) }
        try check(ipset_parse_typename(raw, IPSET_OPT_TYPENAME, type), op, name)
        guard ipset_type_get(raw, IPSET_CMD_CREATE) != nil else { throw failure(op, name) }
        if let range {
            try check(ipset_parse_tcp_port(raw, IPSET_OPT_PORT, range), op, name)
        } else {
            try check(ipset_parse_uint32(raw, IPSET_OPT_HASHSIZE, String(hashSize)), op, name)
            try check(ipset_parse_uint32(raw, IPSET_OPT_MAXELEM, String(maxElements)), op, name)
        }
        try run(IPSET_CMD_CREATE, op, name)
    }

    /// `ipset destroy|flush NAME`.
    func simple(_ cmd: ipset_cmd, _ operation: String, name: String) throws {
        begin()
        try parseSetName(name, operation)
        try run(cmd, operation, name)
    }

    /// `ipset swap A B`.
    func swap(_ first: String, _ second: String) throws {
        let op = "ipset swap"
        begin()
        try parseSetName(first, op)
        try check(ipset_parse_setname(raw, IPSET_OPT_SETNAME2, second), op, "\(first) \(second)")
        try run(IPSET_CMD_SWAP, op, "\(first) \(second)")
    }

    /// `ipset list -n`.
    func names() throws -> [String] {
        begin()
        ipset_envopt_set(raw, IPSET_ENV_LIST_SETNAME)
        defer { ipset_envopt_unset(raw, IPSET_ENV_LIST_SETNAME) }
        let text = try listText(IPSET_CMD_LIST, mode: IPSET_LIST_PLAIN, operation: "ipset list -n", name: nil)
        return text.split(separator: "\n").map(String.init)
    }

    private func listText(_ cmd: ipset_cmd, mode: ipset_output_mode, operation: String, name: String?) throws -> String {
        sink.text = ""
        defer { sink.text = "" }
        try check(ipset_session_output(raw, mode), operation, name ?? "*")
        try run(cmd, operation, name ?? "*")
        return sink.text
    }

    /// `ipset test NAME ELEM`: rc 0 with a warning "is in set", or a notice "is NOT in set".
    func test(name: String, element: String) throws -> Bool {
        let op = "ipset test"
        begin()
        let type = try kernelType(of: name, for: IPSET_CMD_TEST, op)
        try check(ipset_parse_elem(raw, type.pointee.last_elem_optional, element), op, "\(name) \(element)")
        let rc = ipset_cmd(raw, IPSET_CMD_TEST, 0)
        let (kind, message) = takeReport()
        if kind == IPSET_ERROR {
            throw LibIPSetErrors.kernelError(operation: op, target: "\(name) \(element)", message: message)
        }
        return rc == 0
    }
}
