print("kube-ipvs: under construction")
