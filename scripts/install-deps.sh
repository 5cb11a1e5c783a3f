#!/usr/bin/env bash
# Installs the Debian packages kube-ipvs builds, runs and tests with (idempotent; needs root).
#   build:  libnl-3-dev libnl-genl-3-dev libipset-dev pkg-config
#   run:    ipset iptables conntrack iproute2 kmod
#   tests:  ipvsadm (guest cross-checks only), python3/curl (test servers and clients), openssl (client
#           certificates the rotation tests generate),
#           linux-image-amd64 qemu-system-x86 busybox-static cpio xz-utils lz4 file (the qemu guest
#           that boots a kernel with ip_vs, which this host kernel lacks)
#   image:  mmdebstrap (the Debian root file system), umoci (the OCI image), skopeo (the OCI archive)
set -euo pipefail
. "$(dirname "$0")/lib/as-root.sh"
packages=(libnl-3-dev libnl-genl-3-dev libipset-dev pkg-config
          ipset iptables conntrack iproute2 kmod
          ipvsadm python3 curl openssl
          linux-image-amd64 qemu-system-x86 busybox-static cpio gzip xz-utils lz4 file
          mmdebstrap umoci skopeo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
as_root "$@"   # only now: a machine with everything installed needs no root here
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
