#!/usr/bin/env bash
# The main job on the embedded default: kube-ipvs serving deploy/examples for real.
#
# Builds kube-ipvs, then creates private network namespaces (never touching the host's own):
#   kipvs-demo-node    the node (10.0.0.10), runs `kube-ipvs --manifests deploy/examples`
#   kipvs-demo-pod-*   one per endpoint of demo/web-nodeport and demo/sticky, HTTP on :8080
#   kipvs-demo-client  a machine outside the cluster (10.0.0.2) for NodePort traffic
# and sends requests to a ClusterIP, a ClientIP-affinity service and a NodePort, printing which
# pod answered. On a kernel with ip_vs the daemon runs in IPVS mode; without (like this build
# machine) it falls back to iptables by itself and says so. Everything is removed on exit.
set -euo pipefail
. "$(dirname "$0")/lib/as-root.sh"; as_root "$@"
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --product kube-ipvs 2>&1 | grep -vE "^\[[0-9]+/[0-9]+\]"
BIN=$(swift build --show-bin-path)/kube-ipvs

P=kipvs-demo
NODE=$P-node CLIENT=$P-client
PODS="10.244.1.11 10.244.1.12 10.244.2.13 10.244.1.21 10.244.2.22 10.244.2.23"
DAEMON_PID=
cleanup() {
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  for ns in $(ip netns list | awk '{print $1}' | grep "^$P-" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT
cleanup

ip netns add $NODE
ip -n $NODE link set lo up
ip -n $NODE link add cni0 type bridge
ip -n $NODE addr add 10.244.0.1/16 dev cni0
ip -n $NODE link set cni0 up
ip netns exec $NODE sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.route_localnet=1
i=0
for ip in $PODS; do
  i=$((i + 1)); ns=$P-pod-$i
  ip netns add "$ns"
  ip -n $NODE link add "veth$i" type veth peer name eth0 netns "$ns"
  ip -n $NODE link set "veth$i" master cni0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$ip/16" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via 10.244.0.1
  mkdir -p "/tmp/$ns" && echo "pod $ip" > "/tmp/$ns/index.html"
  ip netns exec "$ns" python3 -m http.server 8080 --bind "$ip" --directory "/tmp/$ns" >/dev/null 2>&1 &
done
ip netns add $CLIENT
ip -n $NODE link add eth0 type veth peer name eth0 netns $CLIENT
ip -n $NODE addr add 10.0.0.10/24 dev eth0
ip -n $NODE link set eth0 up
ip -n $CLIENT addr add 10.0.0.2/24 dev eth0
ip -n $CLIENT link set eth0 up
ip -n $CLIENT link set lo up
# Like a real node, a default route: locally sent packets to service IPs need a route before
# the nat OUTPUT hook rewrites them.
ip -n $NODE route add default via 10.0.0.2

for ip in $PODS; do   # wait until every pod serves (python starts slowly on a busy machine)
  for _ in $(seq 100); do
    ip netns exec $NODE curl -fsS -m 1 -o /dev/null "http://$ip:8080/" 2>/dev/null && break
    sleep 0.2
  done
done

echo "demo: starting kube-ipvs in $NODE (log: /tmp/$P-daemon.log)"
ip netns exec $NODE "$BIN" --manifests deploy/examples --hostname-override node1 \
  --cluster-cidr 10.244.0.0/16 --ipvs-min-sync-period 0s --healthz-bind-address 127.0.0.1:10256 \
  >"/tmp/$P-daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 50); do
  ip netns exec $NODE curl -fsS -m 1 -o /dev/null http://127.0.0.1:10256/healthz 2>/dev/null && break
  sleep 0.2
done
grep -E 'falling back|kube-ipvs starting' "/tmp/$P-daemon.log" || true
mode=$(ip netns exec $NODE curl -fsS -m 2 http://127.0.0.1:10249/proxyMode || echo unknown)
echo "demo: proxy mode: $mode"

ask() {  # ask NS URL COUNT: which pods answered, with counts
  local ns=$1 url=$2 n=$3
  for _ in $(seq "$n"); do ip netns exec "$ns" curl -sS -m 2 "$url" || echo "no answer"; done | sort | uniq -c
}
echo; echo "demo: 30 requests from the node to ClusterIP 10.96.198.132:80 (demo/web-nodeport, 3 pods)"
ask $NODE http://10.96.198.132/ 30
echo; echo "demo: 10 requests to 10.96.72.46:8080 (demo/sticky, sessionAffinity ClientIP): one pod answers all"
ask $NODE http://10.96.72.46:8080/ 10
echo; echo "demo: 30 requests from outside ($CLIENT) to NodePort 10.0.0.10:30080"
ask $CLIENT http://10.0.0.10:30080/ 30
echo; echo "demo: metrics"
ip netns exec $NODE curl -fsS -m 2 http://127.0.0.1:10249/metrics | grep -E '^kubeipvs_(proxy_mode|ipvs_fallback|rejected_objects)|^kubeproxy_sync_proxy_rules_last_timestamp' || true
echo; echo "demo: done (mode $mode)"
