#!/bin/bash
# guest-daemon-bench.sh BENCH_BINARY [options] -- runs IN THE GUEST (see run-guest-daemon-bench.sh).
# The daemon benchmark on the guest's kernel (no network device; everything it creates stays in here):
# `kube-ipvs-bench daemon` (full sync vs ipvsadm -R, endpoint-change latency), then `daemon-rest`
# (a ProxyDaemon at rest over the state the first run left: CPU and peak RSS) as a separate process.
set -uo pipefail
BIN=${1:?usage: guest-daemon-bench.sh BENCH_BINARY [options]}; shift
echo "GUEST-KERNEL $(uname -r) cpus $(nproc) mem $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) MB"
modprobe -a ip_vs ip_vs_rr nf_conntrack ip_set ip_set_hash_ip ip_set_hash_ipport ip_set_hash_ipportip \
  ip_set_hash_ipportnet ip_set_hash_net ip_set_bitmap_port xt_set || exit 1
modprobe dummy numdummies=0 || exit 1
rc=0
"$BIN" daemon "$@" || rc=1
"$BIN" daemon-rest "$@" || rc=1
exit $rc
