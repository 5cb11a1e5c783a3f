#!/bin/sh
# rootfs-hook.sh ROOT: mmdebstrap's extract hook (the only hook --variant=extract runs) for the kube-ipvs image (scripts/build-image.sh).
# The image is built with --variant=extract: packages are unpacked, never configured, and the image
# has no shell, so what their maintainer scripts would do is done here from the host, on ROOT:
#   - iptables/ip6tables(-save,-restore) point at the nft backend, Debian's default alternative;
#   - the dynamic linker's cache is built (ldconfig -r), so libnl/libipset resolve without a search;
#   - the directories the daemon and iptables use exist (/run, /run/kube-ipvs, /tmp, /var/run).
set -eu
root=$1
for family in iptables ip6tables; do
  for tool in "" -save -restore; do
    ln -sfn "xtables-nft-multi" "$root/usr/sbin/$family$tool"
  done
done
[ -f "$root/etc/ld.so.conf" ] || echo 'include /etc/ld.so.conf.d/*.conf' > "$root/etc/ld.so.conf"
ldconfig -r "$root"
mkdir -p "$root/run/kube-ipvs" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/var"
chmod 1777 "$root/tmp"
[ -e "$root/var/run" ] || ln -s ../run "$root/var/run"
