#!/usr/bin/env bash
# The whole test suite, every tier (README's test command; .ci/run runs exactly this):
#   1. apt packages (scripts/install-deps.sh)
#   2. swift test: pure core, golden files, fakes + contract suites, and the real-kernel host tier
#      (ipset, iptables, addresses and real traffic inside network namespaces the tests create)
#   3. the real ip_vs tier inside a qemu guest booting Debian's kernel (Tests/Guest/run-guest-tests.sh)
#   4. the OCI image: the one release build (static Swift runtime), the image assembled from it, and
#      the image's own kube-ipvs serving traffic in namespaces (scripts/build-image.sh, test-image.sh)
#   5. sanitizers and fuzzing: unit and fake-kernel tests under ASan and TSan, then every fuzz target for a
#      fixed input count on the same ASan build (scripts/test-sanitizers.sh, scripts/fuzz.sh)
# Every tier must run: KUBE_IPVS_REQUIRE_TIERS makes a tier that cannot run fail instead of skip.
# Tests run one at a time (--no-parallel): the real-traffic and watch-timing tests share 2 cores.
# Each tier prints its wall time, and the last line lists them all.
set -euo pipefail
. "$(dirname "$0")/lib/as-root.sh"; as_root "$@"
cd "$(dirname "$0")/.."
t=$(date +%s)
./scripts/install-deps.sh
export KUBE_IPVS_REQUIRE_TIERS=1
start=$(date +%s)
times=("install-deps $(( start - t ))s")
tier_done() {
  times+=("$1 $(( $(date +%s) - $2 ))s")
  echo "== tier $1 passed in $(( $(date +%s) - $2 ))s"
}

t=$(date +%s)
echo "== tier swift-test: core, fakes, contract suites, host network namespaces"
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
tier_done swift-test "$t"

t=$(date +%s)
echo "== tier guest: real ip_vs kernel in a qemu guest"
Tests/Guest/run-guest-tests.sh
tier_done guest "$t"

t=$(date +%s)
echo "== tier image: release build, OCI image, the image serving traffic"
./scripts/build-image.sh
./scripts/test-image.sh
tier_done image "$t"

t=$(date +%s)
echo "== tier sanitizers: unit and fake-kernel tests under ASan and TSan"
./scripts/test-sanitizers.sh
tier_done sanitizers "$t"

t=$(date +%s)
echo "== tier fuzz: every fuzz target, a fixed seed and input count (at most 20 s each; reuses .build-asan)"
FUZZ_SEED=1 FUZZ_SKIP_BUILD=1 ./scripts/fuzz.sh all 20
tier_done fuzz "$t"

echo "== all tiers passed in $(( $(date +%s) - start ))s: ${times[*]}"
