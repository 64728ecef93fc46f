#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# GET /search and /suggest against the real server, on the BIG-MAP plan
# and the BattINFO closure: parameters, filters, facets (checked against
# SPARQL counts over /sparql), paging, suggest, class expansion with why,
# the access matrix (restricted datasets invisible without the role: hits,
# totals, facet counts, suggestions; every body searched), the index kept
# up to date by SPARQL Update and the Graph Store Protocol, every sampled
# BattINFO class searchable and suggestable, /suggest latency, and 503
# without an index.
. "$(dirname "$0")/lib.sh"
need_shared
SRC=${BS_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
S=$T/store
D=https://w3id.org/battstore/bigmap-dmp#
DCT=http://purl.org/dc/terms/
EL=https://w3id.org/emmo/domain/electrochemistry#electrochemistry_0f007072_a8dd_4798_b865_1bf9363be627
DCAT=http://www.w3.org/ns/dcat#Dataset
OWLC=http://www.w3.org/2002/07/owl#Class
HID=http://hidden.test/graph

# --- the store: BattINFO closure, the plan, and a restricted graph
"$BS" load --store "$S" --quiet --imports --catalog "$SHARED/ontologies/catalog-v001.xml" \
  "$SHARED/ontologies/domain-battery/battery.ttl" 2>&1 | grep -v 'unresolved import'
for f in bigmap-dmp bigmap-dmp-data battinfo-terms; do
  "$BS" load --store "$S" --quiet --graph "https://w3id.org/battstore/graph/$f" \
    "$SRC/ontology/$f.ttl" || { echo "not ok 1 - load $f"; exit 1; }
done
# three restricted datasets: WP3, about electrodes, a format of their own
SECRET='Kryptonite|zorbulon|hidden\.test/ds|secretfmt'
for i in 1 2 3; do cat <<TTL; done >"$T/hidden.ttl"
<http://hidden.test/ds$i> a <$DCAT> ;
  <http://www.w3.org/2000/01/rdf-schema#label> "Kryptonite electrode dataset $i" ;
  <${DCT}title> "Kryptonite electrode dataset $i" ;
  <${DCT}description> "zorbulon measurements of a positive electrode" ;
  <${DCT}format> ".secretfmt" ;
  <${D}producedBy> <${D}WP3> ;
  <${D}about> <$EL> .
TTL
"$BS" load --store "$S" --quiet --graph "$HID" "$T/hidden.ttl"
"$BS" graphs --store "$S" --set-access "$HID" restricted >/dev/null
printf 'rr-t0k reader:restricted\nww-t0k writer\n' >"$T/tokens"
bs_serve_start --store "$S" --tokens "$T/tokens" ||
  { fail "server starts" "$(cat "$SLOG")"; finish; exit 1; }

enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
# js EXPR [FILE]: a Python expression over a JSON document (j)
js() { python3 -c 'import json, sys; j = json.load(open(sys.argv[2])); r = eval(sys.argv[1]); print(r if not isinstance(r, list) else " ".join(map(str, r)))' "$1" "${2:-$T/body}" 2>/dev/null || echo "(no JSON)"; }
hdr() { case $1 in anon) echo "X-None: 1" ;; *) echo "Authorization: Bearer $1-t0k" ;; esac; }
# get ROLE PATH?QUERY: body in $T/body, headers in $T/head, status in $code;
# an anonymous body must not hold a restricted value
nanon=0
get() {
  code=$(curl -s -m 60 -o "$T/body" -D "$T/head" -w '%{http_code}' -H "$(hdr "$1")" "$URL$2")
  if [ "$1" = anon ]; then
    nanon=$((nanon + 1))
    # the JSON echoes the caller's own words ("q"): not a leak, left out
    python3 -c 'import json, sys
try: j = json.load(open(sys.argv[1])); j.pop("q", None); print(json.dumps(j))
except Exception: print(open(sys.argv[1], errors="replace").read())' "$T/body" >"$T/body.noq"
    if grep -Eqi "$SECRET" "$T/body.noq" "$T/head"; then
      fail "anonymous: $2 leaks restricted data" "$(grep -Eoi "$SECRET" "$T/body.noq" | head -1)"
    fi
  fi
}
# sparql ROLE QUERY: the first value of the CSV result (one line)
sparql() { curl -s -m 60 -H "$(hdr "$1")" -H 'Accept: text/csv' --data-urlencode "query=$2" "$URL/sparql" |
  tr -d '\r' | sed -n 2p; }
# values FILE: the hits' IRIs as a VALUES list
values() { js '" ".join("<%s>" % h["iri"] for h in j["hits"])' "$1"; }

