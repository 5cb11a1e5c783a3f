#!/usr/bin/env bash
# build-release.sh [PRODUCT...]: the one release build, shared by the image (scripts/build-image.sh)
# and the benchmarks (Tests/Guest/run-guest-bench.sh). Builds each PRODUCT in .build-release with the
# Swift runtime linked statically (the image carries no toolchain) and the git commit stamped in
# (`kube-ipvs --version`), then prints the bin directory as its only stdout line (build output goes
# to stderr). KUBE_IPVS_COMMIT overrides the commit (for a tree git cannot read).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${KUBE_IPVS_RELEASE_SCRATCH:-.build-release}
commit=${KUBE_IPVS_COMMIT:-}
if [ -z "$commit" ]; then
  commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
  [ "$commit" = unknown ] || git diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
fi
commit=$(printf '%s' "$commit" | tr -cd 'A-Za-z0-9.+-' | cut -c1-64)
# The stamp is its own object named after the commit: a new commit changes the link command line (so
# SwiftPM relinks) without recompiling anything.
stamp_dir="$PWD/$SCRATCH/commit-stamp"
stamp="$stamp_dir/commit-$commit.o"
mkdir -p "$stamp_dir"
if [ ! -f "$stamp" ]; then
  printf 'const char kipvs_build_commit_stamp[] = "%s";\n' "$commit" > "$stamp_dir/commit-$commit.c"
  cc -c -O2 -fPIC -o "$stamp" "$stamp_dir/commit-$commit.c"
fi
FLAGS=(-c release --scratch-path "$SCRATCH" --static-swift-stdlib -Xlinker "$stamp")
for product in "$@"; do
  swift build "${FLAGS[@]}" --product "$product" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "build-release: building $product failed" >&2; exit 1; }
done
swift build "${FLAGS[@]}" --show-bin-path
