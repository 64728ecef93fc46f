#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# battstore — extracts ontology/battinfo-terms.ttl: labels and subclass links of the BattINFO/EMMO classes the DMP data uses.
#
# Usage: scripts/dmp/gen_battinfo_terms.sh [OUT.ttl]
#   BS_SHARED=DIR   where the BattINFO/EMMO ontologies live (default ../shared)
#
# Loads the owl:imports closure of domain-battery/battery.ttl (through
# catalog-v001.xml) into a scratch store, then CONSTRUCTs, for every class in
# scripts/dmp/battinfo-used.txt (written by gen_dmp_ttl.py) and every named
# superclass reachable from it with rdfs:subClassOf*: its rdfs:subClassOf
# links to named classes, its skos:prefLabel / skos:altLabel / rdfs:label in
# English (or without a language tag), and `a owl:Class`.  Output is sorted
# N-Triples (valid Turtle), so the same ontologies give the same bytes.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SHARED=${BS_SHARED:-$TOP/../shared}
OUT=${1:-$TOP/ontology/battinfo-terms.ttl}
BS=${BS:-$TOP/battstore}
ST=$(mktemp -d /tmp/bs_battinfo_XXXXXX)
trap 'rm -rf "$ST"' EXIT
"$BS" load --store "$ST/store" --imports --catalog "$SHARED/ontologies/catalog-v001.xml" \
  "$SHARED/ontologies/domain-battery/battery.ttl" 2>&1 | grep -v 'unresolved import' >&2 || true
values=$(grep -v '^#' "$HERE/battinfo-used.txt" | sed 's/.*/<&>/' | tr '\n' ' ')
q="PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
CONSTRUCT { ?c a owl:Class . ?c rdfs:subClassOf ?s . ?c skos:prefLabel ?pl . ?c skos:altLabel ?al . ?c rdfs:label ?rl }
WHERE {
  VALUES ?u { $values }
  ?u rdfs:subClassOf* ?c .
  FILTER(isIRI(?c))
  OPTIONAL { ?c rdfs:subClassOf ?s FILTER(isIRI(?s)) }
  OPTIONAL { ?c skos:prefLabel ?pl FILTER(LANG(?pl) = \"en\" || LANG(?pl) = \"\") }
  OPTIONAL { ?c skos:altLabel ?al FILTER(LANG(?al) = \"en\" || LANG(?al) = \"\") }
  OPTIONAL { ?c rdfs:label ?rl FILTER(LANG(?rl) = \"en\" || LANG(?rl) = \"\") }
}"
{
  printf '# SPDX-License-Identifier: CC-BY-4.0\n'
  printf '# battstore — BattINFO/EMMO labels and subclass links of the classes used by bigmap-dmp-data.ttl (extracted by scripts/dmp/gen_battinfo_terms.sh from EMMO/BattINFO, CC BY 4.0; loading the full BattINFO closure supersedes it).\n'
  sed 's/^/# /' "$SHARED/ontologies/SOURCES.txt"
  printf '\n'
  "$BS" query --store "$ST/store" --format ntriples "$q" | LC_ALL=C sort -u
} > "$OUT"
echo "$OUT: $(grep -c '^<' "$OUT") triples" >&2
