/// The real servers of one virtual server, sorted by key with one entry per key: a dictionary's
/// lookups (binary search) over one array. A plan's real servers are already sorted and are adopted
/// as they are, so the desired table shares the plan's storage; a 10-entry dictionary weighed
/// about 2.5 times as much as the array.
public struct RealServerTable: Hashable, Sendable, ExpressibleByArrayLiteral {
    /// Sorted by key, one per key.
    public private(set) var values: [RealServer]

    /// Takes `servers` in any order; of two with the same key, the first is kept.
    public init(_ servers: [RealServer]) {
        // A real server orders by its key alone, so strictly sorted means sorted by key, one per key.
        guard !isStrictlySorted(servers) else { values = servers; return }
        // Stable, so the first of each key leads its run.
        let ordered = servers.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
        var kept: [RealServer] = []
        kept.reserveCapacity(ordered.count)
        for (_, server) in ordered where kept.last?.key != server.key { kept.append(server) }
        values = kept
    }

    public init(arrayLiteral servers: RealServer...) { self.init(servers) }

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    /// The keys, in order.
    public var keys: LazyMapSequence<[RealServer], RealServerKey> { values.lazy.map(\.key) }

    /// The real server with this key, if any.
    public subscript(key: RealServerKey) -> RealServer? {
        let (found, i) = position(of: key)
        return found ? values[i] : nil
    }

    /// Inserts `server`, or replaces the one with its key; returns the one replaced.
    @discardableResult
    public mutating func update(_ server: RealServer) -> RealServer? {
        let (found, i) = position(of: server.key)
        guard found else { values.insert(server, at: i); return nil }
        defer { values[i] = server }
        return values[i]
    }

    /// Removes the real server with this key; returns it.
    @discardableResult
    public mutating func remove(_ key: RealServerKey) -> RealServer? {
        let (found, i) = position(of: key)
        return found ? values.remove(at: i) : nil
    }

    /// Where `key` is, or where it would go.
    private func position(of key: RealServerKey) -> (found: Bool, index: Int) {
        var low = 0, high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid].key < key { low = mid + 1 } else { high = mid }
        }
        return (low < values.count && values[low].key == key, low)
    }
}
