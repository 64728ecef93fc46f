#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# battstore query / update with battstore's own SPARQL engine: result
# formats, the CLI's dataset (union default graph), --parse-only and
# --explain, updates seen by queries, failing updates change nothing.
. "$(dirname "$0")/lib.sh"
S=$T/store
EX=http://example.org/
cat >"$T/d.ttl" <<'TTL'
@prefix ex: <http://example.org/> .
ex:cell1 a ex:Cell ; ex:capacity 2.5 ; ex:label "LFP cell"@en .
ex:cell2 a ex:Cell ; ex:capacity 3 .
TTL
printf '<%sg1s> <%sp> "in g1" .\n' "$EX" "$EX" >"$T/g1.nt"
"$BS" load --store "$S" --quiet "$T/d.ttl"
"$BS" load --store "$S" --quiet --graph "${EX}g1" "$T/g1.nt"
snap() { "$BS" export --store "$S" --format nquads | sort | md5sum; }

# --- formats (stdout is not a terminal here: json by default)
Q='PREFIX ex: <http://example.org/> SELECT ?c ?cap WHERE { ?c a ex:Cell ; ex:capacity ?cap } ORDER BY ?c'
check "SELECT: json by default when not on a terminal" \
    bash -c "'$BS' query --store '$S' '$Q' | grep -q '\"bindings\"'"
eq "SELECT as csv" "$("$BS" query --store "$S" --format csv "$Q" | tr -d '\r')" \
    "$(printf 'c,cap\nhttp://example.org/cell1,2.5\nhttp://example.org/cell2,3')"
eq "SELECT as tsv" "$("$BS" query --store "$S" --format tsv "$Q")" \
    "$(printf '?c\t?cap\n<http://example.org/cell1>\t2.5\n<http://example.org/cell2>\t3')"
check "SELECT as xml" bash -c "'$BS' query --store '$S' --format xml '$Q' | grep -q '<uri>http://example.org/cell1</uri>'"
check "SELECT as table" bash -c "'$BS' query --store '$S' --format table '$Q' | grep -q 'cell2'"
check "ASK as json" bash -c "'$BS' query --store '$S' 'ASK { ?s a <${EX}Cell> }' | grep -q '\"boolean\" *: *true'"
"$BS" query --store "$S" --format ntriples \
    "CONSTRUCT { ?c <${EX}cap> ?x } WHERE { ?c <${EX}capacity> ?x }" >"$T/c.nt"
eq "CONSTRUCT as N-Triples" "$(grep -c . "$T/c.nt")" 2
check "CONSTRUCT as Turtle by default" bash -c \
    "'$BS' query --store '$S' 'CONSTRUCT { ?c <${EX}cap> ?x } WHERE { ?c <${EX}capacity> ?x }' | grep -q 'cell1'"
"$BS" query --store "$S" --format bogus 'ASK {}' 2>"$T/err"; rc=$?
eq "an unknown format exits 1" $rc 1
check "an unknown format is named" grep -q bogus "$T/err"

# --- the dataset: union default graph unless told otherwise
N='SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
eq "default graph = union of all graphs" "$("$BS" query --store "$S" --format csv "$N" | tr -d '\r' | tail -1)" 6
eq "--store-default: the store's default graph alone" \
    "$("$BS" query --store "$S" --store-default --format csv "$N" | tr -d '\r' | tail -1)" 5
eq "--default-graph IRI" \
    "$("$BS" query --store "$S" --default-graph "${EX}g1" --format csv "$N" | tr -d '\r' | tail -1)" 1
eq "GRAPH ?g sees the named graphs" \
    "$("$BS" query --store "$S" --format tsv 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }')" \
    "$(printf '?g\n<http://example.org/g1>')"

