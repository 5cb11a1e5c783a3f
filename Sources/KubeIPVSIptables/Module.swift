// KubeIPVSIptables placeholder until its module lands.
