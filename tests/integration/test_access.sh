#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The access matrix against the real server: a public, a restricted and a
# confidential graph with distinctive values; each role (anonymous,
# reader:restricted, reader:confidential, writer, a bad token) through
# each door (queries of every form and dataset, Service Description,
# /data, /graphs, updates, named queries, error bodies).  A caller without
# the role must never see a restricted or confidential value — every body
# is searched for them — and the right roles must see them.
. "$(dirname "$0")/lib.sh"

P=http://acc.test/public R=http://acc.test/restricted C=http://acc.test/confidential
# Distinctive strings of each graph (subjects and values), searched in
# every body; the graph IRIs are secrets too where the caller did not name
# them (names_hidden, after the doors that list graphs).
SEC_R='RESVAL-91bc|res-subject-5e'
SEC_C='CONFVAL-d24e|conf-subject-a7'
cat >"$T/pub.ttl" <<'TTL'
<http://acc.test/pub-subject-3f> <http://acc.test/p> "PUBVAL-7f3a" , "shared" .
<http://acc.test/thing> <http://acc.test/label> "thing in public" .
TTL
cat >"$T/res.ttl" <<'TTL'
<http://acc.test/res-subject-5e> <http://acc.test/p> "RESVAL-91bc" , "shared" .
<http://acc.test/thing> <http://acc.test/label> "RESVAL-91bc about a thing" .
TTL
cat >"$T/conf.ttl" <<'TTL'
<http://acc.test/conf-subject-a7> <http://acc.test/p> "CONFVAL-d24e" , "shared" .
<http://acc.test/thing> <http://acc.test/label> "CONFVAL-d24e about a thing" .
TTL
printf '<http://acc.test/default-subject> <http://acc.test/p> "DEFVAL-0c" .\n' >"$T/dflt.nt"
S=$T/s
"$BS" load --quiet --store "$S" --graph "$P" "$T/pub.ttl"
"$BS" load --quiet --store "$S" --graph "$R" "$T/res.ttl"
"$BS" load --quiet --store "$S" --graph "$C" "$T/conf.ttl"
"$BS" load --quiet --store "$S" "$T/dflt.nt"
"$BS" graphs --store "$S" --set-access "$R" restricted >/dev/null
"$BS" graphs --store "$S" --set-access "$C" confidential >/dev/null
cat >"$T/tokens" <<'TOK'
# one token per role
rr-t0k reader:restricted
cc-t0k reader:confidential
ww-t0k writer
TOK
mkdir -p "$T/queries"
printf 'SELECT ?s ?o WHERE { ?s ?p ?o }\n' >"$T/queries/everything.rq"
bs_serve_start --store "$S" --tokens "$T/tokens" --queries "$T/queries" ||
  { fail "server starts" "$(cat "$SLOG")"; finish; exit 1; }

ROLES="anon rr cc ww"
hdr() { case $1 in anon) echo "X-None: 1" ;; bad) echo "Authorization: Bearer wrong" ;;
        *) echo "Authorization: Bearer $1-t0k" ;; esac; }
sees_r() { [ "$1" != anon ]; }
sees_c() { [ "$1" = cc ] || [ "$1" = ww ]; }
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# call ROLE DESC curl-args...: body in $T/body, status in $code; then
# checks that no secret the role may not see is in the body.
nbody=0
call() {
  local role=$1 desc=$2
  shift 2
  code=$(curl -s -m 60 -o "$T/body" -D "$T/head" -w '%{http_code}' -H "$(hdr "$role")" "$@")
  nbody=$((nbody + 1))
  cp "$T/body" "$T/bodies.$nbody"
  if ! sees_r "$role" && grep -Eq "$SEC_R" "$T/body" "$T/head"; then
    fail "$role: $desc leaks restricted data" "$(grep -Eo "$SEC_R" "$T/body" | head -1)"
  fi
  if ! sees_c "$role" && grep -Eq "$SEC_C" "$T/body" "$T/head"; then
    fail "$role: $desc leaks confidential data" "$(grep -Eo "$SEC_C" "$T/body" | head -1)"
  fi
}
has() { grep -Eq "$1" "$T/body"; }
# names_hidden ROLE DESC: the last body names no graph the role may not see
names_hidden() {
  local bad=""
  sees_r "$1" || ! grep -q 'acc.test/restricted' "$T/body" || bad=restricted
  sees_c "$1" || ! grep -q 'acc.test/confidential' "$T/body" || bad="$bad confidential"
  if [ -z "$bad" ]; then ok "$1: $2 names no hidden graph"; else fail "$1: $2 names a hidden graph" "$bad"; fi
}
# expect ROLE DESC: the body holds the values the role may see, and only those
expect() {
  local role=$1 desc=$2 okk=1
  has 'PUBVAL-7f3a' || okk=0
  if sees_r "$role"; then has 'RESVAL-91bc' || okk=0; fi
  if sees_c "$role"; then has 'CONFVAL-d24e' || okk=0; fi
  if [ "$okk" = 1 ]; then ok "$role: $desc shows what the role may see"
  else fail "$role: $desc shows what the role may see" "status $code: $(head -c 300 "$T/body")"; fi
}
q() { local role=$1 desc=$2 query=$3; shift 3
      call "$role" "$desc" "$URL/sparql" --data-urlencode "query=$query" "$@"; }

