#!/bin/bash
# SPDX-License-Identifier: MIT
# battstore — the map grows under concurrent queries: a server started on
# a 1 MiB map (BATTSTORE_MAP_SIZE) loads ~150,000 triples by SPARQL LOAD
# while four clients query in a loop, reading terms from the map.  Every
# query must answer 200 with a consistent count, the map must grow
# several times, and the server must stop cleanly (under ASan: no
# use of the old mapping).
. "$(dirname "$0")/lib.sh"

EX=http://example.org/grow/
W="Authorization: Bearer wtok"
printf 'wtok writer\n' >"$T/tokens"
mkdir -p "$T/load"
for k in 1 2 3; do
  awk -v k="$k" -v ex="$EX" 'BEGIN {
    for (i = 0; i < 50000; i++)
      printf "<%ss%d-%d> <%sp> \"value number %d of file %d, long enough to fill pages\" .\n",
             ex, k, i, ex, i, k
  }' >"$T/load/part$k.nt"
done

store=$T/store
BATTSTORE_MAP_SIZE=1048576 bs_serve_start --store "$store" --tokens "$T/tokens" \
  --allow-load "$T/load" --threads 8 || { fail "server starts on a 1 MiB map"; finish; exit 1; }
ok "server starts on a 1 MiB map"
map0=$(stat -c %s "$store/data.mdb")

update() { curl -s -o "$T/ub" -w '%{http_code}' -H "$W" -H 'Content-Type: application/sparql-update' --data-binary "$1" "$URL/sparql"; }
eq "a first small insert" "$(update "INSERT DATA { <${EX}seed> <${EX}p> \"seed\" }")" 200

# client N: queries until $T/stop exists; one line per answer: status and
# the count it saw (must never go down: snapshots only move forward)
client() {
  local i=$1 last=0 q c s final=
  q="SELECT (COUNT(*) AS ?n) WHERE { ?s <${EX}p> ?o }"
  # one more round after the stop file appears: a query begun after the
  # last load returned must see all of it
  while [ -z "$final" ]; do
    [ -e "$T/stop" ] && final=1
    s=$(curl -s -o "$T/c$i.b" -w '%{http_code}' -G -H 'Accept: text/csv' --data-urlencode "query=$q" "$URL/sparql")
    c=$(sed -n 2p "$T/c$i.b" | tr -d '\r')
    if [ "$s" != 200 ] || [ -z "$c" ] || [ "$c" -lt "$last" ]; then echo "bad $s $c $last"; else echo "ok $c"; fi
    [ -n "$c" ] && last=$c
    # a query that reads terms (the literals) out of the map
    s=$(curl -s -o "$T/d$i.b" -w '%{http_code}' -G -H 'Accept: text/tab-separated-values' \
      --data-urlencode "query=SELECT ?s ?o WHERE { ?s <${EX}p> ?o } LIMIT 500" "$URL/sparql")
    [ "$s" = 200 ] && grep -q 'value number\|seed' "$T/d$i.b" && echo "ok read" || echo "bad read $s"
  done >"$T/client$i.log"
}
cpids=""
for i in 1 2 3 4; do client "$i" & cpids="$cpids $!"; done
sleep 0.5

for k in 1 2 3; do
  eq "LOAD part $k while the clients query" \
    "$(update "LOAD <file://$T/load/part$k.nt> INTO GRAPH <${EX}g$k>")" 200
done
touch "$T/stop"
for p in $cpids; do wait "$p" 2>/dev/null; done

answers=$(cat "$T"/client*.log | wc -l)
bad=$(cat "$T"/client*.log | grep -c '^bad' || true)
check "the clients got answers during the loads ($answers)" [ "$answers" -ge 8 ]
eq "every query answered 200 with a count that never went down" "$bad" 0
[ "$bad" -eq 0 ] || grep -h '^bad' "$T"/client*.log | head -5 | sed 's/^/# /'
check "the clients saw the loads land" grep -qh '^ok 150001$' "$T"/client*.log
check "server still running" kill -0 "$SPID"

s=$(curl -s -G -H 'Accept: text/csv' --data-urlencode \
  "query=SELECT (COUNT(*) AS ?n) WHERE { ?s <${EX}p> ?o }" "$URL/sparql" | sed -n 2p | tr -d '\r')
eq "all 150,001 triples are there" "$s" 150001
map1=$(stat -c %s "$store/data.mdb")
check "the map grew at least three doublings ($map0 -> $map1 bytes)" [ "$map1" -ge $((map0 * 8)) ]
check "growth logged nothing alarming" bash -c "! grep -qi 'error\|sanitizer\|busy' '$SLOG'"
bs_serve_stop
eq "clean stop" "$?" 0
finish