# --- the answer
get anon "/search?q=electrode&limit=1000"
eq "search: 200" "$code" 200
check "search: application/json" grep -qi '^content-type: application/json' "$T/head"
check "anonymous: no Cache-Control no-store" sh -c "! grep -qi '^cache-control: no-store' '$T/head'"
cp "$T/body" "$T/el.json"
total=$(js 'j["total"]' "$T/el.json")
check "electrode: hits ($total)" test "$total" -gt 5
eq "JSON: q, total, offset, limit, took_ms, hits, facets" \
  "$(js 'all(k in j for k in ("q", "total", "offset", "limit", "took_ms", "hits", "facets"))' "$T/el.json")" True
eq "hits: iri, label, score, snippet, why" \
  "$(js 'all(all(k in h for k in ("iri", "label", "score", "snippet", "why")) for h in j["hits"])' "$T/el.json")" True
eq "facets: wp, type, format, size, access" "$(js 'sorted(j["facets"])' "$T/el.json")" "access format size type wp"
eq "a snippet highlights the word" \
  "$(js 'any(s["hit"] and "electrode" in s["text"].lower() for h in j["hits"] for s in h["snippet"])' "$T/el.json")" True
get anon "/search?q=electrode"
eq "default limit: 10 hits" "$(js 'len(j["hits"])')" 10
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$URL/search?q=electrode")
eq "HEAD: 200" "$code" 200

# --- bad requests: 400 (405 for other methods), one line of text/plain
bad() {
  get anon "$1"
  eq "$2: $3" "$code" "$3"
  check "$2: one-line text/plain" sh -c "grep -qi '^content-type: text/plain' '$T/head' && [ \$(wc -l <'$T/body') -eq 1 ]"
}
bad "/search" "no q" 400
bad "/search?q=" "empty q" 400
bad "/search?q=%20%20" "blank q" 400
bad "/search?q=$(enc 'electrode OR')" "malformed q (trailing OR)" 400
bad "/search?q=-electrode" "malformed q (only an exclusion)" 400
bad "/search?q=electrode&limit=ten" "limit=ten" 400
bad "/search?q=electrode&limit=5000" "limit over 1000" 400
bad "/search?q=electrode&offset=-1" "offset=-1" 400
bad "/search?q=electrode&access=secret" "access=secret" 400
bad "/search?q=electrode&expand=maybe" "expand=maybe" 400
bad "/suggest" "suggest without q" 400
bad "/suggest?q=elec&limit=x" "suggest limit=x" 400
code=$(curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -X POST -d q=electrode "$URL/search")
eq "POST /search: 405" "$code" 405
check "405 says Allow: GET" grep -qi '^allow: GET' "$T/head"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$URL/suggest?q=elec")
eq "DELETE /suggest: 405" "$code" 405

# --- the highway plan: "electrode" finds datasets through Electrode's subclasses
about=$("$BS" query --store "$S" --format csv "SELECT ?d WHERE { GRAPH ?g { ?d a <$DCAT> ; <${D}about> ?c }
  ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <$EL>
  FILTER(?g != <$HID>) FILTER NOT EXISTS { ?d ?p ?t FILTER(isLiteral(?t) && REGEX(STR(?t), '\\\\belectrode\\\\b', 'i')) } }" |
  tr -d '\r' | tail -n +2 | sort -u)
check "the plan has datasets about electrodes that never say the word" test -n "$about"
got=$(js '"\n".join(sorted(h["iri"] for h in j["hits"]))' "$T/el.json")
eq "all of them are hits" "$(comm -23 <(echo "$about") <(echo "$got") | wc -l | tr -d ' ')" 0
first=$(head -1 <<<"$about")
eq "why: a class and the link" \
  "$(js "[(w.get('class') is not None and w.get('via') is not None) for h in j['hits'] if h['iri'] == '$first' for w in h['why']][:1]" "$T/el.json")" True
get anon "/search?q=electrode&expand=0&limit=1000"
eq "expand=0: not found" "$(js "'$first' in [h['iri'] for h in j['hits']]")" False

