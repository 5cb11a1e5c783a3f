#!/bin/bash
# guest-tests.sh CHECK_BINARY -- runs IN THE GUEST (see run-guest-tests.sh).
# The real-kernel tier: loads ip_vs and its schedulers, runs the IPVS contract suite and the cross-checks
# against ipvsadm, exercises batch chunking, the link/address and ipset contracts, then real TCP traffic through a virtual server to two pods
# (network namespaces on a bridge; everything stays inside this guest, which has no network device).
set -uo pipefail
BIN=${1:?usage: guest-tests.sh CHECK_BINARY}
fail=0
echo "GUEST-KERNEL $(uname -r)"
modprobe -a ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_dh ip_vs_sed ip_vs_nq ip_vs_mh \
  nf_conntrack veth bridge || fail=1
modprobe dummy numdummies=0 || fail=1
modprobe -a ip_set xt_set || fail=1
sysctl -qw net.ipv4.ip_forward=1 net.ipv4.vs.conntrack=1 || fail=1

echo "GUEST-TIME start $(cut -d" " -f1 /proc/uptime)"
"$BIN" kernel || fail=1
"$BIN" kernel --filter batch --chunk 7 || fail=1      # many datagrams per batch: chunk boundaries
"$BIN" kernel --filter batch --ack-each || fail=1     # an ACK for every request
echo "GUEST-TIME links $(cut -d" " -f1 /proc/uptime)"
"$BIN" links || fail=1                                 # rtnetlink: kube-ipvs0 (dummy) and addresses, fresh netns
echo "GUEST-TIME ipsets $(cut -d" " -f1 /proc/uptime)"
"$BIN" ipsets || fail=1                                # libipset contract, fresh netns per case

# Two pods holding every TCP connection they accept on :8080; the ClusterIP on a dummy link.
VIP=10.96.0.100
ip link add kube-ipvs0 type dummy && ip addr add $VIP/32 dev kube-ipvs0
ip link add cni0 type bridge && ip addr add 10.244.1.1/24 dev cni0 && ip link set cni0 up
for i in 1 2; do
  ns=pod$i
  ip netns add $ns
  ip link add veth-$ns type veth peer name eth0 netns $ns
  ip link set veth-$ns master cni0 up
  ip -n $ns link set lo up && ip -n $ns link set eth0 up
  ip -n $ns addr add 10.244.1.$((i + 1))/24 dev eth0 && ip -n $ns route add default via 10.244.1.1
  ip netns exec $ns python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080)); s.listen(64); held = []
while True: held.append(s.accept()[0])' &
done
for i in 1 2; do   # wait (bounded) for both listeners
  for t in $(seq 50); do [ -n "$(ip netns exec pod$i ss -Hltn 'sport = :8080')" ] && break; sleep 0.2; done
done
echo "GUEST-TIME traffic $(cut -d" " -f1 /proc/uptime)"
"$BIN" traffic --vip $VIP --pods 10.244.1.2,10.244.1.3 --port 8080 || fail=1
kill $(jobs -p) 2>/dev/null
echo "GUEST-TESTS-DONE fail=$fail"
exit $fail
