#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The BIG-MAP data highway: named queries (CLI and HTTP), battstore flows, battstore check.
. "$(dirname "$0")/../integration/lib.sh"   # sources lib.sh; bs_serve_start / bs_serve_stop
SRC=${BS_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
S=$T/store
export BATTSTORE_QUERIES=$SRC/queries
for f in "$SRC"/ontology/*.ttl; do
  "$BS" load --store "$S" --quiet --graph "https://w3id.org/battstore/graph/$(basename "$f" .ttl)" "$f" \
    || { echo "not ok 1 - load $f"; exit 1; }
done
D=https://w3id.org/battstore/bigmap-dmp#
# q NAME [--param K=V ...]: the named query's first column (csv, no header), sorted
q() { local name=$1; shift
  "$BS" query --store "$S" --format csv --name "$name" "$@" | tr -d '\r' | tail -n +2 | cut -d, -f1 \
    | sed "s|^$D||" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'; }
# count NAME [--param K=V ...]: the number of result rows
count() { local name=$1; shift
  "$BS" query --store "$S" --format csv --name "$name" "$@" | tr -d '\r' | tail -n +2 | wc -l | tr -d ' '; }

# --- named queries: every file of queries/ parses and runs with its defaults
for f in "$SRC"/queries/*.rq; do
  name=$(basename "$f" .rq)
  if out=$("$BS" query --store "$S" --format csv --name "$name" 2>&1); then ok "query --name $name runs"
  else fail "query --name $name runs" "$out"; fi
done
eq "--list-queries names every query" "$("$BS" query --list-queries | grep -c '^[a-z]')" \
  "$(ls "$SRC"/queries/*.rq | wc -l | tr -d ' ')"
check "--list-queries shows parameters and defaults" sh -c "'$BS' query --list-queries | grep -q -- '--param wp=WP10'"

# direct upstream / downstream, as the tables of the plan say
# (checked against the flow IRIs flow-FROM-TO-N of bigmap-dmp-data.ttl: WP9 states
# nothing, so only WP7 -> WP10 and WP8 -> WP10 from the tools; WP9 is not upstream of WP10)
eq "upstream of WP10" "$(q upstream --param wp=WP10)" "WP11 WP2 WP3 WP4 WP5 WP6 WP7 WP8"
eq "upstream of WP2" "$(q upstream --param wp=WP2)" "WP10 WP11 WP3 WP4 WP5 WP6 WP7 WP8"
eq "downstream of WP8" "$(q downstream --param wp=WP8)" "WP10 WP11 WP2 WP3 WP4 WP5 WP6 WP7"
eq "downstream of WP2 (no flow to WP4 or WP8)" "$(q downstream --param wp=WP2)" "WP10 WP11 WP3 WP5 WP6 WP7 WP9"
eq "transitive downstream of WP2: every WP but WP1 and WP2" "$(count downstream-transitive --param wp=WP2)" 9
eq "transitive upstream of WP10 = WP2..WP11 but WP10" "$(count upstream-transitive --param wp=WP10)" 9
eq "WP1 (management) has no upstream" "$(count upstream-transitive --param wp=WP1)" 0
eq "direct flows WP10 -> WP2 (Table WP 1.2 row 7, WP 1.28)" "$(count routes-direct --param from=WP10 --param to=WP2)" \
  "$("$BS" query --store "$S" --format csv "PREFIX dmp: <$D> SELECT ?f WHERE { ?f dmp:fromWorkPackage dmp:WP10 ; dmp:toWorkPackage dmp:WP2 }" | tail -n +2 | wc -l | tr -d ' ')"
check "direct flows WP10 -> WP2: the next optimal candidates" sh -c \
  "'$BS' query --store '$S' --format csv --name routes-direct --param from=WP10 --param to=WP2 | grep -q 'next optimal candidates'"
eq "no direct flow WP1 -> WP2" "$(count routes-direct --param from=WP1 --param to=WP2)" 0
legs=$("$BS" query --store "$S" --format csv --name routes-via-hub --param from=WP2 --param to=WP11 | tail -n +2 | cut -d, -f1 | sort -u | tr -d '\r' | tr '\n' ' ')
eq "WP2 -> WP9 -> WP11: both legs" "$legs" "1 2 "
eq "WP1 -> WP9 -> WP11: no route" "$(count routes-via-hub --param from=WP1 --param to=WP11)" 0
eq "one-sided flows: 22" "$(count one-sided)" 22
eq "flows at or above PB: none" "$(count flows-min-size --param size=PB)" 0
tb=$(count flows-min-size --param size=TB); gb=$(count flows-min-size --param size=gb)
check "flows at or above GB include those at or above TB ($gb >= $tb > 0)" test "$gb" -ge "$tb" -a "$tb" -gt 0
eq "flows at or above KB = flows with a size class" "$(count flows-min-size --param size=KB)" \
  "$("$BS" query --store "$S" --format csv "PREFIX dmp: <$D> SELECT ?f WHERE { ?f a dmp:DataFlow ; dmp:sizeClass ?c }" | tail -n +2 | wc -l | tr -d ' ')"
EC=https://w3id.org/emmo/domain/electrochemistry#electrochemistry_0f007072_a8dd_4798_b865_1bf9363be627
eq "about Electrode: by label = by IRI" "$(count about-class --param class=Electrode)" \
  "$(count about-class --param "class=$EC")"
direct=$("$BS" query --store "$S" --format csv "PREFIX dmp: <$D> SELECT DISTINCT ?x WHERE { ?x dmp:about <$EC> }" | tail -n +2 | wc -l | tr -d ' ')
check "about Electrode includes subclasses (Positive/NegativeElectrode): more than the $direct direct hits" \
  test "$(count about-class --param class=Electrode)" -gt "$direct"
check "about Spectroscopy: dataset WP2-1 (Electronic Structure, spectra)" sh -c \
  "'$BS' query --store '$S' --format csv --name about-class --param class=Spectroscopy | grep -q 'bigmap/dataset-WP2-1,'"
eq "about an unknown class: nothing" "$(count about-class --param class=NoSuchClass)" 0
check "format .hdf5: dataset WP2-1 (.tar.gz of hdf5 …)" sh -c \
  "'$BS' query --store '$S' --format csv --name by-format --param format=.HDF5 | grep -q 'bigmap/dataset-WP2-1,'"
check "format .json finds some" test "$(count by-format --param format=.json)" -gt 0
eq "deliverables of WP10: to WP2..WP11 as stated" "$(q deliverables --param wp=WP10 | tr ' ' '\n' | sort -u | tr '\n' ' ')" \
  "$(q downstream --param wp=WP10) "
eq "deliverables of WP1: none" "$(count deliverables --param wp=WP1)" 0
eq "FAIR gaps: every dataset" "$(count fair-gaps)" 137
eq "FAIR gaps of WP2: its 4 datasets" "$(count fair-gaps --param wp=WP2)" 4
check "unknown parameter is an error" sh -c "! '$BS' query --store '$S' --name upstream --param nope=1 2>/dev/null"
check "unknown named query is an error" sh -c "! '$BS' query --store '$S' --name no-such-query 2>/dev/null"

# --- battstore flows
check "flows: the pairs table has 69 pairs" test "$("$BS" flows --store "$S" | tail -n +2 | wc -l)" -eq 69
out=$("$BS" flows --store "$S" --from WP2 --to WP11 --format json --limit 0)
eq "WP2 -> WP11: the shortest route is direct" "$(printf '%s' "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin)["routes"]; print(r[0]["hops"], r[0]["path"])')" \
  "1 ['WP2', 'WP11']"
eq "WP2 -> WP11: routes sorted by length, every path simple and from WP2 to WP11" \
  "$(printf '%s' "$out" | python3 -c '
import json,sys
r=json.load(sys.stdin)["routes"]; h=[x["hops"] for x in r]
print(h==sorted(h), all(x["path"][0]=="WP2" and x["path"][-1]=="WP11" and len(set(x["path"]))==len(x["path"]) and len(x["sizes"])==x["hops"] for x in r), len(r) > 100)')" "True True True"
eq "WP2 -> WP11 via WP9 is a 2-hop route" "$(printf '%s' "$out" | python3 -c 'import json,sys; print(any(x["path"]==["WP2","WP9","WP11"] for x in json.load(sys.stdin)["routes"]))')" True
eq "--limit 5: five routes" "$("$BS" flows --store "$S" --from WP2 --to WP11 --limit 5 | grep -c '^ *[0-9]*\. ')" 5
# no flow-WP2-WP4-* in the data; flow-WP2-WP5-1 and flow-WP5-WP4-1 exist
eq "WP2 -> WP4: no direct flow, shortest route has 2 hops" \
  "$("$BS" flows --store "$S" --from wp2 --to 4 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["routes"][0]["hops"])')" 2
check "WP2 -> WP4 through WP5 is a route" sh -c "'$BS' flows --store '$S' --from WP2 --to WP4 | grep -q 'WP2 -\[[A-Z?]*\]-> WP5 -\[[A-Z?]*\]-> WP4\$'"
eq "WP1 -> WP2: no route" "$("$BS" flows --store "$S" --from WP1 --to WP2 --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["routes"]))')" 0
eq "table shows the size class of each hop (WP2 -> WP11 is TB-sized)" \
  "$("$BS" flows --store "$S" --from WP2 --to WP11 --limit 1 | sed -n 2p | sed 's/.*WP2 //')" \
  "-[$("$BS" query --store "$S" --format csv "PREFIX dmp: <$D> SELECT (MAX(?r) AS ?m) WHERE { ?f dmp:fromWorkPackage dmp:WP2 ; dmp:toWorkPackage dmp:WP11 ; dmp:sizeClass/dmp:rank ?r }" | tail -1 | tr -d '\r' | sed 's/1/KB/;s/2/MB/;s/3/GB/;s/4/TB/;s/5/PB/')]-> WP11"
eq "--upstream WP10: 9 WPs" "$("$BS" flows --store "$S" --upstream WP10 --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["reach"]))')" 9
eq "--downstream WP2 = the downstream-transitive query" \
  "$("$BS" flows --store "$S" --downstream WP2 | tail -n +2 | awk '{print $1}' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" \
  "$(q downstream-transitive --param wp=WP2)"
eq "--one-sided: 22" "$("$BS" flows --store "$S" --one-sided --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["one_sided"]))')" 22
check "--one-sided table ends with the count" sh -c "'$BS' flows --store '$S' --one-sided | tail -1 | grep -q '^22 one-sided flows of 138'"
"$BS" flows --store "$S" --from WP12 --to WP2 >/dev/null 2>"$T/err"; rc=$?
eq "unknown WP: exit 1" "$rc" 1
check "unknown WP: a clear message" grep -q "unknown work package 'WP12'" "$T/err"
"$BS" flows --store "$S" --upstream nope >/dev/null 2>&1; eq "unknown WP upstream: exit 1" "$?" 1
"$BS" flows --store "$S" --from WP2 >/dev/null 2>&1; eq "--from without --to: usage" "$?" 2
"$BS" flows --store "$S" --format png >/dev/null 2>&1; eq "--format png: usage" "$?" 2
"$BS" flows --store "$T/empty" >/dev/null 2>&1; eq "no store: exit 1" "$?" 1
"$BS" load --store "$T/other" --quiet "$SRC/ontology/battinfo-terms.ttl"
"$BS" flows --store "$T/other" 2>"$T/err" >/dev/null; eq "store without the plan: exit 1" "$?" 1
check "store without the plan: says so" grep -q "no BIG-MAP plan" "$T/err"
"$BS" flows --store "$S" --format dot >"$T/h.dot"
check "dot: clusters as in Fig. 2" sh -c "grep -c '^  subgraph cluster_' '$T/h.dot' | grep -qx 3"
check "dot: a clickable node (URL, id)" grep -q 'WP10 \[.*id="WP10", URL="https://w3id.org/battstore/bigmap-dmp#WP10"' "$T/h.dot"
if command -v dot >/dev/null; then
  for mode in "" "--from WP2 --to WP11" "--upstream WP10" "--one-sided"; do
    "$BS" flows --store "$S" $mode --format svg >"$T/h.svg"
    eq "svg ${mode:-(whole highway)}: well-formed, names every WP" "$(python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
text = " ".join(t for e in root.iter() for t in [e.text or ""] + [v for v in e.attrib.values()])
print(root.tag.endswith("svg"), all(("WP%d" % i) in text.split() or ("WP%d" % i) in text.replace("\n", " ").split(" ") for i in range(1, 12)))' "$T/h.svg")" "True True"
  done
  check "svg: arrow widths differ by size class" sh -c "grep -o 'stroke-width=\"[0-9.]*\"' '$T/h.svg' | sort -u | wc -l | grep -qv '^1$'"
else
  fail "svg: Graphviz dot is missing (apt-get install graphviz)"
fi
BATTSTORE_DOT=/nonexistent/dot "$BS" flows --store "$S" --format svg >/dev/null 2>"$T/err"
eq "svg without Graphviz: exit 1" "$?" 1
check "svg without Graphviz: says so" grep -q "graphviz" "$T/err"
# BATTSTORE_DOT is run as a program, not through a shell: a path with a
# space and a quote works, and dot's own exit status is reported
mkdir -p "$T/it's a dir"
printf '#!/bin/sh\n[ "$1" = -Tsvg ] || exit 9\necho "<svg>fake $(wc -l <"$2")</svg>"\n' >"$T/it's a dir/dot"
printf '#!/bin/sh\necho partial; exit 3\n' >"$T/it's a dir/bad"
chmod +x "$T/it's a dir/dot" "$T/it's a dir/bad"
BATTSTORE_DOT="$T/it's a dir/dot" "$BS" flows --store "$S" --format svg >"$T/fake.svg" 2>"$T/err"
eq "svg: BATTSTORE_DOT with a space and a quote in its path" "$?" 0
check "svg: the dot program got -Tsvg and the dot file" grep -Eq '^<svg>fake [1-9][0-9]*</svg>$' "$T/fake.svg"
BATTSTORE_DOT="$T/it's a dir/bad" "$BS" flows --store "$S" --format svg >/dev/null 2>"$T/err"
eq "svg: a failing dot: exit 1" "$?" 1
check "svg: a failing dot: its exit status said" grep -q "exit 3" "$T/err"

# --- battstore check
"$BS" check --store "$S" --quiet >"$T/check" 2>&1; rc=$?
eq "check on the plan: exit 1 (rules fail)" "$rc" 1
check "check: 137 datasets, none passes" grep -q "^137 datasets, 0 pass every rule, 137 fail" "$T/check"
check "check: identifier fails for all 137" grep -Eq '^  identifier +2.1.2 +137$' "$T/check"
eq "check --format json: 137 datasets" "$("$BS" check --store "$S" --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["datasets"], len(d["report"]), d["failed"])')" "137 137 137"
cat >"$T/extra.ttl" <<'TTL'
@prefix dmp: <https://w3id.org/battstore/bigmap-dmp#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:good a dcat:Dataset ; dcterms:title "Cycling of LFP cells" ; dmp:producedBy dmp:WP5 ;
  dcterms:identifier "https://doi.org/10.24435/materialscloud:ab-cd" ;
  dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
  dcat:keyword "Electrode" ;
  dmp:about <https://w3id.org/emmo/domain/electrochemistry#electrochemistry_0f007072_a8dd_4798_b865_1bf9363be627> ;
  dmp:protocol <https://example.org/sop/cycling-v2> ; dmp:fidelity "measured, calibrated" ;
  prov:wasGeneratedBy ex:run1 ; dcterms:accessRights dmp:Public ;
  dcterms:issued "2024-01-15"^^xsd:date ; dcat:version "1.0.0" ;
  dmp:retainedUntil "2036-01-15"^^xsd:date ;
  dmp:embargo [ dmp:embargoEnd "2024-06-01"^^xsd:date ; dmp:embargoReason dmp:PublisherEmbargo ] .
ex:bad a dcat:Dataset ; dcterms:title "Half-described" ;
  dcterms:identifier "internal-42" ;
  dcterms:license <https://example.org/all-rights-reserved> ;
  dmp:about <https://example.org/NotAClass> ; dcterms:accessRights ex:Secret ;
  dcterms:issued "2024-01-15"^^xsd:date ; dmp:retainedUntil "2026-01-01"^^xsd:date ;
  dmp:embargo [ dmp:embargoEnd "2025-06-01"^^xsd:date ; dmp:embargoReason dmp:PublisherEmbargo ] .
TTL
"$BS" load --store "$S" --quiet --graph https://example.org/extra "$T/extra.ttl"
"$BS" check --store "$S" --dataset https://example.org/good >"$T/good" 2>&1
eq "check --dataset (complete): exit 0" "$?" 0
check "check --dataset (complete): every rule ok" grep -q "^ok   good (WP5) .*: 0 of 8 rules fail" "$T/good"
"$BS" check --store "$S" --dataset https://example.org/bad --format json >"$T/bad.json"
eq "check --dataset (incomplete): exit 1" "$?" 1
fails=$(python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))["report"][0]
print(" ".join(sorted(r["rule"] for r in d["rules"] if not r["ok"])))' "$T/bad.json")
eq "incomplete dataset: the failing rules" "$fails" "access-level identifier keywords licence minimum-metadata publisher-embargo retention versioning"
for want in "is not a DOI or handle" "is not an accepted one" "no dmp:protocol" "names no BattINFO" \
            "is not public, restricted or confidential" "longer than P6M" "less than P10Y" "no dcat:version"; do
  check "incomplete dataset: '$want'" grep -q "$want" "$T/bad.json"
done
"$BS" check --store "$S" --dataset https://example.org/none >/dev/null 2>"$T/err"
eq "check an unknown dataset: exit 1" "$?" 1
check "check an unknown dataset: says so" grep -q "no dcat:Dataset" "$T/err"

# --- named queries over HTTP
if cd "$SRC" && bs_serve_start --store "$S" --queries "$SRC/queries"; then
  got=$(curl -s -H 'Accept: text/csv' "${URL}/queries/upstream?wp=WP10" | tr -d '\r' | tail -n +2 | cut -d, -f1 | sed "s|^$D||" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
  eq "HTTP /queries/upstream?wp=WP10 = the CLI" "$got" "$(q upstream --param wp=WP10)"
  got=$(curl -s -H 'Accept: text/csv' "${URL}/queries/one-sided" | tr -d '\r' | tail -n +2 | wc -l | tr -d ' ')
  eq "HTTP /queries/one-sided: 22" "$got" 22
  bs_serve_stop
else
  fail "serve for the HTTP named queries"
fi
finish
