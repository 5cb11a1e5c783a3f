#!/bin/bash
# run-guest-bench.sh [--services N] [--reals M] [--chunk K] [--ack-each]
# The IPVS benchmark on a real kernel: builds kube-ipvs-guest-check in release mode, boots the guest and
# applies N virtual servers x M real servers (default 10,000 x 10) from empty through the batch API, dumps
# them all, then times `ipvsadm -R` restoring the identical table and `ipvsadm -Ln` listing it, in the
# same guest run. Prints the figures and the ratios ours / ipvsadm (targets: both <= 1.0).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.." || exit 1
swift build -c release --product kube-ipvs-guest-check >&2 || { echo "kube-ipvs bench: FAIL: build failed"; exit 1; }
BIN=$(swift build -c release --product kube-ipvs-guest-check --show-bin-path)/kube-ipvs-guest-check
LOG=$(mktemp); trap 'rm -f "$LOG"' EXIT
GUEST_MEM=${GUEST_MEM:-2048} GUEST_TIMEOUT=${GUEST_TIMEOUT:-1800} "$HERE/guest-run.sh" "$HERE/guest-bench.sh" "$BIN" "$@" | tee "$LOG"
RC=${PIPESTATUS[0]}
grep -aq '^BENCH ratio' "$LOG" || { echo "kube-ipvs bench: FAIL: no figures came back (guest exit $RC)"; exit 1; }
echo "kube-ipvs bench: $(grep -a '^BENCH ratio' "$LOG" | sed 's/^BENCH //') (guest exit $RC)"
exit "$RC"
