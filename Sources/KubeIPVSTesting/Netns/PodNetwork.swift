import Foundation
import KubeIPVSCore
import KubeIPVSIptables

/// A small cluster node on top of a ``NetnsLab``: a "node" namespace that routes and holds the
/// proxy's rules (or runs the daemon), "pod" namespaces behind it each running a small HTTP + UDP
/// server that answers `<pod name> <client address>`, and a "client" namespace outside the cluster.
///
///     client 192.168.77.2 ──── 192.168.77.1 node 10.244.N.1 ──── 10.244.N.10 podN
///            fd00:77::2         fd00:77::1      fd00:244:N::1       fd00:244:N::10
///
/// Needs `python3` for the servers and the client (``isUsable``).
public struct PodNetwork: Sendable {
    /// One pod: its namespace and addresses (the servers listen on both).
    public struct Pod: Hashable, Sendable {
        /// `pod1`, `pod2`, … (what its servers answer).
        public var name: String
        /// Its network namespace.
        public var namespace: String
        /// `10.244.N.10`.
        public var ipv4: IPAddress
        /// `fd00:244:N::10`.
        public var ipv6: IPAddress
    }

    /// The lab the namespaces belong to.
    public let lab: NetnsLab
    /// The node namespace (routes between client and pods; the proxy works here).
    public let node: String
    /// The client namespace (outside the cluster CIDR).
    public let client: String
    /// The pods, `pod1` first.
    public let pods: [Pod]

    /// The node's address on the client side.
    public static let nodeIP = IPAddress("192.168.77.1")!
    /// The client's address.
    public static let clientIP = IPAddress("192.168.77.2")!
    /// The node's IPv6 address on the client side.
    public static let nodeIPv6 = IPAddress("fd00:77::1")!
    /// The client's IPv6 address.
    public static let clientIPv6 = IPAddress("fd00:77::2")!
    /// The pods' HTTP port (IPv4 and IPv6).
    public static let httpPort: UInt16 = 8080
    /// The pods' UDP echo port (IPv4 and IPv6).
    public static let udpPort: UInt16 = 5353
    /// The cluster CIDRs the pods live in.
    public static let podCIDRs = [CIDR("10.244.0.0/16")!, CIDR("fd00:244::/48")!]

    /// `python3`, preferring the system one.
    public static let python = ProcessRunner().resolve("/usr/bin/python3") ?? ProcessRunner().resolve("python3")

    /// Namespaces work here and python3 is installed.
    public static var isUsable: Bool { NetnsLab.isUsable && python != nil }

    /// Builds the namespaces, links, routes and servers (1…250 pods); waits at most 10 s per server.
    public static func build(_ lab: NetnsLab, pods count: Int) throws -> PodNetwork {
        precondition((1...250).contains(count), "1…250 pods")
        guard let python else { throw LabError(message: "build pod network: python3 not found") }
        let node = try lab.addNamespace("node")
        let client = try lab.addNamespace("client")
        try lab.must(node, ["sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"])
        try lab.link(node, "eth-client", "192.168.77.1/24", to: client, "eth0", "192.168.77.2/24")
        try lab.must(node, ["ip", "addr", "add", "fd00:77::1/64", "dev", "eth-client", "nodad"])
        try lab.must(client, ["ip", "addr", "add", "fd00:77::2/64", "dev", "eth0", "nodad"])
        try lab.must(client, ["ip", "route", "add", "default", "via", "192.168.77.1"])
        try lab.must(client, ["ip", "-6", "route", "add", "default", "via", "fd00:77::1"])
        let script = try lab.write("pod.py", podServer)
        var pods: [Pod] = []
        for index in 1...count {
            let name = "pod\(index)"
            let namespace = try lab.addNamespace(name)
            try lab.link(node, "veth-\(name)", "10.244.\(index).1/24", to: namespace, "eth0", "10.244.\(index).10/24")
            try lab.must(node, ["ip", "addr", "add", "fd00:244:\(index)::1/64", "dev", "veth-\(name)", "nodad"])
            try lab.must(namespace, ["ip", "addr", "add", "fd00:244:\(index)::10/64", "dev", "eth0", "nodad"])
            try lab.must(namespace, ["ip", "route", "add", "default", "via", "10.244.\(index).1"])
            try lab.must(namespace, ["ip", "-6", "route", "add", "default", "via", "fd00:244:\(index)::1"])
            let ready = lab.workdir.appendingPathComponent("\(name).ready").path
            try lab.start(namespace, [python, script, name, String(httpPort), String(udpPort), ready], log: "\(name).log")
            pods.append(Pod(name: name, namespace: namespace, ipv4: IPAddress("10.244.\(index).10")!,
                            ipv6: IPAddress("fd00:244:\(index)::10")!))
        }
        for pod in pods {
            let ready = lab.workdir.appendingPathComponent("\(pod.name).ready").path
            try lab.waitFor("\(pod.name) server") { FileManager.default.fileExists(atPath: ready) }
        }
        return PodNetwork(lab: lab, node: node, client: client, pods: pods)
    }

