#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SERVICE (federated query) between two real `battstore serve` instances:
# A joins its data with B's through SERVICE <B/sparql>, SERVICE ?ep from
# A's data, SILENT on a dead port, a silent endpoint bounded by
# --timeout, and `battstore query` using the built-in client.  The
# --service-allow list: A allows http://127.0.0.1: (a dead port is 502),
# C (A's store) only B's endpoint (others 403, SILENT empty, SERVICE ?ep
# too), D nothing (the default).
. "$(dirname "$0")/lib.sh"

X='PREFIX ex: <http://ex.org/>'
# sparql URL QUERY [CURL-ARGS...]: the CSV answer (CR stripped), status in $T/code
sparql() {
  local url=$1 q=$2
  shift 2
  curl -s -o "$T/body" -w '%{http_code}' -H 'Accept: text/csv' \
    --data-urlencode "query=$q" "$@" "$url/sparql" >"$T/code"
  tr -d '\r' <"$T/body"
}
code() { cat "$T/code"; }

# B: ages, and a partner triple pointing back at nothing in particular
cat >"$T/b.ttl" <<'TTL'
@prefix ex: <http://ex.org/> .
ex:alice ex:age 30 .
ex:bob ex:age 40 .
ex:carol ex:age 50 ; ex:name "Carol (B)" .
_:n ex:note "a blank node of B" .
TTL
"$BS" load --store "$T/b" "$T/b.ttl" >/dev/null 2>&1 || fail "load B"
bs_serve_start --store "$T/b" --quiet || { fail "B starts"; finish; exit 1; }
URL_B=$URL PID_B=$SPID
ok "B serves at $URL_B"

# a port that is closed: bind, note, release
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# A: names, and the endpoints of its partners as data (SERVICE ?ep)
cat >"$T/a.ttl" <<TTL
@prefix ex: <http://ex.org/> .
ex:alice ex:name "Alice" .
ex:bob ex:name "Bob" .
ex:dave ex:name "Dave" .
ex:partnerB ex:endpoint <$URL_B/sparql> .
TTL
"$BS" load --store "$T/a" "$T/a.ttl" >/dev/null 2>&1 || fail "load A"
bs_serve_start --store "$T/a" --timeout 2 --quiet --service-allow 'http://127.0.0.1:' ||
  { fail "A starts"; finish; exit 1; }
URL_A=$URL PID_A=$SPID
ok "A serves at $URL_A"

got=$(sparql "$URL_A" "$X SELECT ?n ?age { ?s ex:name ?n SERVICE <$URL_B/sparql> { ?s ex:age ?age } } ORDER BY ?n")
eq "A joins its names with B's ages (200)" "$(code)" 200
eq "the joined rows" "$got" "$(printf 'n,age\nAlice,30\nBob,40')"

got=$(sparql "$URL_A" "$X SELECT ?n ?age { ?s ex:name ?n OPTIONAL { SERVICE <$URL_B/sparql> { ?s ex:age ?age } } } ORDER BY ?n")
eq "OPTIONAL { SERVICE }: Dave without an age" "$got" "$(printf 'n,age\nAlice,30\nBob,40\nDave,')"

got=$(sparql "$URL_A" "$X SELECT ?ep ?age { ?p ex:endpoint ?ep SERVICE ?ep { ex:carol ex:age ?age } }")
eq "SERVICE ?ep: the endpoint from A's data" "$got" "$(printf 'ep,age\n%s,50' "$URL_B/sparql")"

got=$(sparql "$URL_A" "$X SELECT (isBlank(?b) AS ?blank) ?note { SERVICE <$URL_B/sparql> { ?b ex:note ?note } }")
eq "B's blank nodes come back as blank nodes" "$got" "$(printf 'blank,note\ntrue,a blank node of B')"

got=$(sparql "$URL_A" "$X SELECT ?n { ?s ex:name ?n SERVICE SILENT <http://127.0.0.1:$DEAD/sparql> { ?s ex:age ?age } } ORDER BY ?n")
eq "SERVICE SILENT to a dead port: 200" "$(code)" 200
eq "SILENT: A's rows, joined with the empty solution" "$got" "$(printf 'n\nAlice\nBob\nDave')"

got=$(sparql "$URL_A" "$X SELECT ?n { ?s ex:name ?n SERVICE <http://127.0.0.1:$DEAD/sparql> { ?s ex:age ?age } }")
eq "SERVICE to a dead port (allowed): 502 Bad Gateway" "$(code)" 502
check "the error names the endpoint" grep -q "SERVICE <http://127.0.0.1:$DEAD/sparql>" "$T/body"

got=$(sparql "$URL_A" "SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }")
eq "SERVICE <file:...> is refused (not an allowed prefix): 403" "$(code)" 403
check "no file content in the answer" bash -c "! grep -q 'root:' '$T/body'"

# an endpoint that accepts and never answers: A's --timeout 2 ends it
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(60)' >"$T/slow.port" &
SLOW=$!
for i in $(seq 1 100); do [ -s "$T/slow.port" ] && break; sleep 0.05; done
SLOWPORT=$(cat "$T/slow.port")
for silent in "" SILENT; do
  start=$(date +%s%N)
  sparql "$URL_A" "SELECT * { SERVICE $silent <http://127.0.0.1:$SLOWPORT/sparql> { ?s ?p ?o } }" >/dev/null
  ms=$((($(date +%s%N) - start) / 1000000))
  eq "slow endpoint${silent:+ (SILENT)}: 503 after A's --timeout 2" "$(code)" 503
  check "slow endpoint${silent:+ (SILENT)}: answered in 1.5-4 s (took $ms ms)" \
    test "$ms" -ge 1500 -a "$ms" -lt 4000
