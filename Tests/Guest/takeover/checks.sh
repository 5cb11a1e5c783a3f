# checks.sh -- the takeover tier's checks (sourced by takeover-e2e.sh, in the guest).

# kube-proxy's command line of the capture (Tests/Guest/takeover/README.md), plus a short periodic sync so one
# runs within the test, and the health/metrics ports on loopback.
DAEMON_ARGS=(--hostname-override node1 --cluster-cidr 10.244.0.0/16 --ipvs-scheduler rr --ipvs-sync-period 5s
  --healthz-bind-address 127.0.0.1:10256 --metrics-bind-address 127.0.0.1:10249)
SOURCE_ARGS=(--manifests "$M")
# The one deliberate difference from kube-proxy v1.28 in this cluster (README: "externalTrafficPolicy: Local"):
# local-none has no endpoint on node1, so its NodePort has no real server instead of the cluster's.
EXPECTED_REMOVED="TCP 10.0.0.10:30084 rr -> 10.244.2.81:8080 Masq 1"

tk_phase() { echo "--- $1 (t=$(( ($(now_ms) - START) / 1000 ))s)"; }
synced_after() { local n; n=$(sync_count); [ -n "$n" ] && [ "${n%.*}" -gt "$1" ]; }
daemon_errors() { grep -cE '^E[0-9]{4} ' "$DLOG"; }
nft_kube() { iptables-nft-save 2>/dev/null | grep -E "$1"; }

