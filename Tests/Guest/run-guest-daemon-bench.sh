#!/bin/bash
# run-guest-daemon-bench.sh [--services N] [--endpoints M] [--changes K] [--seconds S]
# The daemon benchmark on a real kernel (issue 4 item 11): builds kube-ipvs-bench in release mode, boots the
# guest (guest-run.sh: qemu, no network device) and, in one guest run, at N ClusterIP services x M endpoints
# (default 10,000 x 10):
#   (a) IPVSProxier full sync from an empty kernel (virtual/real servers, kube-ipvs0 addresses, ipsets,
#       companion iptables rules) vs `ipvsadm -R` restoring the identical IPVS table   (target ratio <= 1.2)
#   (b) EndpointSlice change -> kernel, K changes (upsert + partial sync): p50/p99     (target p99 <= 5 ms)
#   (c) a ProxyDaemon at rest for S seconds: CPU time (target ~0) and peak RSS        (target <= 150 MB)
# Prints the guest's BENCH lines, then a summary; exits non-zero if a run failed or reported no figures.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.." || exit 1
swift build -c release --product kube-ipvs-bench >&2 || { echo "kube-ipvs daemon bench: FAIL: build failed"; exit 1; }
BIN=$(swift build -c release --product kube-ipvs-bench --show-bin-path)/kube-ipvs-bench
LOG=$(mktemp); trap 'rm -f "$LOG"' EXIT
GUEST_MEM=${GUEST_MEM:-2048} GUEST_TIMEOUT=${GUEST_TIMEOUT:-3600} "$HERE/guest-run.sh" "$HERE/guest-daemon-bench.sh" "$BIN" "$@" | tee "$LOG"
RC=${PIPESTATUS[0]}
echo "--- kube-ipvs daemon bench summary ---"
grep -a -E '^BENCH (ratio|endpoint change|daemon at rest|daemon memory)' "$LOG" | sed 's/^BENCH /  /'
if [ "$RC" = 0 ] && [ "$(grep -ac '^BENCH-DONE ok' "$LOG")" = 2 ] && ! grep -aq '^BENCH-FAIL' "$LOG"; then
  echo "kube-ipvs daemon bench: done (guest exit 0)"
  exit 0
fi
grep -a '^BENCH-FAIL' "$LOG"
echo "kube-ipvs daemon bench: FAIL (guest exit $RC, $(grep -ac '^BENCH-DONE ok' "$LOG") of 2 runs ok)"
exit 1
