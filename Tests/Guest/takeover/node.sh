# node.sh -- the takeover tier's node and the state kube-proxy left on it (sourced by takeover-e2e.sh, in the guest).
#
#   node (the guest's root namespace) = node1 of the capture: eth0 10.0.0.10/24 + fd00:10::10/64 (a veth to the
#   client namespace, 10.0.0.2, default route via the node); cni0, a bridge without an address (so the node
#   has no other address to serve NodePorts on than the capture's), proxy ARP for the pods' default route.
#   Pods (pod.py, network namespaces on cni0): the real servers of web (10.96.198.132:80, NodePort 30080) and
#   of echo (10.96.104.33:80 and UDP :53 -> 5353). Every other real server of the capture is absent: IPVS
#   still schedules (and counts) a connection to it, which is all the counter checks need.

TK_PODS="a b c d e"
declare -A TK_POD_IP=([a]=10.244.1.11 [b]=10.244.1.12 [c]=10.244.2.13 [d]=10.244.1.41 [e]=10.244.2.42)

build_node() {
  mkdir -p "$W/ready" || return 1
  ip link add cni0 type bridge && ip link set cni0 up && ip route add 10.244.0.0/16 dev cni0 || return 1
  sysctl -qw net.ipv4.conf.cni0.proxy_arp=1 || return 1
  local p ns
  for p in $TK_PODS; do
    ns=pod-$p
    ip netns add $ns && ip link add veth-$p type veth peer name eth0 netns $ns || return 1
    ip link set veth-$p master cni0 up
    ip -n $ns link set lo up && ip -n $ns link set eth0 up
    ip -n $ns addr add "${TK_POD_IP[$p]}/16" dev eth0 && ip -n $ns route add default dev eth0 || return 1
    ip netns exec $ns python3 -S -I "$E2E/pod.py" $ns "$W/ready/$ns" > "$W/$ns.log" 2>&1 &
  done
  ip netns add client && ip link add eth0 type veth peer name eth0 netns client || return 1
  ip addr add 10.0.0.10/24 dev eth0 && ip addr add fd00:10::10/64 dev eth0 nodad && ip link set eth0 up || return 1
  ip -n client link set lo up && ip -n client link set eth0 up && ip -n client addr add 10.0.0.2/24 dev eth0 &&
    ip -n client route add default via 10.0.0.10 || return 1
  tk_pods_ready() { local q; for q in $TK_PODS; do [ -e "$W/ready/pod-$q" ] || return 1; done; }
  eventually 60 tk_pods_ready
}

# The kernel state of Tests/Guest/takeover/kernel/ (kube-proxy's, after its first full sync), restored as it was:
# the sysctls kube-proxy changed, kube-ipvs0 (dummy, down) with its addresses, the ipsets, the IPVS table, and
# the rules (the capture's iptables was the nf_tables backend).
restore_kube_proxy_state() {
  local k=$TK/kernel a
  {
    sysctl -qw net.ipv4.ip_forward=1 net.ipv4.vs.conntrack=1 net.ipv4.vs.expire_nodest_conn=1 \
      net.ipv4.vs.expire_quiescent_template=1 &&
    ip link add kube-ipvs0 type dummy &&
    for a in $(awk '$1 == "inet" || $1 == "inet6" { print $2 }' "$k/ip-addr-show-kube-ipvs0.txt"); do
      ip addr add "$a" dev kube-ipvs0 || return 1
    done &&
    ipset restore < "$k/ipset-save.txt" &&
    ipvsadm -R < "$k/ipvsadm-Sn.txt" &&
    iptables-nft-restore < "$k/iptables-save.txt" &&
    ip6tables-nft-restore < "$k/ip6tables-save.txt"
  } > "$W/restore.log" 2>&1
}

# Every address on kube-ipvs0, every KUBE-* ipset entry, the table as "VS -> RS FWD WEIGHT" lines.
tk_addresses() { ip -o addr show dev kube-ipvs0 | awk '{ print $4 }' | LC_ALL=C sort; }
tk_table() { ipvsadm -Ln | ipvs_norm; }
# tk_conns: "PROTO VIP:PORT CONNS" for every virtual server (ipvsadm -Ln --stats).
tk_conns() { ipvsadm -Ln --stats | awk '/^(TCP|UDP|SCTP) / { print $1, $2, $3 }' | LC_ALL=C sort; }