# --- --parse-only and --explain
out=$("$BS" query --parse-only "$Q" 2>&1); rc=$?
eq "--parse-only: a good query exits 0" $rc 0
eq "--parse-only: ... silently" "$out" ""
"$BS" query --parse-only $'SELECT ?s\nWHERE { ?s ?p }' 2>"$T/err"; rc=$?
eq "--parse-only: a syntax error exits 1" $rc 1
check "--parse-only: query:LINE:COL: message" grep -qE '^query:2:[0-9]+: .+' "$T/err"
check "--parse-only: one line" test "$(wc -l <"$T/err")" -eq 1
printf 'ASK {\n  ?s ?p ?o .\n  FILTER(\n}\n' >"$T/bad.rq"
"$BS" query --parse-only -f "$T/bad.rq" 2>"$T/err"; rc=$?
eq "--parse-only -f: exits 1" $rc 1
check "--parse-only -f: FILE:LINE:COL" grep -qE "^$T/bad.rq:4:[0-9]+: " "$T/err"
"$BS" query --store "$S" $'SELECT ?s\nWHERE { ?s ?p }' 2>"$T/err"; rc=$?
eq "a syntax error when running exits 1" $rc 1
check "... with query:LINE:COL" grep -qE '^query:2:[0-9]+: ' "$T/err"
check "--explain prints the algebra" bash -c "'$BS' query --explain '$Q' | grep -qi 'bgp'"
check "--engine rasqal still answers" bash -c \
    "'$BS' query --engine rasqal --store '$S' --format csv '$N' | tr -d '\r' | grep -qx 6"

# --- update, then query
out=$("$BS" update --store "$S" "INSERT DATA { <${EX}cell3> a <${EX}Cell> ; <${EX}capacity> 4 }")
eq "INSERT DATA prints its counts" "$out" "2 quads inserted, 0 deleted"
eq "the query sees the update" \
    "$("$BS" query --store "$S" --format csv "SELECT (COUNT(*) AS ?n) WHERE { ?c a <${EX}Cell> }" | tr -d '\r' | tail -1)" 3
out=$("$BS" update --store "$S" "PREFIX ex: <${EX}>
DELETE { ?c ex:capacity ?x } INSERT { ?c ex:capacity_Ah ?x } WHERE { ?c ex:capacity ?x }")
eq "DELETE/INSERT WHERE counts" "$out" "3 quads inserted, 3 deleted"
eq "DELETE/INSERT WHERE renamed the property" \
    "$("$BS" query --store "$S" --format csv "ASK { ?c <${EX}capacity> ?x }" | tr -d '\r' | tail -1)" false
printf '<%sl1> <%sp> <%sl2> .\n' "$EX" "$EX" "$EX" >"$T/more.nt"
printf 'LOAD <more.nt> INTO GRAPH <%sloaded>\n' "$EX" >"$T/load.ru"
check "update -f: LOAD of a file relative to the request" "$BS" update --store "$S" --quiet -f "$T/load.ru"
eq "LOAD filled the graph" \
    "$("$BS" query --store "$S" --format csv "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <${EX}loaded> { ?s ?p ?o } }" | tr -d '\r' | tail -1)" 1

# --- a failing update changes nothing and says why in one line
before=$(snap)
"$BS" update --store "$S" "INSERT DATA { <${EX}x> <${EX}y> <${EX}z> } ;
CLEAR DEFAULT ;
DROP GRAPH <${EX}nope>" >"$T/out" 2>"$T/err"; rc=$?
eq "a failing update exits 1" $rc 1
check "the error names the operation" grep -q "operation 3 (DROP): graph <${EX}nope> does not exist" "$T/err"
check "the error is one line" test "$(wc -l <"$T/err")" -eq 1
eq "a failing update prints nothing on stdout" "$(cat "$T/out")" ""
eq "a failing update leaves the store unchanged" "$(snap)" "$before"
check "DROP SILENT of a missing graph succeeds" "$BS" update --store "$S" --quiet "DROP SILENT GRAPH <${EX}nope>"
"$BS" update --store "$S" --parse-only $'INSERT DATA {\n <a:b> <a:c> \n}' 2>"$T/err"; rc=$?
eq "update --parse-only: a syntax error exits 1" $rc 1
check "update --parse-only: update:LINE:COL" grep -qE '^update:3:[0-9]+: ' "$T/err"
eq "update --parse-only changed nothing" "$(snap)" "$before"
"$BS" query --store "$S" "INSERT DATA { <a:b> <a:c> <a:d> }" 2>"$T/err"; rc=$?
eq "query refuses an update" $rc 1
check "... and says to run it with battstore update" grep -q 'battstore update' "$T/err"
"$BS" update 2>"$T/err"; rc=$?
eq "update without a request is a usage error" $rc 2
finish