# One new connection (TCP) or datagram (UDP) through every IPv4 virtual server, from the client; IPVS counts
# each (the capture's other real servers do not exist here: the SYN is scheduled and counted, then dropped).
tk_touch() {
  tk_conns | awk '$1 != "SCTP" && $2 !~ /^\[/ { print $1, $2 }' | on client timeout 60 bash -c '
    while read -r proto hp; do
      h=${hp%:*} p=${hp##*:}
      if [ "$proto" = TCP ]; then (exec 3<>"/dev/tcp/$h/$p") 2>/dev/null & c=$!; sleep 0.3; kill $c 2>/dev/null
      else echo x 2>/dev/null > "/dev/udp/$h/$p"; fi
    done'
}

held_answers() { [ "$(grep -c . "$W/held.out" 2>/dev/null)" -ge "$1" ]; }

check_ipvs_takeover() {
  tk_phase "1 IPVS mode: kube-ipvs takes over kube-proxy's state"
  mkfifo "$W/held.cmd"
  on client python3 -S -I "$E2E/holder.py" 10.96.198.132 80 "$W/held.cmd" "$W/held.out" &
  exec 7> "$W/held.cmd"
  echo before >&7
  eventually 30 held_answers 1 || fail "takeover-held-before" "no answer: $(cat "$W/held.out" 2>/dev/null)"
  tk_touch
  tk_conns > "$W/conns.before"; tk_table > "$W/table.before"; tk_addresses > "$W/addrs.before"
  ipset_adds > "$W/sets.before"
  local carried; carried=$(awk '$3 > 0' "$W/conns.before" | grep -c .)
  ip -o monitor address dev kube-ipvs0 > "$W/addr-events" 2>&1 & local mon=$!

  local t0; t0=$(now_ms)
  "$BIN" plan --manifests "$M" --hostname-override node1 --cluster-cidr 10.244.0.0/16 --ipvs-scheduler rr \
    --node-ip 10.0.0.10 --node-ip fd00:10::10 > "$W/plan.txt" 2>&1 || { fail "takeover-plan" "$(head -3 "$W/plan.txt")"; return; }
  start_daemon || { fail "takeover-daemon-start" "no healthz 200 within 120 s"; return; }
  eventually 120 synced_after 0 && eventually 60 converged ||
    { fail "takeover-converges" "plan vs kernel: $(table_diff)"; return; }
  note "kube-ipvs converged $(( $(now_ms) - t0 )) ms after its start"
  local n; n=$(sync_count); eventually 30 synced_after "${n%.*}" || note "no periodic sync within 30 s"
  kill $mon 2>/dev/null

  tk_conns > "$W/conns.after"
  local recreated; recreated=$(awk 'NR == FNR { b[$1 " " $2] = $3; next } ($1 " " $2) in b && $3 < b[$1 " " $2]' \
    "$W/conns.before" "$W/conns.after" | grep -c .)
  local missing; missing=$(comm -23 <(cut -d' ' -f1,2 "$W/conns.before") <(cut -d' ' -f1,2 "$W/conns.after") | grep -c .)
  echo "TAKEOVER-FIGURE ipvs: $(grep -c . "$W/conns.before") virtual servers, $carried carried connections before," \
    "$recreated re-created (counters reset), $missing deleted"
  verdict "takeover-no-virtual-server-recreated" "=$recreated re-created, $missing deleted: \$(diff $W/conns.before $W/conns.after | grep '^[<>]' | head -6 | tr '\\n' ';')" \
    test "$recreated" = 0 -a "$missing" = 0 -a "$carried" -ge 15
  local changed; changed=$(diff "$W/table.before" <(tk_table) | grep '^[<>]' | sed 's/^< /-/; s/^> /+/' | tr '\n' ';')
  verdict "takeover-table-only-documented-change" "changes: $changed" test "$changed" = "-$EXPECTED_REMOVED;"
  verdict "takeover-no-address-removed" "=events: \$(grep -c Deleted $W/addr-events) deletions; now: \$(diff $W/addrs.before <(tk_addresses) | grep '^[<>]' | tr '\\n' ' ')" \
    test -z "$(grep Deleted "$W/addr-events")" -a "$(tk_addresses)" = "$(cat "$W/addrs.before")"
  local gone; gone=$(comm -23 "$W/sets.before" <(ipset_adds) | grep -c .)
  echo "TAKEOVER-FIGURE ipsets: $(grep -c . "$W/sets.before") entries before, $gone removed"
  verdict "takeover-no-ipset-entry-removed" "=removed: \$(comm -23 $W/sets.before <(ipset_adds) | head -4 | tr '\\n' ';')" test "$gone" = 0
  echo after >&7
  eventually 30 held_answers 2
  local first second; first=$(sed -n 1p "$W/held.out"); second=$(sed -n 2p "$W/held.out")
  verdict "takeover-established-connection-flows" "answers: [$first] [$second]" \
    test "${first% *} after" = "$second" -a "${first#* }" = before
  local r; r=$(batch client "$BATCH_TCP" 10.96.198.132 80 6)
  verdict "takeover-new-connections" "answers: $(echo $r)" test "$(echo "$r" | grep -c '^pod-[abc] hello$')" = 6
  verdict "takeover-one-jump-each" "=PREROUTING jumps: \$(nft_kube '^-A PREROUTING .*KUBE-SERVICES' | grep -c .)" \
    test "$(nft_kube '^-A PREROUTING .*KUBE-SERVICES' | grep -c .)" = 1 -a "$(iptables-legacy-save 2>/dev/null | grep -c KUBE-)" = 0
  verdict "takeover-no-error-logged" "=\$(grep -E '^E[0-9]{4} ' $DLOG | head -3 | cut -c1-200 | tr '\\n' ';')" test "$(daemon_errors)" = 0
  echo closed >&7; exec 7>&-
}

# The client polls web's ClusterIP and NodePort over HTTP until $W/poll.stop appears (bounded): one line per
# request, "TARGET pod-x" or "TARGET ERR"; a request still open when the poller is stopped counts as failed.
POLL='n=0
while [ ! -e "$0" ] && (( n < 4000 )); do
  n=$((n + 1))
  for hp in 10.96.198.132/80 10.0.0.10/30080; do
    body=ERR
    if exec 3<>"/dev/tcp/$hp"; then
      printf "GET / HTTP/1.0\r\n\r\n" >&3
      while IFS= read -r -t 5 l <&3; do [ "$l" = $'"'"'\r'"'"' ] && { IFS= read -r -t 5 body <&3; break; }; done
      exec 3<&-
    fi
    echo "$hp ${body:-ERR}"
  done
done'

# 2. iptables mode -> IPVS mode with traffic flowing: IPVS is programmed first, the iptables-mode chains go last.
check_mode_switch() {
  tk_phase "2 iptables mode -> IPVS mode"
  stop_daemon
  "$BIN" "${DAEMON_ARGS[@]}" "${SOURCE_ARGS[@]}" --cleanup >> "$DLOG" 2>&1 || { fail "switch-setup" "--cleanup failed"; return; }
  start_daemon --proxy-mode iptables || { fail "switch-iptables-start" "no healthz 200 within 120 s"; return; }
  svc_chains() { [ "$(nft_kube '^:KUBE-SVC-' | grep -c .)" -gt 0 ]; }
  eventually 60 svc_chains || { fail "switch-iptables-rules" "no KUBE-SVC-* chain after 60 s"; return; }
  local r; r=$(ask client http://10.96.198.132/ 3)
  verdict "switch-iptables-mode-serves" "answers: $(echo $r)" test "$(echo "$r" | grep -c '^pod-[abc]$')" = 3
  local polls=$W/polls; rm -f "$W/poll.stop"
  on client timeout 600 bash -c "$POLL" "$W/poll.stop" > "$polls" 2>/dev/null & local poller=$!
  eventually 30 test -s "$polls"
  sleep 2
  local t0; t0=$(now_ms)
  stop_daemon
  start_daemon --proxy-mode ipvs || { fail "switch-ipvs-start" "no healthz 200 within 120 s"; }
  no_svc_chains() { [ "$(nft_kube '^:KUBE-(SVC|SEP|EXT|FW|SVL)-' | grep -c .)" = 0 ]; }
  eventually 120 converged && eventually 60 no_svc_chains
  local took=$(( $(now_ms) - t0 ))
  sleep 3
  : > "$W/poll.stop"
  local i; for ((i = 0; i < 100; i++)); do kill -0 $poller 2>/dev/null || break; sleep 0.2; done
  kill $poller 2>/dev/null; wait $poller 2>/dev/null
  local total failed_requests; total=$(grep -c . "$polls"); failed_requests=$(grep -vc ' pod-[abc]$' "$polls")
  echo "TAKEOVER-FIGURE switch: $total requests while switching (iptables -> IPVS in $took ms), $failed_requests failed"
  verdict "switch-zero-failed-requests" "=$failed_requests of $total failed: \$(grep -v ' pod-[abc]$' $polls | sort | uniq -c | head -3 | tr '\\n' ';')" \
    test "$failed_requests" = 0 -a "$total" -ge 20
  verdict "switch-ipvs-programmed" '=plan vs kernel: $(table_diff)' converged
  verdict "switch-iptables-mode-chains-gone" "=left: \$(nft_kube '^:KUBE-' | cut -d' ' -f1 | tr '\\n' ' ')" no_svc_chains
  verdict "switch-leftovers-logged" "no log line" grep -q 'Removed the iptables-mode chains a previous proxy left' "$DLOG"
}

# 3. And back: --cleanup leaves nothing of kube-ipvs, so kube-proxy's own state can be created again from scratch
# (the capture restored as kube-proxy would create it: every create fails on a leftover of the same name).
check_cleanup_for_kube_proxy() {
  tk_phase "3 --cleanup, then kube-proxy"
  stop_daemon
  local rc=0; "$BIN" "${DAEMON_ARGS[@]}" "${SOURCE_ARGS[@]}" --cleanup >> "$DLOG" 2>&1 || rc=$?
  verdict "back-cleanup-exit-0" "exit code $rc" test $rc = 0
  local left; left="$(ipvsadm -Sn)$(ip link show kube-ipvs0 2>/dev/null)$(ipset list -n | grep '^KUBE-')"
  left="$left$( { iptables-nft-save; ip6tables-nft-save; iptables-legacy-save; } 2>/dev/null | grep '^[:-].*KUBE-' |
    grep -vE 'KUBE-(FIREWALL|KUBELET-CANARY|IPTABLES-HINT|MARK-DROP)' )"
  verdict "back-nothing-left" "left: $(echo "$left" | head -4 | tr '\n' ';')" test -z "$left"
  restore_kube_proxy_state
  verdict "back-kube-proxy-state-recreated" "=\$(tail -3 $W/restore.log | tr '\\n' ' ')" \
    test "$(tk_table)" = "$(cat "$W/table.before")" -a "$(tk_addresses)" = "$(cat "$W/addrs.before")"
}
