import Foundation
import KubeIPVSCore
import KubeIPVSIptables

/// The traffic-test topology on top of a ``NetnsLab``: a "node" namespace that routes and holds the
/// proxy's rules, "pod" namespaces behind it each running a small HTTP + UDP server that answers
/// `<pod name> <client address>`, and a "client" namespace outside the cluster.
///
///     client 192.168.77.2 ──── 192.168.77.1 node 10.244.N.1 ──── 10.244.N.10 podN
///            fd00:77::2         fd00:77::1      fd00:244:N::1       fd00:244:N::10
struct PodNetwork {
    struct Pod {
        var name: String
        var namespace: String
        var ipv4: IPAddress
        var ipv6: IPAddress
    }

    let lab: NetnsLab
    let node: String
    let client: String
    let pods: [Pod]
    static let nodeIP = IPAddress("192.168.77.1")!
    static let clientIP = IPAddress("192.168.77.2")!
    static let nodeIPv6 = IPAddress("fd00:77::1")!
    static let httpPort: UInt16 = 8080
    static let udpPort: UInt16 = 5353

    /// Builds the namespaces, links, routes and servers; waits until every server listens.
    static func build(_ lab: NetnsLab, pods count: Int) throws -> PodNetwork {
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

    /// The node as the proxy sees it: its addresses and its name (`node1`).
    var nodeContext: NodeContext {
        NodeContext(name: "node1", localAddresses: [
            LocalAddress(interface: "eth-client", address: Self.nodeIP),
            LocalAddress(interface: "eth-client", address: Self.nodeIPv6),
        ] + pods.enumerated().map { LocalAddress(interface: "veth-\($1.name)", address: IPAddress("10.244.\($0 + 1).1")!) },
        primaryIPs: [Self.nodeIP, Self.nodeIPv6])
    }

    /// HTTP GETs from the client, each on a new connection with a 2 s timeout.
    func httpRequests(_ host: IPAddress, _ port: UInt16, count: Int, from namespace: String? = nil) throws -> ClientReport {
        let script = try lab.write("client.py", Self.client)
        let result = try lab.run(namespace ?? client, [Self.python, script, "http", host.description, String(port), String(count)],
                                 timeout: .seconds(Double(count) * 2 + 30))
        return try ClientReport(result)
    }

    /// UDP datagrams from the client, all from source port `sourcePort`, each waiting 1 s for the answer.
    func udpRequests(_ host: IPAddress, _ port: UInt16, count: Int, sourcePort: UInt16) throws -> ClientReport {
        let script = try lab.write("client.py", Self.client)
        let result = try lab.run(client, [Self.python, script, "udp", host.description, String(port), String(count),
                                          String(sourcePort)], timeout: .seconds(Double(count) + 30))
        return try ClientReport(result)
    }

    static let python = ProcessRunner().resolve("/usr/bin/python3") ?? "python3"
}

/// What the client script saw: answers per pod, the client addresses the pods saw, and errors.
struct ClientReport: Decodable {
    var counts: [String: Int]
    var sources: [String]
    var errors: [String: Int]
    var order: [String]

    init(_ result: CommandResult) throws {
        guard result.status == 0, let data = result.stdout.data(using: .utf8) else { throw LabError(result) }
        self = try JSONDecoder().decode(ClientReport.self, from: data)
    }

    var total: Int { counts.values.reduce(0, +) }
}
