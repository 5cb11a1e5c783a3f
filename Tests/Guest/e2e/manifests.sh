# manifests.sh -- the objects of the daemon end-to-end tier (sourced by daemon-e2e.sh, in the guest).
# Files in $M, one concern per file so a check can rewrite one atomically (write elsewhere, then mv).

HTTP='[{name: http, protocol: TCP, port: 8080}]'
WEB='[{name: http, protocol: TCP, port: 8080}, {name: dns, protocol: UDP, port: 5353}]'
ECHO='[{name: echo, protocol: TCP, port: 9000}]'
HTTP_PORT='{name: http, protocol: TCP, port: 80, targetPort: 8080'     # closed by the caller (nodePort)

# put FILE: stdin becomes $M/FILE atomically (empty stdin: the file is removed).
put() {
  local tmp=$W/put.$$
  cat > "$tmp"
  if [ -s "$tmp" ]; then mv -f "$tmp" "$M/$1"; else rm -f "$tmp" "$M/$1"; fi
}

# service NAME CLUSTERIP SPEC-LINES...: a Service in namespace e2e (extra spec lines, indented by 2).
service() {
  local name=$1 ip=$2; shift 2
  printf -- '---\napiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: e2e}\nspec:\n  clusterIP: %s\n' "$name" "$ip"
  local l; for l in "$@"; do printf '  %s\n' "$l"; done
}

