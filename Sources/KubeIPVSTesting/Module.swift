// KubeIPVSTesting placeholder until its module lands.
