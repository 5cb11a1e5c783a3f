#!/bin/bash
# guest-daemon-bench.sh BENCH_BINARY [options] -- runs IN THE GUEST (see run-guest-bench.sh daemon).
# The daemon benchmark on the guest's kernel (no network device; everything it creates stays in here):
# `kube-ipvs-bench daemon` (full sync vs ipvsadm -R, endpoint-change latency), then `daemon-rest`
# (a ProxyDaemon at rest, a fresh process on a flushed kernel: CPU and peak RSS).
set -uo pipefail
BIN=${1:?usage: guest-daemon-bench.sh BENCH_BINARY [options]}; shift
echo "GUEST-KERNEL $(uname -r) cpus $(nproc) mem $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) MB"
modprobe -a ip_vs ip_vs_rr nf_conntrack ip_set ip_set_hash_ip ip_set_hash_ipport ip_set_hash_ipportip \
  ip_set_hash_ipportnet ip_set_hash_net ip_set_bitmap_port xt_set || exit 1
modprobe dummy numdummies=0 || exit 1
REST=(); DAEMON=()
while [ $# -gt 0 ]; do
  case "$1" in
    --changes) DAEMON+=("$1" "$2"); shift 2 ;;
    --seconds) REST+=("$1" "$2"); shift 2 ;;
    *) DAEMON+=("$1"); REST+=("$1"); shift ;;
  esac
done
rc=0
"$BIN" daemon "${DAEMON[@]}" || rc=1
# From empty again: the rest run's first sync is the daemon's own, not an adoption of the first run's state.
# ip_vs is reloaded: flushed real servers wait in the kernel's dest trash for minutes and every add scans it
# (a first sync after a flush of 100,000 took 10x as long).
ipvsadm -C; modprobe -r ip_vs_rr ip_vs && modprobe -a ip_vs ip_vs_rr || exit 1
ip link del kube-ipvs0 2>/dev/null
iptables-save | grep -q KUBE && { iptables -t nat -F; iptables -t nat -X; iptables -t filter -F; iptables -t filter -X; }
ipset flush; ipset destroy
"$BIN" daemon-rest "${REST[@]}" || rc=1
exit $rc
