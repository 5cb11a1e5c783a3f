# checks-serve.sh -- checks 1, 2, 3, 5, 10, 11 of the daemon end-to-end tier: a running daemon serving the
# base manifests (sourced by daemon-e2e.sh, in the guest).

# 1. ClusterIP spread (rr alternation) over TCP and UDP; the kernel equals `kube-ipvs plan`.
check_clusterip() {
  local seq; seq=$(ask node http://10.96.0.10/ 9)
  local period=ok i; local -a s=($seq)
  for ((i = 3; i < 9; i++)); do [ "${s[i]}" = "${s[i - 3]}" ] || period=broken; done
  if [ "$(echo "$seq" | distinct)" = 3 ] && [ $period = ok ] && ! echo "$seq" | grep -q ERR; then
    pass "clusterip-rr-spread"
  else fail "clusterip-rr-spread" "9 requests to 10.96.0.10:80 answered by: $(echo $seq)"; fi
  local u; u=$(udps node 10.96.0.10 53 6)
  verdict "clusterip-udp" "6 datagrams to 10.96.0.10:53 answered by: $(echo $u)" \
    test "$(echo "$u" | grep -v ERR | distinct)" = 3 -a "$(echo "$u" | grep -c ERR)" = 0
  verdict "ipvsadm-equals-plan" '=plan vs kernel: $(table_diff)' converged
  local want have; want=$(plan_addrs); have=$(dummy_addrs)
  verdict "kube-ipvs0-equals-plan" "plan [$(echo $want)] kernel [$(echo $have)]" \
    test -n "$have" -a "$want" = "$have" -a -z "$(echo "$have" | uniq -d)"
  want=$(plan_ipset_adds); have=$(ipset_adds)
  verdict "ipsets-equal-plan" "=\$(diff <(echo \"\$want\") <(echo \"\$have\") | grep '^[<>]' | head -4 | tr '\\n' ';')" \
    test -n "$have" -a "$want" = "$have"
}

# 2. NodePort from outside on every local address; externalIP; LoadBalancer ingress IP.
check_external() {
  local a r
  for a in 10.0.0.10 10.0.0.11; do
    r=$(ask client "http://$a:30080/" 4)
    verdict "nodeport-$a" "4 requests from the client answered by: $(echo $r)" \
      test "$(echo "$r" | sort -u | tr '\n' ' ')" = "pod-a pod-b "
  done
  local missing=; for a in 10.0.0.10 10.0.0.11 10.244.0.1; do [ -n "$(vs_line tcp $a:30080)" ] || missing+=" $a"; done
  verdict "nodeport-on-every-local-address" "no virtual server for:$missing" test -z "$missing"
  r=$(ask client http://192.0.2.10/ 4)
  verdict "externalip" "192.0.2.10:80 from the client answered by: $(echo $r)" \
    test "$(echo "$r" | sort -u | tr '\n' ' ')" = "pod-a pod-b "
  r=$(ask client http://192.0.2.100/ 4)
  verdict "loadbalancer-ingress" "192.0.2.100:80 from the client answered by: $(echo $r)" \
    test "$(echo "$r" | sort -u | tr '\n' ' ')" = "pod-c pod-d "
}

# 3. ClientIP affinity: one pod answers everything; persistent + timeout in ipvsadm.
check_affinity() {
  local r; r=$(ask node http://10.96.0.40/ 8)
  verdict "affinity-sticks" "8 requests answered by: $(echo $r | tr ' ' '\n' | joined)" \
    test "$(echo "$r" | distinct)" = 1 -a "$(echo "$r" | grep -c '^pod-')" = 8
  local l; l=$(vs_line tcp 10.96.0.40:80)
  verdict "affinity-persistent-in-ipvsadm" "ipvsadm: '$l'" test "$l" = "TCP 10.96.0.40:80 rr persistent 300"
}

# 5. externalTrafficPolicy Local (NodePort: the node1 endpoint only; ClusterIP: all) and internalTrafficPolicy Local.
check_traffic_policy() {
  local r; r=$(ask client http://10.0.0.10:30082/ 6)
  verdict "etp-local-nodeport" "6 requests answered by: $(echo $r)" test "$(echo "$r" | sort -u)" = pod-a
  local l; l=$(rs tcp 10.0.0.10:30082 | awk '{ print $1 }' | tr '\n' ' ')
  verdict "etp-local-nodeport-ipvsadm" "real servers of 10.0.0.10:30082: $l" test "$l" = "10.244.1.11:8080 "
  r=$(ask node http://10.96.0.50/ 6)
  verdict "etp-local-clusterip-uses-all" "6 requests answered by: $(echo $r)" \
    test "$(echo "$r" | sort -u | tr '\n' ' ')" = "pod-a pod-c pod-d "
  r=$(ask node http://10.96.0.60/ 4)
  verdict "itp-local-clusterip" "4 requests answered by: $(echo $r)" test "$(echo "$r" | sort -u)" = pod-a
  l=$(rs tcp 10.96.0.60:80 | awk '{ print $1 }' | tr '\n' ' ')
  verdict "itp-local-ipvsadm" "real servers of 10.96.0.60:80: $l" test "$l" = "10.244.1.11:8080 "
  # Topology hints (node1 in zone-a): the zone's endpoints only; hints on some endpoints only are ignored;
  # node hints naming node1 win over zone hints.
  local svc want ip
  for svc in "zoned 10.96.0.51 pod-a,pod-b" "partial 10.96.0.52 pod-a,pod-c" "samenode 10.96.0.53 pod-a,pod-b"; do
    set -- $svc
    r=$(ask node "http://$2/" 8)
    want=$(echo "$3" | tr ',' '\n')
    l=$(rs tcp "$2:80" | awk '{ print $1 }' | LC_ALL=C sort | tr '\n' ' ')
    verdict "topology-$1" "8 requests answered by: $(echo $r); real servers: $l" \
      test "$(echo "$r" | sort -u)" = "$want" -a "$(echo "$l" | wc -w)" = "$(echo "$want" | wc -l)"
  done
}

# 10. Malformed objects: a clear log line and kubeipvs_rejected_objects; the rest syncs (valid endpoints too).
check_rejections() {
  local m; m=$(metrics)
  verdict "rejected-service-logged" "no log line naming e2e/bad-port and port 70000" \
    grep -q '"rejected object" .*object="e2e/bad-port" reason=".*70000' "$DLOG"
  verdict "rejected-slice-logged" "no log line naming e2e/badslice-1 and 10.244.1.999" \
    grep -q '"rejected object" .*object="e2e/badslice-1" reason=".*10.244.1.999' "$DLOG"
  verdict "rejected-objects-metric" "=\$(echo \"\$m\" | grep '^kubeipvs_rejected_objects' | tr '\\n' ';')" \
    test "$(echo "$m" | grep -c -e '^kubeipvs_rejected_objects{kind="Service"} 1' \
      -e '^kubeipvs_rejected_objects{kind="EndpointSlice"} 1')" = 2
  verdict "rejected-service-not-programmed" "10.96.0.90 in ipvsadm" test -z "$(ipvsadm -Ln | grep 10.96.0.90)"
  local r; r=$(ask node http://10.96.0.91/ 3)
  verdict "rejected-endpoint-others-serve" "10.96.0.91 answered by: $(echo $r)" test "$(echo "$r" | sort -u)" = pod-b
}

# 11. healthz and metrics with kube-proxy's names; IPVS timeouts; no re-plan caused by our own addresses.
check_observability() {
  verdict "healthz-200" '=healthz answered $(healthz_code)' test "$(healthz_code)" = 200
  local m n missing=; m=$(metrics)
  for n in kubeproxy_sync_proxy_rules_last_timestamp_seconds kubeproxy_sync_proxy_rules_duration_seconds_bucket \
    kubeproxy_sync_proxy_rules_duration_seconds_count kubeproxy_network_programming_duration_seconds_count; do
    echo "$m" | grep -q "^$n" || missing+=" $n"
  done
  verdict "metrics-kube-proxy-names" "missing:$missing" test -z "$missing"
  verdict "metrics-last-sync-recent" "=\$(echo \"\$m\" | grep '^kubeproxy_sync_proxy_rules_last_timestamp_seconds')" \
    awk -v now="$(date +%s)" '/^kubeproxy_sync_proxy_rules_last_timestamp_seconds / { ok = ($2 > now - 30) } END { exit !ok }' <<< "$m"
  # --ipvs-tcpfin-timeout 2s reached the kernel; tcp and udp (flags not given) were left as they were.
  local t; t=$(ipvsadm -L --timeout 2>&1)
  verdict "ipvs-timeout-flags-applied" "ipvsadm: $t" test "$t" = "Timeout (tcp tcpfin udp): 900 2 300"
  # Service IPs appearing on kube-ipvs0 are no change of the node's addresses (no re-plan of everything).
  verdict "address-poll-ignores-kube-ipvs0" "=\$(grep 'local addresses changed' \"\$DLOG\" | head -1 | cut -c1-200)" \
    test "$(grep -c 'local addresses changed' "$DLOG")" = 0
  verdict "metrics-proxy-mode-ipvs" "=\$(echo \"\$m\" | grep '^kubeipvs_proxy_mode' | tr '\\n' ';')" \
    grep -q '^kubeipvs_proxy_mode{mode="ipvs"} 1' <<< "$m"
}
