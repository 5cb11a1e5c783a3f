#!/bin/bash
# run-guest-bench.sh [--services N] [--reals M] [--chunk K] [--ack-each]
# run-guest-bench.sh daemon [--services N] [--endpoints M] [--changes K] [--seconds S] [--strict]
# Benchmarks on a real kernel (the qemu guest of guest-run.sh: no network device), from the release build in
# .build-release (scripts/build-release.sh, shared with the image). Programs that print figures, not tests.
#
# Default (IPVS layer): builds kube-ipvs-guest-check, applies N virtual servers x M real servers (default
# 10,000 x 10) from empty through the batch API, dumps them all, then times `ipvsadm -R` restoring the
# identical table and `ipvsadm -Ln` listing it, in the same guest run (targets: both ratios <= 1.0).
#
# daemon (issue 4 item 11): builds kube-ipvs-bench; at N ClusterIP services x M endpoints (default 10,000 x 10),
# in one guest run:
#   kube-ipvs-bench daemon       IPVSProxier (real netlink/libipset/rtnetlink/iptables-restore backends) full
#                                sync from an empty kernel vs `ipvsadm -R` of the same table  (target ratio <= 1.2)
#                                K EndpointSlice changes -> kernel, daemon time p50/p99     (target p99 <= 5 ms)
#                                (ip_vs is reloaded before ipvsadm -R: a flush leaves the dest trash every add scans)
#   kube-ipvs-bench daemon-rest  a ProxyDaemon (fresh process) after its first sync: CPU over S seconds between
#                                syncs (target < 0.5 % of a core), CPU over a sync period with its periodic
#                                reconcile (printed), and peak RSS                           (target <= 150 MB)
# Prints the guest's BENCH lines, then a summary with met/MISSED per target.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.." || exit 1
MODE=ipvs
if [ "${1:-}" = daemon ]; then MODE=daemon; shift; fi
[ "$MODE" = daemon ] && PRODUCT=kube-ipvs-bench || PRODUCT=kube-ipvs-guest-check
# The one release build the image shares (static Swift runtime, commit stamped).
BIN=$(scripts/build-release.sh "$PRODUCT") || { echo "kube-ipvs bench: FAIL: build failed"; exit 1; }
BIN=$BIN/$PRODUCT
LOG=$(mktemp); trap 'rm -f "$LOG"' EXIT

if [ "$MODE" = ipvs ]; then
  GUEST_MEM=${GUEST_MEM:-2048} GUEST_TIMEOUT=${GUEST_TIMEOUT:-1800} "$HERE/guest-run.sh" "$HERE/guest-bench.sh" "$BIN" "$@" | tee "$LOG"
  RC=${PIPESTATUS[0]}
  grep -aq '^BENCH ratio' "$LOG" || { echo "kube-ipvs bench: FAIL: no figures came back (guest exit $RC)"; exit 1; }
  echo "kube-ipvs bench: $(grep -a '^BENCH ratio' "$LOG" | sed 's/^BENCH //') (guest exit $RC)"
  exit "$RC"
fi

# The serial console ends lines with CR: dropped from the log so the summary's patterns match.
GUEST_MEM=${GUEST_MEM:-2048} GUEST_TIMEOUT=${GUEST_TIMEOUT:-3600} "$HERE/guest-run.sh" "$HERE/guest-daemon-bench.sh" "$BIN" "$@" |
  tee /dev/stderr | tr -d '\r' > "$LOG"
RC=${PIPESTATUS[0]}
echo "--- kube-ipvs daemon bench summary ---"
grep -a -E '^BENCH (full sync from empty|ipvsadm -R|ratio|endpoint change|daemon at rest|daemon over|daemon memory|periodic reconcile)' "$LOG" | sed 's/^BENCH /  /'
grep -a '^BENCH-FAIL' "$LOG"
if [ "$(grep -ac '^BENCH-DONE ok' "$LOG")" != 2 ]; then
  echo "kube-ipvs daemon bench: FAIL: $(grep -ac '^BENCH-DONE ok' "$LOG") of 2 runs completed (guest exit $RC)"
  exit 1
fi
echo "kube-ipvs daemon bench: $(grep -a -E '^BENCH .*: (met|MISSED)$' "$LOG" | grep -ac 'MISSED$') target(s) missed (guest exit $RC)"
exit "$RC"