for role in $ROLES; do
  q $role "SELECT" 'SELECT ?s ?o WHERE { ?s ?p ?o }'
  eq "$role: SELECT is 200" "$code" 200
  expect $role "SELECT over the union"
  q $role "GRAPH ?g" 'SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }'
  expect $role "GRAPH ?g"
  names_hidden $role "GRAPH ?g"
  q $role "CONSTRUCT" 'CONSTRUCT WHERE { ?s ?p ?o }' -H 'Accept: application/n-triples'
  expect $role "CONSTRUCT"
  q $role "DESCRIBE" 'DESCRIBE <http://acc.test/thing>' -H 'Accept: application/n-triples'
  cnt=$(grep -c 'acc.test/label' "$T/body")
  want=1; sees_r $role && want=2; sees_c $role && want=3
  eq "$role: DESCRIBE of a shared subject shows its visible triples" "$cnt" "$want"
  q $role "ASK restricted" 'ASK { ?s ?p "RESVAL-91bc" }'
  if sees_r $role; then want=true; else want=false; fi
  check "$role: ASK for a restricted value is $want" grep -q "\"boolean\" *: *$want" "$T/body"
  q $role "ASK confidential" 'ASK { ?s ?p "CONFVAL-d24e" }'
  if sees_c $role; then want=true; else want=false; fi
  check "$role: ASK for a confidential value is $want" grep -q "\"boolean\" *: *$want" "$T/body"
  q $role "COUNT" 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }' -H 'Accept: text/csv'
  want=3; sees_r $role && want=6; sees_c $role && want=9
  eq "$role: COUNT(*) over the named graphs" "$(tail -1 "$T/body" | tr -d '\r')" "$want"
  q $role "COUNT shared" 'SELECT (COUNT(?s) AS ?n) WHERE { ?s ?p "shared" }' -H 'Accept: text/csv'
  want=1; sees_r $role && want=2; sees_c $role && want=3
  eq "$role: COUNT of a value in every graph" "$(tail -1 "$T/body" | tr -d '\r')" "$want"
  q $role "graph names" 'SELECT DISTINCT ?g WHERE { GRAPH ?g { } }'
  check "$role: graph names lists the public graph" has "$P"
  names_hidden $role "SELECT DISTINCT ?g"
  q $role "FROM restricted" "SELECT ?o FROM <$R> WHERE { ?s ?p ?o }"
  if sees_r $role; then check "$role: FROM <restricted> answers" has RESVAL-91bc
  else check "$role: FROM <restricted> is empty" bash -c "! grep -q '\"o\" *:' '$T/body'"; fi
  q $role "FROM NAMED confidential" "SELECT ?o FROM NAMED <$C> WHERE { GRAPH ?g { ?s ?p ?o } }"
  if sees_c $role; then check "$role: FROM NAMED <confidential> answers" has CONFVAL-d24e
  else check "$role: FROM NAMED <confidential> is empty" bash -c "! grep -q '\"o\" *:' '$T/body'"; fi
  q $role "GRAPH <restricted>" "SELECT ?o WHERE { GRAPH <$R> { ?s ?p ?o } }"
  q $role "default-graph-uri" 'SELECT ?o WHERE { ?s ?p ?o }' --data-urlencode "default-graph-uri=$R" \
    --data-urlencode "default-graph-uri=$C"
  q $role "named-graph-uri" 'SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }' \
    --data-urlencode "named-graph-uri=$R" --data-urlencode "named-graph-uri=$C"
  if sees_c $role; then check "$role: named-graph-uri answers" has CONFVAL-d24e; fi
  q $role "a type error" 'SELECT (xsd:integer(?o) AS ?i) WHERE { ?s ?p ?o }'
  q $role "FILTER regex" 'SELECT ?o WHERE { ?s ?p ?o FILTER regex(?o, "VAL") }'
  q $role "VALUES probe" 'SELECT ?s WHERE { VALUES ?o { "RESVAL-91bc" "CONFVAL-d24e" } ?s ?p ?o }'
  if ! sees_r $role; then check "$role: probing a restricted value finds nothing" \
    bash -c "! grep -q 'subject' '$T/body'"; fi
  call $role "GET query" -G "$URL/sparql" --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o }'
  expect $role "GET query"
  call $role "Service Description" "$URL/sparql" -H 'Accept: text/turtle'
  eq "$role: Service Description is 200" "$code" 200
  if sees_c $role; then check "$role: Service Description names the confidential graph" has "$C"; fi
  names_hidden $role "Service Description"

  # /data
  for g in "$P" "$R" "$C"; do
    call $role "GSP GET $g" "$URL/data?graph=$(enc "$g")" -H 'Accept: application/n-triples'
    case $g in
      "$P") want=200 ;; "$R") want=404; sees_r $role && want=200 ;;
      *) want=404; sees_c $role && want=200 ;; esac
    eq "$role: GSP GET <${g##*/}>" "$code" "$want"
    call $role "GSP HEAD $g" -I "$URL/data?graph=$(enc "$g")"
    eq "$role: GSP HEAD <${g##*/}>" "$code" "$want"
  done
  call $role "GSP GET nonexistent" "$URL/data?graph=$(enc http://acc.test/nothing)"
  sed "s|http://acc.test/nothing|IRI|" "$T/body" >"$T/absent"
  call $role "GSP GET restricted again" "$URL/data?graph=$(enc "$R")"
  if ! sees_r $role; then
    sed "s|$R|IRI|" "$T/body" >"$T/hidden"
    check "$role: a hidden graph's 404 is the absent graph's 404" cmp -s "$T/absent" "$T/hidden"
  fi
  call $role "GSP GET default" "$URL/data?default" -H 'Accept: application/n-triples'
  check "$role: GSP default graph is the store's default graph" has DEFVAL-0c

  # /graphs
  call $role "/graphs" "$URL/graphs"
  eq "$role: GET /graphs is 200" "$code" 200
  want=2; sees_r $role && want=3; sees_c $role && want=4
  eq "$role: /graphs lists the graphs the role may see" "$(grep -c '"graph"' "$T/body")" "$want"
  check "$role: /graphs lists the public graph" grep -q "\"$P\"" "$T/body"
  names_hidden $role "/graphs"
  call $role "/graphs set level" -X POST "$URL/graphs" --data-urlencode "graph=$P" \
    --data-urlencode access=public
  case $role in anon) want=401 ;; ww) want=204 ;; *) want=403 ;; esac
  eq "$role: setting a level" "$code" "$want"

  # named queries
  call $role "/queries" "$URL/queries"
  names_hidden $role "/queries"
  call $role "/queries/everything" "$URL/queries/everything"
  eq "$role: a named query runs" "$code" 200
  expect $role "a named query"
