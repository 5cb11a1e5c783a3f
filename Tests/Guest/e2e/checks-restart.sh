# checks-restart.sh -- checks 8, 4, 12 of the daemon end-to-end tier: crash and restart, every scheduler,
# --cleanup (sourced by daemon-e2e.sh, in the guest).

weight0_rs() { kernel_table | awk '/ -> / && $NF == 0' | head -3 | tr '\n' ';'; }
kube_rules() { { iptables-legacy-save; iptables-nft-save; } 2>/dev/null | grep -c 'KUBE-'; }

# 8. kill -9 in the middle of a sync (a large manifest change being applied), then restart: converges, no
# service lost, no weight-0 leftover, no duplicate or stale kube-ipvs0 address.
check_crash_restart() {
  ipvsadm -e -t 10.96.0.10:80 -r 10.244.1.11:8080 -m -w 0   # a leftover of a drain cut short by a crash
  local n=$BULK seen vs t0 mon=$W/addr-monitor mpid kpid
  # The kill follows the first bulk address the kernel announces (ip monitor, no polling), while the
  # daemon still adds the others; the virtual servers come after the addresses.
  rm -f "$mon" "$W/killed"; mkfifo "$mon"
  ip -o monitor address dev kube-ipvs0 > "$mon" 2>/dev/null & mpid=$!
  ( grep -q -m1 ' 10\.97\.' < "$mon" && kill -9 "$DPID" && : > "$W/killed" ) & kpid=$!
  t0=$(now_ms)
  mv "$W/bulk.jsonl" "$M/40-bulk.jsonl"; put 12-ilocal.yaml < /dev/null   # many services appear, one goes
  eventually $((SYNC_WAIT * 2)) test -e "$W/killed" || kill -9 "$DPID"
  wait "$DPID" 2>/dev/null; DPID=
  kill "$mpid" "$kpid" 2>/dev/null; wait "$mpid" "$kpid" 2>/dev/null
  seen=$(dummy_addrs | grep -c '^10\.97\.'); vs=$(ipvsadm -Ln | grep -c '^TCP  10\.97\.')
  note "killed -9 $(( $(now_ms) - t0 )) ms after the change: $seen/$n bulk addresses, $vs/$n bulk virtual servers"
  verdict "crash-mid-sync" "the kill did not land inside the sync ($seen/$n addresses, $vs/$n virtual servers)" \
    test "$seen" -gt 0 -a "$vs" -lt $n
  replan
  t0=$(now_ms)
  start_daemon || { fail "restart" "no healthz 200 within 120 s"; return; }
  if eventually 90 converged; then
    pass "restart-converges"; note "converged $(( $(now_ms) - t0 )) ms after the restart"
  else fail "restart-converges" "plan vs kernel: $(table_diff)"; fi
  verdict "restart-no-weight-0" '=weight-0 real servers: $(weight0_rs)' test -z "$(weight0_rs)"
  local want have; want=$(plan_addrs); have=$(dummy_addrs)
  verdict "restart-addresses-equal-plan" "=\$(diff <(echo \"\$want\") <(echo \"\$have\") | grep '^[<>]' | head -4 | tr '\\n' ';')" \
    test "$want" = "$have" -a -z "$(echo "$have" | uniq -d)"
  verdict "restart-removed-service-gone" "10.96.0.60 still programmed" \
    test -z "$(ipvsadm -Ln | grep 10.96.0.60)$(dummy_addrs | grep 10.96.0.60)"
  local r; r=$(ask node http://10.96.0.10/ 6)
  verdict "restart-traffic" "10.96.0.10 answered by: $(echo $r)" test "$(echo "$r" | grep -c '^pod-[abc]$')" = 6
  r=$(ask node http://10.97.0.$BULK/ 2)
  verdict "restart-bulk-traffic" "10.97.0.$BULK answered by: $(echo $r)" test "$(echo "$r" | grep -c '^pod-[ab]$')" = 2
  t0=$(now_ms); put 40-bulk.jsonl < /dev/null
  bulk_gone() { [ -z "$(ipvsadm -Ln | grep '10\.97\.')$(dummy_addrs | grep '^10\.97\.')" ]; }
  if eventually 45 bulk_gone; then
    pass "bulk-removal"; note "$n services removed in $(( $(now_ms) - t0 )) ms"
  else fail "bulk-removal" "left after 45 s: $(ipvsadm -Ln | grep -c '10\.97\.') virtual servers, $(dummy_addrs | grep -c '^10\.97\.') addresses"; fi
}

# 4. Every scheduler: `--once` syncs with it (probe included), ipvsadm shows it on every virtual server, and
# traffic flows (sh and dh: one pod for one client; rr: all three). Runs after the cleanup check, on a small
# manifest directory (the node and `web`): one daemon start per scheduler is what costs time under TCG.
check_schedulers() {
  local m2=$W/manifests-schedulers s r want others
  mkdir -p "$m2" && cp "$M/00-node.yaml" "$m2/" && { service web 10.96.0.10 'ports:' "- $HTTP_PORT}"; slice web "$HTTP" a b c; } > "$m2/web.yaml"
  for s in rr lc dh sh sed nq; do
    if ! "$BIN" "${DAEMON_ARGS[@]}" --manifests "$m2" --once --ipvs-scheduler $s >> "$DLOG" 2>&1; then
      fail "scheduler-$s" "kube-ipvs --once --ipvs-scheduler $s failed: $(tail -2 "$DLOG" | tr '\n' ' ')"; continue
    fi
    others=$(kernel_table | awk -v s=$s '!/ -> / && $3 != s' | head -2 | tr '\n' ';')
    r=$(ask node http://10.96.0.10/ 3)
    case $s in rr) want=3 ;; sh|dh) want=1 ;; *) want=$(echo "$r" | distinct) ;; esac
    verdict "scheduler-$s" "=ipvsadm [\$(vs_line tcp 10.96.0.10:80)] others [$others] answers: $(echo $r)" \
      test "$(vs_line tcp 10.96.0.10:80)" = "TCP 10.96.0.10:80 $s" -a -z "$others" \
        -a "$(echo "$r" | grep -c '^pod-[abc]$')" = 3 -a "$(echo "$r" | distinct)" = "$want"
  done
}

# 12. --cleanup removes our virtual servers, kube-ipvs0 and the KUBE-* ipsets; the foreign one stays.
check_cleanup() {
  stop_daemon
  local rc=0; "$BIN" "${DAEMON_ARGS[@]}" --manifests "$M" --cleanup >> "$DLOG" 2>&1 || rc=$?
  verdict "cleanup-exit-0" "exit code $rc" test $rc = 0
  verdict "cleanup-virtual-servers" "=left: \$(kernel_table | head -3 | tr '\\n' ';')" test -z "$(kernel_table)"
  verdict "cleanup-kube-ipvs0" "kube-ipvs0 still exists" test -z "$(ip link show kube-ipvs0 2>/dev/null)"
  verdict "cleanup-ipsets" "=left: \$(ipset list -n | grep '^KUBE-' | head -3 | tr '\\n' ' ')" \
    test -z "$(ipset list -n 2>/dev/null | grep '^KUBE-')"
  verdict "cleanup-iptables" '=$(kube_rules) KUBE- lines left in iptables-save' test "$(kube_rules)" = 0
}
