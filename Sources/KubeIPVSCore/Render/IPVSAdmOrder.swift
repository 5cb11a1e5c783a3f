/// The order `ipvsadm -Ln` lists services and real servers in (libipvs `ipvs_cmp_services`,
/// `ipvs_cmp_dests`): address family, protocol number, address, port.
///
/// ipvsadm compares addresses 32 bits at a time with `int r = ntohl(a) - ntohl(b)`, a wrapping
/// subtraction: `a` sorts first when `b - a` (mod 2^32) is below 2^31. So 192.0.2.10 lists before
/// 10.96.0.1, and fd00:: before 2001:db8::. We reproduce it by rotating each 32-bit word so the
/// values of that position start after their largest circular gap; whenever the addresses of a
/// group span less than half the circle (every real table we have seen), this is exactly
/// ipvsadm's order. Wider spreads make ipvsadm's own comparison cyclic, and its output then
/// depends on the kernel's hash order; we stay deterministic.
enum IPVSAdmOrder {
    typealias Key = (UInt32, UInt32, UInt32, UInt32)

    /// Services in ipvsadm order.
    static func services(_ services: [IPVSServiceState]) -> [IPVSServiceState] {
        var groups: [Int: [Int]] = [:]
        for (i, s) in services.enumerated() {
            groups[s.server.key.address.family.rawValue << 16 | Int(s.server.key.proto.number), default: []].append(i)
        }
        var out: [IPVSServiceState] = []
        out.reserveCapacity(services.count)
        for groupKey in groups.keys.sorted() {
            let members = groups[groupKey]!
            let order = sorted(members.map { (services[$0].server.key.address, services[$0].server.key.port) })
            out += order.map { services[members[$0]] }
        }
        return out
    }

    /// Real servers of one service in ipvsadm order.
    static func realServers(_ list: [RealServer]) -> [RealServer] {
        guard list.count > 1 else { return list }
        let order = sorted(list.map { ($0.key.address, $0.key.port) })
        if order.elementsEqual(order.indices) { return list }
        return order.map { list[$0] }
    }

    /// Indices of `entries` (one family) in ipvsadm order.
    static func sorted(_ entries: [(IPAddress, UInt16)]) -> [Int] {
        let cuts = (cut(entries, 0), cut(entries, 1), cut(entries, 2), cut(entries, 3))
        let keys = entries.map { entry -> (Key, UInt16) in
            let ip = entry.0
            return ((word(ip, 0) &- cuts.0, word(ip, 1) &- cuts.1, word(ip, 2) &- cuts.2, word(ip, 3) &- cuts.3),
                    entry.1)
        }
        return keys.indices.sorted { a, b in
            keys[a].0 != keys[b].0 ? keys[a].0 < keys[b].0 : keys[a].1 < keys[b].1
        }
    }

    /// The 32-bit word `position` (0 = most significant) of an address; IPv4 is word 0.
    static func word(_ ip: IPAddress, _ position: Int) -> UInt32 {
        if ip.family == .v4 { return position == 0 ? ip.v4Value : 0 }
        switch position {
        case 0: return UInt32(ip.high >> 32)
        case 1: return UInt32(truncatingIfNeeded: ip.high)
        case 2: return UInt32(ip.low >> 32)
        default: return UInt32(truncatingIfNeeded: ip.low)
        }
    }

    /// For one word position: 0 when the values span less than half the circle (plain numeric
    /// order is ipvsadm's), else the value just after their largest circular gap.
    static func cut(_ entries: [(IPAddress, UInt16)], _ position: Int) -> UInt32 {
        guard var low = entries.first.map({ word($0.0, position) }) else { return 0 }
        var high = low
        for e in entries {
            let w = word(e.0, position)
            low = min(low, w)
            high = max(high, w)
        }
        if high &- low < 0x8000_0000 { return 0 }
        let values = Array(Set(entries.map { word($0.0, position) })).sorted()
        var best = values[0], bestGap = values[0] &- values[values.count - 1]  // the wrap-around gap
        for i in 1..<values.count where values[i] &- values[i - 1] > bestGap {
            bestGap = values[i] &- values[i - 1]
            best = values[i]
        }
        return best
    }
}
