#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The BIG-MAP DMP as linked data (ontology/bigmap-dmp*.ttl, battinfo-terms.ttl): loads, spot checks against the plan's text.
. "$(dirname "$0")/lib.sh"
SRC=${BS_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
S=$T/store

# --- every ontology/ file loads (as scripts/run loads them: one named graph each)
for f in "$SRC"/ontology/*.ttl; do
  name=$(basename "$f" .ttl)
  check "load ontology/$name.ttl" "$BS" load --store "$S" --quiet \
      --graph "https://w3id.org/battstore/graph/$name" "$f"
done

PFX='PREFIX dmp: <https://w3id.org/battstore/bigmap-dmp#>
PREFIX d: <https://w3id.org/battstore/bigmap/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX ec: <https://w3id.org/emmo/domain/electrochemistry#>
'
# ask DESC WHERE-BODY: passes when ASK { BODY } is true
ask() {
  local out
  out=$("$BS" query --store "$S" --format json "$PFX ASK { $2 }" 2>&1)
  if printf '%s' "$out" | grep -q '"boolean" *: *true'; then ok "$1"; else fail "$1" "$out"; fi
}
# val QUERY: the first column of the first row (csv)
val() { "$BS" query --store "$S" --format csv "$PFX $1" | tr -d '\r' | sed -n 2p; }
# rows QUERY: the result rows (csv, no header), sorted
rows() { "$BS" query --store "$S" --format csv "$PFX $1" | tr -d '\r' | tail -n +2 | LC_ALL=C sort; }

# --- the vocabulary
ask "vocabulary: CC BY 4.0 licence on the ontology" \
  '<https://w3id.org/battstore/bigmap-dmp> a owl:Ontology ; dcterms:license <https://creativecommons.org/licenses/by/4.0/>'
eq "vocabulary: every dmp: term has rdfs:label and rdfs:comment" "$(val 'SELECT (COUNT(?t) AS ?n) WHERE {
    ?t a ?k . FILTER(?k IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty))
    FILTER(STRSTARTS(STR(?t), "https://w3id.org/battstore/bigmap-dmp#"))
    FILTER NOT EXISTS { ?t rdfs:label ?l . ?t rdfs:comment ?c } }')" 0
eq "vocabulary: every minted class / property names the standard term it relates to" "$(val 'SELECT (COUNT(?t) AS ?n) WHERE {
    ?t a ?k . FILTER(?k IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty))
    FILTER(STRSTARTS(STR(?t), "https://w3id.org/battstore/bigmap-dmp#"))
    FILTER NOT EXISTS { ?t rdfs:subClassOf|rdfs:subPropertyOf|rdfs:seeAlso|owl:inverseOf ?s
                        FILTER(!STRSTARTS(STR(?s), "https://w3id.org/battstore/bigmap-dmp#")) } }')" 0
eq "size scale: KB < MB < GB < TB < PB by dmp:rank" \
  "$(val 'SELECT (GROUP_CONCAT(?n; separator=" ") AS ?s) WHERE { SELECT ?n WHERE { ?c skos:inScheme dmp:SizeScale ; skos:notation ?n ; dmp:rank ?r } ORDER BY ?r }')" \
  "KB MB GB TB PB"
eq "access levels: public, restricted, confidential" \
  "$(val 'SELECT (COUNT(?c) AS ?n) WHERE { ?c skos:inScheme dmp:AccessLevels }')" 3

ask "embargo reasons: a publisher embargo is at most 6 months" 'dmp:PublisherEmbargo skos:inScheme dmp:EmbargoReasons ; dmp:maxEmbargo "P6M"^^<http://www.w3.org/2001/XMLSchema#duration>'

# --- the rules of section 2
ask "rule 2.4.1: other research output under CC BY 4.0" \
  'd:rule-licence-data dmp:acceptedLicence <https://creativecommons.org/licenses/by/4.0/> ; skos:notation "2.4.1"'
ask "rule 2.4.1: software under MIT, BSD or GPL" \
  'd:rule-licence-software dmp:acceptedLicence <http://spdx.org/licenses/MIT>, <http://spdx.org/licenses/GPL-3.0-or-later>'
ask "rule 2.4.2: publisher embargo at most P6M" 'd:rule-publisher-embargo dmp:maxEmbargo "P6M"^^<http://www.w3.org/2001/XMLSchema#duration>'
ask "rule 2.4.5: retention at least P10Y" 'd:rule-retention dmp:minRetention "P10Y"^^<http://www.w3.org/2001/XMLSchema#duration>'
ask "rule 2.1.6: minimum metadata requires dmp:about, dmp:protocol, dmp:fidelity" \
  'd:rule-minimum-metadata dmp:requiredProperty dmp:about, dmp:protocol, dmp:fidelity'

# --- work packages, tasks, partners
ask "WP10 title" 'dmp:WP10 dcterms:title "AI-accelerated Materials Discovery"@en'
eq "11 work packages" "$(val 'SELECT (COUNT(?w) AS ?n) WHERE { ?w a dmp:WorkPackage }')" 11
eq "Task 2.1 has its 6 partners (UU, UCAM, SINTEF, UNIVIE, WWU, CTH)" \
  "$(val 'SELECT (COUNT(?p) AS ?n) WHERE { d:task-2.1 dmp:partner ?p }')" 6
ask "Task 4.5: CEA and FZJ" 'd:task-4.5 dmp:workPackage dmp:WP4 ; dmp:partner d:partner-CEA, d:partner-FZJ'
ask "Task 3.2 is carried out by ALL partners" 'd:task-3.2 dmp:allPartners true'
ask "Task 9.5 with SOLEIL" 'd:task-9.5 dmp:partner/skos:notation "SOLEIL"'
ask "partner 3DS is Dassault Systems" 'd:partner-3DS rdfs:label "Dassault Systems"@en'

# --- one spot check per table (row numbers count printed rows, see docs/dmp.md)
ask "WP 1.1 row 3: Alchemical Exploration, engines QML & APDFT" \
  'd:dataset-WP2-3 dmp:inTable d:table-WP1.1 ; dmp:row 3 ; dmp:dataSets "Engines : QML & APDFT codes"@en ; dmp:sizeClass dmp:SizeGB ; dmp:software "APDFT"'
ask "WP 1.1 row 3: type 'As above' resolved to row 1" \
  'd:dataset-WP2-3 dmp:typeDescription "Tarball files can be created from the calculation folder, including relevant inputs and output raw data"@en ; dcterms:format ".tar.gz"'
ask "WP 1.2 row 7: WP2 collects suggestions from WP10 (text across a page break)" \
  '?f dmp:declaredBy d:stmt-WP1.2-7 ; dmp:fromWorkPackage dmp:WP10 ; dmp:toWorkPackage dmp:WP2 ; dmp:side dmp:CollectsFrom ;
   dmp:purpose "Model refinement and validation Autonomous feedback loops Simulated experiments"@en'
ask "WP 1.2 row 8 (WP11): 'As above' type resolved to row 7" \
  '?f dmp:declaredBy d:stmt-WP1.2-8 ; dmp:fromWorkPackage dmp:WP11 ;
   dmp:typeDescription "Tarball files can be created with post-processed data and parameters of interest"@en'
ask "WP 1.3 row 4: WP2 delivers metadata to WP9 'See WP9', GB" \
  '?f dmp:declaredBy d:stmt-WP1.3-4 ; dmp:fromWorkPackage dmp:WP2 ; dmp:toWorkPackage dmp:WP9 ; dmp:typeDescription "See WP9"@en ; dmp:sizeClass dmp:SizeGB'
ask "WP 1.4 row 8: P2D+Population balance equation model, Code-Specific, GB" \
  '?d dmp:inTable d:table-WP1.4 ; dmp:row 8 ; dmp:datatype "P2D+Population balance equation model"@en ; dmp:formatAsWritten "Code-Specific" ; dmp:sizeClass dmp:SizeGB'
ask "WP 1.5 row 9: WP3 collects the uncertainty propagation scheme from WP11, Python code, TB" \
  '?f dmp:declaredBy d:stmt-WP1.5-9 ; dmp:fromWorkPackage dmp:WP11 ; dmp:toWorkPackage dmp:WP3 ; dmp:formatAsWritten "Python code" ; dmp:sizeClass dmp:SizeTB'
ask "WP 1.6 row 9: 'TByte' is TB" \
  '?f dmp:declaredBy d:stmt-WP1.6-9 ; dmp:toWorkPackage dmp:WP11 ; dmp:sizeAsWritten "TByte" ; dmp:sizeClass dmp:SizeTB'
ask "WP 1.7 row 5: sub-row of a merged cell (Wiki via internet login), description merged from row 4" \
  '?d dmp:inTable d:table-WP1.7 ; dmp:row 5 ; dmp:dataSets "to be specified (D4.1), e.g. Wiki via internet login"@en ;
   dmp:datatype "Process documentation of robotic system"@en ; dmp:group "Robotic hardware and software"@en'
ask "WP 1.8 row 4: WP4 collects suggested next experiments from WP10 as JSON" \
  '?f dmp:declaredBy d:stmt-WP1.8-4 ; dmp:fromWorkPackage dmp:WP10 ; dcterms:description "Suggested next experiments (e. g. via JSON file)"@en ; dcterms:format ".json"'
eq "WP 1.9 row 1: merged cell 'WP2, WP3' gives two flows, WP4→WP2 and WP4→WP3" \
  "$(rows 'SELECT ?to WHERE { d:stmt-WP1.9-1 dmp:declares ?f . ?f dmp:fromWorkPackage dmp:WP4 ; dmp:toWorkPackage ?to }' | tr '\n' ' ')" \
  "https://w3id.org/battstore/bigmap-dmp#WP2 https://w3id.org/battstore/bigmap-dmp#WP3 "
ask "WP 1.10 row 23: Surface data (large scale facilities), SEI, KB, about SEI" \
  '?d dmp:inTable d:table-WP1.10 ; dmp:row 23 ; dcterms:description "SEI composition and morphology"@en ; dmp:sizeClass dmp:SizeKB ;
   dmp:about ec:electrochemistry_ecf136cb_2584_4cb1_98b7_2d2b3d22e40d'
ask "WP 1.11 row 6: WP5 collects from WP9, format DOI" \
  '?f dmp:declaredBy d:stmt-WP1.11-6 ; dmp:fromWorkPackage dmp:WP9 ; dmp:toWorkPackage dmp:WP5 ; dmp:formatAsWritten "DOI"'
ask "WP 1.12 row 2: size 'KB-TB KB' is KB to TB" \
  '?f dmp:declaredBy d:stmt-WP1.12-2 ; dmp:toWorkPackage dmp:WP3 ; dmp:sizeAsWritten "KB-TB KB" ; dmp:minSizeClass dmp:SizeKB ; dmp:maxSizeClass dmp:SizeTB'
ask "WP 1.13 row 31: cycle life by galvanostatic cycling (cell level), MB-GB" \
  '?d dmp:inTable d:table-WP1.13 ; dmp:row 31 ; dmp:group "Cell level"@en ; dmp:dataSets "Galvanostatic cycling"@en ;
   dmp:minSizeClass dmp:SizeMB ; dmp:maxSizeClass dmp:SizeGB ; dmp:about ec:electrochemistry_79a8802e_8296_459a_b65d_6e5c79e1bf37'
ask "WP 1.13 row 13: empty size under a merged cell takes MB-GB from row 12" \
  '?d dmp:inTable d:table-WP1.13 ; dmp:row 13 ; dmp:sizeAsWritten "MB-GB" ; dmp:transcriptionNote ?n'
ask "WP 1.14 row 3: WP6 collects samples from WP4 (g-kg)" \
  '?f dmp:declaredBy d:stmt-WP1.14-3 ; dmp:fromWorkPackage dmp:WP4 ; dmp:physicalSample "g-kg" ; dmp:sizeClass dmp:SizeKB'
ask "WP 1.15 row 5: WP6 delivers domain knowledge to WP7, 'MB -GB'" \
  '?f dmp:declaredBy d:stmt-WP1.15-5 ; dmp:toWorkPackage dmp:WP7 ; dmp:sizeAsWritten "MB -GB" ; dmp:maxSizeClass dmp:SizeGB'
ask "WP 1.16 row 3: the battery ontology as .owl and .ttl" \
  '?d dmp:inTable d:table-WP1.16 ; dmp:row 3 ; dmp:datatype "Battery ontology"@en ; dcterms:format ".owl", ".ttl" ; dmp:producedBy dmp:WP7'
eq "WP 1.17 row 1: merged cell 'WP2-6' expands to five flows into WP7" \
  "$(rows 'SELECT ?from WHERE { d:stmt-WP1.17-1 dmp:asWritten "WP2-6" ; dmp:declares ?f . ?f dmp:toWorkPackage dmp:WP7 ; dmp:fromWorkPackage ?from }' | sed 's/.*#//' | tr '\n' ' ')" \
  "WP2 WP3 WP4 WP5 WP6 "
eq "WP 1.18 row 4: 'WP10 & 11' expands to WP10 and WP11" \
  "$(rows 'SELECT ?to WHERE { d:stmt-WP1.18-4 dmp:declares ?f . ?f dmp:toWorkPackage ?to }' | sed 's/.*#//' | tr '\n' ' ')" "WP10 WP11 "
ask "WP 1.19 (template) is not transcribed" 'd:table-WP1.19 dmp:transcriptionNote ?n FILTER NOT EXISTS { ?x dmp:inTable d:table-WP1.19 }'
ask "WP 1.20 row 2: electrochemical results, GB" \
  '?d dmp:inTable d:table-WP1.20 ; dmp:row 2 ; dcterms:description "Battery full cell performances"@en ; dmp:sizeClass dmp:SizeGB'
ask "WP 1.21 row 2: 'WP8' in WP8's own table read as WP7 (as written kept)" \
  'd:stmt-WP1.21-2 dmp:asWritten "WP8" ; dmp:declares ?f . ?f dmp:fromWorkPackage dmp:WP7 ; dmp:toWorkPackage dmp:WP8 ; dmp:correspondsTo ?g'
eq "WP 1.22 row 3: 'WP4, WP6 and WP10' gives three flows from WP8" \
  "$(rows 'SELECT ?to WHERE { d:stmt-WP1.22-3 dmp:declares ?f . ?f dmp:fromWorkPackage dmp:WP8 ; dmp:toWorkPackage ?to }' | sed 's/.*#//' | tr '\n' ' ')" \
  "WP10 WP4 WP6 "
ask "WP 1.23 row 4: infrastructure software .py, .json, .tar, MB-GB" \
  '?d dmp:inTable d:table-WP1.23 ; dmp:row 4 ; dmp:formatAsWritten ".py, .json, .tar" ; dmp:minSizeClass dmp:SizeMB ; dmp:maxSizeClass dmp:SizeGB'
ask "WP 1.24 row 5: Raw VASP output, all 'As above' resolved to Quantum ESPRESSO's row" \
  '?d dmp:inTable d:table-WP1.24 ; dmp:row 5 ; dmp:datatype "Raw VASP output"@en ; dcterms:description "Electronic structure calculations"@en ; dmp:typeDescription "Simulation"@en'
ask "WP 1.25 row 3: measurement results, binary" \
  '?d dmp:inTable d:table-WP1.25 ; dmp:row 3 ; dmp:formatAsWritten "Binary, sometimes proprietary" ; dmp:producedBy dmp:WP9'
ask "WP 1.26 row 3: WP5 data ingested by WP10, size MB from the merged cell" \
  '?d dmp:inTable d:table-WP1.26 ; dmp:row 3 ; dmp:producedBy dmp:WP10 ; dmp:sizeClass dmp:SizeMB ;
   dmp:datatype "Data ingested through interfaces to this WP"@en'
ask "WP 1.27 row 9: WP10 collects HTS data from WP6" \
  '?f dmp:declaredBy d:stmt-WP1.27-9 ; dmp:fromWorkPackage dmp:WP6 ; dcterms:description "Data from high-throughput screening"@en ; dmp:sizeClass dmp:SizeMB'
ask "WP 1.28 row 2: WP10 delivers AI models to WP3, TB" \
  '?f dmp:declaredBy d:stmt-WP1.28-2 ; dmp:toWorkPackage dmp:WP3 ; dmp:purpose "Models that may bridge different scales and supply surrogate modelling"@en ; dmp:sizeClass dmp:SizeTB'
ask "WP 1.29 row 8: the BIG models in .pth files" \
  '?d dmp:inTable d:table-WP1.29 ; dmp:row 8 ; dmp:datatype "The BIG models"@en ; dcterms:format ".pth" ; dmp:maxSizeClass dmp:SizeGB'
ask "WP 1.30 row 3: sub-row 'Macroscopic P2D continuum models' takes the merged cells of row 2" \
  '?f dmp:declaredBy d:stmt-WP1.30-3 ; dmp:fromWorkPackage dmp:WP3 ; dmp:toWorkPackage dmp:WP11 ;
   dcterms:description "Macroscopic P2D continuum models"@en ; dmp:sizeClass dmp:SizeTB ;
   dmp:purpose "Model building and verification and Validation of the performance of generative model"@en'
ask "WP 1.31 row 6: dynamic interface descriptors to WP10 as numpy" \
  '?f dmp:declaredBy d:stmt-WP1.31-6 ; dmp:toWorkPackage dmp:WP10 ; dmp:formatAsWritten "numpy" ; dmp:sizeClass dmp:SizeKB'

# --- counts (docs/dmp.md)
eq "137 datasets" "$(val 'SELECT (COUNT(?d) AS ?n) WHERE { ?d a dcat:Dataset }')" 137
eq "129 flow statements" "$(val 'SELECT (COUNT(?s) AS ?n) WHERE { ?s a dmp:FlowStatement }')" 129
eq "138 flows" "$(val 'SELECT (COUNT(?f) AS ?n) WHERE { ?f a dmp:DataFlow }')" 138
ask "two sides linked: WP2→WP3 stated by WP2 (delivers) and WP3 (collects)" \
  '?a dmp:declaredBy d:stmt-WP1.3-1 ; dmp:correspondsTo ?b . ?b dmp:declaredBy d:stmt-WP1.5-1'

# --- one-sided flows: stated by one side only
ONE='SELECT ?from ?to ?t ?r WHERE { ?f a dmp:DataFlow ; dmp:fromWorkPackage ?a ; dmp:toWorkPackage ?b ;
       dmp:inTable/skos:notation ?t ; dmp:row ?r . ?a skos:notation ?from . ?b skos:notation ?to
       FILTER NOT EXISTS { ?f dmp:correspondsTo ?g } }'
eq "22 one-sided flows" "$(rows "$ONE" | wc -l)" 22
eq "the one-sided flows are the ones counted in docs/dmp.md" "$(rows "$ONE" | tr '\n' ';')" \
  "$(printf '%s\n' 'WP11,WP10,WP 1.31,5' 'WP11,WP10,WP 1.31,6' 'WP2,WP7,WP 1.17,1' 'WP2,WP9,WP 1.3,4' \
     'WP3,WP8,WP 1.6,6' 'WP3,WP9,WP 1.6,7' 'WP5,WP8,WP 1.12,6' 'WP5,WP9,WP 1.12,7' 'WP6,WP8,WP 1.15,6' \
     'WP6,WP9,WP 1.15,7' 'WP7,WP10,WP 1.18,4' 'WP7,WP2,WP 1.2,5' 'WP7,WP3,WP 1.5,5' 'WP7,WP9,WP 1.18,3' \
     'WP8,WP10,WP 1.22,3' 'WP9,WP11,WP 1.30,9' 'WP9,WP3,WP 1.5,7' 'WP9,WP5,WP 1.11,6' 'WP9,WP6,WP 1.14,6' \
     'WP9,WP7,WP 1.17,5' 'WP9,WP7,WP 1.17,6' 'WP9,WP8,WP 1.21,3' | LC_ALL=C sort | tr '\n' ';')"
ask "dmp:flowsTo shortcut: WP2 flows to WP9, WP10 reaches WP11 transitively" 'dmp:WP2 dmp:flowsTo dmp:WP9 . dmp:WP10 dmp:flowsTo+ dmp:WP11'

# --- BattINFO: a search for Electrode finds datasets about its subclasses
EL='ec:electrochemistry_0f007072_a8dd_4798_b865_1bf9363be627'
ask "battinfo-terms: PositiveElectrode is a subclass of Electrode, with its label" \
  "ec:electrochemistry_aff732a9_238a_4734_977c_b2ba202af126 rdfs:subClassOf $EL ; skos:prefLabel \"PositiveElectrode\"@en"
ask "subclass search: dataset WP5-14 (cathode and anode, not tagged Electrode) found via Electrode" \
  "d:dataset-WP5-14 dmp:about/rdfs:subClassOf* $EL FILTER NOT EXISTS { d:dataset-WP5-14 dmp:about $EL }"
direct=$(val "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dcat:Dataset ; dmp:about $EL }")
closure=$(val "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dcat:Dataset ; dmp:about/rdfs:subClassOf* $EL }")
check "subclass search finds more datasets than the class alone ($closure > $direct)" test "$closure" -gt "$direct"
eq "every dmp:about class has a label in battinfo-terms.ttl" \
  "$(val 'SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?x dmp:about ?c FILTER NOT EXISTS { ?c skos:prefLabel ?l } }')" 0

# --- the generator reproduces the committed file
if command -v python3 >/dev/null 2>&1; then
  python3 "$SRC/scripts/dmp/gen_dmp_ttl.py" "$T/regen.ttl" >/dev/null 2>&1
  check "scripts/dmp/gen_dmp_ttl.py reproduces ontology/bigmap-dmp-data.ttl" cmp -s "$T/regen.ttl" "$SRC/ontology/bigmap-dmp-data.ttl"
fi
finish