    /// The node as a proxy sees it: its addresses and its name (`node1`).
    public var nodeContext: NodeContext { nodeContext(name: "node1") }

    /// The node as a proxy named `name` sees it.
    public func nodeContext(name: String) -> NodeContext {
        NodeContext(name: name, localAddresses: [
            LocalAddress(interface: "eth-client", address: Self.nodeIP),
            LocalAddress(interface: "eth-client", address: Self.nodeIPv6),
        ] + pods.enumerated().map { LocalAddress(interface: "veth-\($1.name)", address: IPAddress("10.244.\($0 + 1).1")!) },
        primaryIPs: [Self.nodeIP, Self.nodeIPv6])
    }

    /// `count` HTTP GETs from the client (or `namespace`), each on a new connection with a
    /// `perRequest` timeout; the whole run is bounded by count × perRequest + 30 s.
    public func httpRequests(_ host: IPAddress, _ port: UInt16, count: Int, from namespace: String? = nil,
                             perRequest: Duration = .seconds(2)) throws -> ClientReport {
        let script = try lab.write("client.py", Self.client)
        let seconds = perRequest.seconds
        let result = try lab.run(namespace ?? client, [Self.python ?? "python3", script, "http", host.description,
                                                       String(port), String(count), String(seconds)],
                                 timeout: .seconds(Double(count) * seconds + 30))
        return try ClientReport(result)
    }

    /// `count` UDP datagrams from the client, all from `sourcePort`, each waiting `perRequest` for the answer.
    public func udpRequests(_ host: IPAddress, _ port: UInt16, count: Int, sourcePort: UInt16,
                            from namespace: String? = nil, perRequest: Duration = .seconds(1)) throws -> ClientReport {
        let script = try lab.write("client.py", Self.client)
        let seconds = perRequest.seconds
        let result = try lab.run(namespace ?? client, [Self.python ?? "python3", script, "udp", host.description,
                                                       String(port), String(count), String(seconds), String(sourcePort)],
                                 timeout: .seconds(Double(count) * seconds + 30))
        return try ClientReport(result)
    }

    /// Polls `host:port` with one HTTP GET at a time until a pod answers (rules programmed by
    /// someone else, a daemon starting); throws after `seconds`. Returns the pod that answered.
    @discardableResult
    public func waitUntilServed(_ host: IPAddress, _ port: UInt16, from namespace: String? = nil,
                                seconds: Double = 30) throws -> String {
        var answered: String?
        try lab.waitFor("\(host.family == .v6 ? "[\(host)]" : host.description):\(port) to answer", seconds: seconds) {
            answered = try httpRequests(host, port, count: 1, from: namespace, perRequest: .milliseconds(500))
                .counts.keys.first
            return answered != nil
        }
        return answered!
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
