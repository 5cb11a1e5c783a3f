import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// An in-memory ``IPSetControl`` with the kernel's semantics (held to `IPSetContract`, which
/// also runs against the real kernel): same error codes, errnos and ipset messages, batches that
/// stop at the first failing entry, maxelem, bitmap ranges, references that block destroy.
public actor FakeIPSet: IPSetControl {
    private struct StoredSet {
        var spec: IPSetSpec
        var members: Set<IPSetEntry> = []
    }

    private var sets: [String: StoredSet] = [:]
    private var references: [String: Int] = [:]
    private var injected: [String: KernelError] = [:]
    /// Every mutating call as an `ipset` command line (`add S 3 entries` for batches), in order.
    public private(set) var log: [String] = []

    public init() {}

    /// Makes `name` referenced by "the kernel" (as an iptables `-m set` rule does).
    public func addKernelReference(to name: String) { references[name, default: 0] += 1 }

    /// Drops one reference taken with ``addKernelReference(to:)``.
    public func removeKernelReference(to name: String) { references[name, default: 1] -= 1 }

    /// The next call of `operation` (`ipset add`, `ipset create`, ...) throws `error`.
    public func failNext(_ operation: String, with error: KernelError) { injected[operation] = error }

    private func injectedFailure(_ operation: String) throws {
        if let error = injected.removeValue(forKey: operation) { throw error }
    }

    private static func error(_ op: String, _ target: String, _ errno: Int32, _ detail: String) -> KernelError {
        KernelError(operation: op, target: target, errno: errno, detail: detail)
    }

    private func existing(_ name: String, _ op: String) throws -> StoredSet {
        guard let set = sets[name] else { throw Self.error(op, name, ENOENT, IPSetMessage.setMissing) }
        return set
    }

    /// Moves a set out for mutation (the caller puts it back): a copy left in `sets` would make
    /// every member change copy the whole set.
    private func takeExisting(_ name: String, _ op: String) throws -> StoredSet {
        guard let set = sets.removeValue(forKey: name) else { throw Self.error(op, name, ENOENT, IPSetMessage.setMissing) }
        return set
    }

    public func create(_ spec: IPSetSpec, ignoreExisting: Bool) throws {
        let op = "ipset create"
        try injectedFailure(op)
        guard spec.name.utf8.count <= 31 else {
            throw KernelError(code: .invalid, operation: op, target: spec.name, detail: IPSetMessage.nameTooLong(spec.name))
        }
        var normalized = spec
        normalized.comment = ""
        if normalized.type != .bitmapPort {
            normalized.family = spec.family ?? .v4
            normalized.hashSize = Self.kernelHashSize(spec.hashSize)
        }
        if let present = sets[spec.name] {
            // The kernel's -exist accepts a "same" set: it compares type, maxelem and range, but
            // neither hashsize (resizing changes it) nor the set's family (only the type's).
            let same = present.spec.type == normalized.type && present.spec.maxElements == normalized.maxElements
                && present.spec.portRange == normalized.portRange
            if ignoreExisting && same { return }
            throw Self.error(op, spec.name, EEXIST, IPSetMessage.setExists)
        }
        sets[spec.name] = StoredSet(spec: normalized)
        log.append(normalized.description)
    }

    /// The kernel rounds hashsize up to a power of two, at least 64.
    static func kernelHashSize(_ requested: UInt32) -> UInt32 {
        var size: UInt32 = 64
        while size < requested && size < 1 << 31 { size <<= 1 }
        return size
    }

    public func destroy(set name: String) throws {
        let op = "ipset destroy"
        try injectedFailure(op)
        _ = try existing(name, op)
        if references[name, default: 0] > 0 { throw Self.error(op, name, EBUSY, IPSetMessage.setInUse) }
        sets[name] = nil
        log.append("destroy \(name)")
    }

    public func flush(set name: String) throws {
        let op = "ipset flush"
        try injectedFailure(op)
        _ = try existing(name, op)
        sets[name]!.members.removeAll()
        log.append("flush \(name)")
    }

    public func swap(_ first: String, _ second: String) throws {
        let op = "ipset swap"
        try injectedFailure(op)
        let a = try existing(first, op)
        guard let b = sets[second] else {
            throw Self.error(op, "\(first) \(second)", ENOENT, IPSetMessage.swapSecondMissing)
        }
        guard a.spec.type == b.spec.type, a.spec.family == b.spec.family else {
            throw Self.error(op, "\(first) \(second)", EINVAL, IPSetMessage.swapTypeMismatch)
        }
        // Contents and headers move; names (and the references held on them) stay.
        var newA = b, newB = a
        newA.spec.name = first
        newB.spec.name = second
        sets[first] = newA
        sets[second] = newB
        log.append("swap \(first) \(second)")
    }

    public func setNames() -> [String] { sets.keys.sorted() }

    public func header(of name: String) throws -> IPSetSpec { try existing(name, "ipset save").spec }

    public func entries(of name: String) throws -> [IPSetEntry] { try existing(name, "ipset save").members.sorted() }

    public func add(_ entries: [IPSetEntry], to name: String, ignoreExisting: Bool) throws {
        let op = "ipset add"
        try injectedFailure(op)
        guard !entries.isEmpty else { return }
        var set = try takeExisting(name, op)
        do { try Self.validate(entries, for: set.spec, op) } catch { sets[name] = set; throw error }
        defer { sets[name] = set; log.append("add \(name) \(entries.count) entries") }
        for entry in entries {
            try Self.checkRange(entry, set.spec, op)
            if set.members.contains(entry) {
                if ignoreExisting { continue }
                throw Self.error(op, "\(name) \(entry)", EEXIST, IPSetMessage.entryExists)
            }
            if set.spec.type != .bitmapPort && set.members.count >= Int(set.spec.maxElements) {
                throw Self.error(op, "\(name) \(entry)", ENOSPC, IPSetMessage.hashFull)
            }
            set.members.insert(entry)
        }
    }

    public func delete(_ entries: [IPSetEntry], from name: String, ignoreMissing: Bool) throws {
        let op = "ipset del"
        try injectedFailure(op)
        guard !entries.isEmpty else { return }
        var set = try takeExisting(name, op)
        do { try Self.validate(entries, for: set.spec, op) } catch { sets[name] = set; throw error }
        defer { sets[name] = set; log.append("del \(name) \(entries.count) entries") }
        for entry in entries {
            try Self.checkRange(entry, set.spec, op)
            if set.members.remove(entry) == nil && !ignoreMissing {
                throw Self.error(op, "\(name) \(entry)", ENOENT, IPSetMessage.entryMissing)
            }
        }
    }

    public func contains(_ entry: IPSetEntry, in name: String) throws -> Bool {
        let op = "ipset test"
        let set = try existing(name, op)
        try Self.validate([entry], for: set.spec, op)
        if set.members.contains(entry) { return true }
        // The kernel tests a host prefix against every stored net size (mtype_test_cidrs).
        switch entry {
        case .net(let host) where host.prefixLength == (host.family == .v4 ? 32 : 128):
            return set.members.contains { if case .net(let n) = $0 { n.contains(host.network) } else { false } }
        case .ipPortNet(let ip, let proto, let port, let host) where host.prefixLength == (host.family == .v4 ? 32 : 128):
            return set.members.contains {
                if case .ipPortNet(ip, proto, port, let n) = $0 { n.contains(host.network) } else { false }
            }
        default:
            return false
        }
    }

    /// The refusals LibIPSet makes before sending anything.
    private static func validate(_ entries: [IPSetEntry], for spec: IPSetSpec, _ op: String) throws {
        for entry in entries {
            if entry.setType != spec.type {
                throw KernelError(code: .invalid, operation: op, target: "\(spec.name) \(entry)",
                                  detail: IPSetMessage.wrongType(entry: entry.setType, set: spec.type))
            }
            if let family = entry.ipFamily, spec.type != .bitmapPort, family != spec.family {
                throw KernelError(code: .invalid, operation: op, target: "\(spec.name) \(entry)",
                                  detail: IPSetMessage.wrongFamily(entry: family, setFamily: spec.family == .v6 ? "inet6" : "inet"))
            }
        }
    }

    private static func checkRange(_ entry: IPSetEntry, _ spec: IPSetSpec, _ op: String) throws {
        if case .port(let port) = entry, let range = spec.portRange, !range.contains(port) {
            throw error(op, "\(spec.name) \(entry)", ERANGE, IPSetMessage.outOfRange)
        }
    }
}

extension IPSetEntry {
    /// The entry's address family (nil for a bare port).
    var ipFamily: IPFamily? {
        switch self {
        case .ip(let a), .ipPort(let a, _, _), .ipPortIP(let a, _, _, _), .ipPortNet(let a, _, _, _): a.family
        case .net(let n): n.family
        case .port: nil
        }
    }
}
