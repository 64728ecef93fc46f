#!/bin/bash
# SPDX-License-Identifier: MIT
# battstore — /sparql over HTTP against the real server: every result
# format over GET and both POSTs, q-values, 406, format=, the dataset
# parameters, the union default graph and access levels, update atomicity
# and roles, the protocol's 4xx cases, a 300,000-row streamed result,
# timeout and busy answers, the Service Description.
. "$(dirname "$0")/lib.sh"

EX=http://example.org/
W="Authorization: Bearer wtok"
R="Authorization: Bearer rtok"
printf 'wtok writer\nrtok reader:restricted\n' >"$T/tokens"
mkdir -p "$T/load"
printf '<%sloaded> <%sp> "from a file" .\n' "$EX" "$EX" >"$T/load/ok.nt"

bs_serve_start --tokens "$T/tokens" --allow-load "$T/load" || { fail "server starts"; finish; exit 1; }

# req [CURL ARGS...]: the status; headers in $T/h, body in $T/b.
req() { curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' "$@"; }
hdr() { tr -d '\r' <"$T/h" | sed -n "s/^$1: //Ip" | tail -1; }
body() { cat "$T/b"; }
# the body's lines joined by '|', a CR at a line's end shown as '^M'
rows() { sed 's/\r$/^M/' "$T/b" | paste -sd '|'; }
get() { local q=$1; shift; req "$@" -G --data-urlencode "query=$q" "$URL/sparql"; }
post_form() { local q=$1; shift; req "$@" --data-urlencode "query=$q" "$URL/sparql"; }
post_direct() { local q=$1; shift; req "$@" -H 'Content-Type: application/sparql-query' --data-binary "$q" "$URL/sparql"; }
update() { local u=$1; shift; req "$@" -H 'Content-Type: application/sparql-update' --data-binary "$u" "$URL/sparql"; }

eq "writer inserts data" "$(update "PREFIX : <$EX> INSERT DATA { :a :p \"A\" . :b :p 2 .
  GRAPH :g1 { :c :p \"in g1\" } GRAPH :g2 { :d :p \"in g2\" } GRAPH :secret { :s :p \"hidden\" } }" -H "$W")" 200
eq "writer makes <secret> restricted" \
  "$(req -H "$W" --data-urlencode "graph=${EX}secret" --data-urlencode access=restricted "$URL/graphs" | cut -c1)" 2

# ---- every format, over GET, POST form and POST direct -------------------
SEL="SELECT ?s ?o WHERE { ?s <${EX}p> ?o FILTER(?s = <${EX}a> || ?s = <${EX}b>) } ORDER BY ?s"
CSV='s,o^M|http://example.org/a,A^M|http://example.org/b,2^M'
TSV=$'?s\t?o\n<http://example.org/a>\t"A"\n<http://example.org/b>\t2'
for how in get post_form post_direct; do
  eq "$how: SELECT default is SPARQL JSON" "$($how "$SEL")/$(hdr Content-Type)" 200/application/sparql-results+json
  check "$how: the JSON has both rows" grep -q '"value": "A"' "$T/b"
  eq "$how: SELECT as XML" "$($how "$SEL" -H 'Accept: application/sparql-results+xml')/$(hdr Content-Type)" \
    200/application/sparql-results+xml
  check "$how: the XML is SPARQL results" grep -q '<literal>A</literal>' "$T/b"
  eq "$how: SELECT as CSV" "$($how "$SEL" -H 'Accept: text/csv')/$(hdr Content-Type)" "200/text/csv; charset=utf-8"
  eq "$how: the CSV rows" "$(rows)" "$CSV"
  eq "$how: SELECT as TSV" "$($how "$SEL" -H 'Accept: text/tab-separated-values')/$(hdr Content-Type)" \
    "200/text/tab-separated-values; charset=utf-8"
  eq "$how: the TSV rows" "$(body)" "$TSV"
  eq "$how: ASK (JSON)" "$($how "ASK { <${EX}a> ?p \"A\" }")/$(body | tr -d ' \n')" '200/{"head":{},"boolean":true}'
  eq "$how: ASK as XML" "$($how "ASK { <${EX}a> ?p 7 }" -H 'Accept: application/sparql-results+xml')/$(hdr Content-Type)" \
    200/application/sparql-results+xml
  check "$how: the XML boolean" grep -q '<boolean>false</boolean>' "$T/b"
  CON="CONSTRUCT { ?s <${EX}q> ?o } WHERE { ?s <${EX}p> ?o FILTER(?s = <${EX}b>) }"
  eq "$how: CONSTRUCT default is Turtle" "$($how "$CON")/$(hdr Content-Type)" "200/text/turtle; charset=utf-8"
  check "$how: the Turtle" grep -q 'example.org/q' "$T/b"
  eq "$how: CONSTRUCT as N-Triples" "$($how "$CON" -H 'Accept: application/n-triples')/$(hdr Content-Type)" \
    200/application/n-triples
  eq "$how: the N-Triples" "$(body)" \
    '<http://example.org/b> <http://example.org/q> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .'
  eq "$how: CONSTRUCT as RDF/XML" "$($how "$CON" -H 'Accept: application/rdf+xml')/$(hdr Content-Type)" \
    200/application/rdf+xml
  check "$how: the RDF/XML" grep -q 'rdf:about="http://example.org/b"' "$T/b"
  eq "$how: CONSTRUCT as N-Quads" "$($how "$CON" -H 'Accept: application/n-quads')/$(hdr Content-Type)" \
    200/application/n-quads
  eq "$how: DESCRIBE as Turtle" "$($how "DESCRIBE <${EX}a>")/$(hdr Content-Type)" "200/text/turtle; charset=utf-8"
  check "$how: the description" grep -q '"A"' "$T/b"
done

# ---- negotiation ------------------------------------------------------------
eq "q-values: the higher q wins" \
  "$(get "$SEL" -H 'Accept: text/csv;q=0.5, application/sparql-results+xml')/$(hdr Content-Type)" \
  200/application/sparql-results+xml
eq "application/json is answered for JSON clients" \
  "$(get "$SEL" -H 'Accept: application/json')/$(hdr Content-Type)" 200/application/json
eq "*/* gets the default" "$(get "$SEL" -H 'Accept: */*')/$(hdr Content-Type)" 200/application/sparql-results+json
eq "406: SELECT accepting only Turtle" "$(get "$SEL" -H 'Accept: text/turtle')" 406
eq "406: CONSTRUCT accepting only SPARQL JSON" \
  "$(get "$CON" -H 'Accept: application/sparql-results+json')" 406
eq "format=csv overrides Accept" "$(req -G --data-urlencode "query=$SEL" -d format=csv \
  -H 'Accept: application/sparql-results+xml' "$URL/sparql")/$(rows)" "200/$CSV"
eq "format=ntriples for a CONSTRUCT" "$(req -G --data-urlencode "query=$CON" -d format=ntriples \
  "$URL/sparql")/$(hdr Content-Type)" 200/application/n-triples
eq "format that does not fit the query: 400" \
  "$(req -G --data-urlencode "query=$SEL" -d format=turtle "$URL/sparql")" 400

# ---- datasets and the union default graph ------------------------------------
COUNT="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
eq "no dataset: the default graph is the union of the visible graphs" \
  "$(get "$COUNT" -H 'Accept: text/csv' >/dev/null; rows)" "n^M|4^M"
eq "the writer sees the restricted graph in the union" \
  "$(get "$COUNT" -H 'Accept: text/csv' -H "$W" >/dev/null; rows)" "n^M|5^M"
eq "default-graph-uri picks the default graph" \
  "$(get "$COUNT" -H 'Accept: text/csv' --data-urlencode "default-graph-uri=${EX}g1" >/dev/null; rows)" "n^M|1^M"
eq "two default-graph-uri: their merge" \
  "$(get "$COUNT" -H 'Accept: text/csv' --data-urlencode "default-graph-uri=${EX}g1" \
     --data-urlencode "default-graph-uri=${EX}g2" >/dev/null; rows)" "n^M|2^M"
eq "named-graph-uri limits GRAPH ?g" \
  "$(get "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }" -H 'Accept: text/csv' \
     --data-urlencode "named-graph-uri=${EX}g2" >/dev/null; rows)" "g^M|http://example.org/g2^M"
eq "the protocol's dataset wins over FROM" \
  "$(get "SELECT (COUNT(*) AS ?n) FROM <${EX}g1> WHERE { ?s ?p ?o }" -H 'Accept: text/csv' \
     --data-urlencode "default-graph-uri=${EX}g2" --data-urlencode "default-graph-uri=${EX}g1" >/dev/null; rows)" \
  "n^M|2^M"
eq "anonymous: GRAPH ?g does not see the restricted graph" \
  "$(get "SELECT ?g WHERE { GRAPH ?g { } } ORDER BY ?g" -H 'Accept: text/csv' >/dev/null; rows)" \
  "g^M|http://example.org/g1^M|http://example.org/g2^M"
eq "anonymous: default-graph-uri of the restricted graph is empty" \
  "$(get "$COUNT" -H 'Accept: text/csv' --data-urlencode "default-graph-uri=${EX}secret" >/dev/null; rows)" \
  "n^M|0^M"
eq "anonymous: FROM NAMED the restricted graph finds nothing" \
  "$(get "SELECT ?o FROM NAMED <${EX}secret> WHERE { GRAPH ?g { ?s ?p ?o } }" -H 'Accept: text/csv' >/dev/null; rows)" \
  "o^M"
eq "restricted reader: sees the restricted graph" \
  "$(get "SELECT ?o WHERE { GRAPH <${EX}secret> { ?s ?p ?o } }" -H 'Accept: text/csv' -H "$R" >/dev/null; rows)" \
  "o^M|hidden^M"

# ---- the Service Description ------------------------------------------------
eq "GET /sparql: the Service Description in Turtle" "$(req "$URL/sparql")/$(hdr Content-Type)" \
  "200/text/turtle; charset=utf-8"
check "it is an sd:Service with query and update" \
  grep -q 'sd:supportedLanguage sd:SPARQL11Update' "$T/b"
check "it lists a visible named graph" grep -q "sd:name <${EX}g1>" "$T/b"
check "its features: the union default graph" grep -q 'sd:feature sd:UnionDefaultGraph' "$T/b"
check "its features: SERVICE" grep -q 'sd:feature sd:BasicFederatedQuery' "$T/b"
check "its endpoint is the URL asked" grep -q "sd:endpoint <$URL/sparql>" "$T/b"
if grep -q "${EX}secret" "$T/b"; then fail "anonymous: the restricted graph is not listed"
else ok "anonymous: the restricted graph is not listed"; fi
req -H "$R" "$URL/sparql" >/dev/null
check "restricted reader: the restricted graph is listed" grep -q "sd:name <${EX}secret>" "$T/b"
eq "the Service Description as RDF/XML" "$(req -H 'Accept: application/rdf+xml' "$URL/sparql")/$(hdr Content-Type)" \
  200/application/rdf+xml
check "... an RDF/XML document" grep -q '<rdf:RDF' "$T/b"
eq "the Service Description as N-Triples" "$(req -H 'Accept: application/n-triples' "$URL/sparql")" 200
check "... with the service's type" grep -q 'sparql-service-description#Service> \.$' "$T/b"

# ---- updates: roles, atomicity, refusals -------------------------------------
ASKX="ASK { <${EX}x> ?p ?o }"
eq "update without a token: 401" "$(update "INSERT DATA { <${EX}x> <${EX}p> 1 }")" 401
check "... with a WWW-Authenticate challenge" grep -qi '^WWW-Authenticate: Bearer' "$T/h"
eq "update with a reader's token: 403" "$(update "INSERT DATA { <${EX}x> <${EX}p> 1 }" -H "$R")" 403
eq "update form without a token: 401" \
  "$(req --data-urlencode "update=INSERT DATA { <${EX}x> <${EX}p> 1 }" "$URL/sparql")" 401
eq "... nothing changed" "$(get "$ASKX" -H "$W" >/dev/null; body | tr -d ' \n')" '{"head":{},"boolean":false}'
eq "INSERT then LOAD of a missing file: 400" \
  "$(update "INSERT DATA { <${EX}x> <${EX}p> 1 } ; LOAD <file://$T/load/missing.nt>" -H "$W")" 400
eq "... the INSERT is undone" "$(get "$ASKX" -H "$W" >/dev/null; body | tr -d ' \n')" '{"head":{},"boolean":false}'
eq "INSERT then ADD from a missing graph: 4xx" \
  "$(update "INSERT DATA { <${EX}x> <${EX}p> 1 } ; ADD <${EX}nosuch> TO DEFAULT" -H "$W" | cut -c1)" 4
eq "... the INSERT is undone" "$(get "$ASKX" -H "$W" >/dev/null; body | tr -d ' \n')" '{"head":{},"boolean":false}'
eq "LOAD from the allowed directory" "$(update "LOAD <file://$T/load/ok.nt> INTO GRAPH <${EX}loaded>" -H "$W")" 200
eq "... loaded" "$(get "ASK { GRAPH <${EX}loaded> { ?s ?p \"from a file\" } }" >/dev/null; body | tr -d ' \n')" \
  '{"head":{},"boolean":true}'
eq "LOAD outside the allowed directory: 400" "$(update "LOAD <file://$T/tokens>" -H "$W")" 400
check "... saying why" grep -q 'outside the directory' "$T/b"
eq "update by GET: 400" "$(req -G --data-urlencode "update=CLEAR ALL" -H "$W" "$URL/sparql")" 400
eq "USING and using-graph-uri together: 400" \
  "$(req -H "$W" -H 'Content-Type: application/sparql-update' --data-binary \
     "INSERT { <${EX}y> <${EX}p> ?o } USING <${EX}g1> WHERE { ?s ?p ?o }" \
     "$URL/sparql?using-graph-uri=${EX}g2")" 400
eq "using-graph-uri alone picks the WHERE's graph" \
  "$(req -H "$W" -H 'Content-Type: application/sparql-update' --data-binary \
     "INSERT { <${EX}y> <${EX}p> ?o } WHERE { ?s ?p ?o }" \
     "$URL/sparql?using-graph-uri=${EX}g2")" 200
eq "... only g2's value was copied" \
  "$(get "SELECT ?o { <${EX}y> ?p ?o }" -H 'Accept: text/csv' >/dev/null; rows)" "o^M|in g2^M"

# ---- the protocol's errors ----------------------------------------------------
eq "syntax error: 400" "$(get 'SELECT * WHERE { ?s ?p }')" 400
eq "... with LINE:COL" "$(body | grep -Ec '^1:[0-9]+: ')" 1
eq "syntax error on line 2" "$(post_direct $'SELECT *\nWHERE { ?s ?p ?o')" 400
check "... names line 2" grep -Eq '^2:[0-9]+: ' "$T/b"
eq "update syntax error: 400 with LINE:COL" "$(update 'INSERT DATA { <a> }' -H "$W")/$(body | grep -Ec '^1:[0-9]+: ')" 400/1
eq "two query parameters: 400" "$(req "$URL/sparql?query=ASK%7B%7D&query=ASK%7B%7D")" 400
eq "query and update together: 400" \
  "$(req -H "$W" --data-urlencode 'query=ASK {}' --data-urlencode 'update=CLEAR ALL' "$URL/sparql")" 400
eq "PUT: 405" "$(req -X PUT "$URL/sparql?query=ASK%7B%7D")" 405
check "... with Allow" grep -qi '^Allow: GET, POST' "$T/h"
eq "POST without a Content-Type: 415" "$(req -H 'Content-Type:' --data-binary 'ASK {}' "$URL/sparql")" 415
eq "POST text/plain: 415" "$(req -H 'Content-Type: text/plain' --data-binary 'ASK {}' "$URL/sparql")" 415
eq "UTF-16 charset: 415" \
  "$(printf 'A\0S\0K\0 \0{\0}\0' | req -H 'Content-Type: application/sparql-query; charset=UTF-16' --data-binary @- "$URL/sparql")" 415
eq "bytes that are not UTF-8: 400" \
  "$(printf 'ASK { ?s ?p "\xff" }' | req -H 'Content-Type: application/sparql-query' --data-binary @- "$URL/sparql")" 400
eq "a POST form with neither query nor update: 400" "$(req -d 'foo=bar' "$URL/sparql")" 400

# ---- a big result, streamed ----------------------------------------------------
{ echo "INSERT DATA {"; for i in $(seq 1 600); do echo "<${EX}n$i> <${EX}num> $i ."; done; echo "}"; } >"$T/big.ru"
eq "600 numbered subjects" "$(req -H "$W" -H 'Content-Type: application/sparql-update' --data-binary @"$T/big.ru" "$URL/sparql")" 200
rss() { sed -n 's/^VmHWM: *\([0-9]*\) kB/\1/p' "/proc/$SPID/status"; }
BIG="SELECT ?a ?b WHERE { ?a <${EX}num> ?x . ?b <${EX}num> ?y FILTER(?y <= 500) }"
# warm up (same plan, small body): the peak before is that of the query itself
get "$BIG LIMIT 1000" -H 'Accept: text/csv' >/dev/null
before=$(rss)
eq "300,000 rows: 200" "$(get "$BIG" -H 'Accept: text/tab-separated-values')" 200
after=$(rss)
eq "... sent chunked" "$(hdr Transfer-Encoding)" chunked
eq "... every row arrived" "$(wc -l <"$T/b")" 300001
size=$(stat -c %s "$T/b")
grow=$(( (after - before) * 1024 ))
if [ "$grow" -lt $((size / 2)) ]; then ok "... the server's peak memory grew ${grow} B for a ${size} B body"
else fail "... the server's peak memory grew ${grow} B for a ${size} B body" "the result looks materialised"; fi
bs_serve_stop; eq "the server stops cleanly" "$?" 0

# ---- timeout and busy ------------------------------------------------------------
# One query slot, a 2 s limit, two runaway queries at once: one is refused
# as busy at once, the other stops at its limit; either may come first.
bs_serve_start --tokens "$T/tokens" --timeout 2 --threads 1 || { fail "server with --timeout 2 starts"; finish; exit 1; }
update "PREFIX : <$EX> INSERT DATA { $(for i in $(seq 1 300); do printf ':n%d :num %d . ' "$i" "$i"; done) }" -H "$W" >/dev/null
SLOW="SELECT (COUNT(*) AS ?n) WHERE { ?a <${EX}num> ?x . ?b <${EX}num> ?y . ?c <${EX}num> ?z . ?d <${EX}num> ?w }"
slow() { curl -s -o "$T/slow$1" -w '%{http_code}' -G --data-urlencode "query=$SLOW" "$URL/sparql" >"$T/slow$1.code"; }
SECONDS=0
slow 1 & c1=$!
sleep 0.2
slow 2 & c2=$!
wait "$c1" "$c2"
took=$SECONDS
eq "two runaway queries: both 503" "$(cat "$T/slow1.code")/$(cat "$T/slow2.code")" 503/503
eq "... one refused as busy, one stopped at its limit" \
  "$(cat "$T/slow1" "$T/slow2" | sed 's/.*busy.*/busy/; s/.*timed out after 2 s.*/timeout/' | sort | paste -sd/)" busy/timeout
if [ "$took" -lt 15 ]; then ok "... within seconds (${took} s)"
else fail "... within seconds" "took ${took} s"; fi
eq "the slot is free again" "$(get 'ASK {}')" 200
bs_serve_stop; eq "the second server stops cleanly" "$?" 0
finish
