import CIPSet
import CKubeIPVSShim
import KubeIPVSCore
import KubeIPVSKernel

extension LibIPSetSession {
    /// Adds or deletes many entries the way `ipset restore` does: each entry is one restore
    /// "line" (`ipset_cmd(..., lineno)`), which libipset aggregates into as few netlink messages
    /// as fit its page-sized buffer; `ipset_commit` sends the rest.
    ///
    /// The set's type comes from the kernel once; later entries reuse it instead of asking again.
    /// Entries are checked against the set's type and family before anything is sent. The kernel
    /// stops at the first failing entry and reports its line, which names the entry in the error.
    func batch(_ cmd: ipset_cmd, name: String, entries: [IPSetEntry], exist: Bool) throws {
        let op = cmd == IPSET_CMD_ADD ? "ipset add" : "ipset del"
        guard !entries.isEmpty else { return }
        begin(exist: exist)
        defer { begin() }
        let type = try kernelType(of: name, for: cmd, op)
        let family = kipvs_ipset_data_family(raw)
        try validate(entries, typeName: String(cString: type.pointee.name), family: family, op, name)
        try name.withCString { cName in try send(cmd, op, name, cName, entries, type, family) }
    }

    private func send(_ cmd: ipset_cmd, _ op: String, _ name: String, _ cName: UnsafePointer<CChar>,
                      _ entries: [IPSetEntry], _ type: UnsafePointer<ipset_type>, _ family: UInt8) throws {
        for (index, entry) in entries.enumerated() {
            if index > 0 {
                try check(ipset_parse_setname(raw, IPSET_SETNAME, cName), op, name)
                _ = kipvs_ipset_set_type(raw, UnsafeRawPointer(type), family)
            }
            if !setElement(entry) {
                let error = failure(op, "\(name) \(entry)")
                // Send what is already buffered, so the outcome matches a kernel-side failure:
                // entries before the bad one are applied.
                _ = ipset_commit(raw)
                throw error
            }
            if ipset_cmd(raw, cmd, UInt32(index + 1)) < 0 {
                throw failure(on: op, name: name, entries: entries, fallback: index)
            }
        }
        if ipset_commit(raw) < 0 {
            throw failure(on: op, name: name, entries: entries, fallback: entries.count - 1)
        }
    }

    /// Puts `entry` into the session data with `ipset_data_set`: the fields `ipset_parse_elem` fills from
    /// the element's text, without the text parsing, which looks the protocol up in /etc/protocols
    /// (`getprotobyname`: an open/read/close) for every member. False if libipset refused a field.
    func setElement(_ entry: IPSetEntry) -> Bool {
        let data = ipset_session_data(raw)
        func put<T: BitwiseCopyable>(_ option: ipset_opt, _ value: T) -> Bool {
            withUnsafeBytes(of: value) { ipset_data_set(data, option, $0.baseAddress) == 0 }
        }
        func put(_ option: ipset_opt, _ address: IPAddress) -> Bool {
            // union nf_inet_addr: network-order bytes, zero-padded to 16.
            var bytes = address.bytes
            bytes += [UInt8](repeating: 0, count: 16 - bytes.count)
            return bytes.withUnsafeBytes { ipset_data_set(data, option, $0.baseAddress) == 0 }
        }
        switch entry {
        case .ip(let a):
            return put(IPSET_OPT_IP, a)
        case .ipPort(let a, let p, let port):
            return put(IPSET_OPT_IP, a) && put(IPSET_OPT_PROTO, UInt8(p.number)) && put(IPSET_OPT_PORT, port)
        case .ipPortIP(let a, let p, let port, let b):
            return put(IPSET_OPT_IP, a) && put(IPSET_OPT_PROTO, UInt8(p.number)) && put(IPSET_OPT_PORT, port)
                && put(IPSET_OPT_IP2, b)
        case .ipPortNet(let a, let p, let port, let n):
            return put(IPSET_OPT_IP, a) && put(IPSET_OPT_PROTO, UInt8(p.number)) && put(IPSET_OPT_PORT, port)
                && put(IPSET_OPT_IP2, n.network) && put(IPSET_OPT_CIDR2, UInt8(n.prefixLength))
        case .net(let n):
            return put(IPSET_OPT_IP, n.network) && put(IPSET_OPT_CIDR, UInt8(n.prefixLength))
        case .port(let port):
            return put(IPSET_OPT_PORT, port)
        }
    }

    /// The report of a failed batch, with the failing entry (from "Error in line N") as target.
    private func failure(on op: String, name: String, entries: [IPSetEntry], fallback: Int) -> KernelError {
        let (_, message) = takeReport()
        let line = LibIPSetErrors.splitLine(message).line
        let index = line.map { $0 - 1 }.flatMap { entries.indices.contains($0) ? $0 : nil } ?? fallback
        return LibIPSetErrors.kernelError(operation: op, target: "\(name) \(entries[index])", message: message)
    }

    /// Refuses entries of another type or family before libipset tries to parse (and maybe
    /// resolve as a host name) them.
    private func validate(_ entries: [IPSetEntry], typeName: String, family: UInt8,
                          _ op: String, _ name: String) throws {
        for entry in entries {
            if entry.setType.rawValue != typeName {
                let detail = IPSetType(rawValue: typeName).map { IPSetMessage.wrongType(entry: entry.setType, set: $0) }
                throw KernelError(code: .invalid, operation: op, target: "\(name) \(entry)",
                                  detail: detail ?? "set type \(typeName) is not one kube-ipvs uses")
            }
            if let f = entry.family, f.nfproto != family {
                throw KernelError(code: .invalid, operation: op, target: "\(name) \(entry)",
                                  detail: IPSetMessage.wrongFamily(entry: f, setFamily: IPFamily.nfprotoName(family)))
            }
        }
    }
}

extension IPSetEntry {
    /// The address family of the entry (nil for a bare port).
    var family: IPFamily? {
        switch self {
        case .ip(let a), .ipPort(let a, _, _), .ipPortIP(let a, _, _, _), .ipPortNet(let a, _, _, _): a.family
        case .net(let n): n.family
        case .port: nil
        }
    }
}

extension IPFamily {
    /// NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10), ipset's family numbers.
    var nfproto: UInt8 { self == .v4 ? 2 : 10 }

    /// ipset's spelling of an NFPROTO family.
    static func nfprotoName(_ value: UInt8) -> String {
        switch value {
        case 2: "inet"
        case 10: "inet6"
        default: "unspec"
        }
    }
}
