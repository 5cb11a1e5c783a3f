#!/bin/bash
# Runs INSIDE the qemu guest (no network device), never on the host:
#   /work/shared/lab/kvm-rig/run-in-guest.sh scripts/guest-golden-check.sh \
#       "$PWD/Tests/KubeIPVSCoreTests/Golden" [GOLDEN-NAMES...]
# (the rig copies the script, so the Golden directory is passed as an absolute path).
# For each golden plan: load its IPVS table with `ipvsadm -R` and compare `ipvsadm -Ln` with the
# golden text byte for byte; load its ipsets (`ipset restore`) and companion rules
# (`iptables-restore --noflush`, `-m ipvs` included). It flushes iptables and ipsets: guest only.
set -uo pipefail
[ -n "${RIG_OUT:-}" ] && [ -d /run/rig ] || { echo "refusing to run outside the kvm-rig guest" >&2; exit 2; }
G=${1:?usage: guest-golden-check.sh GOLDEN-DIR [NAMES...]}; shift
[ -d "$G" ] || { echo "no such directory: $G" >&2; exit 2; }
modprobe -a ip_vs ip_vs_rr ip_vs_sh ip_vs_wlc xt_ipvs xt_set ip_set 2>&1 | tail -2
status=0
NAMES=${*:-demo-api dual-stack sctp session-affinity scheduler-sh ipv6 tcp-udp-same-port lb-source-ranges}
for name in $NAMES; do
  f=$G/$name.golden
  sed -n '/^# ipvsadm -Ln$/,/^# virtual servers$/p' $f | sed '1d;$d' > /tmp/want
  # golden table -> ipvsadm -R input
  awk 'NR<=3 {next}
       /^(TCP|UDP|SCTP)/ { p=($1=="TCP")?"-t":($1=="UDP")?"-u":"--sctp-service"; svc=p" "$2;
                            line="-A "svc" -s "$3; if ($4=="persistent") line=line" -p "$5; print line; next }
       /^  ->/ { print "-a "svc" -r "$2" -m -w "$4 }' /tmp/want > /tmp/rules
  ipvsadm -C
  ipvsadm -R < /tmp/rules || { echo "GOLDEN $name: ipvsadm -R failed"; status=1; continue; }
  ipvsadm -Ln > /tmp/got
  if cmp -s /tmp/want /tmp/got; then echo "GOLDEN $name: ipvsadm -Ln identical";
  else
    # same lines, other service order? (ipvsadm's int-subtraction compare misorders far-apart addresses)
    block() { awk '/^(TCP|UDP|SCTP)/{if(b)print b; b=$0; next} NR>3{b=b"|"$0} END{print b}' "$1" | sort; }
    if [ "$(head -3 /tmp/want)" = "$(head -3 /tmp/got)" ] && [ "$(block /tmp/want)" = "$(block /tmp/got)" ]; then
      echo "GOLDEN $name: ipvsadm -Ln identical lines, service order differs:"; diff /tmp/want /tmp/got | head -20
    else echo "GOLDEN $name: ipvsadm -Ln DIFFERS"; diff /tmp/want /tmp/got | cat -A | head -30; status=1; fi
  fi
  # ipsets + companion rules (all 34 sets exist, as the applier will create them)
  iptables -t nat -F; iptables -t filter -F; for t in nat filter; do iptables -t $t -X 2>/dev/null; ip6tables -t $t -F; ip6tables -t $t -X 2>/dev/null; done
  ipset destroy 2>/dev/null
  for fam in inet inet6; do p=KUBE-; [ $fam = inet6 ] && p=KUBE-6-
    for s in LOOP-BACK:hash:ip,port,ip LOAD-BALANCER-SOURCE-IP:hash:ip,port,ip LOAD-BALANCER-SOURCE-CIDR:hash:ip,port,net \
             CLUSTER-IP:hash:ip,port EXTERNAL-IP:hash:ip,port EXTERNAL-IP-LOCAL:hash:ip,port LOAD-BALANCER:hash:ip,port \
             LOAD-BALANCER-FW:hash:ip,port LOAD-BALANCER-LOCAL:hash:ip,port NODE-PORT-SCTP-HASH:hash:ip,port \
             NODE-PORT-LOCAL-SCTP-HASH:hash:ip,port IPVS-IPS:hash:ip; do
      n=${p}${s%%:*}; ipset create ${n:0:31} ${s#*:} family $fam; done
    for s in NODE-PORT-TCP NODE-PORT-LOCAL-TCP NODE-PORT-UDP NODE-PORT-LOCAL-UDP HEALTH-CHECK-NODE-PORT; do
      ipset create ${p}$s bitmap:port range 0-65535; done
  done
  sed -n '/^# ipset save/,/^# iptables-restore/p' $f | grep '^add ' | ipset restore || { echo "GOLDEN $name: ipset restore failed"; status=1; }
  sed -n '/^# iptables-restore/,/^# /p' $f | grep -v '^#' > /tmp/r4
  iptables-restore --noflush < /tmp/r4 && echo "GOLDEN $name: iptables-restore ok ($(grep -c -- '-m ipvs' /tmp/r4) -m ipvs rules)" || { echo "GOLDEN $name: iptables-restore FAILED"; status=1; }
  if grep -q '^# ip6tables-restore' $f; then
    sed -n '/^# ip6tables-restore/,/^# /p' $f | grep -v '^#' > /tmp/r6
    ip6tables-restore --noflush < /tmp/r6 && echo "GOLDEN $name: ip6tables-restore ok" || { echo "GOLDEN $name: ip6tables-restore FAILED"; status=1; }
  fi
done
exit $status