# --- filters: each hit checked through /sparql
get anon "/search?q=electrode&type=$(enc "$DCAT")&limit=1000"
tn=$(js 'j["total"]'); cp "$T/body" "$T/ty.json"
check "type=dcat:Dataset: hits ($tn)" test "$tn" -gt 0
eq "type: every hit is a dataset" "$(sparql anon "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { VALUES ?d { $(values "$T/ty.json") } ?d a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <$DCAT> }")" "$tn"
get anon "/search?q=electrode&wp=WP5&limit=1000"
tn=$(js 'j["total"]'); cp "$T/body" "$T/wp.json"
check "wp=WP5: hits ($tn)" test "$tn" -gt 0
eq "wp: every hit is produced by WP5" "$(sparql anon "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { VALUES ?d { $(values "$T/wp.json") } ?d <${D}producedBy>|<${D}workPackage> <${D}WP5> }")" "$tn"
get anon "/search?q=data&format=.hdf5&limit=1000"
tn=$(js 'j["total"]'); cp "$T/body" "$T/fmt.json"
check "format=.hdf5: hits ($tn)" test "$tn" -gt 0
eq "format: every hit has it" "$(sparql anon "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { VALUES ?d { $(values "$T/fmt.json") } ?d <${DCT}format> '.hdf5' }")" "$tn"
get rr "/search?q=electrode&access=restricted&limit=1000"
eq "access=restricted (reader): the 3 hidden datasets" "$(js 'sorted(h["iri"] for h in j["hits"])')" \
  "http://hidden.test/ds1 http://hidden.test/ds2 http://hidden.test/ds3"
get anon "/search?q=electrode&access=restricted"
eq "access=restricted (anonymous): nothing" "$(js 'j["total"]')" 0

# --- facets: each value's count is the total of that filter, and SPARQL's count
get anon "/search?q=data&limit=1000"; cp "$T/body" "$T/data.json"
dtotal=$(js 'j["total"]' "$T/data.json")
for v in $(js '[v["label"] for v in j["facets"]["wp"]][:4]' "$T/data.json"); do
  c=$(js "[v['count'] for v in j['facets']['wp'] if v['label'] == '$v'][0]" "$T/data.json")
  get anon "/search?q=data&wp=$v&limit=1"
  eq "facet wp $v = the total of wp=$v" "$(js 'j["total"]')" "$c"
  eq "facet wp $v = SPARQL's count of hits produced by $v" \
    "$(sparql anon "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { VALUES ?d { $(values "$T/data.json") } ?d <${D}producedBy>|<${D}workPackage> <${D}$v> }")" "$c"
done
for v in $(js '[v["value"] for v in j["facets"]["format"]][:3]' "$T/data.json"); do
  c=$(js "[v['count'] for v in j['facets']['format'] if v['value'] == '$v'][0]" "$T/data.json")
  eq "facet format $v = SPARQL's count" \
    "$(sparql anon "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { VALUES ?d { $(values "$T/data.json") } ?d <${DCT}format> '$v' }")" "$c"
done
eq "facet access: counts add up to the total" "$(js 'sum(v["count"] for v in j["facets"]["access"])' "$T/data.json")" "$dtotal"

# --- paging: pages of 7, no duplicates, the same total, the same order
all=$(js '" ".join(h["iri"] for h in j["hits"])' "$T/data.json")
pages="" totals=""
for off in 0 7 14 21; do
  get anon "/search?q=data&limit=7&offset=$off"
  pages="$pages $(js '" ".join(h["iri"] for h in j["hits"])')"; totals="$totals $(js 'j["total"]')"
done
eq "paging: 4 pages = the first 28 hits" "$(echo $pages)" "$(echo $all | cut -d' ' -f1-28)"
eq "paging: no duplicates" "$(echo $pages | tr ' ' '\n' | sort | uniq -d | wc -l | tr -d ' ')" 0
eq "paging: total stable" "$(echo $totals | tr ' ' '\n' | sort -u)" "$dtotal"
get anon "/search?q=data&offset=100000"
eq "offset past the end: no hits, same total" "$(js 'len(j["hits"]), j["total"]')" "(0, $dtotal)"

# --- suggest
get anon "/suggest?q=elec"
eq "suggest: 200" "$code" 200
eq "suggest elec: Electrode" "$(js "'$EL' in [s['iri'] for s in j['suggestions']]")" True
eq "suggest: label, iri" "$(js 'all("label" in s and "iri" in s for s in j["suggestions"])')" True
get anon "/suggest?q=elec&limit=3"
eq "suggest limit=3" "$(js 'len(j["suggestions"])')" 3
get anon "/suggest?q="
eq "suggest with nothing typed: none" "$(js 'len(j["suggestions"])')" 0

