#!/usr/bin/env bash
# hostile-figures.sh [KUBE_IPVS_BINARY]: the daemon's peak RSS and what it logged for the two amplification
# cases of docs/bounds.md, each inside a network namespace this script creates (the host's is never touched):
#   1. manifests holding one Service with 50,000 externalIPs x 100 ports (about 855 KB) next to a normal one;
#   2. an API server (a small Python server) whose Service list body is 1 GiB: announced by Content-Length,
#      and streamed without one (HTTP/1.0, read until the connection closes).
# Prints one block per case: peak RSS (the kernel's maxrss of the daemon), the lines it logged about the
# object, and whether the normal Service was still programmed. A program that prints figures, not a test.
set -euo pipefail
. "$(dirname "$0")/lib/as-root.sh"; as_root "$@"
cd "$(dirname "$0")/.."
BIN=${1:-$(swift build --show-bin-path)/kube-ipvs}
[ -x "$BIN" ] || { echo "hostile-figures: no kube-ipvs at $BIN (swift build first)" >&2; exit 1; }
ns=kipvs-hf-$$
W=$(mktemp -d /tmp/kube-ipvs-hostile.XXXXXX)
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; ip netns del "$ns" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
ip netns add "$ns" && ip -n "$ns" link set lo up
FLAGS=(--hostname-override node1 --healthz-bind-address 127.0.0.1:10256 --metrics-bind-address 127.0.0.1:10249)

echo "== 1. one Service with 50,000 externalIPs x 100 ports"
mkdir -p "$W/m"
python3 - "$W/m" <<'PY'
import json, sys
d = sys.argv[1]
ips = ["10.%d.%d.%d" % (100 + i // 65536, (i // 256) % 256, i % 256) for i in range(50000)]
ports = [{"name": "p%d" % p, "protocol": "TCP", "port": 1000 + p, "targetPort": 8080} for p in range(100)]
big = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "amplifier", "namespace": "evil"},
       "spec": {"clusterIP": "10.96.0.99", "externalIPs": ips, "ports": ports}}
web = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "demo"},
       "spec": {"clusterIP": "10.96.0.10", "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080}]}}
sl = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
      "metadata": {"name": "web-1", "namespace": "demo", "labels": {"kubernetes.io/service-name": "web"}},
      "addressType": "IPv4", "ports": [{"name": "http", "protocol": "TCP", "port": 8080}],
      "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": True}}]}
for name, obj in (("amplifier.json", big), ("web.json", web), ("web-slice.json", sl)):
    with open("%s/%s" % (d, name), "w") as f: json.dump(obj, f)
PY
echo "manifest: $(du -k "$W/m/amplifier.json" | cut -f1) KB"
start=$(date +%s%N)
/usr/bin/time -f "%M" -o "$W/rss1" ip netns exec "$ns" timeout 300 "$BIN" "${FLAGS[@]}" --manifests "$W/m" --once \
  > "$W/log1" 2>&1 || true
echo "peak RSS: $(( $(cat "$W/rss1") / 1024 )) MiB; wall $(( ($(date +%s%N) - start) / 1000000 )) ms"
grep -E 'evil/amplifier|rejected' "$W/log1" | cut -c1-400 | head -5
echo "normal Service programmed: $(ip netns exec "$ns" iptables-save 2>/dev/null | grep -c 'demo/web:http' || true) rules name demo/web:http"
ip netns exec "$ns" "$BIN" "${FLAGS[@]}" --manifests "$W/m" --cleanup > /dev/null 2>&1 || true

cat > "$W/server.py" <<'PY'
import http.server, socketserver, sys, time
ANNOUNCE = sys.argv[1] == "length"
HEAD = b'{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[],"pad":"'
PAD, CHUNK = 1 << 30, b"x" * (1 << 20)
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        if "watch=" in self.path:
            self.send_response(200); self.send_header("Content-Type", "application/json"); self.end_headers()
            time.sleep(3600); return
        self.send_response(200); self.send_header("Content-Type", "application/json")
        if self.path.startswith("/api/v1/services"):
            if ANNOUNCE: self.send_header("Content-Length", str(len(HEAD) + PAD + 2))
            self.end_headers()
            self.wfile.write(HEAD)
            try:
                for _ in range(PAD // len(CHUNK)): self.wfile.write(CHUNK)
                self.wfile.write(b'"}')
            except OSError: pass
            return
        kind = "NodeList" if "/nodes" in self.path else "EndpointSliceList"
        body = b'{"kind":"%s","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}' % kind.encode()
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
class S(socketserver.ThreadingMixIn, http.server.HTTPServer): daemon_threads = True
S(("127.0.0.1", 18080), H).serve_forever()
PY
for mode in length stream; do
  echo "== 2. an API server whose Service list body is 1 GiB ($([ $mode = length ] && echo "announced by Content-Length" || echo "streamed, no Content-Length"))"
  ip netns exec "$ns" python3 "$W/server.py" $mode & server=$!
  for _ in $(seq 50); do ip netns exec "$ns" curl -s -o /dev/null http://127.0.0.1:18080/api/v1/nodes && break; sleep 0.1; done
  ip netns exec "$ns" "$BIN" "${FLAGS[@]}" --master http://127.0.0.1:18080 > "$W/log2" 2>&1 & daemon=$!
  for _ in $(seq 300); do grep -q 'list body is larger' "$W/log2" && break; sleep 0.1; done
  sleep 2
  echo "peak RSS: $(( $(awk '/^VmHWM/ { print $2 }' "/proc/$daemon/status" 2>/dev/null || echo 0) / 1024 )) MiB after $(grep -c 'list body is larger' "$W/log2" || true) refused list(s)"
  kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null || true
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; server=
  grep -E 'list body is larger|list/watch failed' "$W/log2" | head -1 | cut -c1-300
done
