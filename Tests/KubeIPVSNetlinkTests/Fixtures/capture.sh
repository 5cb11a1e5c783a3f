#!/bin/sh
# Re-captures the rtnetlink golden messages from iproute2 (see README.md). Run as root:
#   sh Tests/KubeIPVSNetlinkTests/Fixtures/capture.sh
# Everything happens inside a throwaway network namespace (unshare -n); nothing touches the host's.
set -eu
cd "$(dirname "$0")"
unshare -n sh -eu -c '
ip link add kipvs-v0 type veth peer name kipvs-v1   # kipvs-v1 gets ifindex 2, kipvs-v0 ifindex 3
grab() {  # grab FILE TYPE FLAGS -- ip ARGS: the first message of that type and flags sent to rtnetlink
  out=$1 type=$2 flags=$3; shift 4
  strace -f -xx -e trace=sendmsg,sendto -e write=all "$@" 2>&1 >/dev/null | python3 -c "
import sys, re
want_type, want_flags = int(sys.argv[1], 0), int(sys.argv[2], 0)
msgs, cur = [], []
for line in sys.stdin:
    m = re.match(r\"\\s*\\| [0-9a-f]{5}  ((?:[0-9a-f]{2} ?\\s?)+)\", line)
    if m:
        cur += m.group(1).split()
    elif cur:
        msgs.append(cur); cur = []
if cur: msgs.append(cur)
for b in msgs:
    v = [int(x, 16) for x in b]
    if len(v) >= 16 and v[4] | v[5] << 8 == want_type and v[6] | v[7] << 8 == want_flags:
        print(\" \".join(b)); break
else:
    sys.exit(\"no matching message\")
" "$type" "$flags" > "$out" || true
  echo "$out: $(wc -w < "$out") bytes"
}
grab rtm_newlink_dummy.hex 16 0x605 -- ip link add kube-ipvs0 type dummy
grab rtm_newaddr_v4.hex 20 0x605 -- ip addr add 10.96.0.10/32 dev kipvs-v0
grab rtm_deladdr_v4.hex 21 0x005 -- ip addr del 10.96.0.10/32 dev kipvs-v0
grab rtm_newaddr_v6.hex 20 0x605 -- ip addr add fd00::10/128 dev kipvs-v0
grab rtm_deladdr_v6.hex 21 0x005 -- ip addr del fd00::10/128 dev kipvs-v0
grab rtm_dellink.hex 17 0x005 -- ip link del dev kipvs-v0
'

# `ipset save` text of one set per type kube-ipvs uses (parsed by IPSetSaveFormat), again in a
# throwaway namespace.
unshare -n sh -eu -c '
ipset create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536
ipset add KUBE-CLUSTER-IP 10.96.0.10,tcp:53; ipset add KUBE-CLUSTER-IP 10.96.0.10,udp:53; ipset add KUBE-CLUSTER-IP 10.96.0.11,sctp:30080
ipset create KUBE-LOAD-BALANCER-SOURCE-CIDR hash:ip,port,net family inet6 hashsize 1024 maxelem 65536
ipset add KUBE-LOAD-BALANCER-SOURCE-CIDR fd00::1,tcp:443,fd00:10::/64; ipset add KUBE-LOAD-BALANCER-SOURCE-CIDR fd00::2,udp:53,fd00::5
ipset create KUBE-NET hash:net family inet; ipset add KUBE-NET 10.0.0.0/8; ipset add KUBE-NET 10.1.1.1
ipset create KUBE-NODE-PORT-TCP bitmap:port range 0-65535; ipset add KUBE-NODE-PORT-TCP 30080; ipset add KUBE-NODE-PORT-TCP 30081
ipset create KUBE-LOOP-BACK hash:ip,port,ip family inet; ipset add KUBE-LOOP-BACK 10.0.0.1,tcp:80,10.0.0.1
ipset create KUBE-IPVS-IPS hash:ip family inet6 hashsize 4096 maxelem 1000; ipset add KUBE-IPVS-IPS fd00::1
for s in $(ipset list -n); do ipset save $s > ipset_save_$s.txt; done'
echo "ipset_save_*.txt: $(ls ipset_save_*.txt | wc -l) sets"
