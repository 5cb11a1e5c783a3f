#!/usr/bin/env bash
# The whole test suite, every tier (README's test command; .ci/run runs exactly this):
#   1. apt packages (scripts/install-deps.sh)
#   2. swift test: pure core, golden files, fakes + contract suites, and the real-kernel host tier
#      (ipset, iptables, addresses and real traffic inside network namespaces the tests create)
#   3. the real ip_vs tier inside a qemu guest booting Debian's kernel (Tests/Guest/run-guest-tests.sh)
# Every tier must run: KUBE_IPVS_REQUIRE_TIERS makes a tier that cannot run fail instead of skip.
# Tests run one at a time (--no-parallel): the real-traffic and watch-timing tests share 2 cores.
set -euo pipefail
. "$(dirname "$0")/lib/as-root.sh"; as_root "$@"
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
export KUBE_IPVS_REQUIRE_TIERS=1
start=$(date +%s)
echo "== tier 1+2: swift test (core, fakes, contract suites, host network namespaces)"
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]'
log=$(mktemp /tmp/kube-ipvs-swift-test.XXXXXX)
set +e
swift test --skip-build --no-parallel 2>&1 | tee "$log"
swift_rc=${PIPESTATUS[0]}
set -e
if [ "$swift_rc" != 0 ] || ! grep -qE 'Test run with [0-9]+ tests? .*passed' "$log"; then
  echo "== failures (repeated from above)"
  grep -aE '✘|↳|error:' "$log" | grep -avE 'Testing Library Version' | head -60
  echo "swift test FAILED (rc=$swift_rc)"; exit 1
fi
echo "== tier 3: real ip_vs kernel in a qemu guest"
Tests/Guest/run-guest-tests.sh
echo "== all tiers passed in $(( $(date +%s) - start ))s"
