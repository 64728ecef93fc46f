#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# battstore search: words, filters, paging, class expansion with why,
# table and JSON output, --suggest, --stats, --reindex, malformed queries
# and a store without a text index — on the BIG-MAP plan + BattINFO terms.
. "$(dirname "$0")/lib.sh"
SRC=${BS_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
S=$T/store
for f in bigmap-dmp bigmap-dmp-data battinfo-terms; do
  "$BS" load --store "$S" --quiet --graph "https://w3id.org/battstore/graph/$f" \
    "$SRC/ontology/$f.ttl" || { echo "not ok 1 - load $f"; exit 1; }
done
D=https://w3id.org/battstore/bigmap-dmp#
EL=https://w3id.org/emmo/domain/electrochemistry#electrochemistry_0f007072_a8dd_4798_b865_1bf9363be627
DCAT=http://www.w3.org/ns/dcat#Dataset
srch() { "$BS" search --store "$S" "$@"; }
# js EXPR: evaluate a Python expression over the JSON document on stdin (as j)
js() { python3 -c 'import json, sys; j = json.load(sys.stdin); r = eval(sys.argv[1]); print(r if not isinstance(r, list) else " ".join(map(str, r)))' "$1" 2>/dev/null || echo "(no JSON)"; }
# sparql QUERY: the first column of the result, sorted, one line
sparql() { "$BS" query --store "$S" --format csv "$1" | tr -d '\r' | tail -n +2 | cut -d, -f1 |
  LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//'; }

# --- usage
check "--help exits 0" sh -c "'$BS' search --help | grep -q 'battstore search'"
"$BS" search --store "$S" >/dev/null 2>&1; eq "no words: usage error" "$?" 2
"$BS" search --store "$S" --format xml electrode >/dev/null 2>&1; eq "--format xml: usage error" "$?" 2
"$BS" search --store "$S" --limit ten electrode >/dev/null 2>&1; eq "--limit ten: usage error" "$?" 2
"$BS" search --store "$S" --access secret electrode >/dev/null 2>&1; eq "--access secret: usage error" "$?" 2

# --- a word found in titles: JSON document, hits, totals
J=$T/el.json
srch --format json --limit 1000 electrode >"$J"; eq "search electrode exits 0" "$?" 0
check "JSON parses" sh -c "python3 -m json.tool '$J' >/dev/null"
eq "JSON names the query" "$(js 'j["q"]' <"$J")" electrode
total=$(js 'j["total"]' <"$J")
check "electrode: some hits ($total)" test "$total" -gt 3
eq "all hits returned under --limit 1000" "$(js 'len(j["hits"])' <"$J")" "$total"
eq "hits are distinct resources" "$(js 'len(set(h["iri"] for h in j["hits"]))' <"$J")" "$total"
eq "scores descend" "$(js 'all(a["score"] >= b["score"] for a, b in zip(j["hits"], j["hits"][1:]))' <"$J")" True
eq "every hit says why" "$(js 'all(len(h["why"]) > 0 for h in j["hits"])' <"$J")" True
# every dataset whose title holds the word is found
want=$(sparql "SELECT ?d WHERE { ?d a <$DCAT> ; <http://purl.org/dc/terms/title> ?t FILTER(REGEX(STR(?t), '\\\\belectrode\\\\b', 'i')) }")
got=$(js 'sorted(h["iri"] for h in j["hits"])' <"$J")
missing=$(comm -23 <(tr ' ' '\n' <<<"$want") <(tr ' ' '\n' <<<"$got") | tr '\n' ' ')
check "some datasets have 'electrode' in their title" test -n "$want"
eq "every dataset titled with 'electrode' is a hit" "$missing" ""

# --- class expansion: datasets about Electrode or a subclass, whatever their text
about=$(sparql "SELECT ?d WHERE { ?d a <$DCAT> ; <${D}about> ?c . ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <$EL> }")
check "the plan has datasets about electrodes" test -n "$about"
missing=$(comm -23 <(tr ' ' '\n' <<<"$about") <(tr ' ' '\n' <<<"$got") | tr '\n' ' ')
eq "every dataset about Electrode or a subclass is a hit" "$missing" ""
# those found only through a class say which class
only=$(sparql "SELECT ?d WHERE { ?d a <$DCAT> ; <${D}about> ?c . ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <$EL>
  FILTER NOT EXISTS { ?d ?p ?t FILTER(isLiteral(?t) && REGEX(STR(?t), '\\\\belectrode\\\\b', 'i')) } }")
check "some datasets are about electrodes without saying the word" test -n "$only"
first=${only%% *}
eq "a dataset found through a class: why names the class" \
  "$(js "[w.get('class') is not None for h in j['hits'] if h['iri'] == '$first' for w in h['why']][:1]" <"$J")" True
srch --format json --limit 1000 --no-expand electrode >"$T/noexp.json"
eq "--no-expand: that dataset is not a hit" \
  "$(js "'$first' in [h['iri'] for h in j['hits']]" <"$T/noexp.json")" False
check "--no-expand: fewer hits" test "$(js 'j["total"]' <"$T/noexp.json")" -lt "$total"
eq "--no-expand: no why names a class" \
  "$(js 'any(w.get("class") for h in j["hits"] for w in h["why"])' <"$T/noexp.json")" False

# --- filters
srch --format json --limit 1000 --type "$DCAT" electrode >"$T/ty.json"
tyn=$(js 'j["total"]' <"$T/ty.json")
check "--type dcat:Dataset: hits ($tyn)" test "$tyn" -gt 0
ntyped=$(sparql "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { VALUES ?d { $(js '" ".join("<%s>" % h["iri"] for h in j["hits"])' <"$T/ty.json") } ?d a <$DCAT> }")
eq "--type: every hit is a dataset" "$ntyped" "$tyn"
srch --format json --limit 1000 --wp WP5 electrode >"$T/wp.json"
wpn=$(js 'j["total"]' <"$T/wp.json")
check "--wp WP5: hits ($wpn)" test "$wpn" -gt 0
nwp=$(sparql "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { VALUES ?d { $(js '" ".join("<%s>" % h["iri"] for h in j["hits"])' <"$T/wp.json") } ?d <${D}producedBy>|<${D}workPackage> <${D}WP5> }")
eq "--wp WP5: every hit is produced by WP5" "$nwp" "$wpn"
check "--wp narrows" test "$wpn" -lt "$total"
srch --format json --limit 1000 --data-format .hdf5 data >"$T/fmt.json"
fmn=$(js 'j["total"]' <"$T/fmt.json")
check "--data-format .hdf5: hits ($fmn)" test "$fmn" -gt 0
nfm=$(sparql "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { VALUES ?d { $(js '" ".join("<%s>" % h["iri"] for h in j["hits"])' <"$T/fmt.json") } ?d <http://purl.org/dc/terms/format> '.hdf5' }")
eq "--data-format: every hit has that format" "$nfm" "$fmn"

# --- facets count the hits
eq "facets: the wp counts of the datasets add up to no more than the total" \
  "$(js 'sum(v["count"] for v in j["facets"]["wp"]) >= 1 and max(v["count"] for v in j["facets"]["wp"]) <= j["total"]' <"$J")" True
eq "facets: WP5's count is the --wp WP5 total" \
  "$(js '[v["count"] for v in j["facets"]["wp"] if v["value"].endswith("#WP5")]' <"$J")" "$wpn"

# --- paging
srch --format json --limit 5 electrode >"$T/p1.json"
srch --format json --limit 5 --offset 5 electrode >"$T/p2.json"
eq "page 1 = hits 1-5" "$(js '[h["iri"] for h in j["hits"]]' <"$T/p1.json")" \
  "$(js '[h["iri"] for h in j["hits"][:5]]' <"$J")"
eq "page 2 = hits 6-10" "$(js '[h["iri"] for h in j["hits"]]' <"$T/p2.json")" \
  "$(js '[h["iri"] for h in j["hits"][5:10]]' <"$J")"
eq "the total does not depend on the page" "$(js 'j["total"]' <"$T/p2.json")" "$total"

# --- table output
out=$(srch --format table --limit 3 electrode)
eq "table: header + 3 rows + summary" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 5
check "table: header names the columns" sh -c "printf '%s\n' \"\$1\" | head -1 | grep -q 'score.*label.*IRI.*why'" _ "$out"
check "table: first row is rank 1" sh -c "printf '%s\n' \"\$1\" | sed -n 2p | grep -q '^1 '" _ "$out"
check "table: summary says 3 of the total" sh -c "printf '%s\n' \"\$1\" | tail -1 | grep -q '^3 of $total hits'" _ "$out"

# --- words, phrases, OR, exclusion, prefix, folding
two=$(srch --format json --limit 1000 electrode material | js 'j["total"]')
check "two words (AND): no more hits than one" test "$two" -le "$total"
orn=$(srch --format json --limit 1000 --no-expand electrode OR electrolyte | js 'j["total"]')
one=$(js 'j["total"]' <"$T/noexp.json")
check "a OR b: at least as many hits as a ($orn >= $one)" test "$orn" -ge "$one"
pre=$(srch --format json --limit 1000 --no-expand 'electro*' | js 'j["total"]')
check "prefix electro*: at least as many as electrode and electrolyte ($pre >= $orn)" test "$pre" -ge "$orn"
fold=$(srch --format json --limit 1000 --no-expand ÉLECTRODE | js '[h["iri"] for h in j["hits"]]')
eq "case and accent folding: ÉLECTRODE = electrode" "$fold" "$(js '[h["iri"] for h in j["hits"]]' <"$T/noexp.json")"
exn=$(srch --format json --limit 1000 --no-expand electrode -coating | js 'j["total"]')
wcn=$(srch --format json --limit 1000 --no-expand electrode coating | js 'j["total"]')
check "electrode coating: some hits ($wcn)" test "$wcn" -gt 0
eq "exclusion: (electrode -coating) + (electrode coating) = electrode" "$((exn + wcn))" "$one"

# --- malformed queries: exit 1, a clear message
for q in 'electrode OR' 'OR electrode' '-electrode'; do
  err=$("$BS" search --store "$S" $q 2>&1 >/dev/null); rc=$?
  eq "malformed '$q': exit 1" "$rc" 1
  check "malformed '$q': says so" grep -q "malformed query" <<<"$err"
done

# --- suggest
sg=$(srch --format json --suggest elec --limit 50)
eq "--suggest elec: Electrode is offered" "$(js "'$EL' in [s['iri'] for s in j['suggestions']]" <<<"$sg")" True
eq "--suggest elec: every label has a word starting with elec" \
  "$(js 'all(any(w.lower().startswith("elec") for w in __import__("re").split(r"[^\w]+|(?<=[a-z])(?=[A-Z])", s["label"])) for s in j["suggestions"])' <<<"$sg")" True
check "--suggest: table output" sh -c "'$BS' search --store '$S' --format table --suggest elec | grep -q 'Electrode'"

# --- stats and reindex
st=$(srch --stats); eq "--stats exits 0" "$?" 0
docs=$(sed -n 's/^documents *//p' <<<"$st")
check "--stats: documents ($docs)" test "${docs:-0}" -gt 500
check "--stats: index share of the store" grep -q '% of the store' <<<"$st"
rx=$(srch --reindex); eq "--reindex exits 0" "$?" 0
eq "--reindex: as many documents as --stats" "$(sed -n 's/^indexed \([0-9]*\) documents.*/\1/p' <<<"$rx")" "$docs"
eq "same hits after --reindex" "$(srch --format json --limit 1000 electrode | js '[h["iri"] for h in j["hits"]]')" \
  "$(js '[h["iri"] for h in j["hits"]]' <"$J")"

# --- index maintenance through the CLI's writers
"$BS" update --store "$S" "INSERT DATA { GRAPH <http://t/g> { <http://t/x> <http://www.w3.org/2000/01/rdf-schema#label> \"zwitterionic quokka\" } }" >/dev/null
eq "update INSERT: the new word is found" "$(srch --format json quokka | js '[h["iri"] for h in j["hits"]]')" http://t/x
"$BS" update --store "$S" "DELETE DATA { GRAPH <http://t/g> { <http://t/x> <http://www.w3.org/2000/01/rdf-schema#label> \"zwitterionic quokka\" } }" >/dev/null
eq "update DELETE: gone" "$(srch --format json quokka | js 'j["total"]')" 0
printf '<http://t/y> <http://purl.org/dc/terms/title> "platypus cathode"@en .\n' >"$T/y.nt"
"$BS" load --store "$S" --quiet --graph http://t/g2 "$T/y.nt"
eq "load: found" "$(srch --format json platypus | js '[h["iri"] for h in j["hits"]]')" http://t/y
"$BS" drop --store "$S" --graph http://t/g2 >/dev/null
eq "drop graph: gone" "$(srch --format json platypus | js 'j["total"]')" 0

# --- a store without a text index
N=$T/noidx
BATTSTORE_NO_SEARCH=1 "$BS" load --store "$N" --quiet --graph http://t/g "$SRC/ontology/battinfo-terms.ttl"
err=$("$BS" search --store "$N" electrode 2>&1 >/dev/null); rc=$?
eq "no index: exit 1" "$rc" 1
check "no index: says to reindex" grep -q "search --reindex" <<<"$err"
"$BS" search --store "$N" --reindex >/dev/null; eq "no index: --reindex builds it" "$?" 0
eq "after --reindex: Electrode is found" \
  "$("$BS" search --store "$N" --format json --limit 100 --no-expand electrode | js "'$EL' in [h['iri'] for h in j['hits']]")" True
finish
