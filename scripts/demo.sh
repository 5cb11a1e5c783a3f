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
. scripts/lib/demo-net.sh
trap demo_net_down EXIT
demo_net_down
demo_net_up

echo "demo: starting kube-ipvs in $NODE (log: /tmp/$P-daemon.log)"
ip netns exec $NODE "$BIN" --manifests deploy/examples --hostname-override node1 \
  --cluster-cidr 10.244.0.0/16 --ipvs-min-sync-period 0s --healthz-bind-address 127.0.0.1:10256 \
  >"/tmp/$P-daemon.log" 2>&1 &
DAEMON_PID=$!
demo_wait_healthy || true
grep -E 'falling back|kube-ipvs starting' "/tmp/$P-daemon.log" || true
mode=$(ip netns exec $NODE curl -fsS -m 2 http://127.0.0.1:10249/proxyMode || echo unknown)
echo "demo: proxy mode: $mode"

echo; echo "demo: 30 requests from the node to ClusterIP 10.96.198.132:80 (demo/web-nodeport, 3 pods)"
demo_ask $NODE http://10.96.198.132/ 30
echo; echo "demo: 10 requests to 10.96.72.46:8080 (demo/sticky, sessionAffinity ClientIP): one pod answers all"
demo_ask $NODE http://10.96.72.46:8080/ 10
echo; echo "demo: 30 requests from outside ($CLIENT) to NodePort 10.0.0.10:30080"
demo_ask $CLIENT http://10.0.0.10:30080/ 30
echo; echo "demo: metrics"
ip netns exec $NODE curl -fsS -m 2 http://127.0.0.1:10249/metrics | grep -E '^kubeipvs_(proxy_mode|ipvs_fallback|rejected_objects)|^kubeproxy_sync_proxy_rules_last_timestamp' || true
echo; echo "demo: done (mode $mode)"
