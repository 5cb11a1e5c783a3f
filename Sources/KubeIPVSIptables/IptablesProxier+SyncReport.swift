import KubeIPVSCore

extension IptablesProxier {
    /// What one sync did.
    public struct SyncReport: Sendable, Hashable {
        /// Families synced in full (others were partial).
        public var fullSyncs: Set<IPFamily> = []
        /// Service ports whose chains were written, per family.
        public var servicesWritten: [IPFamily: Int] = [:]
        /// Chains deleted, per family.
        public var deletedChains: [IPFamily: [String]] = [:]
        /// conntrack deletions that ran.
        public var conntrackDeletions: [ConntrackDeletion] = []
        /// conntrack commands that failed (best effort: the sync still succeeded).
        public var conntrackFailures: [IptablesError] = []
        /// Bytes of restore input, per family.
        public var bytesWritten: [IPFamily: Int] = [:]
        /// Time spent rendering and diffing the rules (all families).
        public var renderTime: Duration = .zero
        /// Time spent in iptables-save and iptables-restore (all families).
        public var restoreTime: Duration = .zero
        /// Time spent deleting stale conntrack entries.
        public var conntrackTime: Duration = .zero
        /// Families with nothing to write: no restore ran.
        public var skippedFamilies: Set<IPFamily> = []
        /// Top-level chains a partial sync rewrote (`nat/KUBE-SERVICES`), per family.
        public var rewrittenChains: [IPFamily: [String]] = [:]
        /// Service ports rendered again (the others came from the render cache), per family.
        public var servicesRendered: [IPFamily: Int] = [:]
        /// Families whose kernel rules a periodic sync compared with the applied ones.
        public var verifiedFamilies: Set<IPFamily> = []
        /// What that comparison found changed behind our back (`nat KUBE-SVC-X: missing`), per family;
        /// such a family was then synced in full.
        public var drift: [IPFamily: [String]] = [:]
        /// iptables-restore runs (quarantine probes excluded).
        public var restores = 0
    }
}
