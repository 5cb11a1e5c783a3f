import Glibc
import KubeIPVSCore
import KubeIPVSKernel

extension IPSetContract {
    /// `add` of a present entry: EEXIST naming the entry, unless -exist; a batch stops there.
    static func duplicateAdd(_ control: any IPSetControl) async throws {
        let name = "KUBE-CLUSTER-IP"
        try await control.create(IPSetSpec(name: name, type: .hashIPPort, family: .v4))
        let a = IPSetEntry.ipPort(ip("10.96.0.10"), .tcp, 53)
        let b = IPSetEntry.ipPort(ip("10.96.0.10"), .udp, 53)
        let c = IPSetEntry.ipPort(ip("10.96.0.1"), .tcp, 443)
        try await control.add([a], to: name)
        try await Contract.fails("add twice", code: .exists, errno: EEXIST, detail: IPSetMessage.entryExists,
                                 target: "\(name) \(a)") { try await control.add([a], to: name) }
        try await control.add([a], to: name, ignoreExisting: true)
        try await Contract.fails("batch with a present entry", code: .exists, errno: EEXIST,
                                 detail: IPSetMessage.entryExists, target: "\(name) \(a)") {
            try await control.add([b, a, c], to: name)
        }
        try Contract.equal(try await control.entries(of: name), [a, b].sorted(), "entries before the failing one stay")
        try await control.add([b, a, c], to: name, ignoreExisting: true)
        try Contract.equal(try await control.entries(of: name), [a, b, c].sorted(), "-exist batch adds the rest")
        try await control.add([], to: name)
    }

    /// `del` of an absent entry: ENOENT naming the entry, unless -exist.
    static func missingDelete(_ control: any IPSetControl) async throws {
        let name = "KUBE-NODE-PORT-TCP"
        try await control.create(IPSetSpec(name: name, type: .bitmapPort, family: nil, portRange: 0...65535))
        try await control.add([.port(30080), .port(30081)], to: name)
        try await Contract.fails("delete absent", code: .notFound, errno: ENOENT, detail: IPSetMessage.entryMissing,
                                 target: "\(name) 30082") { try await control.delete([.port(30082)], from: name) }
        try await control.delete([.port(30082), .port(30080)], from: name, ignoreMissing: true)
        try Contract.equal(try await control.entries(of: name), [.port(30081)], "entries after -exist delete")
        try await Contract.fails("batch delete stops at the absent entry", code: .notFound, errno: ENOENT,
                                 target: "\(name) 30080") {
            try await control.delete([.port(30081), .port(30080)], from: name)
        }
        try Contract.equal(try await control.entries(of: name), [], "the entry before the failing one is deleted")
    }

    /// Every command on a missing set: ENOENT "The set with the given name does not exist".
    static func missingSet(_ control: any IPSetControl) async throws {
        let missing = "KUBE-NO-SUCH-SET"
        let entry = IPSetEntry.ip(ip("10.96.0.1"))
        let m = IPSetMessage.setMissing
        try await Contract.fails("add", code: .notFound, errno: ENOENT, detail: m) { try await control.add([entry], to: missing) }
        try await Contract.fails("del", code: .notFound, errno: ENOENT, detail: m) {
            try await control.delete([entry], from: missing, ignoreMissing: true)
        }
        try await Contract.fails("test", code: .notFound, errno: ENOENT, detail: m) {
            _ = try await control.contains(entry, in: missing)
        }
        try await Contract.fails("flush", code: .notFound, errno: ENOENT, detail: m, target: missing) {
            try await control.flush(set: missing)
        }
        try await Contract.fails("destroy", code: .notFound, errno: ENOENT, detail: m, target: missing) {
            try await control.destroy(set: missing)
        }
        try await Contract.fails("entries", code: .notFound, errno: ENOENT, detail: m) { _ = try await control.entries(of: missing) }
        try await Contract.fails("header", code: .notFound, errno: ENOENT, detail: m) { _ = try await control.header(of: missing) }
        try await control.create(IPSetSpec(name: "PRESENT", type: .hashIP, family: .v4))
        try await Contract.fails("swap missing first", code: .notFound, errno: ENOENT, detail: m) {
            try await control.swap(missing, "PRESENT")
        }
        try await Contract.fails("swap missing second", code: .notFound, errno: ENOENT, detail: IPSetMessage.swapSecondMissing) {
            try await control.swap("PRESENT", missing)
        }
        try Contract.equal(try await control.setNames(), ["PRESENT"], "nothing created by failures")
    }

