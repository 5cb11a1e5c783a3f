import Foundation
import KubeIPVSCore
import KubeIPVSTesting
import Testing

/// kube-ipvs as a drop-in for kubeadm's kube-proxy: started with kubeadm's exact config.conf (its
/// kubeconfig.conf in kubeadm's shape, pointing at the test API server) and kubeadm's exact
/// DaemonSet command line, in a node namespace.
extension DaemonEndToEndTests {
    @Test("kubeadm: config.conf without defaults and --config/--hostname-override serve healthz, metrics, configz, traffic; conntrack tuned in the namespace")
    func kubeadmConfigMapAndCommandLine() throws {
        try DaemonE2E.requireHost()
        let lab = try NetnsLab(prefix: "kdka")
        defer { lab.destroy() }
        let net = try PodNetwork.build(lab, pods: 3)
        let apiKubeconfig = try DaemonHarness.startAPIServer(net, seed: O.cluster(net))
        let server = try #require(try String(contentsOfFile: apiKubeconfig, encoding: .utf8)
            .split(separator: "\"").first { $0.hasPrefix("http://") })
        let token = try lab.write("token", "kubeadm-token\n")
        // kubeadm's kubeconfig.conf: names "default", a token file (the service account's, in a pod).
        let kubeconfig = try lab.write("kubeconfig.conf", """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                server: \(server)
              name: default
            contexts:
            - context:
                cluster: default
                namespace: default
                user: default
              name: default
            current-context: default
            users:
            - name: default
              user:
                tokenFile: \(token)
            """)
        let config = try lab.write("config.conf", KubeadmConfig.configConf(mode: "ipvs", kubeconfig: kubeconfig))
        // kubeadm: `/usr/local/bin/kube-proxy --config=... --hostname-override=$(NODE_NAME)`; the node
        // name is given in capitals: kube-proxy (and kube-ipvs) lowercase it.
        let daemon = try lab.start(net.node, [try DaemonHarness.binary("kube-ipvs"), "--config=\(config)",
                                              "--hostname-override=NODE1"], log: "kube-ipvs.log")
        try lab.waitFor("/healthz to answer 200 on kube-proxy's default address", seconds: 30) {
            guard daemon.isRunning else { throw LabError(message: "kube-ipvs exited:\n\(daemon.log())") }
            return try lab.run(net.node, ["curl", "-fsS", "-m", "2", "http://127.0.0.1:10256/healthz"]).status == 0
        }
        let metrics = try lab.must(net.node, ["curl", "-fsS", "-m", "5", "http://127.0.0.1:10249/metrics"])
        #expect(metrics.contains("kubeproxy_sync_proxy_rules_last_timestamp_seconds"))
        let configz = try lab.must(net.node, ["curl", "-fsS", "-m", "5", "http://127.0.0.1:10249/configz"])
        #expect(configz.hasPrefix("{\"kubeproxy.config.k8s.io\":{"))
        #expect(configz.contains("\"HostnameOverride\":\"node1\"") && configz.contains("\"SyncPeriod\":\"30s\""))

        try lab.waitFor("traffic through the ClusterIP", seconds: 20) {
            try net.httpRequests(Self.ip("10.96.0.10"), 80, count: 30).counts.values.reduce(0, +) == 30
        }
        Self.expectSpread(try net.httpRequests(Self.ip("10.96.0.10"), 80, count: 150), net.pods.map(\.name), 150)
        // externalTrafficPolicy Local on NodePort 30090: only pod1, the endpoint on node "node1".
        let local = try net.httpRequests(PodNetwork.nodeIP, 30090, count: 30)
        #expect(local.errors.isEmpty && local.counts == ["pod1": 30], "\(local.counts) \(local.errors)")

        // The per-namespace conntrack timeouts kube-proxy sets by default, read back in the node namespace.
        let established = try lab.must(net.node, ["sysctl", "-n", "net.netfilter.nf_conntrack_tcp_timeout_established"])
        let closeWait = try lab.must(net.node, ["sysctl", "-n", "net.netfilter.nf_conntrack_tcp_timeout_close_wait"])
        #expect(established.trimmingCharacters(in: .whitespacesAndNewlines) == "86400")
        #expect(closeWait.trimmingCharacters(in: .whitespacesAndNewlines) == "3600")
        let log = daemon.log()
        #expect(log.contains("nf_conntrack_tcp_timeout_close_wait"), "the change is logged:\n\(log.prefix(3000))")
        // nf_conntrack_max is global, read-only outside the initial namespace: refused, logged, and the
        // global hash size left alone.
        #expect(log.contains("cannot set sysctl") && log.contains("nf_conntrack_max"), "\(log.prefix(3000))")
        #expect(!log.contains("set conntrack hashsize"))
        #expect(!log.contains("not honoured") && !log.contains("unknown field"), "\(log.prefix(3000))")
        // Every line is klog's text format, kube-proxy's default.
        let lines = try KlogLineParser.parseText(log)
        #expect(lines.contains { $0.message == "SyncProxyRules complete" || $0.message.contains("first time") })
        try Self.expectIdle(lab, net, pid: daemon.pid)
    }

    /// At rest (no object change, the periodic sync 30 s away) the daemon runs no sync and uses next to
    /// no CPU: kubeadm's `minSyncPeriod: 0s` must not turn into a busy loop.
    static func expectIdle(_ lab: NetnsLab, _ net: PodNetwork, pid: Int32) throws {
        func syncs() throws -> String {
            let text = try lab.must(net.node, ["curl", "-fsS", "-m", "5", "http://127.0.0.1:10249/metrics"])
            return text.split(separator: "\n").first { $0.hasPrefix("kubeproxy_sync_proxy_rules_duration_seconds_count") }
                .map(String.init) ?? "none"
        }
        func cpuTicks() throws -> Int {
            let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
            return Int(fields[11])! + Int(fields[12])!  // utime, stime (fields 14 and 15 of the line)
        }
        let (syncsBefore, ticksBefore) = (try syncs(), try cpuTicks())
        Thread.sleep(forTimeInterval: 3)
        let (syncsAfter, ticksAfter) = (try syncs(), try cpuTicks())
        #expect(syncsAfter == syncsBefore, "a sync ran at rest: \(syncsBefore) -> \(syncsAfter)")
        // 3 s of rest: under 0.15 s of CPU (two /metrics scrapes included), in clock ticks of 10 ms.
        #expect(ticksAfter - ticksBefore < 15, "\(ticksAfter - ticksBefore) ticks of CPU in 3 s at rest")
    }
}
