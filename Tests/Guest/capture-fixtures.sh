#!/bin/bash
# capture-fixtures.sh -- runs IN THE GUEST (guest-run.sh Tests/Guest/capture-fixtures.sh).
# Captures ipvsadm's own generic netlink requests and the kernel's replies over an nlmon tap, one file per
# message type, into $GUEST_OUT_DIR/fixtures. Used once to make Tests/KubeIPVSNetlinkTests/Fixtures.
set -euo pipefail
HERE=$GUEST_SCRIPT_DIR
modprobe -a ip_vs ip_vs_rr ip_vs_wlc ip_vs_lc ip_vs_sh nlmon
ip link add nlmon0 type nlmon && ip link set nlmon0 up
ipvsadm -Ln >/dev/null   # ip_vs fully up before capturing
F=$GUEST_OUT_DIR/fixtures
mkdir -p "$F"
python3 "$HERE/nlcapture.py" "$F" \
  new-service-tcp4   'ipvsadm -A -t 10.96.0.1:443 -s rr' \
  new-service-udp4-persistent 'ipvsadm -A -u 10.96.0.10:53 -s sh -p 10800' \
  new-service-sctp6  'ipvsadm -A --sctp-service [fd00::1]:3868 -s wlc' \
  set-service-tcp4   'ipvsadm -E -t 10.96.0.1:443 -s lc' \
  new-dest-tcp4      'ipvsadm -a -t 10.96.0.1:443 -r 10.244.1.2:8443 -m -w 1' \
  new-dest-sctp6     'ipvsadm -a --sctp-service [fd00::1]:3868 -r [fd00:10:244::2]:3868 -m -w 5 -x 100 -y 10' \
  set-dest-tcp4      'ipvsadm -e -t 10.96.0.1:443 -r 10.244.1.2:8443 -m -w 0' \
  list               "ipvsadm -Ln | tee $F/list.ipvsadm-Ln.txt" \
  add-existing       'ipvsadm -A -u 10.96.0.10:53 -s sh -p 10800' \
  del-missing-dest   'ipvsadm -d -u 10.96.0.10:53 -r 10.244.9.9:53' \
  del-dest-tcp4      'ipvsadm -d -t 10.96.0.1:443 -r 10.244.1.2:8443' \
  del-service-tcp4   'ipvsadm -D -t 10.96.0.1:443' \
  get-config         'ipvsadm -L --timeout' \
  set-config         'ipvsadm --set 900 120 300' \
  flush              'ipvsadm -C'
ipvsadm -Ln