done

# --- a bad token is refused everywhere, with no data
for door in "/sparql?query=$(enc 'SELECT * WHERE { ?s ?p ?o }')" "/data?graph=$(enc "$P")" \
            "/graphs" "/queries/everything"; do
  call bad "$door with a bad token" "$URL$door"
  eq "a bad token on ${door%%\?*} is 401" "$code" 401
  check "… and no data" bash -c "! grep -q 'PUBVAL' '$T/body'"
done

# --- writes by anyone but a writer change nothing
snapshot() { for g in "$P" "$R" "$C"; do curl -s -H "$(hdr ww)" -H 'Accept: application/n-triples' \
             "$URL/data?graph=$(enc "$g")" | sort; done; }
snapshot >"$T/snap0"
for role in anon rr cc bad; do
  case $role in anon|bad) want=401 ;; *) want=403 ;; esac
  for u in "INSERT DATA { GRAPH <$R> { <http://x/s> <http://x/p> \"planted\" } }" \
           "DELETE WHERE { GRAPH <$C> { ?s ?p ?o } }" "DROP GRAPH <$R>" "CLEAR ALL" \
           "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }"; do
    call $role "update ${u%% *}" "$URL/sparql" --data-urlencode "update=$u"
    eq "$role: update '${u:0:24}…' is $want" "$code" "$want"
  done
  call $role "GSP PUT" -X PUT "$URL/data?graph=$(enc "$R")" -H 'Content-Type: text/turtle' \
    --data-binary '<http://x/s> <http://x/p> "planted" .'
  eq "$role: GSP PUT is $want" "$code" "$want"
  call $role "GSP POST" -X POST "$URL/data?graph=$(enc "$C")" -H 'Content-Type: text/turtle' \
    --data-binary '<http://x/s> <http://x/p> "planted" .'
  eq "$role: GSP POST is $want" "$code" "$want"
  call $role "GSP DELETE" -X DELETE "$URL/data?graph=$(enc "$P")"
  eq "$role: GSP DELETE is $want" "$code" "$want"
  call $role "set a level" -X POST "$URL/graphs" --data-urlencode "graph=$C" \
    --data-urlencode access=public
  eq "$role: making a graph public is $want" "$code" "$want"
