# topology.sh -- the node of the daemon end-to-end tier (sourced by daemon-e2e.sh, in the guest).
#
#   node (the guest's root namespace): cni0 bridge 10.244.0.1/16; eth0 10.0.0.10/24 + 10.0.0.11/24 to the client
#   pod-a 10.244.1.11 (node1)  pod-b 10.244.1.12 (node1)  pod-c 10.244.2.13 (node2)  pod-d 10.244.2.14 (node2)
#   pod-e 10.244.1.15 (node1): network namespaces on cni0 running pod.py ("node2" is only the EndpointSlice's
#   nodeName: every pod is physically here, so only the daemon's policy decides who is reachable)
#   client 10.0.0.2/24: outside the cluster, routes service ranges via 10.0.0.10

declare -A POD_IP=([a]=10.244.1.11 [b]=10.244.1.12 [c]=10.244.2.13 [d]=10.244.2.14 [e]=10.244.1.15)
declare -A POD_NODE=([a]=node1 [b]=node1 [c]=node2 [d]=node2 [e]=node1)
PODS="a b c d e"

# Everything the daemon makes the kernel autoload too (ipset types, nft + xt matches of the companion
# rules): loaded here, so the daemon's first sync is not timed on module loading over 9p.
load_modules() {
  modprobe -a ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_dh ip_vs_sed ip_vs_nq \
    nf_conntrack veth bridge && modprobe dummy numdummies=0 &&
  modprobe -a ip_set ip_set_hash_ip ip_set_hash_ipport ip_set_hash_ipportip ip_set_hash_ipportnet \
    ip_set_hash_net ip_set_bitmap_port nf_tables nft_compat nft_chain_nat nf_nat xt_set xt_addrtype \
    xt_comment xt_conntrack xt_mark xt_MASQUERADE xt_ipvs xt_physdev ipt_REJECT
}

build_topology() {
  mkdir -p "$W/ready" "$M" || return 1
  ip link add cni0 type bridge && ip addr add 10.244.0.1/16 dev cni0 && ip link set cni0 up || return 1
  local p ns
  for p in $PODS; do
    ns=pod-$p
    ip netns add $ns && ip link add veth-$p type veth peer name eth0 netns $ns || return 1
    ip link set veth-$p master cni0 up
    ip -n $ns link set lo up && ip -n $ns link set eth0 up
    ip -n $ns addr add "${POD_IP[$p]}/16" dev eth0 && ip -n $ns route add default via 10.244.0.1 || return 1
    ip netns exec $ns python3 -S -I "$E2E/pod.py" "$ns" "$W/ready/$ns" > "$W/$ns.log" 2>&1 &
  done
  ip netns add client && ip link add eth0 type veth peer name eth0 netns client || return 1
  ip addr add 10.0.0.10/24 dev eth0 && ip addr add 10.0.0.11/24 dev eth0 && ip link set eth0 up || return 1
  ip -n client link set lo up && ip -n client link set eth0 up && ip -n client addr add 10.0.0.2/24 dev eth0
  for r in 10.96.0.0/12 192.0.2.0/24; do ip -n client route add $r via 10.0.0.10 || return 1; done
  pods_ready() { local q; for q in $PODS; do [ -e "$W/ready/pod-$q" ] || return 1; done; }
  eventually 40 pods_ready
}

# Virtual servers that are not ours (addresses not on kube-ipvs0, ports that are no NodePort).
add_foreign_vs() {
  ipvsadm -A -t $FOREIGN -s wlc && ipvsadm -a -t $FOREIGN -r 10.244.1.12:8080 -m -w 3 &&
  ipvsadm -A -t $FOREIGN2 -s sh && ipvsadm -a -t $FOREIGN2 -r 10.244.1.13:8080 -m -w 2
}
foreign_vs() { { ipvsadm -Ln -t $FOREIGN; ipvsadm -Ln -t $FOREIGN2; } 2>/dev/null | ipvs_norm; }
