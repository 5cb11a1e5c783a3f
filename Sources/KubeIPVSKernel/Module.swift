// KubeIPVSKernel placeholder until its module lands.
