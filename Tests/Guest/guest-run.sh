#!/bin/bash
# guest-run.sh SCRIPT [ARGS...]
# Boots Debian's kernel (/boot/vmlinuz-*, the one whose modules have ip_vs and 9p) under qemu with NO network
# device, shares the host root read-only over 9p and a writable output directory, runs SCRIPT as root inside
# (from the host's working directory; $GUEST_SCRIPT_DIR is SCRIPT's own directory) and exits with SCRIPT's exit code: 124 = timeout, 125 = the guest never reported an exit code.
# The guest console (SCRIPT's output) is streamed to stdout.
#
# Environment: GUEST_OUT (host dir, seen in the guest as $GUEST_OUT_DIR=/run/guest/out; default: temporary),
# GUEST_PASS_ENV (names of variables exported into the guest), GUEST_TIMEOUT (s, default 300), GUEST_MEM (MiB, 1024), GUEST_CPUS (2), GUEST_ACCEL (kvm|tcg, default kvm only
# when backed by kvm_intel/kvm_amd), GUEST_KVER, GUEST_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/kube-ipvs-guest).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SCRIPT=${1:?usage: guest-run.sh SCRIPT [ARGS...]}; shift
[ -f "$SCRIPT" ] || { echo "guest: no such script: $SCRIPT" >&2; exit 125; }
CACHE=${GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-ipvs-guest}
TIMEOUT=${GUEST_TIMEOUT:-300}
mkdir -p "$CACHE" || exit 125

KVER=${GUEST_KVER:-$(for k in $(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||'); do
  [ -e "/lib/modules/$k/kernel/net/netfilter/ipvs/ip_vs.ko" ] && [ -e "/lib/modules/$k/kernel/fs/9p/9p.ko" ] && echo "$k"
done | sort -V | tail -1)}
[ -n "$KVER" ] && [ -r "/boot/vmlinuz-$KVER" ] ||
  { echo "guest: no kernel with ip_vs and 9p in /boot (apt-get install linux-image-amd64)" >&2; exit 125; }
ACCEL=${GUEST_ACCEL:-}
if [ -z "$ACCEL" ]; then   # /dev/kvm from kvm_pvm (nested, software) cannot boot a stock kernel: use TCG there
  if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then ACCEL=kvm; else ACCEL=tcg; fi
fi
[ "$ACCEL" = kvm ] && CPU=host || CPU=max

# --- cached boot files: keyed by the kernel file and by this script + guest-init.sh ---------------------------
KSTAMP=$(stat -c %s-%Y "/boot/vmlinuz-$KVER")
KEY=$( (cat "$0" "$HERE/guest-init.sh"; echo "$KSTAMP") | md5sum | cut -c1-10)
INITRD=$CACHE/initramfs-$KVER-$KEY.cpio.gz
VMLINUX=$CACHE/vmlinux-$KVER-$KSTAMP

make_initramfs() {  # busybox-static + guest-init.sh + virtio/9p modules in load order
  local stage; stage=$(mktemp -d "$CACHE/stage.XXXXXX") || return 1
  mkdir -p "$stage"/{bin,dev,proc,sys,newroot,modules}
  cp /bin/busybox "$stage/bin/busybox" && ln -s busybox "$stage/bin/sh"
  cp "$HERE/guest-init.sh" "$stage/init" && chmod 755 "$stage/init"
  for m in virtio_pci 9p 9pnet_virtio; do modprobe -S "$KVER" --show-depends "$m"; done |
    awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
      cp "$ko" "$stage/modules/" && basename "$ko" >> "$stage/modules/load.list"; done
  (cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -6 > "$INITRD.$$"
  rm -rf "$stage"; mv "$INITRD.$$" "$INITRD"   # atomic: concurrent runs may build the same file
  find "$CACHE" -maxdepth 1 -name "initramfs-$KVER-*.cpio.gz" ! -name "$(basename "$INITRD")" -mmin +10 -delete
}

extract_vmlinux() {  # the ELF inside the bzImage, booted via PVH: skips in-guest decompression (~4 s under TCG)
  local in=/boot/vmlinuz-$KVER sects start len dec
  sects=$(od -An -tu1 -j 0x1f1 -N1 "$in" | tr -d ' '); [ "$sects" = 0 ] && sects=4
  start=$(( (sects + 1) * 512 + $(od -An -tu4 -j 0x248 -N4 "$in" | tr -d ' ') ))
  len=$(od -An -tu4 -j 0x24c -N4 "$in" | tr -d ' ')
  case $(od -An -tx1 -j $start -N4 "$in" | tr -d ' ') in
    fd377a58) dec="xz -dc" ;; 02214c18) dec="lz4 -dc" ;; 28b52ffd) dec="zstd -dc" ;; 1f8b*) dec="gzip -dc" ;;
    *) return 1 ;;
  esac
  tail -c +$((start + 1)) "$in" | head -c "$len" | $dec > "$VMLINUX.$$" 2>/dev/null
  [ "$(head -c4 "$VMLINUX.$$" | od -An -c | tr -d ' ')" = 177ELF ] && mv "$VMLINUX.$$" "$VMLINUX" ||
    { rm -f "$VMLINUX.$$"; return 1; }
}

