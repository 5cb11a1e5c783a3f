#!/usr/bin/env bash
# Runs a coverage-guided fuzz target for a bounded time (docs/fuzzing.md):
#   scripts/fuzz.sh TARGET SECONDS     # one target: manifest watch config duration flags netlink iptables-save
#   scripts/fuzz.sh all SECONDS        # every target, SECONDS each
#   FUZZ_SEED=1 scripts/fuzz.sh all SECONDS   # reproducible: fixed seed, a fixed number of inputs per target
#                                             # (SECONDS is then only a cap), fresh working corpus; what CI runs
# Builds .build-asan first if needed (scripts/sanitizer-build.sh asan; FUZZ_SKIP_BUILD=1 skips the check).
# Starts from the seed corpus Fuzz/Corpus/TARGET (read-only; new inputs go to .build-asan/fuzz-corpus/TARGET).
# A finding (crash, ASan report, timeout, out-of-memory) exits non-zero and keeps the input in
# Fuzz/Findings/TARGET/: minimise it, move it to Fuzz/Regressions/TARGET/ and fix the parser.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz.sh TARGET|all SECONDS}
seconds=${2:?usage: fuzz.sh TARGET|all SECONDS}
targets=(manifest watch config duration flags netlink iptables-save)
if [ "$target" = all ]; then selected=("${targets[@]}"); else selected=("$target"); fi

if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then ./scripts/sanitizer-build.sh asan; fi
driver=.build-asan/debug/kube-ipvs-fuzz
[ -x "$driver" ] || { echo "fuzz.sh: $driver missing (build failed?)" >&2; exit 1; }

# The Swift runtime's crash backtracer would wait up to 30 s per finding; libFuzzer reports the crash itself.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}

max_len() {
  case "$1" in
    manifest|watch|config|iptables-save) echo 16384 ;;
    netlink) echo 8192 ;;
    *) echo 256 ;;
  esac
}

# Inputs per target in a seeded run: about 8 s of the ASan build on one core of the CI machine.
runs() {
  case "$1" in
    manifest|watch) echo 6000 ;;
    config|flags|iptables-save) echo 10000 ;;
    netlink) echo 25000 ;;
    *) echo 40000 ;;
  esac
}

failed=()
for t in "${selected[@]}"; do
  [ -d "Fuzz/Corpus/$t" ] || { echo "fuzz.sh: unknown target $t (targets: ${targets[*]})" >&2; exit 2; }
  work=.build-asan/fuzz-corpus/$t
  seeded=()
  if [ -n "${FUZZ_SEED:-}" ]; then
    work=.build-asan/fuzz-seeded/$t
    rm -rf "$work"
    seeded=(-seed="$FUZZ_SEED" -runs="$(runs "$t")")
  fi
  findings=Fuzz/Findings/$t
  mkdir -p "$work" "$findings"
  start=$(date +%s)
  log=.build-asan/fuzz-$t.log
  set +e
  "$driver" "$t" "${seeded[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
    -print_final_stats=1 -artifact_prefix="$findings/" "$work" "Fuzz/Corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  stats=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  echo "== fuzz $t: ${seconds}s budget${FUZZ_SEED:+, seed $FUZZ_SEED}, $(( $(date +%s) - start ))s wall, ${stats:-?} inputs, rc=$rc"
  if [ "$rc" != 0 ]; then
    grep -aE 'ERROR|SUMMARY|Fatal error|deadly signal|Test unit written|Crash|panicked' "$log" | head -20 || true
    echo "   log: $log; kept input(s): $(ls "$findings" | tr '\n' ' ')"
    failed+=("$t")
  else
    rmdir "$findings" 2>/dev/null || true
  fi
done
rmdir Fuzz/Findings 2>/dev/null || true
if [ "${#failed[@]}" != 0 ]; then echo "fuzz: findings in ${failed[*]}"; exit 1; fi
echo "fuzz: no findings"
