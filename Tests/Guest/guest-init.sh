#!/bin/sh
# /init of the guest initramfs (static busybox). Stage 1 loads the virtio/9p modules, mounts the host root
# read-only (tag hostroot) and the writable output share (tag guestout), puts tmpfs on /run /tmp /var (the
# unshadowed host root stays at /run/guest/hostroot) and
# switch_roots into the host root, running this same file again as stage 2, which runs the job from
# $GUEST_OUT_DIR/.job, writes its exit code to .job/rc (and prints GUEST-EXIT-CODE=N) and powers off.
BB=/run/guest/busybox
fail() { echo "GUEST-INIT-ERROR: $*"; echo "GUEST-EXIT-CODE=125"; sync; poweroff -f; echo o > /proc/sysrq-trigger; }

if [ "$1" != stage2 ]; then
  export PATH=/bin
  /bin/busybox --install -s /bin
  mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
  while read -r ko; do insmod "/modules/$ko" || echo "guest: insmod $ko failed"; done < /modules/load.list
  opts=trans=virtio,version=9p2000.L,msize=262144
  for i in 1 2 3 4 5 6 7 8 9 10; do  # virtio devices can appear a moment after insmod
    mount -t 9p -o "ro,cache=loose,$opts" hostroot /newroot && break; sleep 0.2
  done
  grep -q " /newroot " /proc/mounts || fail "cannot mount the host root"
  R=/newroot
  mount -t tmpfs -o mode=755,nosuid,nodev tmpfs $R/run || fail "tmpfs /run"
  # The host root as it is, /tmp /var /run included (the job re-binds a checkout that lives there).
  mkdir -p $R/run/guest/hostroot && mount --bind $R $R/run/guest/hostroot || fail "bind the host root"
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs $R/tmp || fail "tmpfs /tmp"
  mount -t tmpfs -o mode=755 tmpfs $R/var || fail "tmpfs /var"
  mkdir -p $R/var/tmp $R/var/lib $R/var/log $R/run/lock $R/run/guest/out && chmod 1777 $R/var/tmp
  ln -s /run $R/var/run
  mount -t 9p -o "rw,$opts" guestout $R/run/guest/out || fail "cannot mount the output share"
  cp /bin/busybox $R/run/guest/busybox; cp /init $R/run/guest/init.sh
  mount --move /dev $R/dev; mount --move /proc $R/proc; mount --move /sys $R/sys
  exec switch_root $R $BB sh /run/guest/init.sh stage2
  fail "switch_root failed"
fi

# --- stage 2: PID 1 inside the host's (read-only) root ------------------------------------------------------
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TERM=dumb LANG=C.UTF-8
export GUEST_OUT_DIR=/run/guest/out
J=$GUEST_OUT_DIR/.job
$BB mkdir -p /dev/pts /dev/shm && $BB mount -t devpts devpts /dev/pts && $BB mount -t tmpfs tmpfs /dev/shm
$BB ln -sf /proc/self/fd /dev/fd
$BB hostname guest
# Safety: refuse to run if any network device exists besides virtual ones (qemu runs with -nic none).
for d in /sys/bus/pci/devices/*/class; do
  $BB grep -q '^0x02' "$d" 2>/dev/null && { echo "guest: PCI network device $d present, refusing to run"; echo 125 > $J/rc; $BB poweroff -f; }
done
$BB ip link set lo up
rc=125
if [ -r $J/job.sh ] && [ -r $J/script ]; then
  ( . $J/job.sh; exec $J/script "$@" ) </dev/null
  rc=$?
else echo "guest: no job in $J"; fi
echo "$rc" > $J/rc
$BB sync
echo "GUEST-EXIT-CODE=$rc uptime=$($BB cut -d' ' -f1 /proc/uptime)s"
$BB poweroff -f
