// KubeIPVSSources placeholder until its module lands.
