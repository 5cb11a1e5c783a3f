#!/bin/bash
# daemon-e2e.sh KUBE_IPVS_BINARY [TEST_APISERVER_BINARY] -- runs IN THE GUEST (guest-run.sh; run-guest-tests.sh).
# The end-to-end tier: the real kube-ipvs daemon in IPVS mode on a real ip_vs kernel, serving real traffic.
# The guest's root namespace is the node (cni0 bridge with five pod namespaces, eth0 to a client namespace);
# manifests in /tmp/e2e/manifests, and (check 13) the same objects served by kube-ipvs-test-apiserver; every check prints `PASS name` or `FAIL name: detail` and reads the
# result back from traffic, `ipvsadm -Ln`, `ip addr show kube-ipvs0`, `ipset`, healthz or /metrics.
# Ends with `GUEST-CHECK daemon-e2e: ...` and `DAEMON-E2E-DONE fail=N`; exits non-zero if anything failed.
set -uo pipefail
BIN=${1:?usage: daemon-e2e.sh KUBE_IPVS_BINARY [KUBE_IPVS_TEST_APISERVER_BINARY]}
APISERVER=${2:-$(dirname "$BIN")/kube-ipvs-test-apiserver}
E2E=${GUEST_SCRIPT_DIR:-$(dirname "$0")}/e2e
for f in lib topology manifests checks-serve checks-change checks-restart checks-api; do . "$E2E/$f.sh" || exit 125; done
START=$(now_ms)
phase() { echo "--- $1 (t=$(( ($(now_ms) - START) / 1000 ))s)"; }
finish() {
  FINISHED=1
  stop_daemon
  stop_apiserver
  local p; for p in $(jobs -p); do kill "$p" 2>/dev/null; done
  [ -n "${GUEST_OUT_DIR:-}" ] && cp "$DLOG" "$GUEST_OUT_DIR/daemon-e2e.log" 2>/dev/null
  if [ "$failed" != 0 ] && [ -s "$DLOG" ]; then
    echo "--- last daemon log lines"; grep -v '"SyncProxyRules complete"' "$DLOG" | tail -25 | cut -c1-400
  fi
  echo "GUEST-CHECK daemon-e2e: $passed passed, $failed failed in $(( ($(now_ms) - START) / 1000 ))s"
  echo "DAEMON-E2E-DONE fail=$failed"
  exit $(( failed > 0 ))
}

# A bug in this script (set -u) must still end in a FAIL line and the summary; a write to a reset
# connection must fail the check, not kill the script (SIGPIPE).
trap '' PIPE
trap '[ -n "${FINISHED:-}" ] || { fail "e2e-script" "aborted (exit $?)"; finish; }' EXIT
phase "setup"
[ -x "$BIN" ] || { fail "setup" "no kube-ipvs binary at $BIN"; finish; }
[ -x "$APISERVER" ] || { fail "setup" "no kube-ipvs-test-apiserver binary at $APISERVER"; finish; }
load_modules || { fail "setup" "modprobe failed"; finish; }
note "setup: modules loaded at t=$(( ($(now_ms) - START) / 1000 ))s"
build_topology || { fail "setup" "topology (pods, client) not ready"; finish; }
note "setup: pods ready at t=$(( ($(now_ms) - START) / 1000 ))s"
write_base_manifests
bulk_jsonl $BULK > "$W/bulk.jsonl"
t0=$(now_ms); replan || { fail "setup" "kube-ipvs plan failed: $(head -3 "$W/plan.txt")"; finish; }
note "setup: kube-ipvs plan took $(( $(now_ms) - t0 )) ms"
add_foreign_vs || { fail "setup" "cannot add the foreign virtual server"; finish; }
FOREIGN_BEFORE=$(foreign_vs)

phase "daemon start"
if start_daemon; then pass "daemon-start"
else fail "daemon-start" "no healthz 200 within 120 s: $(curl -sS -m 10 -w ' %{http_code}' http://127.0.0.1:10256/healthz 2>&1)"; finish; fi
note "$(grep -m1 'kube-ipvs starting' "$DLOG" | cut -c1-240)"
eventually 15 converged || note "not yet equal to the plan after 15 s"

# E2E_PHASES="13 12" (development only) runs just those checks after the setup; CI runs them all.
step() {  # step NUMBER TITLE CHECK: runs CHECK, then confirms the foreign virtual servers are untouched
  [ -z "${E2E_PHASES:-}" ] || [[ " $E2E_PHASES " == *" $1 "* ]] || return 0
  phase "$1 $2"; "$3"
  case $1 in 7|8|12|13) verdict "foreign-vs-untouched-after-$1" "=now: \$(foreign_vs | tr '\\n' ';')" \
    test "$(foreign_vs)" = "$FOREIGN_BEFORE" ;; esac
}
step 1 "ClusterIP, plan" check_clusterip
step 2 "NodePort, externalIP, LB" check_external
step 3 "session affinity" check_affinity
step 5 "traffic policies" check_traffic_policy
step 10 "rejected objects" check_rejections
step 11 "healthz, metrics" check_observability
step 6 "endpoint edits" check_endpoint_edit
step 9 "full-sync repair" check_repair
step 7 "graceful termination" check_graceful_termination
step 8 "kill -9 and restart" check_crash_restart
step 13 "API server" check_apiserver
step 12 "cleanup" check_cleanup
step 4 "schedulers" check_schedulers
finish
