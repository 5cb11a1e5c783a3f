#!/usr/bin/env bash
# Builds the AddressSanitizer build shared by the fuzz targets and the ASan test tier (docs/fuzzing.md):
# one scratch path, .build-asan, every Swift module compiled with -sanitize=address plus libFuzzer's
# coverage instrumentation, the tests and the kube-ipvs-fuzz driver linked in the same build.
#   scripts/sanitizer-build.sh asan    # .build-asan: ASan + fuzzer coverage, tests and kube-ipvs-fuzz
#   scripts/sanitizer-build.sh tsan    # .build-tsan: ThreadSanitizer, tests (and the kube-ipvs executable they
#                                      # run); line tables only for debug info: a faster build, reports keep file:line
# Prints the wall time. Incremental: a second run only relinks what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: sanitizer-build.sh asan|tsan}
start=$(date +%s)
case "$kind" in
  asan)
    # libFuzzer comes from the toolchain's compiler-rt archive. Linked as a plain archive its main is not
    # pulled in (SwiftPM's executables and test runners define main), so one build serves tests and the
    # fuzz driver, which enters libFuzzer through LLVMFuzzerRunDriver. -sanitize=fuzzer would force
    # libFuzzer's main into every test binary.
    toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")
    libfuzzer=$(ls "$toolchain"/lib/clang/*/lib/linux/libclang_rt.fuzzer-"$(uname -m)".a | head -1)
    KUBE_IPVS_FUZZ=1 swift build --build-tests --scratch-path .build-asan \
      -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
      -Xlinker "$libfuzzer" -Xlinker -lstdc++ 2>&1 | { grep -vE '^\[[0-9]+/[0-9]+\]|Cannot export local symbol' || true; }
    ;;
  tsan)
    swift build --build-tests --scratch-path .build-tsan -Xswiftc -sanitize=thread -Xswiftc -gline-tables-only 2>&1 \
      | { grep -vE '^\[[0-9]+/[0-9]+\]' || true; }
    ;;
  *) echo "usage: sanitizer-build.sh asan|tsan" >&2; exit 2 ;;
esac
echo "== $kind build: $(( $(date +%s) - start ))s"