done
kill "$SLOW" 2>/dev/null
wait "$SLOW" 2>/dev/null

# ---- the allow list: C allows only B's endpoint ------------------------
"$BS" load --store "$T/c" "$T/a.ttl" >/dev/null 2>&1 || fail "load C"
printf '<http://ex.org/partnerX> <http://ex.org/endpoint> <http://127.0.0.1:%s/sparql> .\n' "$DEAD" \
  >"$T/x.nt"
"$BS" load --store "$T/c" "$T/x.nt" >/dev/null 2>&1 || fail "load C's second partner"
bs_serve_start --store "$T/c" --quiet --service-allow "$URL_B/" || { fail "C starts"; finish; exit 1; }
URL_C=$URL PID_C=$SPID
got=$(sparql "$URL_C" "$X SELECT ?n ?age { ?s ex:name ?n SERVICE <$URL_B/sparql> { ?s ex:age ?age } } ORDER BY ?n")
eq "C: an allowed prefix is called (200)" "$(code)" 200
eq "C: the joined rows" "$got" "$(printf 'n,age\nAlice,30\nBob,40')"
got=$(sparql "$URL_C" "$X SELECT ?n { ?s ex:name ?n SERVICE <http://127.0.0.1:$DEAD/sparql> { ?s ex:age ?age } }")
eq "C: an endpoint outside the list: 403" "$(code)" 403
eq "C: the refusal says why" "$got" \
  "SERVICE <http://127.0.0.1:$DEAD/sparql> is not allowed by this server (see --service-allow)"
got=$(sparql "$URL_C" "$X SELECT ?n { ?s ex:name ?n SERVICE SILENT <http://127.0.0.1:$DEAD/sparql> { ?s ex:age ?age } } ORDER BY ?n")
eq "C: SILENT on a refused endpoint: 200" "$(code)" 200
eq "C: SILENT: the empty solution" "$got" "$(printf 'n\nAlice\nBob\nDave')"
got=$(sparql "$URL_C" "$X SELECT ?age { ex:partnerX ex:endpoint ?ep SERVICE ?ep { ex:carol ex:age ?age } }")
eq "C: SERVICE ?ep bound to a refused endpoint: 403" "$(code)" 403
check "C: ... naming it" grep -q "^SERVICE <http://127.0.0.1:$DEAD/sparql> is not allowed" "$T/body"
got=$(sparql "$URL_C" "$X SELECT ?age { ex:partnerB ex:endpoint ?ep SERVICE ?ep { ex:carol ex:age ?age } }")
eq "C: SERVICE ?ep bound to the allowed one" "$got" "$(printf 'age\n50')"
sparql "$URL_C" "SELECT * { SERVICE <${URL_B}0/sparql> { ?s ?p ?o } }" >/dev/null
eq "C: another port that starts with B's digits does not match '$URL_B/': 403" "$(code)" 403
check "C stops" bs_serve_stop "$PID_C"

# ---- D: no --service-allow: nothing is called ---------------------------
bs_serve_start --store "$T/c" --quiet || { fail "D starts"; finish; exit 1; }
URL_D=$URL PID_D=$SPID
sparql "$URL_D" "$X SELECT ?age { SERVICE <$URL_B/sparql> { ex:carol ex:age ?age } }" >/dev/null
eq "D (default): SERVICE to B is refused, 403" "$(code)" 403
got=$(sparql "$URL_D" "$X SELECT ?n { ?s ex:name ?n SERVICE SILENT <$URL_B/sparql> { ?s ex:age ?age } } ORDER BY ?n")
eq "D: SILENT: the empty solution" "$got" "$(printf 'n\nAlice\nBob\nDave')"
check "D stops" bs_serve_stop "$PID_D"
"$BS" serve --help | grep -q -- '--service-allow' && ok "serve --help documents --service-allow" ||
  fail "serve --help documents --service-allow"
"$BS" serve --help | grep -q 'Default: none allowed' && ok "serve --help: none allowed by default" ||
  fail "serve --help: none allowed by default"

# the CLI uses the built-in client too (B is still serving)
got=$("$BS" query --store "$T/a" --format csv \
  "$X SELECT ?n ?age { ?s ex:name ?n SERVICE <$URL_B/sparql> { ?s ex:age ?age } } ORDER BY ?n" 2>&1 | tr -d '\r')
eq "battstore query: SERVICE to B" "$got" "$(printf 'n,age\nAlice,30\nBob,40')"
got=$("$BS" query --store "$T/a" "SELECT * { SERVICE <http://127.0.0.1:$DEAD/sparql> { ?s ?p ?o } }" 2>&1)
eq "battstore query: a dead endpoint exits 1" "$?" 1
check "battstore query: the message names the endpoint" grep -q "SERVICE <http://127.0.0.1:$DEAD/sparql>" <<<"$got"

check "A stops" bs_serve_stop "$PID_A"
check "B stops" bs_serve_stop "$PID_B"
finish
