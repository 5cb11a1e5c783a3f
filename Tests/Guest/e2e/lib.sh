# lib.sh -- helpers of the daemon end-to-end tier (sourced by daemon-e2e.sh, in the guest).
# Results: one `PASS name` or `FAIL name: detail` line per check. Every wait is bounded.

W=/tmp/e2e                 # work directory (guest tmpfs)
M=$W/manifests             # the daemon's --manifests directory
DLOG=$W/daemon.log         # every daemon run appends here
passed=0 failed=0 DPID=
# How long a change may take to reach the kernel, and a hand-made drift to be repaired (sync period 5 s).
# Generous: a debug build under TCG on a busy host needs seconds for what takes milliseconds natively.
SYNC_WAIT=${E2E_SYNC_WAIT:-30} REPAIR_WAIT=${E2E_REPAIR_WAIT:-40}

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
# verdict NAME DETAIL CMD...: PASS when CMD succeeds, else FAIL with DETAIL. A DETAIL starting with "="
# is expanded only on failure (single-quote it): reading the kernel back costs process starts under TCG.
verdict() {
  local n=$1 d=$2; shift 2
  if "$@"; then pass "$n"; else [ "${d:0:1}" = = ] && d=$(eval "echo \"${d:1}\""); fail "$n" "$d"; fi
}
note() { echo "  .. $*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# eventually SECONDS CMD...: retries CMD every 0.2 s until it succeeds (rc 0) or SECONDS pass (rc 1).
# CMD is re-run as given: a "$(...)" in its arguments would be expanded once, so pass a function instead.
eventually() {
  local end=$(( $(now_ms) + $1 * 1000 )); shift
  while :; do
    "$@" && return 0
    (( $(now_ms) >= end )) && return 1
    sleep 0.2
  done
}

# on NS CMD...: runs CMD in network namespace NS ("node" is the guest's root namespace).
on() { local ns=$1; shift; if [ "$ns" = node ]; then "$@"; else ip netns exec "$ns" "$@"; fi; }

# Requests run as bash loops over /dev/tcp inside one `timeout bash` per batch: no process per request
# (every process start is slow under TCG), and a hung connect only ends its batch (answers padded with ERR).
BATCH_HTTP='for ((i = 0; i < $2; i++)); do
  body=ERR
  if exec 3<>"/dev/tcp/$0/$1"; then
    printf "GET / HTTP/1.0\r\nHost: %s\r\n\r\n" "$0" >&3
    while IFS= read -r -t 5 l <&3; do [ "$l" = $'"'"'\r'"'"' ] && { IFS= read -r -t 5 body <&3; break; }; done
    exec 3<&-
  fi
  echo "${body:-ERR}"
done'
BATCH_TCP='for ((i = 0; i < $2; i++)); do
  a=ERR
  if exec 3<>"/dev/tcp/$0/$1"; then echo hello >&3; IFS= read -r -t 5 a <&3; exec 3<&-; fi
  echo "${a:-ERR}"
done'
# batch NS SCRIPT HOST PORT N: N answers, one per line ("ERR" for each that did not come).
batch() {
  local out; out=$(on "$1" timeout $(( 10 + 2 * $5 )) bash -c "$2" "$3" "$4" "$5" 2>/dev/null)
  local got; got=$(grep -c . <<< "$out")
  [ -n "$out" ] && echo "$out"
  local i; for ((i = got; i < $5; i++)); do echo ERR; done
}
# ask NS URL N: N HTTP requests (one connection each); the answering pods' names, one per line.
ask() {
  local hp=${2#http://}; hp=${hp%%/*}
  local h=${hp%:*} p=80; [[ $hp == *:* ]] && p=${hp##*:}
  batch "$1" "$BATCH_HTTP" "$h" "$p" "$3"
}
http() { ask "$1" "$2" 1; }
# tcp_lines HOST PORT N: N fresh connections to the echo port from the node: "pod-x hello" each.
tcp_lines() { batch node "$BATCH_TCP" "$1" "$2" "$3"; }
# udps NS HOST PORT N: N datagrams, each from a fresh socket (a new IPVS connection); one answer per line.
# (dd: one read() takes one whole datagram; bash's read would take one byte of it.)
BATCH_UDP='for ((i = 0; i < $2; i++)); do
  exec 3<>"/dev/udp/$0/$1" && echo ping >&3 && dd bs=2048 count=1 status=none <&3 || echo ERR
  exec 3<&-
done'
udps() { batch "$1" "$BATCH_UDP" "$2" "$3" "$4"; }
distinct() { sort -u | grep -vc '^$'; }
only() { [ "$(sort -u)" = "$1" ]; }                       # stdin holds exactly the lines "$1" (sorted, unique)
joined() { sort | uniq -c | awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}'; }

# --- IPVS / addresses / ipsets read back -------------------------------------------------------------------
# ipvs_norm: `ipvsadm -Ln` (stdin) as sorted lines "VS" and "VS -> RS FWD WEIGHT" (counters dropped).
ipvs_norm() {
  awk '/^(TCP|UDP|SCTP|FWM) / { vs = $0; sub(/ +$/, "", vs); gsub(/ +/, " ", vs); print vs; next }
       $1 == "->" && $2 != "RemoteAddress:Port" { print vs " -> " $2 " " $3 " " $4 }' | LC_ALL=C sort
}
# Not ours: one on an address nowhere on the node, one on a node address with a port our ClusterIPs use.
FOREIGN=172.31.0.1:80 FOREIGN2=10.0.0.10:80
kernel_table() { ipvsadm -Ln | ipvs_norm | grep -vF -e " $FOREIGN " -e " $FOREIGN2 "; }
# rs PROTO VIP:PORT: "ADDRESS WEIGHT ACTIVE INACTIVE" per real server of one virtual server.
rs() { ipvsadm -Ln "--$1-service" "$2" 2>/dev/null | awk '$1 == "->" && $2 != "RemoteAddress:Port" { print $2, $4, $5, $6 }'; }
vs_line() { ipvsadm -Ln "--$1-service" "$2" 2>/dev/null | awk '/^(TCP|UDP|SCTP) / { $1 = $1; print; exit }'; }
dummy_addrs() { ip -o addr show dev kube-ipvs0 2>/dev/null | awk '{ print $4 }' | LC_ALL=C sort; }
ipset_adds() { ipset save 2>/dev/null | awk '$1 == "add" && $2 ~ /^KUBE-/' | LC_ALL=C sort; }

# replan: `kube-ipvs plan` for the current manifests and the node's current addresses (not kube-ipvs0), kept
# in $W/plan.txt (a debug binary starts slowly under TCG: plan once per manifest change, compare often).
replan() {
  local ips; ips=$(ip -o -4 addr show | awk '$2 != "kube-ipvs0" { sub(/\/.*/, "", $4); printf " --node-ip %s", $4 }')
  # shellcheck disable=SC2086
  "$BIN" plan --manifests "$M" --hostname-override node1 --cluster-cidr 10.244.0.0/16 $ips > "$W/plan.txt" 2>&1
}
plan_section() { awk -v h="## $1" 'index($0, h) == 1 { on = 1; next } /^## / { on = 0 } on && NF' "$W/plan.txt"; }
plan_table() { plan_section "IPVS table" | ipvs_norm; }
plan_addrs() { plan_section "kube-ipvs0 addresses" | LC_ALL=C sort; }
plan_ipset_adds() { plan_section "ipsets" | awk '$1 == "add"' | LC_ALL=C sort; }
# converged: the kernel's table (ours) equals the plan.
converged() { [ "$(kernel_table)" = "$(plan_table)" ]; }
table_diff() { diff <(plan_table) <(kernel_table) | grep '^[<>]' | head -${1:-6} | tr '\n' ';'; }

# --- the daemon -----------------------------------------------------------------------------------------------
DAEMON_ARGS=(--hostname-override node1 --cluster-cidr 10.244.0.0/16 --ipvs-min-sync-period 0s
  --ipvs-sync-period 5s --ipvs-tcpfin-timeout 2s --healthz-bind-address 127.0.0.1:10256
  --metrics-bind-address 127.0.0.1:10249)
SOURCE_ARGS=(--manifests "$M")   # check 13 switches to --master (the test API server)
healthz_code() { curl -s -o /dev/null -m 10 -w '%{http_code}' http://127.0.0.1:10256/healthz 2>/dev/null; }
healthy() { [ "$(healthz_code)" = 200 ]; }
metrics() { curl -sS -m 10 http://127.0.0.1:10249/metrics 2>/dev/null; }
# start_daemon [ARGS...]: starts kube-ipvs in the background; waits (bounded) for healthz 200.
start_daemon() {
  echo "=== daemon start $(date +%T) $*" >> "$DLOG"
  "$BIN" "${DAEMON_ARGS[@]}" "${SOURCE_ARGS[@]}" -v 2 "$@" >> "$DLOG" 2>&1 &
  DPID=$!
  eventually 120 healthy
}
stop_daemon() {  # SIGTERM, bounded wait, then SIGKILL
  [ -n "$DPID" ] || return 0
  kill "$DPID" 2>/dev/null
  local i; for ((i = 0; i < 50; i++)); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=
}
sync_count() { metrics | awk '/^kubeproxy_sync_proxy_rules_duration_seconds_count/ { print $2 }'; }
