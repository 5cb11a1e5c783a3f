# Sourced by scripts/demo.sh and scripts/test-image.sh: the demo's private network namespaces (the
# host's own network is never touched). With P set (the name prefix):
#   $P-node    the node (10.0.0.10, cni0 10.244.0.1/16), where kube-ipvs runs
#   $P-pod-N   one per endpoint of demo/web-nodeport and demo/sticky, HTTP on :8080 ("pod IP")
#   $P-client  a machine outside the cluster (10.0.0.2) for NodePort traffic
# demo_net_up creates them (and waits until every pod serves), demo_net_down removes them, kills what
# runs in them and stops DAEMON_PID if set; demo_ask NS URL COUNT prints who answered, with counts.
DEMO_PODS="10.244.1.11 10.244.1.12 10.244.2.13 10.244.1.21 10.244.2.22 10.244.2.23"
DAEMON_PID=

demo_net_down() {
  # The stopped daemon's status (143 after SIGTERM) must not become the caller's exit status under set -e.
  if [ -n "$DAEMON_PID" ]; then kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi
  DAEMON_PID=
  for ns in $(ip netns list | awk '{print $1}' | grep "^$P-" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  return 0
}

demo_net_up() {
  local node=$P-node client=$P-client i=0 ip ns
  ip netns add "$node"
  ip -n "$node" link set lo up
  ip -n "$node" link add cni0 type bridge
  ip -n "$node" addr add 10.244.0.1/16 dev cni0
  ip -n "$node" link set cni0 up
  ip netns exec "$node" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.route_localnet=1
  for ip in $DEMO_PODS; do
    i=$((i + 1)); ns=$P-pod-$i
    ip netns add "$ns"
    ip -n "$node" link add "veth$i" type veth peer name eth0 netns "$ns"
    ip -n "$node" link set "veth$i" master cni0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$ip/16" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via 10.244.0.1
    mkdir -p "/tmp/$ns" && echo "pod $ip" > "/tmp/$ns/index.html"
    ip netns exec "$ns" python3 -m http.server 8080 --bind "$ip" --directory "/tmp/$ns" >/dev/null 2>&1 &
  done
  ip netns add "$client"
  ip -n "$node" link add eth0 type veth peer name eth0 netns "$client"
  ip -n "$node" addr add 10.0.0.10/24 dev eth0
  ip -n "$node" link set eth0 up
  ip -n "$client" addr add 10.0.0.2/24 dev eth0
  ip -n "$client" link set eth0 up
  ip -n "$client" link set lo up
  # Like a real node, a default route: locally sent packets to service IPs need a route before
  # the nat OUTPUT hook rewrites them.
  ip -n "$node" route add default via 10.0.0.2
  for ip in $DEMO_PODS; do   # wait until every pod serves (python starts slowly on a busy machine)
    for _ in $(seq 100); do
      ip netns exec "$node" curl -fsS -m 1 -o /dev/null "http://$ip:8080/" 2>/dev/null && break
      sleep 0.2
    done
  done
}

demo_wait_healthy() {  # demo_wait_healthy: up to 10 s for the daemon's /healthz in the node
  for _ in $(seq 50); do
    ip netns exec "$P-node" curl -fsS -m 1 -o /dev/null http://127.0.0.1:10256/healthz 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

demo_ask() {  # demo_ask NS URL COUNT: which pods answered, with counts
  local ns=$1 url=$2 n=$3
  for _ in $(seq "$n"); do ip netns exec "$ns" curl -sS -m 2 "$url" || echo "no answer"; done | sort | uniq -c
}