    /// `swap` exchanges contents, refuses sets of another type.
    static func swapExchangesContents(_ control: any IPSetControl) async throws {
        let live = IPSetSpec(name: "KUBE-LOAD-BALANCER", type: .hashIPPort, family: .v4)
        var next = live
        next.name = "KUBE-LOAD-BALANCER-NEXT"
        let old: [IPSetEntry] = [.ipPort(ip("192.0.2.1"), .tcp, 80)]
        let new: [IPSetEntry] = [.ipPort(ip("192.0.2.2"), .tcp, 80), .ipPort(ip("192.0.2.3"), .tcp, 443)]
        try await control.create(live)
        try await control.create(next)
        try await control.add(old, to: live.name)
        try await control.add(new, to: next.name)
        try await control.swap(live.name, next.name)
        try Contract.equal(try await control.entries(of: live.name), new.sorted(), "live set after swap")
        try Contract.equal(try await control.entries(of: next.name), old, "other set after swap")
        try await control.create(IPSetSpec(name: "KUBE-IPVS-IPS", type: .hashIP, family: .v4))
        try await Contract.fails("swap of different types", code: .invalid, errno: EINVAL,
                                 detail: IPSetMessage.swapTypeMismatch) { try await control.swap(live.name, "KUBE-IPVS-IPS") }
    }

    /// `flush` empties and keeps the set.
    static func flushEmpties(_ control: any IPSetControl) async throws {
        let spec = IPSetSpec(name: "KUBE-IPVS-IPS", type: .hashIP, family: .v6)
        try await control.create(spec)
        try await control.add([.ip(ip("fd00::1")), .ip(ip("fd00::2"))], to: spec.name)
        try await control.flush(set: spec.name)
        try Contract.equal(try await control.entries(of: spec.name), [], "entries after flush")
        try Contract.equal(try await control.header(of: spec.name), spec, "header after flush")
    }

    /// Entries of another type or family are refused before anything is sent.
    static func wrongEntryRefused(_ control: any IPSetControl) async throws {
        let spec = IPSetSpec(name: "KUBE-CLUSTER-IP", type: .hashIPPort, family: .v4)
        try await control.create(spec)
        let good = IPSetEntry.ipPort(ip("10.96.0.1"), .tcp, 443)
        let v6 = IPSetEntry.ipPort(ip("fd00::1"), .tcp, 443)
        try await Contract.fails("IPv6 entry in an inet set", code: .invalid, errno: nil,
                                 detail: IPSetMessage.wrongFamily(entry: .v6, setFamily: "inet"), target: "\(spec.name) \(v6)") {
            try await control.add([good, v6], to: spec.name)
        }
        try await Contract.fails("hash:ip entry in a hash:ip,port set", code: .invalid, errno: nil,
                                 detail: IPSetMessage.wrongType(entry: .hashIP, set: .hashIPPort)) {
            try await control.add([.ip(ip("10.96.0.1"))], to: spec.name)
        }
        try Contract.equal(try await control.entries(of: spec.name), [], "nothing added from a refused batch")
    }

    /// bitmap:port refuses ports outside its range.
    static func bitmapRange(_ control: any IPSetControl) async throws {
        let spec = IPSetSpec(name: "KUBE-NODE-PORT-UDP", type: .bitmapPort, family: nil, portRange: 30000...32767)
        try await control.create(spec)
        try Contract.equal(try await control.header(of: spec.name), spec, "bitmap header")
        try await control.add([.port(30000), .port(32767)], to: spec.name)
        try await Contract.fails("port outside the range", code: .invalid, errno: ERANGE, detail: IPSetMessage.outOfRange,
                                 target: "\(spec.name) 80") { try await control.add([.port(80)], to: spec.name) }
        try await Contract.fails("delete outside the range", code: .invalid, errno: ERANGE, detail: IPSetMessage.outOfRange) {
            try await control.delete([.port(80)], from: spec.name, ignoreMissing: true)
        }
        try Contract.equal(try await control.contains(.port(80), in: spec.name), false, "test outside the range")
        try Contract.equal(try await control.entries(of: spec.name), [.port(30000), .port(32767)], "bitmap entries")
    }
}

extension IPSetContract {
    /// `ipset test` of a host prefix matches a covering net; other prefixes match exactly.
    static func hostPrefixTestCoversNets(_ control: any IPSetControl) async throws {
        let nets = IPSetSpec(name: "KUBE-NETS", type: .hashNet, family: .v4)
        try await control.create(nets)
        try await control.add([.net(net("10.0.0.0/8"))], to: nets.name)
        try Contract.isTrue(try await control.contains(.net(net("10.1.1.1/32")), in: nets.name), "/32 inside /8")
        try Contract.equal(try await control.contains(.net(net("10.1.0.0/16")), in: nets.name), false, "/16 inside /8")
        try Contract.equal(try await control.contains(.net(net("11.1.1.1/32")), in: nets.name), false, "/32 outside")
        let sources = IPSetSpec(name: "KUBE-LB-SRC", type: .hashIPPortNet, family: .v6)
        try await control.create(sources)
        let vip = ip("fd00::10")
        try await control.add([.ipPortNet(vip, .tcp, 443, net("2001:db8::/32"))], to: sources.name)
        try Contract.isTrue(try await control.contains(.ipPortNet(vip, .tcp, 443, net("2001:db8::7/128")), in: sources.name),
                            "client /128 inside the allowed /32")
        try Contract.equal(try await control.contains(.ipPortNet(vip, .udp, 443, net("2001:db8::7/128")), in: sources.name),
                           false, "other protocol")
        try Contract.equal(try await control.entries(of: sources.name), [.ipPortNet(vip, .tcp, 443, net("2001:db8::/32"))],
                           "tests add nothing")
    }
}
