# checks-change.sh -- checks 6, 7, 9 of the daemon end-to-end tier: changes under a running daemon
# (sourced by daemon-e2e.sh, in the guest).

rs_set() { rs "$1" "$2" | awk '{ print $1 "/" $2 }' | tr '\n' ' '; }   # "ADDR:PORT/WEIGHT ..."
has_rs_weight() { rs "$1" "$2" | grep -q "^$3 $4 "; }                  # PROTO VS RS WEIGHT
no_rs() { ! rs "$1" "$2" | grep -q "^$3 "; }                           # PROTO VS RS

# 6. Endpoint add and remove by editing the manifest: ipvsadm within a few seconds, and traffic.
check_endpoint_edit() {
  local r t0 ms
  r=$(ask node http://10.96.0.80/ 2)
  verdict "edit-initial" "10.96.0.80 answered by: $(echo $r)" test "$(echo "$r" | sort -u)" = pod-a
  t0=$(now_ms); write_edit a e
  if eventually $SYNC_WAIT has_rs_weight tcp 10.96.0.80:80 10.244.1.15:8080 1; then
    ms=$(( $(now_ms) - t0 )); pass "edit-add-in-ipvsadm"; note "endpoint add visible in ipvsadm after ${ms} ms"
  else fail "edit-add-in-ipvsadm" "after $SYNC_WAIT s: $(rs_set tcp 10.96.0.80:80)"; fi
  r=$(ask node http://10.96.0.80/ 4)
  verdict "edit-add-traffic" "4 requests answered by: $(echo $r)" \
    test "$(echo "$r" | sort -u | tr '\n' ' ')" = "pod-a pod-e "
  r=$(udps node 10.96.0.80 53 2)   # a UDP connection entry on each real server
  verdict "edit-add-udp" "2 datagrams answered by: $(echo $r)" test "$(echo "$r" | sort -u | tr '\n' ' ')" = "pod-a pod-e "
  t0=$(now_ms); write_edit e
  # TCP: gone, or at weight 0 while its closed connections (InActConn) expire; UDP: deleted at once.
  gone_or_quiesced() { no_rs tcp 10.96.0.80:80 10.244.1.11:8080 || has_rs_weight tcp 10.96.0.80:80 10.244.1.11:8080 0; }
  if eventually $SYNC_WAIT gone_or_quiesced; then
    ms=$(( $(now_ms) - t0 )); pass "edit-remove-in-ipvsadm"; note "endpoint removal visible after ${ms} ms: $(rs_set tcp 10.96.0.80:80)"
  else fail "edit-remove-in-ipvsadm" "after $SYNC_WAIT s: $(rs_set tcp 10.96.0.80:80)"; fi
  verdict "edit-remove-udp-at-once" '=UDP real servers: $(rs_set udp 10.96.0.80:53)' \
    eventually 3 no_rs udp 10.96.0.80:53 10.244.1.11:5353
  r=$(ask node http://10.96.0.80/ 4)
  verdict "edit-remove-traffic" "4 requests answered by: $(echo $r)" test "$(echo "$r" | sort -u)" = pod-e
  r=$(udps node 10.96.0.80 53 3)
  verdict "edit-remove-udp-traffic" "3 datagrams answered by: $(echo $r)" test "$(echo "$r" | sort -u)" = pod-e
}

# 9. A virtual server of ours deleted by hand comes back with the periodic full sync (period 5 s);
# NAME is a suffix for the check (run quiet and while a real server drains).
check_repair() {
  local name=repair-after-ipvsadm-D${1:+-$1} t0 ms
  ipvsadm -D -t 10.96.0.20:80 || { fail "$name" "ipvsadm -D failed"; return; }
  t0=$(now_ms)
  vs_back() { [ -n "$(vs_line tcp 10.96.0.20:80)" ]; }
  two_rs() { [ "$(rs tcp 10.96.0.20:80 | wc -l)" = 2 ]; }
  if eventually $REPAIR_WAIT vs_back; then
    ms=$(( $(now_ms) - t0 ))
    verdict "$name" '=restored without its real servers: $(rs_set tcp 10.96.0.20:80)' \
      eventually 2 two_rs
    note "virtual server restored after ${ms} ms"
  else fail "$name" "10.96.0.20:80 still missing after $REPAIR_WAIT s"; fi
}

# The held connection of check 7: holder.py in the background, commands through a FIFO kept open on fd 8.
hold_start() {
  rm -f "$W/hold.in" "$W/hold.out"; mkfifo "$W/hold.in" && : > "$W/hold.out" || return 1
  python3 -S -I "$E2E/holder.py" 10.96.0.70 9000 "$W/hold.in" "$W/hold.out" 2>> "$W/holder.log" &
  exec 8> "$W/hold.in"
}
# hold CMD: sends CMD through the held connection; prints the answer (bounded wait).
hold() {
  local n; n=$(( $(wc -l < "$W/hold.out") + 1 ))
  echo "$1" >&8
  answered() { [ "$(wc -l < "$W/hold.out")" -ge $n ]; }
  eventually 15 answered && sed -n "${n}p" "$W/hold.out" || echo "ERR no answer"
}

# 7. Graceful termination: a live TCP connection survives the removal of its endpoint (weight 0), new
# connections go elsewhere, the real server is deleted once the connection is gone (closed by a reset:
# a FIN close leaves IPVS in TIME_WAIT, counted as inactive, for 2 minutes). The full-sync repair (check 9)
# runs again while the real server drains, and the loop must not spin meanwhile.
check_graceful_termination() {
  local first held other line t0 ms c0 c1
  line=$(tcp_lines 10.96.0.70 9000 1)   # bounded probe first
  case $line in pod-a*|pod-b*) ;; *) fail "graceful-connect" "10.96.0.70:9000 answered '$line'"; return ;; esac
  hold_start || { fail "graceful-connect" "cannot start the holder"; return; }
  first=$(hold first)
  held=${first%% *}
  case $held in pod-a) other=b ;; pod-b) other=a ;; *) fail "graceful-connect" "answer '$first'"; exec 8>&-; return ;; esac
  local hip=${POD_IP[${held#pod-}]}:9000
  write_hold $other
  if eventually $SYNC_WAIT has_rs_weight tcp 10.96.0.70:9000 "$hip" 0; then
    pass "graceful-weight-0"; note "draining $hip: $(rs tcp 10.96.0.70:9000 | tr '\n' ';')"
  else fail "graceful-weight-0" "$hip not at weight 0 after $SYNC_WAIT s: $(rs_set tcp 10.96.0.70:9000)"; fi
  line=$(hold again)
  verdict "graceful-established-keeps-working" "answer '$line' (want '$held again')" test "$line" = "$held again"
  line=$(tcp_lines 10.96.0.70 9000 4)
  verdict "graceful-new-connections-elsewhere" "new connections answered by: $(echo $line)" \
    test "$(echo "$line" | cut -d' ' -f1 | sort -u)" = "pod-$other"
  c0=$(sync_count); sleep 3; c1=$(sync_count)
  verdict "graceful-no-busy-loop" "$((c1 - c0)) syncs in 3 s while draining" test $((c1 - c0)) -le 4
  check_repair draining
  line=$(hold still)
  verdict "graceful-survives-full-syncs" "answer '$line'" test "$line" = "$held still"
  hold rst > /dev/null; exec 8>&-; t0=$(now_ms)
  if eventually 25 no_rs tcp 10.96.0.70:9000 "$hip"; then
    ms=$(( $(now_ms) - t0 )); pass "graceful-deleted-after-close"; note "real server deleted ${ms} ms after the reset"
  else fail "graceful-deleted-after-close" "after 25 s: $(rs tcp 10.96.0.70:9000 | tr '\n' ';') conns: $(ipvsadm -Lnc | grep -c 9000)"; fi
}
