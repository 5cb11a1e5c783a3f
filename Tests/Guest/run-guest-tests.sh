#!/bin/bash
# run-guest-tests.sh -- the real-kernel IPVS tier. Builds kube-ipvs-guest-check on the host, boots Debian's
# kernel under qemu (guest-run.sh: no network device, host root read-only), runs guest-tests.sh inside, and
# fails unless every tier reported and nothing failed. Prints one summary line at the end.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" || exit 1
START=$(date +%s)
summary() { echo "kube-ipvs guest tests: $1 ($(( $(date +%s) - START ))s)"; }

swift build --product kube-ipvs-guest-check >&2 || { summary "FAIL: build failed"; exit 1; }
BIN=$(swift build --product kube-ipvs-guest-check --show-bin-path)/kube-ipvs-guest-check
LOG=$(mktemp); trap 'rm -f "$LOG"' EXIT
GUEST_TIMEOUT=${GUEST_TIMEOUT:-300} "$HERE/guest-run.sh" "$HERE/guest-tests.sh" "$BIN" | tee "$LOG"
RC=${PIPESTATUS[0]}

kernel=$(grep -ao 'GUEST-KERNEL [^ ]*' "$LOG" | head -1 | cut -d' ' -f2)
passed=$(grep -ac '^PASS ' "$LOG"); failed=$(grep -ac '^FAIL ' "$LOG")
tiers=$(grep -ao '^GUEST-CHECK [a-z]*' "$LOG" | cut -d' ' -f2 | sort | uniq -c | awk '{printf " %s x%s", $2, $1}')
missing=""
# kernel runs 3 times (full, small chunks, ACK each), traffic once: anything less means a tier did not run.
[ "$(grep -ac '^GUEST-CHECK kernel:' "$LOG")" = 3 ] || missing="$missing kernel"
[ "$(grep -ac '^GUEST-CHECK traffic:' "$LOG")" = 1 ] || missing="$missing traffic"
for t in links ipsets; do [ "$(grep -ac "^GUEST-CHECK $t:" "$LOG")" = 1 ] || missing="$missing $t"; done
grep -aq '^GUEST-TESTS-DONE' "$LOG" || missing="$missing guest-script"
if [ "$RC" = 0 ] && [ "$failed" = 0 ] && [ -z "$missing" ] && [ "$passed" -gt 0 ]; then
  summary "PASS: $passed checks passed on real Linux $kernel (tiers:$tiers)"
  exit 0
fi
grep -a '^FAIL ' "$LOG"
summary "FAIL: guest exit $RC, $passed passed, $failed failed${missing:+, tiers that did not run:$missing}"
exit 1
