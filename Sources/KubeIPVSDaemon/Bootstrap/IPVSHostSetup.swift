import Foundation
import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSNetlink
import Logging

/// The kernel settings IPVS mode needs (docs/kube-proxy-ipvs.md "Sysctls at start"), the IPVS timeouts, and
/// strict ARP with a way back: the values it replaced are saved, and restored when strict ARP is
/// turned off again (docs/kube-proxy-ipvs.md, failure 7).
public struct IPVSHostSetup: Sendable {
    public var sysctl: Sysctl
    /// Where the pre-strict-ARP values are kept between runs.
    public var stateDirectory: String
    let logger: Logger

    public init(sysctl: Sysctl = Sysctl(), stateDirectory: String = "/run/kube-ipvs", logger: Logger) {
        self.sysctl = sysctl
        self.stateDirectory = stateDirectory
        self.logger = logger
    }

    /// Applies the sysctls; returns one line per failure (IPVS still runs, degraded).
    public func apply(strictARP: Bool, kernelRelease: String = Self.kernelRelease()) -> [String] {
        var wanted: [(SysctlKey, String)] = [
            (.ipvsConntrack, "1"), (.expireNodestConn, "1"), (.expireQuiescentTemplate, "1"), (.ipForward, "1"),
        ]
        // conn_reuse_mode=0 avoids 1 s stalls only on kernels before 5.9 (docs/kube-proxy-ipvs.md, failure 1).
        if Self.isBefore(kernelRelease, major: 5, minor: 9) { wanted.append((.connReuseMode, "0")) }
        var errors: [String] = []
        for (key, value) in wanted {
            do {
                let previous = try sysctl.ensure(key, value)
                if previous != value { logger.info("set sysctl", metadata: ["sysctl": "\(key)", "value": "\(value)", "previous": "\(previous)"]) }
            } catch {
                errors.append("\(error)")
                logger.error("cannot set sysctl", metadata: ["sysctl": "\(key)", "error": "\(error)"])
            }
        }
        errors += strictARP ? enableStrictARP() : restoreARP()
        return errors
    }

    var savedARPPath: String { stateDirectory + "/arp-before-strict-arp" }

    func enableStrictARP() -> [String] {
        do {
            let ignore = try sysctl.read(.arpIgnore), announce = try sysctl.read(.arpAnnounce)
            if !FileManager.default.fileExists(atPath: savedARPPath) {
                try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
                try "\(ignore) \(announce)\n".write(toFile: savedARPPath, atomically: true, encoding: .utf8)
            }
            _ = try sysctl.ensure(.arpIgnore, "1")
            _ = try sysctl.ensure(.arpAnnounce, "2")
            return []
        } catch {
            return ["strict ARP: \(error)"]
        }
    }

    func restoreARP() -> [String] {
        guard let saved = try? String(contentsOfFile: savedARPPath, encoding: .utf8) else { return [] }
        let parts = saved.split(whereSeparator: \.isWhitespace).map(String.init)
        guard parts.count == 2 else { return ["strict ARP: unreadable \(savedARPPath)"] }
        do {
            _ = try sysctl.write(.arpIgnore, parts[0])
            _ = try sysctl.write(.arpAnnounce, parts[1])
            try? FileManager.default.removeItem(atPath: savedARPPath)
            logger.info("strict ARP off: restored previous ARP settings",
                        metadata: ["arp_ignore": "\(parts[0])", "arp_announce": "\(parts[1])"])
            return []
        } catch {
            return ["restoring ARP settings: \(error)"]
        }
    }

    /// Sets the IPVS connection timeouts given (0 leaves a timeout as it is, as in the kernel).
    public static func applyTimeouts(tcp: Duration, tcpFin: Duration, udp: Duration, ipvs: any IPVSControl) async throws {
        let t = IPVSTimeouts(tcp: seconds(tcp), tcpFin: seconds(tcpFin), udp: seconds(udp))
        guard t.tcp > 0 || t.tcpFin > 0 || t.udp > 0 else { return }
        try await ipvs.setTimeouts(t)
    }

    static func seconds(_ d: Duration) -> UInt32 { UInt32(clamping: d.components.seconds) }

    public static func kernelRelease() -> String {
        (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    static func isBefore(_ release: String, major: Int, minor: Int) -> Bool {
        let nums = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard nums.count == 2 else { return false }
        return (nums[0], nums[1]) < (major, minor)
    }
}
