import KubeIPVSCore
import KubeIPVSNetlink
import Logging

/// Chooses the proxy mode: IPVS when asked and usable; otherwise iptables, saying why.
public struct ModeSelection: Sendable {
    /// nil: IPVS was required (`--no-fallback`) and is unusable.
    public var mode: ProxyMode?
    public var fallback: Bool
    public var reason: String

    public static func choose(options: DaemonOptions, logger: Logger,
                              probe: @Sendable (Scheduler) async -> IPVSAvailability = { await IPVSProbe.run(scheduler: $0) })
        async -> ModeSelection {
        guard options.mode == .ipvs else {
            return ModeSelection(mode: .iptables, fallback: false, reason: "--proxy-mode iptables")
        }
        let availability = await probe(options.proxy.scheduler)
        if case .available = availability {
            return ModeSelection(mode: .ipvs, fallback: false, reason: "IPVS available")
        }
        if options.noFallback {
            logger.critical("IPVS proxier unusable and --no-fallback given; exiting",
                            metadata: ["reason": "\(availability)"])
            return ModeSelection(mode: nil, fallback: false, reason: "\(availability)")
        }
        logger.info("IPVS proxier unusable; falling back to the iptables proxier",
                    metadata: ["reason": "\(availability)", "scheduler": "\(options.proxy.scheduler)"])
        return ModeSelection(mode: .iptables, fallback: true, reason: "\(availability)")
    }
}