# --- access control: the restricted datasets through every door of search
get anon "/search?q=kryptonite"; eq "anonymous: kryptonite finds nothing" "$(js 'j["total"]')" 0
get anon "/search?q=zorbulon"; eq "anonymous: zorbulon finds nothing" "$(js 'j["total"]')" 0
get rr "/search?q=kryptonite"; eq "reader: kryptonite finds the 3" "$(js 'j["total"]')" 3
check "reader: Cache-Control no-store" grep -qi '^cache-control: no-store' "$T/head"
get ww "/search?q=zorbulon&limit=1000"; eq "writer: zorbulon finds the 3" "$(js 'j["total"]')" 3
get rr "/search?q=electrode&limit=1000"; cp "$T/body" "$T/rr.json"
eq "reader: electrode finds 3 more than anonymous" "$(js 'j["total"]' "$T/rr.json")" "$((total + 3))"
wp3a=$(js '[v["count"] for v in j["facets"]["wp"] if v["label"] == "WP3"][0]' "$T/el.json")
wp3r=$(js '[v["count"] for v in j["facets"]["wp"] if v["label"] == "WP3"][0]' "$T/rr.json")
eq "facet WP3: the reader counts the 3 hidden datasets, anonymous does not" "$wp3r" "$((wp3a + 3))"
eq "facet format: .secretfmt for the reader" "$(js '[v["count"] for v in j["facets"]["format"] if v["value"] == ".secretfmt"]' "$T/rr.json")" 3
eq "facet access: restricted counted for the reader" "$(js '[v["count"] for v in j["facets"]["access"] if v["value"] == "restricted"]' "$T/rr.json")" 3
eq "facet access: no restricted for anonymous" "$(js '[v["count"] for v in j["facets"]["access"] if v["value"] == "restricted"]' "$T/el.json")" ""
get anon "/suggest?q=kryptoni"; eq "anonymous: no suggestion of a hidden label" "$(js 'len(j["suggestions"])')" 0
get rr "/suggest?q=kryptoni"; eq "reader: the hidden labels are suggested" "$(js 'len(j["suggestions"])')" 3
for p in "/search?q=electrode&type=$(enc "$DCAT")&limit=1000" "/search?q=electrode&wp=WP3&limit=1000" \
         "/search?q=electrode&format=.secretfmt" "/search?q=positive&limit=1000" "/search?q=dataset&limit=1000" \
         "/search?q=kryptonite%20OR" "/search?q=krypt*" "/search?q=$(enc '"kryptonite electrode"')" \
         "/suggest?q=k&limit=100" "/suggest?q=zorb" "/suggest?q=electrode%20d&limit=100"; do
  get anon "$p"
done
check "anonymous: $nanon bodies searched for restricted values" test "$nanon" -gt 20
get anon "/search?q=electrode&format=.secretfmt"; eq "anonymous: the hidden format finds nothing" "$(js 'j["total"]')" 0
get anon "/search?q=electrode&wp=WP3&limit=1000"
eq "anonymous: wp=WP3 total = the anonymous WP3 facet" "$(js 'j["total"]')" "$wp3a"

