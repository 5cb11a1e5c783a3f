#!/usr/bin/env bash
# build-image.sh [OUT]: the kube-ipvs OCI image, built offline from this repository (default OUT:
# out/kube-ipvs-image.tar, an OCI archive: `skopeo copy oci-archive:OUT docker://REGISTRY/kube-ipvs:TAG`).
#   1. the release binary, Swift runtime linked statically (scripts/build-release.sh, .build-release);
#   2. a Debian root file system of the build machine's release (the binary links against its libnl and
#      libipset) holding only what the daemon loads or runs: libnl-3-200, libnl-genl-3-200, libipset13
#      (in-process netlink and ipset), libstdc++6 and zlib1g (the static Swift runtime's own links),
#      iptables (iptables/ip6tables-save/-restore) and conntrack (stale UDP entries), with their
#      dependencies — mmdebstrap --variant=extract: no shell, no apt, no dpkg, no kmod (the daemon
#      loads no module itself: the kernel loads ip_vs on the first IPVS netlink request);
#   3. an OCI image of two layers (Debian, then /usr/local/bin/kube-ipvs) assembled with umoci, entry
#      point kube-ipvs, copied into an OCI archive with skopeo.
# Prints the build times and the compressed size (the registry's transfer size: the layers' gzip).
# The image's runtime test is scripts/test-image.sh. Users with their own engine: ./Containerfile.
set -euo pipefail
. "$(dirname "$0")/lib/as-root.sh"; as_root "$@"
cd "$(dirname "$0")/.."
OUT=${1:-out/kube-ipvs-image.tar}
PACKAGES=libnl-3-200,libnl-genl-3-200,libipset13,libstdc++6,zlib1g,iptables,conntrack
SUITE=$(. /etc/os-release && echo "$VERSION_CODENAME")
MIRROR=${KUBE_IPVS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
./scripts/install-deps.sh >&2

t0=$(date +%s)
BIN=$(scripts/build-release.sh kube-ipvs)/kube-ipvs
t1=$(date +%s)
VERSION=$("$BIN" --version)              # "0.1.0-dev (commit 1f0911b…)"
TAG=$(printf '%s' "${VERSION%% *}" | tr -c 'A-Za-z0-9_.\n-' '_')
COMMIT=$(printf '%s' "$VERSION" | sed -n 's/.*(commit \(.*\))$/\1/p')

WORK=$(mktemp -d /tmp/kube-ipvs-image.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# A fixed timestamp (the commit's) makes the Debian layer reproducible for the same package versions.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
mmdebstrap --quiet --variant=extract --include="$PACKAGES" --skip=output/dev,output/mknod \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/gconv/*' \
  --extract-hook="$PWD/image/rootfs-hook.sh \"\$1\"" \
  "$SUITE" "$WORK/debian.tar" "$MIRROR" >&2

created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
IMG="$WORK/oci:$TAG"
umoci init --layout "$WORK/oci"
umoci new --image "$IMG"
umoci raw add-layer --image "$IMG" --history.created "$created" \
  --history.created_by "mmdebstrap --variant=extract $SUITE $PACKAGES" "$WORK/debian.tar"
# Without symbols and debug info (a release build keeps -g): 175 MB -> 86 MB.
mkdir -p "$WORK/bin" && strip -o "$WORK/bin/kube-ipvs" "$BIN" && chmod 0755 "$WORK/bin/kube-ipvs"
umoci insert --image "$IMG" --history.created "$created" --history.created_by "kube-ipvs $VERSION" \
  "$WORK/bin/kube-ipvs" /usr/local/bin/kube-ipvs
umoci config --image "$IMG" --created "$created" --os linux --architecture amd64 \
  --config.entrypoint /usr/local/bin/kube-ipvs \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --config.label org.opencontainers.image.title=kube-ipvs \
  --config.label "org.opencontainers.image.version=${VERSION%% *}" \
  --config.label "org.opencontainers.image.revision=$COMMIT" \
  --history.created "$created" --history.created_by "umoci config (entrypoint kube-ipvs)"
umoci gc --layout "$WORK/oci"
mkdir -p "$(dirname "$OUT")" && rm -f "$OUT"
skopeo copy --quiet "oci:$IMG" "oci-archive:$OUT:$TAG"
t2=$(date +%s)

manifest=$(skopeo inspect --raw "oci-archive:$OUT:$TAG")
compressed=$(printf '%s' "$manifest" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(sum(l["size"] for l in m["layers"]))')
echo "build-image: $OUT ($TAG, $VERSION)"
echo "build-image: compressed size $(awk -v b="$compressed" 'BEGIN{printf "%.1f MB", b/1e6}') ($compressed bytes of layers; kube-proxy v1.28's image: ~30 MB), archive $(du -h "$OUT" | cut -f1)"
echo "build-image: release build $((t1 - t0))s, image assembly $((t2 - t1))s"
