// KubeIPVSDaemon placeholder until its module lands.
