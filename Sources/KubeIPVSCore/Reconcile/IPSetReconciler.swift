/// One change to the kernel's ipsets.
public enum IPSetChange: Hashable, Sendable, CustomStringConvertible {
    case create(IPSetSpec)
    case destroy(String)
    case add(String, [IPSetEntry])
    case delete(String, [IPSetEntry])

    /// `ipset restore`-like spelling for logs and tests (entries counted, not listed).
    public var description: String {
        switch self {
        case .create(let s): "\(s)"
        case .destroy(let n): "destroy \(n)"
        case .add(let n, let e): "add \(n) \(e.count) entries"
        case .delete(let n, let e): "del \(n) \(e.count) entries"
        }
    }
}

/// A set and its members, desired or observed.
public struct IPSetState: Hashable, Sendable {
    public var spec: IPSetSpec
    public var entries: Set<IPSetEntry>

    public init(spec: IPSetSpec, entries: Set<IPSetEntry>) {
        self.spec = spec
        self.entries = entries
    }
}

/// Computes ipset changes. Only sets named in `desired` are touched; a set whose type or family
/// differs from the desired one is recreated. Additions come before deletions in each set so a
/// member never disappears while it is still wanted.
public enum IPSetReconciler {
    public static func diff(desired: [String: IPSetState], observed: [String: IPSetState]) -> [IPSetChange] {
        var changes: [IPSetChange] = []
        for name in desired.keys.sorted() {
            let want = desired[name]!
            guard let have = observed[name], sameShape(have.spec, want.spec) else {
                if observed[name] != nil { changes.append(.destroy(name)) }
                changes.append(.create(want.spec))
                if !want.entries.isEmpty { changes.append(.add(name, want.entries.sorted())) }
                continue
            }
            let missing = want.entries.subtracting(have.entries)
            let extra = have.entries.subtracting(want.entries)
            if !missing.isEmpty { changes.append(.add(name, missing.sorted())) }
            if !extra.isEmpty { changes.append(.delete(name, extra.sorted())) }
        }
        return changes
    }

    static func sameShape(_ a: IPSetSpec, _ b: IPSetSpec) -> Bool {
        a.type == b.type && a.family == b.family && a.portRange == b.portRange
    }
}

/// Computes the addresses to add to and delete from the dummy interface.
public enum AddressReconciler {
    public static func diff(desired: Set<IPAddress>, observed: Set<IPAddress>) -> (add: [IPAddress], delete: [IPAddress]) {
        (desired.subtracting(observed).sorted(), observed.subtracting(desired).sorted())
    }
}
