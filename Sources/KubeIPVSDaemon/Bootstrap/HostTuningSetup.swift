import Foundation
import KubeIPVSNetlink
import Logging

/// Applies ``HostTuning`` as kube-proxy does at start (docs/kube-proxy-host-tuning.md): the conntrack
/// table size and hash size, the conntrack TCP/UDP timeouts and TCP liberal mode, and the process's
/// OOM score. Each value is written only when configured (non-zero) and different; each change is
/// logged; a failure is logged and the daemon goes on, as kube-proxy does for a read-only /sys.
public struct HostTuningSetup: Sendable {
    /// /proc/sys (a namespace's own view for the net.netfilter timeouts).
    public var sysctl: Sysctl
    /// Where nf_conntrack's `hashsize` module parameter lives (global, init namespace only).
    public var hashsizePath: String
    /// This process's OOM score file.
    public var oomScorePath: String
    /// Online CPUs (kube-proxy uses runtime.NumCPU).
    public var cpus: Int
    let logger: Logger

    public init(sysctl: Sysctl = Sysctl(), hashsizePath: String = "/sys/module/nf_conntrack/parameters/hashsize",
                oomScorePath: String = "/proc/self/oom_score_adj",
                cpus: Int = ProcessInfo.processInfo.activeProcessorCount, logger: Logger) {
        self.sysctl = sysctl
        self.hashsizePath = hashsizePath
        self.oomScorePath = oomScorePath
        self.cpus = cpus
        self.logger = logger
    }

    /// Applies `tuning`; returns one line per failure.
    @discardableResult
    public func apply(_ tuning: HostTuning) -> [String] {
        var failures: [String] = []
        @discardableResult
        func set(_ key: SysctlKey, _ value: Int, evenIfEqual: Bool = false) -> Bool {
            do {
                let previous = try sysctl.read(key)
                if previous == String(value) && !evenIfEqual { return true }
                if previous == String(value) { try sysctl.write(key, String(value)); return true }
                try sysctl.write(key, String(value))
                logger.info("set sysctl", metadata: ["sysctl": "\(key)", "value": "\(value)", "previous": "\(previous)"])
                return true
            } catch {
                failures.append("\(key): \(error)")
                logger.error("cannot set sysctl", metadata: ["sysctl": "\(key)", "value": "\(value)", "error": "\(error)"])
                return false
            }
        }
        // nf_conntrack_max is writable only from the initial network namespace (read-only in
        // others, where it shows the global value): it is written even when equal, so that the
        // global hash size is touched only from a namespace allowed to change it.
        if let max = tuning.conntrackMax(cpus: cpus), set("net.netfilter.nf_conntrack_max", max, evenIfEqual: true) {
            failures += raiseHashsize(to: max / 4)
        }
        let seconds: [(SysctlKey, Duration)] = [
            ("net.netfilter.nf_conntrack_tcp_timeout_established", tuning.tcpEstablishedTimeout),
            ("net.netfilter.nf_conntrack_tcp_timeout_close_wait", tuning.tcpCloseWaitTimeout),
            ("net.netfilter.nf_conntrack_udp_timeout", tuning.udpTimeout),
            ("net.netfilter.nf_conntrack_udp_timeout_stream", tuning.udpStreamTimeout),
        ]
        for (key, d) in seconds where d.components.seconds > 0 { set(key, Int(d.components.seconds)) }
        if tuning.tcpBeLiberal { set("net.netfilter.nf_conntrack_tcp_be_liberal", 1) }
        failures += setOOMScore(tuning.oomScoreAdj)
        return failures
    }

    /// kube-proxy raises nf_conntrack's hash size to a quarter of the table only when it is smaller
    /// (writing it needs the initial network namespace and a writable /sys).
    func raiseHashsize(to wanted: Int) -> [String] {
        guard let text = try? String(contentsOfFile: hashsizePath, encoding: .utf8),
              let current = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return [] }
        guard current < wanted else { return [] }
        do {
            try "\(wanted)\n".write(toFile: hashsizePath, atomically: false, encoding: .utf8)
            logger.info("set conntrack hashsize", metadata: ["hashsize": "\(wanted)", "previous": "\(current)"])
            return []
        } catch {
            logger.error("cannot set conntrack hashsize (read-only /sys?): conntrack limits may be too low",
                         metadata: ["hashsize": "\(wanted)", "error": "\(error)"])
            return ["hashsize: \(error)"]
        }
    }

    func setOOMScore(_ value: Int) -> [String] {
        let current = (try? String(contentsOfFile: oomScorePath, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard current != String(value) else { return [] }
        do {
            try "\(value)\n".write(toFile: oomScorePath, atomically: false, encoding: .utf8)
            logger.info("set oom_score_adj", metadata: ["value": "\(value)", "previous": "\(current ?? "?")"])
            return []
        } catch {
            logger.error("cannot set oom_score_adj", metadata: ["value": "\(value)", "error": "\(error)"])
            return ["oom_score_adj: \(error)"]
        }
    }
}
