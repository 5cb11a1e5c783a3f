#!/usr/bin/env bash
# The sanitizer tier (docs/fuzzing.md): the unit and fake-kernel tests (pure core, sources, fakes and
# contract suites, daemon with fakes; not the network-namespace or guest tiers) under AddressSanitizer and
# under ThreadSanitizer. Any sanitizer report fails the tier.
#   scripts/test-sanitizers.sh            # asan then tsan
#   scripts/test-sanitizers.sh asan|tsan  # one of them
# The ASan build is .build-asan, shared with the fuzz targets (scripts/fuzz.sh), so run this first and
# `FUZZ_SKIP_BUILD=1 scripts/fuzz.sh all N` after it. Prints each build's and each run's wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then set -- asan tsan; fi
kinds=("$@")

# Suites that run without network namespaces or a real kernel: whole modules, and in the netlink and
# iptables modules the fake, contract-on-fake, golden-bytes and parsing suites.
filter='^(KubeIPVSCoreTests|KubeIPVSSourcesTests|KubeIPVSDaemonTests)\.'
filter+='|^KubeIPVSNetlinkTests\.(FakeIPVSContractTests|FakeExtrasTests|GoldenBytesTests|RTNetlinkGoldenTests|ReplyParsingTests|IPSetSaveFormatTests|FakeIPSetContractTests/|FakeLinkAddressContractTests/)'
filter+='|^KubeIPVSIptablesTests\.IptablesToolingTests'
# Nested suites of the contract tests that run the contract against the real kernel; the deploy test
# that runs the built daemon in network namespaces (a host-tier test inside the daemon module); and the
# 1 GiB list test, whose peak-RSS bound ASan's quarantine and shadow memory would distort.
skip='\.(FakeIPSetContractTests|FakeLinkAddressContractTests)\.[A-Za-z]*Kernel|DeployPodRunTests|oneGigabyteListBodyIsRefused'

export SWIFT_BACKTRACE=enable=no
status=0
for kind in "${kinds[@]}"; do
  ./scripts/sanitizer-build.sh "$kind"
  log=$(mktemp "/tmp/kube-ipvs-$kind.XXXXXX")
  start=$(date +%s)
  set +e
  case "$kind" in
    asan)
      # Leaks are checked too, with the few outside the project's code suppressed (scripts/lsan-suppressions.txt).
      KUBE_IPVS_FUZZ=1 ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 LSAN_OPTIONS=suppressions="$PWD/scripts/lsan-suppressions.txt" \
        swift test --skip-build --scratch-path .build-asan --no-parallel --filter "$filter" --skip "$skip" >"$log" 2>&1 ;;
    tsan)
      TSAN_OPTIONS=halt_on_error=0:exitcode=66 \
        swift test --skip-build --scratch-path .build-tsan --no-parallel --filter "$filter" --skip "$skip" >"$log" 2>&1 ;;
  esac
  rc=$?
  set -e
  reports=$(grep -acE '^(==[0-9]+==ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer)' "$log" || true)
  summary=$(grep -aE 'Test run with [0-9]+ tests?' "$log" | tail -1)
  echo "== $kind tests: $(( $(date +%s) - start ))s, rc=$rc, sanitizer reports: $reports; ${summary:-no summary}"
  if [ "$rc" != 0 ] || [ "$reports" != 0 ] || [ -z "$summary" ]; then
    grep -aE -A30 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer' "$log" | head -80 || true
    grep -aE '✘|error:' "$log" | head -30 || true
    echo "$kind tier FAILED (log: $log)"; status=1
  fi
done
exit "$status"