[ -s "$INITRD" ] || make_initramfs || { echo "guest: initramfs build failed" >&2; exit 125; }
KIMG=/boot/vmlinuz-$KVER
{ [ -s "$VMLINUX" ] || extract_vmlinux; } && KIMG=$VMLINUX

# --- run directory, job, cleanup (only what we started, by PID) -------------------------------------------
RUN=$(mktemp -d "$CACHE/run.XXXXXX") || exit 125
if [ -n "${GUEST_OUT:-}" ]; then mkdir -p "$GUEST_OUT" && OUT=$(cd "$GUEST_OUT" && pwd); else OUT=$RUN/out; fi
mkdir -p "$OUT/.job" && rm -f "$OUT/.job/rc"
case "$OUT" in *,*) echo "guest: output path must not contain ','" >&2; exit 125 ;; esac
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$OUT/.job" "$RUN"
}
trap cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
cp "$SCRIPT" "$OUT/.job/script" && chmod 755 "$OUT/.job/script"
q() { printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")"; }
# The guest has fresh tmpfs on /tmp, /var and /run: a checkout or binary there (a CI clone in /tmp) is bound
# back from the host root, read-only, at the same path.
shadowed() {
  local p; for p in "$PWD" "$SCRIPT" "$@"; do
    case $p in /tmp/?*|/var/?*|/run/?*) echo "$p" | cut -d/ -f1-3 ;; esac
  done | sort -u
}
{ for d in $(shadowed "$@"); do
    printf 'mkdir -p %s && mount --bind -o ro %s %s\n' "$(q "$d")" "$(q "/run/guest/hostroot$d")" "$(q "$d")"
  done
  printf 'cd %s 2>/dev/null || cd /tmp\nexport GUEST_SCRIPT_DIR=%s\nset --' "$(q "$PWD")" \
    "$(q "$(cd "$(dirname "$SCRIPT")" && pwd)")"; for a in "$@"; do printf ' %s' "$(q "$a")"; done; echo
  for v in ${GUEST_PASS_ENV:-}; do printf 'export %s=%s\n' "$v" "$(q "${!v:-}")"; done
} > "$OUT/.job/job.sh"

echo "guest: kernel $KVER accel=$ACCEL mem=${GUEST_MEM:-1024}M cpus=${GUEST_CPUS:-2} timeout=${TIMEOUT}s" >&2
START=$(date +%s)
: > "$RUN/console.log"
# -nodefaults -nic none: the guest has no network device at all (guest-init.sh refuses to run if it sees one).
qemu-system-x86_64 -name kube-ipvs-guest -machine q35 -accel "$ACCEL" -cpu "$CPU" \
  -smp "${GUEST_CPUS:-2}" -m "${GUEST_MEM:-1024}" \
  -nodefaults -no-user-config -nic none -display none -vga none -monitor none -no-reboot \
  -serial "file:$RUN/console.log" -kernel "$KIMG" -initrd "$INITRD" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 no_timer_check" \
  -fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap" \
  -device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
  -fsdev "local,id=out,path=$OUT,security_model=none" -device virtio-9p-pci,fsdev=out,mount_tag=guestout \
  </dev/null 2>"$RUN/qemu.err" &
QPID=$!; PIDS+=("$QPID")
tail -n +1 -s 0.2 -f --pid=$QPID "$RUN/console.log" & TPID=$!; PIDS+=("$TPID")
TIMED_OUT=0
while kill -0 $QPID 2>/dev/null; do
  if (( $(date +%s) - START >= TIMEOUT )); then
    echo "guest: TIMEOUT after ${TIMEOUT}s, killing qemu (pid $QPID)" >&2; TIMED_OUT=1
    kill $QPID; sleep 1; kill -9 $QPID 2>/dev/null; break
  fi
  sleep 0.2
done
wait $QPID 2>/dev/null; wait $TPID 2>/dev/null
[ -s "$RUN/qemu.err" ] && head -c 2000 "$RUN/qemu.err" >&2
if [ $TIMED_OUT = 1 ]; then RC=124
elif [ -s "$OUT/.job/rc" ]; then RC=$(cat "$OUT/.job/rc")
else RC=125; echo "guest: no exit code came back" >&2; fi
echo "guest: exit code $RC after $(( $(date +%s) - START ))s" >&2
exit "$RC"
