#!/usr/bin/env bash
# test-image.sh [ARCHIVE] [--remove PATH]: the image tested by running it (ARCHIVE: the OCI archive of
# scripts/build-image.sh, default out/kube-ipvs-image.tar).
# Unpacks the image with umoci and runs its entry point chrooted into the image's root file system, so
# the daemon, the tools it runs (iptables-save/-restore, ip6tables-*, conntrack) and every library come
# from the image alone, inside the demo's private network namespaces (scripts/lib/demo-net.sh):
#   - `kube-ipvs --version` names a commit;
#   - each tool the daemon runs works from the image in the node namespace;
#   - the daemon serves deploy/examples: ClusterIP 10.96.198.132:80 from the node and NodePort
#     10.0.0.10:30080 from the client each answer every request, only from demo/web-nodeport's pods
#     (IPVS mode on a kernel with ip_vs, else the iptables fallback, as the demo).
# --remove PATH deletes PATH from the unpacked root file system first (proof the test fails when the
# image lacks a file: e.g. --remove usr/lib/x86_64-linux-gnu/libipset.so.13).
set -euo pipefail
. "$(dirname "$0")/lib/as-root.sh"; as_root "$@"
cd "$(dirname "$0")/.."
ARCHIVE=out/kube-ipvs-image.tar REMOVE=
while [ $# -gt 0 ]; do
  case $1 in --remove) REMOVE=$2; shift 2 ;; *) ARCHIVE=$1; shift ;; esac
done
fail() { echo "test-image: FAIL: $*"; [ -f "${LOG:-}" ] && tail -20 "$LOG"; exit 1; }
[ -f "$ARCHIVE" ] || fail "no image at $ARCHIVE (scripts/build-image.sh builds it)"

P=kipvs-img
WORK=$(mktemp -d /tmp/kube-ipvs-image-test.XXXXXX)
LOG=$WORK/daemon.log
. scripts/lib/demo-net.sh
trap 'demo_net_down; rm -rf "$WORK"' EXIT
demo_net_down

skopeo copy --quiet "oci-archive:$ARCHIVE" "oci:$WORK/oci:test"
umoci unpack --image "$WORK/oci:test" "$WORK/bundle" >/dev/null
ROOTFS=$WORK/bundle/rootfs
ENTRY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["process"]["args"][0])' "$WORK/bundle/config.json")
[ -z "$REMOVE" ] || { rm -f "$ROOTFS/$REMOVE"; echo "test-image: removed /$REMOVE from the image"; }
mkdir -p "$ROOTFS/etc/kube-ipvs/manifests" && cp deploy/examples/*.yaml "$ROOTFS/etc/kube-ipvs/manifests/"

# in_image NS CMD...: CMD chrooted into the image, in network namespace NS, with the mounts a container
# runtime gives (proc, sys, dev, a fresh /run; their mount points made as a runtime makes them), in a
# private mount namespace.
in_image() {
  local ns=$1; shift
  ip netns exec "$ns" unshare -m --propagation private sh -c '
    r=$0; mkdir -p "$r/proc" "$r/sys" "$r/dev" "$r/run" && mount -t proc proc "$r/proc" && mount -t sysfs sysfs "$r/sys" && mount --rbind /dev "$r/dev" &&
    mount -t tmpfs tmpfs "$r/run" && mkdir -p "$r/run/kube-ipvs" && exec chroot "$r" "$@"' "$ROOTFS" "$@"
}

demo_net_up
version=$(in_image "$P-node" "$ENTRY" --version) ||
  fail "the image's $ENTRY --version does not run"
echo "test-image: $ENTRY --version: $version"
printf '%s' "$version" | grep -qE '\(commit [0-9a-f]{7,}' || fail "--version names no commit: $version"

for tool in "iptables-save -t nat" "ip6tables-save -t nat" "iptables-restore --version" \
            "ip6tables-restore --version" "conntrack -L"; do
  in_image "$P-node" $tool >/dev/null 2>&1 || fail "the image's '$tool' does not run in the node"
done
echo "test-image: the image's iptables-save/-restore, ip6tables-save/-restore and conntrack run"

in_image "$P-node" "$ENTRY" --manifests /etc/kube-ipvs/manifests --hostname-override node1 \
  --cluster-cidr 10.244.0.0/16 --ipvs-min-sync-period 0s --healthz-bind-address 127.0.0.1:10256 \
  >"$LOG" 2>&1 &
DAEMON_PID=$!
demo_wait_healthy || fail "the daemon from the image never became healthy"
mode=$(ip netns exec "$P-node" curl -fsS -m 2 http://127.0.0.1:10249/proxyMode) || fail "no /proxyMode"
echo "test-image: daemon from the image healthy, proxy mode $mode"

check() {  # check NS URL: 20 requests, every one answered by one of web-nodeport's pods, >= 2 of them
  local answers
  answers=$(demo_ask "$1" "$2" 20)
  echo "$answers" | sed "s|^|test-image:   $2 |"
  ! echo "$answers" | grep -vqE 'pod 10\.244\.(1\.11|1\.12|2\.13)$' || fail "$2: an answer not from web-nodeport's pods"
  [ "$(echo "$answers" | awk '{n += $1} END {print n}')" = 20 ] || fail "$2: not 20 answers"
  [ "$(echo "$answers" | wc -l)" -ge 2 ] || fail "$2: one pod answered everything"
}
check "$P-node" http://10.96.198.132/
check "$P-client" http://10.0.0.10:30080/
kill -0 "$DAEMON_PID" 2>/dev/null || fail "the daemon exited"
echo "test-image: ok: the image's own files served a ClusterIP and a NodePort ($mode mode)"
