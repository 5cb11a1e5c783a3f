/// IPVS scheduling algorithm (kernel module `ip_vs_<name>`); `--ipvs-scheduler`.
public enum Scheduler: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case roundRobin = "rr"
    case weightedRoundRobin = "wrr"
    case leastConnection = "lc"
    case weightedLeastConnection = "wlc"
    case localityBasedLeastConnection = "lblc"
    case localityBasedLeastConnectionWithReplication = "lblcr"
    case destinationHashing = "dh"
    case sourceHashing = "sh"
    case shortestExpectedDelay = "sed"
    case neverQueue = "nq"
    case maglevHashing = "mh"
    case weightedFailover = "fo"
    case weightedOverflow = "ovf"
    case twoRandomChoices = "twos"

    /// The schedulers `--ipvs-scheduler` accepts (kube-proxy's documented set plus the weighted ones).
    public static let selectable: [Scheduler] = [
        .roundRobin, .leastConnection, .destinationHashing, .sourceHashing,
        .shortestExpectedDelay, .neverQueue, .weightedRoundRobin, .weightedLeastConnection,
    ]

    public var description: String { rawValue }
}
