print("kube-ipvs-bench: under construction")
