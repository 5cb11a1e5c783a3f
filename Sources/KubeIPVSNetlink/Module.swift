// KubeIPVSNetlink placeholder until its module lands.
