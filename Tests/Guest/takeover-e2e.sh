#!/bin/bash
# takeover-e2e.sh KUBE_IPVS_BINARY -- runs IN THE GUEST (guest-run.sh; run-guest-tests.sh).
# In-place migration from kube-proxy (docs/migrating-from-kube-proxy.md), on a real ip_vs kernel:
#   1. IPVS mode: the kernel state a real kube-proxy v1.28.7 left (Tests/Guest/takeover/README.md) is restored,
#      connections are opened through its virtual servers, then kube-ipvs starts over the same objects.
#      Nothing it still needs is re-created or removed, not even for a moment: virtual servers keep their
#      connection counters, no kube-ipvs0 address is deleted (ip monitor), every ipset entry stays, and a
#      connection established before the takeover keeps flowing.
#   2. iptables mode -> IPVS mode: kube-ipvs serves the same objects in iptables mode, a client polls a ClusterIP
#      and a NodePort, the node switches to IPVS mode: zero failed requests, and the iptables-mode chains are gone.
#   3. And back: `kube-ipvs --cleanup` leaves no KUBE-* object, so kube-proxy (either mode) starts from scratch.
# Prints `PASS name` / `FAIL name: detail`, figures as `TAKEOVER-FIGURE ...`, then `GUEST-CHECK takeover: ...`.
set -uo pipefail
BIN=${1:?usage: takeover-e2e.sh KUBE_IPVS_BINARY}
HERE=${GUEST_SCRIPT_DIR:-$(dirname "$0")}
E2E=$HERE/e2e TK=$HERE/takeover
. "$E2E/lib.sh" && . "$E2E/topology.sh" || exit 125
W=/tmp/takeover M=$TK/manifests DLOG=/tmp/takeover/daemon.log   # lib.sh's, for this tier (before checks.sh uses M)
. "$TK/node.sh" && . "$TK/checks.sh" || exit 125
START=$(now_ms)
finish() {
  FINISHED=1
  stop_daemon
  local p; for p in $(jobs -p); do kill "$p" 2>/dev/null; done
  [ -n "${GUEST_OUT_DIR:-}" ] && cp -r "$W" "$GUEST_OUT_DIR/takeover" 2>/dev/null
  if [ "$failed" != 0 ] && [ -s "$DLOG" ]; then echo "--- last daemon log lines"; tail -20 "$DLOG" | cut -c1-300; fi
  echo "GUEST-CHECK takeover: $passed passed, $failed failed in $(( ($(now_ms) - START) / 1000 ))s"
  echo "TAKEOVER-DONE fail=$failed"
  exit $(( failed > 0 ))
}
trap '' PIPE
trap '[ -n "${FINISHED:-}" ] || { fail "takeover-script" "aborted (exit $?)"; finish; }' EXIT

mkdir -p "$W" || exit 125
[ -x "$BIN" ] || { fail "setup" "no kube-ipvs binary at $BIN"; finish; }
load_modules || { fail "setup" "modprobe failed"; finish; }
build_node || { fail "setup" "node topology (pods, client) not ready"; finish; }
restore_kube_proxy_state || { fail "setup" "restoring kube-proxy's state failed: $(tail -3 "$W/restore.log" | tr '\n' ' ')"; finish; }
check_ipvs_takeover
check_mode_switch
check_cleanup_for_kube_proxy
finish