# slice SERVICE PORTS POD...: the service's EndpointSlice, every pod ready (POD: a..e, or ADDRESS@NODE).
slice() {
  local svc=$1 ports=$2; shift 2
  printf -- '---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n'
  printf 'metadata: {name: %s-1, namespace: e2e, labels: {kubernetes.io/service-name: %s}}\n' "$svc" "$svc"
  printf 'addressType: IPv4\nports: %s\n' "$ports"
  [ $# = 0 ] && { echo 'endpoints: []'; return; }
  echo 'endpoints:'
  local p ip node
  for p in "$@"; do
    case $p in *@*) ip=${p%@*} node=${p#*@} ;; *) ip=${POD_IP[$p]} node=${POD_NODE[$p]} ;; esac
    printf -- '- {addresses: ["%s"], conditions: {ready: true, serving: true, terminating: false}, nodeName: %s}\n' "$ip" "$node"
  done
}

# hinted_slice SERVICE PORTS POD[=ZONE[/NODE]]...: like slice, each endpoint with the topology hints the
# EndpointSlice controller writes (forZones ZONE, forNodes NODE); a bare POD has none.
hinted_slice() {
  local svc=$1 ports=$2; shift 2
  printf -- '---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n'
  printf 'metadata: {name: %s-1, namespace: e2e, labels: {kubernetes.io/service-name: %s}}\n' "$svc" "$svc"
  printf 'addressType: IPv4\nports: %s\nendpoints:\n' "$ports"
  local e p hint zone node
  for e in "$@"; do
    p=${e%%=*} hint=
    if [ "$p" != "$e" ]; then
      zone=${e#*=} node=; [[ $zone == */* ]] && node=${zone#*/} zone=${zone%/*}
      hint=", hints: {forZones: [{name: $zone}]${node:+, forNodes: [{name: $node\}]}}"
    fi
    printf -- '- {addresses: ["%s"], conditions: {ready: true}, nodeName: %s%s}\n' "${POD_IP[$p]}" "${POD_NODE[$p]}" "$hint"
  done
}

write_base_manifests() {
  put 00-node.yaml <<'Y'
apiVersion: v1
kind: Node
metadata: {name: node1, labels: {topology.kubernetes.io/zone: zone-a}}
status:
  addresses:
  - {type: InternalIP, address: 10.0.0.10}
  - {type: Hostname, address: node1}
Y
  {
    service web 10.96.0.10 'ports:' "- $HTTP_PORT}" '- {name: dns, protocol: UDP, port: 53, targetPort: 5353}'
    slice web "$WEB" a b c
    service np 10.96.0.20 'type: NodePort' 'externalIPs: ["192.0.2.10"]' 'ports:' "- $HTTP_PORT, nodePort: 30080}"
    slice np "$HTTP" a b
    service lb 10.96.0.30 'type: LoadBalancer' 'ports:' "- $HTTP_PORT, nodePort: 30081}"
    printf 'status:\n  loadBalancer:\n    ingress:\n    - {ip: 192.0.2.100}\n'
    slice lb "$HTTP" c d
    service sticky 10.96.0.40 'sessionAffinity: ClientIP' 'sessionAffinityConfig: {clientIP: {timeoutSeconds: 300}}' \
      'ports:' "- $HTTP_PORT}"
    slice sticky "$HTTP" a b c d
    service local 10.96.0.50 'type: NodePort' 'externalTrafficPolicy: Local' 'ports:' "- $HTTP_PORT, nodePort: 30082}"
    slice local "$HTTP" a c d
  } | put 10-services.yaml
  { service ilocal 10.96.0.60 'internalTrafficPolicy: Local' 'ports:' "- $HTTP_PORT}"; slice ilocal "$HTTP" a c; } |
    put 12-ilocal.yaml
  {  # topology (docs/routing-decisions.md): node1 is in zone-a
    service zoned 10.96.0.51 'trafficDistribution: PreferClose' 'ports:' "- $HTTP_PORT}"
    hinted_slice zoned "$HTTP" a=zone-a b=zone-a c=zone-b d=zone-b
    service partial 10.96.0.52 'ports:' "- $HTTP_PORT}"
    hinted_slice partial "$HTTP" a=zone-a c
    service samenode 10.96.0.53 'ports:' "- $HTTP_PORT}"
    hinted_slice samenode "$HTTP" a=zone-a/node1 b=zone-a/node1 c=zone-a/node2
  } | put 13-topology.yaml
  write_edit a
  write_hold a b
  {
    service bad-port 10.96.0.90 'ports:' '- {name: http, protocol: TCP, port: 70000, targetPort: 8080}'
    service badslice 10.96.0.91 'ports:' "- $HTTP_PORT}"
    slice badslice "$HTTP" 10.244.1.999@node1 b
  } | put 30-bad.yaml
}

# The service whose endpoints check 6 edits (HTTP and UDP).
write_edit() {
  { service edit 10.96.0.80 'ports:' "- $HTTP_PORT}" '- {name: dns, protocol: UDP, port: 53, targetPort: 5353}'
    slice edit "$WEB" "$@"; } | put 20-edit.yaml
}
# The TCP echo service of the graceful-termination check.
write_hold() {
  { service hold 10.96.0.70 'ports:' '- {name: echo, protocol: TCP, port: 9000, targetPort: 9000}'
    slice hold "$ECHO" "$@"; } | put 21-hold.yaml
}
# bulk_jsonl N: N services 10.97.x.y, two endpoints each, as JSON lines (check 8; written ahead, moved in
# at once; JSON because a debug build parses YAML slowly: 200 services take seconds under TCG).
BULK=120
bulk_jsonl() {
  local i ep='{"addresses":["%s"],"conditions":{"ready":true},"nodeName":"node1"}'
  for ((i = 1; i <= $1; i++)); do
    printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"bulk-%d","namespace":"e2e"},"spec":{"clusterIP":"10.97.%d.%d","ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}}\n' \
      $i $((i / 250)) $((i % 250 + 1))
    printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"bulk-%d-1","namespace":"e2e","labels":{"kubernetes.io/service-name":"bulk-%d"}},"addressType":"IPv4","ports":[{"name":"http","protocol":"TCP","port":8080}],"endpoints":['"$ep,$ep"']}\n' \
      $i $i "${POD_IP[a]}" "${POD_IP[b]}"
  done
}
