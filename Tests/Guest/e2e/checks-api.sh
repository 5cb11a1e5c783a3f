# checks-api.sh -- check 13 of the daemon end-to-end tier: the daemon against the test API server
# (kube-ipvs-test-apiserver, seeded with the manifests directory so the plan of $M stays the oracle), the
# API server going away and coming back without data-plane churn, and a change through the API
# (sourced by daemon-e2e.sh, in the guest).

API_LISTEN=127.0.0.1:16443
API_URL=http://$API_LISTEN
API_LOG=$W/apiserver.log
APID=

api_listening() { grep -q '^listening on' "$API_LOG" 2>/dev/null; }
start_apiserver() {
  : > "$API_LOG"
  "$APISERVER" --listen "$API_LISTEN" --seed "$M" --bookmark-interval 5 >> "$API_LOG" 2>&1 &
  APID=$!
  eventually 90 api_listening
}
stop_apiserver() { [ -n "$APID" ] && { kill -9 "$APID" 2>/dev/null; wait "$APID" 2>/dev/null; APID=; }; }
# api_apply: stdin (YAML documents) created or replaced through the server, watch events sent.
api_apply() { curl -sS -m 20 -o /dev/null -w '%{http_code}' -X POST --data-binary @- "$API_URL/_test/apply"; }

# Per virtual server of ours, its connection counter (ipvsadm --stats): a virtual server deleted and
# re-created starts again from 0, so counters that never went down mean no churn.
vs_conns() {
  ipvsadm -Ln --stats --exact | awk '/^(TCP|UDP|SCTP) / { print $1, $2, $3 }' | grep -vF -e " $FOREIGN " -e " $FOREIGN2 " |
    LC_ALL=C sort
}
# counters_kept BEFORE: every virtual server of BEFORE still exists with a counter at least as large.
counters_kept() {
  local now; now=$(vs_conns)
  awk 'NR == FNR { after[$1 " " $2] = $3; next } !(($1 " " $2) in after) || after[$1 " " $2] < $3 { bad = 1 }
       END { exit bad }' <(echo "$now") <(echo "$1")
}

check_apiserver() {
  local r before t0
  stop_daemon
  replan   # the oracle: the server is seeded with exactly these manifests
  start_apiserver || { fail "api-start" "kube-ipvs-test-apiserver not listening after 90 s: $(tail -3 "$API_LOG")"; return; }
  note "$(head -2 "$API_LOG" | tr '\n' ' ')"
  SOURCE_ARGS=(--master "$API_URL")
  t0=$(now_ms)
  if start_daemon && eventually 60 converged; then
    pass "api-takeover-converges"; note "API-sourced daemon equal to the plan $(( $(now_ms) - t0 )) ms after start"
  else fail "api-takeover-converges" "plan vs kernel: $(table_diff)"; SOURCE_ARGS=(--manifests "$M"); stop_apiserver; return; fi
  r=$(ask node http://10.96.0.10/ 6)
  verdict "api-traffic" "10.96.0.10 answered by: $(echo $r)" test "$(echo "$r" | sort -u | tr '\n' ' ')" = "pod-a pod-b pod-c "

  # The API server goes away: full syncs go on (period 5 s) from the last state; the data plane stays.
  before=$(vs_conns)
  stop_apiserver
  local syncs0; syncs0=$(sync_count)
  two_more_syncs() { [ "$(sync_count)" -ge $(( ${syncs0:-0} + 2 )) ]; }
  eventually 30 two_more_syncs || note "fewer than 2 syncs while the API server was away"
  verdict "api-away-table-kept" "=plan vs kernel: \$(table_diff)" converged
  verdict "api-away-healthz" '=healthz $(healthz_code)' healthy
  r=$(ask node http://10.96.0.10/ 3)
  verdict "api-away-traffic" "10.96.0.10 answered by: $(echo $r)" test "$(echo "$r" | grep -c '^pod-[abc]$')" = 3

  # It comes back (a new process: new uids and resourceVersions, as after an etcd restore): the daemon
  # relists, and no virtual server of ours is re-created.
  start_apiserver || { fail "api-back" "kube-ipvs-test-apiserver did not restart: $(tail -3 "$API_LOG")"; return; }
  t0=$(now_ms)
  # A service only the new server knows (not in $M): programmed once the daemon relisted or re-watched.
  local code; code=$({ service apinew 10.96.0.99 'ports:' "- $HTTP_PORT}"; slice apinew "$HTTP" b; } | api_apply)
  verdict "api-apply" "POST /_test/apply answered $code" test "$code" = 200
  if eventually 60 has_rs_weight tcp 10.96.0.99:80 10.244.1.12:8080 1; then
    pass "api-back-change-applied"; note "service added through the restarted API server in ipvsadm after $(( $(now_ms) - t0 )) ms"
  else fail "api-back-change-applied" "10.96.0.99:80: [$(vs_line tcp 10.96.0.99:80)] $(rs_set tcp 10.96.0.99:80)"; fi
  r=$(ask node http://10.96.0.99/ 2)
  verdict "api-back-change-traffic" "10.96.0.99 answered by: $(echo $r)" test "$(echo "$r" | sort -u)" = pod-b
  verdict "api-back-no-churn" "=virtual servers re-created or lost (before → now): \$(diff <(echo \"\$before\") <(vs_conns) | grep '^[<>]' | head -4 | tr '\\n' ';')" \
    counters_kept "$before"
  local rejected; rejected=$(metrics | awk '/^kubeipvs_rejected_objects/ { s += $2 } END { print s + 0 }')
  verdict "api-malformed-rejected" "kubeipvs_rejected_objects sums to $rejected" test "$rejected" -ge 2
  stop_daemon
  stop_apiserver
  SOURCE_ARGS=(--manifests "$M")
}
