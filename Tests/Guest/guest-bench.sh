#!/bin/bash
# guest-bench.sh CHECK_BINARY [bench options] -- runs IN THE GUEST (see run-guest-bench.sh).
set -uo pipefail
BIN=${1:?usage: guest-bench.sh CHECK_BINARY [options]}; shift
echo "GUEST-KERNEL $(uname -r) cpus $(nproc)"
modprobe -a ip_vs ip_vs_rr || exit 1
"$BIN" bench "$@"