# --- the index follows writes through the endpoint
W="Authorization: Bearer ww-t0k"
upd() { curl -s -m 60 -o /dev/null -w '%{http_code}' -H "$W" --data-urlencode "update=$1" "$URL/sparql"; }
eq "INSERT DATA: 200" "$(upd "INSERT DATA { GRAPH <http://live.test/g> { <http://live.test/x> <${DCT}title> \"wombat electrolyte\" } }")" 200
get anon "/search?q=wombat"; eq "INSERT DATA: searchable at once" "$(js '[h["iri"] for h in j["hits"]]')" http://live.test/x
get anon "/suggest?q=womb"; eq "INSERT DATA: suggestable at once" "$(js '[s["iri"] for s in j["suggestions"]]')" http://live.test/x
eq "DELETE DATA: 200" "$(upd "DELETE DATA { GRAPH <http://live.test/g> { <http://live.test/x> <${DCT}title> \"wombat electrolyte\" } }")" 200
get anon "/search?q=wombat"; eq "DELETE DATA: gone" "$(js 'j["total"]')" 0
get anon "/suggest?q=womb"; eq "DELETE DATA: no longer suggested" "$(js 'len(j["suggestions"])')" 0
G="$URL/data?graph=$(enc http://live.test/gsp)"
put() { printf '<http://live.test/y> <http://www.w3.org/2000/01/rdf-schema#label> "%s" .\n' "$1" |
  curl -s -m 60 -o /dev/null -w '%{http_code}' -X PUT -H "$W" -H 'Content-Type: text/turtle' --data-binary @- "$G"; }
check "GSP PUT: created" test "$(put 'numbat cathode')" -lt 300
get anon "/search?q=numbat"; eq "GSP PUT: searchable" "$(js '[h["iri"] for h in j["hits"]]')" http://live.test/y
check "GSP PUT again: replaced" test "$(put 'bilby cathode')" -lt 300
get anon "/search?q=numbat"; eq "GSP PUT again: the old words are gone" "$(js 'j["total"]')" 0
get anon "/search?q=bilby"; eq "GSP PUT again: the new words are found" "$(js '[h["iri"] for h in j["hits"]]')" http://live.test/y
code=$(curl -s -m 60 -o /dev/null -w '%{http_code}' -X DELETE -H "$W" "$G")
check "GSP DELETE: done" test "$code" -lt 300
get anon "/search?q=bilby"; eq "GSP DELETE: gone" "$(js 'j["total"]')" 0
eq "GSP set access restricted: hidden from anonymous" "$(put 'quoll anode' >/dev/null; curl -s -o /dev/null -w '%{http_code}' -X POST -H "$W" \
  --data-urlencode graph=http://live.test/gsp --data-urlencode access=restricted "$URL/graphs" >/dev/null;
  get anon "/search?q=quoll"; js 'j["total"]')" 0
get rr "/search?q=quoll"; eq "... and found by the reader" "$(js 'j["total"]')" 1

# --- the BattINFO closure: every labelled class searchable and suggestable
nclass=$(sparql anon "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <$OWLC> { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } UNION { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l } FILTER(isIRI(?c)) }")
check "the closure has thousands of labelled classes ($nclass)" test "${nclass:-0}" -gt 4000
ndocs=$("$BS" search --store "$S" --stats | sed -n 's/^documents *//p')
check "the index holds at least as many documents ($ndocs)" test "${ndocs:-0}" -ge "$nclass"
# 20 classes drawn at random (seeded by the day: a different sample each day)
curl -s -H 'Accept: text/csv' --data-urlencode "query=SELECT ?c ?l WHERE { ?c a <$OWLC> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(isIRI(?c) && LANG(?l) IN ('en', '')) }" \
  "$URL/sparql" | tr -d '\r' | tail -n +2 | grep -v '"' | python3 -c '
import sys, random, datetime
rows = sorted(set(l.strip() for l in sys.stdin if l.strip()))
random.seed(int(datetime.date.today().strftime("%Y%m%d")))
for r in random.sample(rows, 20): print(r)' >"$T/sample"
eq "20 classes sampled" "$(wc -l <"$T/sample" | tr -d ' ')" 20
nsearch=0 nsugg=0 nsugg4=0 slow=0 times=""
while IFS=, read -r c l; do
  get anon "/search?q=$(enc "\"$l\"")&expand=0&type=$(enc "$OWLC")&limit=1000"
  [ "$(js "'$c' in [h['iri'] for h in j['hits']]")" = True ] && nsearch=$((nsearch + 1))
  get anon "/suggest?q=$(enc "$l")&limit=100"
  # suggestions are distinct labels: a class sharing its label with another
  # (EMMO's and CHAMEO's Grinding) may be represented by the other
  [ "$(js "'$c' in [s['iri'] for s in j['suggestions']] or '$l' in [s['label'] for s in j['suggestions']]")" = True ] && nsugg=$((nsugg + 1))
  # its first 4 letters: it is suggested, or 100 shorter-or-equal labels are
  p4=${l:0:4}
  t=$(curl -s -o "$T/body" -w '%{time_total}' "$URL/suggest?q=$(enc "$p4")&limit=100")
  times="$times $t"
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 0.2 else 1)' "$t" || slow=$((slow + 1))
  [ "$(js "'$c' in [s['iri'] for s in j['suggestions']] or '$l' in [s['label'] for s in j['suggestions']] or (len(j['suggestions']) == 100 and all(len(s['label']) <= len('$l') for s in j['suggestions']))")" = True ] &&
    nsugg4=$((nsugg4 + 1))
done <"$T/sample"
eq "each of 20 random class labels finds its class" "$nsearch" 20
eq "each of 20 random class labels suggests its class" "$nsugg" 20
eq "each is suggested for its first 4 letters (or crowded out by 100 shorter labels)" "$nsugg4" 20
eq "/suggest under 200 ms (20 calls, curl time_total)" "$slow" 0
echo "# /suggest of 4 letters, median $(tr ' ' '\n' <<<"$times" | grep . | sort -n | sed -n 10p) s (curl time_total)"

check "server stops cleanly" bs_serve_stop

# --- a store without a text index: 503
BATTSTORE_NO_SEARCH=1 bs_serve_start --store "$T/noidx" ||
  { fail "server without index starts" "$(cat "$SLOG")"; finish; exit 1; }
get anon "/search?q=electrode"; eq "no index: /search 503" "$code" 503
check "no index: says so" grep -q "search index not available" "$T/body"
get anon "/suggest?q=elec"; eq "no index: /suggest 503" "$code" 503
check "server without index stops cleanly" bs_serve_stop
finish