done
snapshot >"$T/snap1"
check "no refused write changed any graph" cmp -s "$T/snap0" "$T/snap1"
call anon "/graphs after refused writes" "$URL/graphs"
eq "levels unchanged after refused writes" "$(grep -c '"graph"' "$T/body")" 2

# --- a writer's level changes take effect at once
call ww "make restricted public" -X POST "$URL/graphs?graph=$(enc "$R")&access=public"
eq "writer: restricted → public is 204" "$code" 204
keep=$SEC_R SEC_R='^no secret while the graph is public$'
q anon "SELECT after the change" 'SELECT ?o WHERE { ?s ?p ?o }'
check "anonymous now sees the formerly restricted graph" grep -q 'RESVAL-91bc' "$T/body"
SEC_R=$keep
call ww "make it restricted again" -X POST "$URL/graphs" --data-urlencode "graph=$R" \
  --data-urlencode access=restricted
eq "writer: → restricted again is 204 (form body)" "$code" 204
q anon "SELECT after restricting" 'SELECT ?o WHERE { ?s ?p ?o }'
check "anonymous no longer sees it" bash -c "! grep -q 'RESVAL' '$T/body'"
call ww "unknown graph" -X POST "$URL/graphs?graph=$(enc http://acc.test/nothing)&access=public"
eq "writer: a level for an unknown graph is 404" "$code" 404
call ww "bad level" -X POST "$URL/graphs?graph=$(enc "$R")&access=secret"
eq "writer: an unknown level is 400" "$code" 400
call ww "writer GSP PUT" -X PUT "$URL/data?graph=$(enc "$C")" -H 'Content-Type: text/turtle' \
  --data-binary '<http://acc.test/conf-subject-a7> <http://acc.test/p> "CONFVAL-d24e v2" .'
eq "writer: PUT over the confidential graph is 204" "$code" 204
call ww "/graphs" "$URL/graphs"
check "a PUT keeps the graph's level" \
  python3 -c "import json,sys; d={g['graph']:g['access'] for g in json.load(open('$T/body'))}; sys.exit(d['$C']!='confidential')"
call anon "/data after the PUT" "$URL/data?graph=$(enc "$C")"
eq "anonymous still gets 404 for it" "$code" 404
call ww "writer update" "$URL/sparql" --data-urlencode \
  "update=INSERT DATA { GRAPH <$R> { <http://acc.test/res-subject-5e> <http://acc.test/q> \"RESVAL-91bc new\" } }"
check "writer: an update succeeds" test "$code" -lt 300
q rr "SELECT the update" 'SELECT ?o WHERE { ?s <http://acc.test/q> ?o }'
check "reader:restricted sees the writer's update" grep -q 'RESVAL-91bc new' "$T/body"
q anon "SELECT the update" 'SELECT ?o WHERE { ?s <http://acc.test/q> ?o }'

# --- the final sweep: no body served to an anonymous caller held a secret
# (every call above checked its own; this counts them)
check "$nbody responses checked" test "$nbody" -gt 150

bs_serve_stop
eq "the server stops cleanly" $? 0
finish
