#!/bin/bash
# run-guest-tests.sh -- the real-kernel IPVS tiers. Builds kube-ipvs-guest-check and kube-ipvs on the host,
# boots Debian's kernel under qemu twice (guest-run.sh: no network device, host root read-only):
#   1. guest-tests.sh: the IPVS contract suite, ipvsadm cross-checks, batching, raw traffic;
#   2. daemon-e2e.sh: the kube-ipvs daemon end to end in IPVS mode with real traffic (Tests/Guest/e2e/);
#   3. takeover-e2e.sh: in-place migration from kube-proxy's IPVS state and from iptables mode (Tests/Guest/takeover/).
# Fails unless every tier reported and nothing failed (a tier that did not run is a failure, not a skip).
# Prints one summary line at the end. GUEST_TIMEOUT / GUEST_E2E_TIMEOUT bound each boot (seconds).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" || exit 1
START=$(date +%s)
summary() { echo "kube-ipvs guest tests: $1 ($(( $(date +%s) - START ))s)"; }

for p in kube-ipvs-guest-check kube-ipvs kube-ipvs-test-apiserver; do
  swift build --product $p >&2 || { summary "FAIL: build of $p failed"; exit 1; }
done
BINDIR=$(swift build --show-bin-path)
LOG=$(mktemp); trap 'rm -f "$LOG"' EXIT
GUEST_TIMEOUT=${GUEST_TIMEOUT:-300} "$HERE/guest-run.sh" "$HERE/guest-tests.sh" "$BINDIR/kube-ipvs-guest-check" | tee "$LOG"
RC=${PIPESTATUS[0]}
GUEST_TIMEOUT=${GUEST_E2E_TIMEOUT:-900} "$HERE/guest-run.sh" "$HERE/daemon-e2e.sh" "$BINDIR/kube-ipvs" "$BINDIR/kube-ipvs-test-apiserver" | tee -a "$LOG"
E2E_RC=${PIPESTATUS[0]}
GUEST_TIMEOUT=${GUEST_TAKEOVER_TIMEOUT:-600} "$HERE/guest-run.sh" "$HERE/takeover-e2e.sh" "$BINDIR/kube-ipvs" | tee -a "$LOG"
TAKEOVER_RC=${PIPESTATUS[0]}

kernel=$(grep -ao 'GUEST-KERNEL [^ ]*' "$LOG" | head -1 | cut -d' ' -f2)
passed=$(grep -ac '^PASS ' "$LOG"); failed=$(grep -ac '^FAIL ' "$LOG")
tiers=$(grep -ao '^GUEST-CHECK [a-z0-9-]*' "$LOG" | cut -d' ' -f2 | sort | uniq -c | awk '{printf " %s x%s", $2, $1}')
missing=""
# kernel runs 3 times (full, small chunks, ACK each), traffic once, the daemon tier once: anything less
# means a tier did not run.
[ "$(grep -ac '^GUEST-CHECK kernel:' "$LOG")" = 3 ] || missing="$missing kernel"
[ "$(grep -ac '^GUEST-CHECK traffic:' "$LOG")" = 1 ] || missing="$missing traffic"
for t in links ipsets; do [ "$(grep -ac "^GUEST-CHECK $t:" "$LOG")" = 1 ] || missing="$missing $t"; done
grep -aq '^GUEST-TESTS-DONE' "$LOG" || missing="$missing guest-script"
[ "$(grep -ac '^GUEST-CHECK daemon-e2e:' "$LOG")" = 1 ] && grep -aq '^DAEMON-E2E-DONE' "$LOG" ||
  missing="$missing daemon-e2e"
[ "$(grep -ac '^GUEST-CHECK takeover:' "$LOG")" = 1 ] && grep -aq '^TAKEOVER-DONE' "$LOG" || missing="$missing takeover"
if [ "$RC" = 0 ] && [ "$E2E_RC" = 0 ] && [ "$TAKEOVER_RC" = 0 ] && [ "$failed" = 0 ] && [ -z "$missing" ] && [ "$passed" -gt 0 ]; then
  grep -a '^TAKEOVER-FIGURE' "$LOG"
  summary "PASS: $passed checks passed on real Linux $kernel (tiers:$tiers)"
  exit 0
fi
grep -a '^FAIL ' "$LOG"
summary "FAIL: guest exit $RC, daemon-e2e guest exit $E2E_RC, takeover guest exit $TAKEOVER_RC, $passed passed, $failed failed${missing:+, tiers that did not run:$missing}"
exit 1
