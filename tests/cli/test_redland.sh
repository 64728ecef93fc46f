#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Redland storage module "lmdb": rdfproc (librdf) reads a store that
# battstore loaded, writes to it, and battstore sees the writes; the
# query API (battstore query) over librdf + Rasqal.
. "$(dirname "$0")/lib.sh"
need_shared
TOP=${BS_TOP_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MOD=$TOP/.libs/librdf_storage_lmdb.so
command -v rdfproc >/dev/null || { echo "# skip: no rdfproc (redland-utils)"; exit 77; }
[ -x "$BS" ] && [ -f "$MOD" ] || { echo "# skip: battstore or $MOD not built"; exit 77; }
export REDLAND_MODULE_PATH=$TOP/.libs

# rdfproc is not instrumented: with a sanitizer build's module preloaded
# with the sanitizer runtimes it hangs at exit (in p11-kit's destructor),
# so there only the query API part runs, in-process and instrumented.
sanitized=
ldd "$MOD" | grep -qE 'libasan|libubsan' && sanitized=yes

# Sorted N-Triples with blank node labels replaced by their order of
# first appearance in the sorted, label-blind text: equal for the same
# graph whatever the labels (up to automorphisms, enough here).
canon() {
    sed -E 's/_:[A-Za-z0-9_.-]+/_:B/g' "$1" | paste -d'\t' - "$1" | sort |
        cut -f2 | awk '{
            out = ""; s = $0
            while (match(s, /_:[A-Za-z0-9_.-]+/)) {
                l = substr(s, RSTART, RLENGTH)
                if (!(l in id)) id[l] = "_:b" (++k)
                out = out substr(s, 1, RSTART - 1) id[l]; s = substr(s, RSTART + RLENGTH)
            }
            print out s }' | sort
}

S=$T/store
ONT=$SHARED/ontologies
check "load isq.ttl and battery.ttl into the default graph" \
    "$BS" load --store "$S" "$ONT/emmo/disciplines/isq.ttl" \
    "$ONT/domain-battery/battery.ttl"
"$BS" export --store "$S" --format ntriples >"$T/bs.nt"
printf '@prefix e: <http://e.org/> .\ne:a e:p "x"@de, 7, e:b .\n_:n e:p e:a .\n' >"$T/small.ttl"

rdfproc_checks() {
    # --- the module is found and registered
    check "rdfproc lists the lmdb storage" bash -c \
        "REDLAND_MODULE_PATH='$REDLAND_MODULE_PATH' rdfproc -h 2>&1 | grep -q 'lmdb *battstore LMDB quad store'"

    # --- reading: the same triples through librdf as through battstore
    rdfproc -q -s lmdb "$S" serialize ntriples >"$T/rl.nt" 2>"$T/err"
    check "rdfproc serialize succeeds" test -s "$T/rl.nt"
    eq "rdfproc sees as many triples as battstore exports" \
        "$(grep -c . "$T/rl.nt")" "$(grep -c . "$T/bs.nt")"
    canon "$T/bs.nt" >"$T/bs.c"
    canon "$T/rl.nt" >"$T/rl.c"
    check "rdfproc lists the same triples as battstore export" cmp -s "$T/bs.c" "$T/rl.c"
    check "same blank node labels as battstore export" \
        bash -c "cmp -s <(sort '$T/bs.nt') <(sort '$T/rl.nt')"
    eq "rdfproc size" "$(rdfproc -s lmdb "$S" size 2>&1 | grep -o '[0-9]* triples')" \
        "$(grep -c . "$T/bs.nt") triples"
    check "language-tagged literals come back" grep -q '"Length"@en' "$T/rl.nt"
    rdfproc -s lmdb "$S" find - http://www.w3.org/2004/02/skos/core#prefLabel - >"$T/out" 2>&1
    eq "rdfproc find by predicate" "$(grep -c '^Matched triple:' "$T/out")" \
        "$(grep -c '<http://www.w3.org/2004/02/skos/core#prefLabel>' "$T/bs.nt")"

    # --- writing through librdf, reading with battstore
    rdfproc -q -s lmdb "$S" add http://example.org/s http://example.org/p "added by rdfproc" 2>"$T/err"
    check "rdfproc add" test $? -eq 0
    "$BS" export --store "$S" --format nquads >"$T/all.nq"
    check "battstore sees the added triple in the default graph" \
        grep -qx '<http://example.org/s> <http://example.org/p> "added by rdfproc" .' "$T/all.nq"
    rdfproc -q -s lmdb "$S" add http://example.org/s http://example.org/p http://example.org/o http://example.org/g 2>"$T/err"
    "$BS" export --store "$S" --format nquads >"$T/all.nq"
    check "a context is a named graph" \
        grep -qx '<http://example.org/s> <http://example.org/p> <http://example.org/o> <http://example.org/g> .' "$T/all.nq"
    check "battstore graphs lists it" bash -c "'$BS' graphs --store '$S' --format tsv | grep -q '^http://example.org/g'"
    eq "rdfproc contexts" "$(rdfproc -s lmdb "$S" contexts 2>/dev/null)" "Context: <http://example.org/g>"
    rdfproc -s lmdb "$S" contains http://example.org/s http://example.org/p "added by rdfproc" >"$T/out" 2>&1
    check "rdfproc contains the added triple" grep -q "contains the triple" "$T/out"
    rdfproc -q -s lmdb "$S" remove http://example.org/s http://example.org/p "added by rdfproc" 2>"$T/err"
    "$BS" export --store "$S" --format nquads >"$T/all.nq"
    check "rdfproc remove is seen by battstore" bash -c "! grep -q 'added by rdfproc' '$T/all.nq'"
    rdfproc -q -s lmdb "$S" remove-context http://example.org/g 2>"$T/err"
    "$BS" export --store "$S" --format nquads >"$T/all.nq"
    check "remove-context empties the graph" bash -c "! grep -q '<http://example.org/g> .' '$T/all.nq'"

    # --- rdfproc creates a store with new='yes'; battstore reads it
    rdfproc -q -s lmdb -t "new='yes'" "$T/s2" parse-stream "$T/small.ttl" turtle 2>"$T/err"
    check "rdfproc creates a store with new='yes'" test -f "$T/s2/data.mdb"
    eq "battstore reads the rdfproc-made store" \
        "$("$BS" export --store "$T/s2" --format ntriples | sort | sed -E 's/_:[^ ]+/_:b/')" \
        "$(rapper -q -i turtle -o ntriples "$T/small.ttl" | sort | sed -E 's/_:[^ ]+/_:b/')"
    rdfproc -q -s lmdb "$T/none" print >/dev/null 2>"$T/err"
    check "a missing store without new='yes' is an error" test $? -ne 0

    # --- SPARQL through rdfproc's query command (librdf + Rasqal + the module)
    rdfproc -s lmdb "$S" query sparql - \
        'SELECT ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } LIMIT 3' >"$T/out" 2>&1
    check "rdfproc query over the module" grep -q "Query returned 3 results" "$T/out"
}
if [ -n "$sanitized" ]; then
    echo "# skip: rdfproc checks (sanitizer build)"
else
    rdfproc_checks
fi

# --- the query API behind `battstore query --engine rasqal` (librdf + Rasqal over the module)
nt=$(grep -c . "$T/bs.nt")
eq "query: COUNT(*) in a table" \
    "$("$BS" query --engine rasqal --store "$S" 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | sed -n 4p | tr -d '| ')" "$nt"
eq "query: csv" "$("$BS" query --engine rasqal --store "$S" --format csv \
    'SELECT ?l WHERE { <https://w3id.org/emmo#EMMO_cd2cd0de_e0cc_4ef1_b27e_2e88db027bac> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }' | tr -d '\r')" \
    "$(printf 'l\nLength')"
eq "query: tsv" "$("$BS" query --engine rasqal --store "$S" --format tsv \
    'SELECT ?l WHERE { <https://w3id.org/emmo#EMMO_cd2cd0de_e0cc_4ef1_b27e_2e88db027bac> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }')" \
    "$(printf '?l\n"Length"@en')"
check "query: json" bash -c "'$BS' query --engine rasqal --store '$S' --format json 'SELECT ?s WHERE { ?s ?p ?o } LIMIT 1' | grep -q '\"bindings\"'"
check "query: xml" bash -c "'$BS' query --engine rasqal --store '$S' --format xml 'ASK { ?s ?p ?o }' | grep -q '<boolean>true</boolean>'"
eq "query: ASK" "$("$BS" query --engine rasqal --store "$S" 'ASK { ?s <http://nothing.example/p> ?o }')" false
"$BS" query --engine rasqal --store "$S" --format ntriples \
    'CONSTRUCT { ?s <http://example.org/label> ?l } WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }' >"$T/c.nt"
eq "query: CONSTRUCT as N-Triples" "$(grep -c . "$T/c.nt")" \
    "$(grep -c '<http://www.w3.org/2004/02/skos/core#prefLabel>' "$T/bs.nt")"
check "query: CONSTRUCT as Turtle uses the query's prefixes" bash -c \
    "'$BS' query --engine rasqal --store '$S' 'PREFIX ex: <http://example.org/> CONSTRUCT { ?s ex:l ?l } WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } LIMIT 1' | grep -q 'ex:l'"
"$BS" load --store "$S" --graph http://example.org/named "$T/small.ttl"
eq "query: GRAPH ?g sees named graphs only" \
    "$("$BS" query --engine rasqal --store "$S" --format tsv 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }')" \
    "$(printf '?g\n<http://example.org/named>')"
"$BS" query --engine rasqal --store "$S" $'SELECT ?s\nWHERE { ?s ?p }' 2>"$T/err"
check "query: a syntax error fails" test $? -ne 0
check "query: the error names the line" grep -q 'query:2: syntax error' "$T/err"
check "query: the error is one line" test "$(wc -l <"$T/err")" -eq 1
"$BS" query --engine rasqal --store "$S" --format bogus 'SELECT * WHERE { ?s ?p ?o }' 2>"$T/err"
check "query: an unknown format is an error" grep -q "format 'bogus'" "$T/err"
"$BS" query --engine rasqal --store "$S" 'INSERT DATA { <a:b> <a:c> <a:d> }' 2>"$T/err"
check "query: SPARQL Update is refused clearly" grep -q 'SPARQL Update' "$T/err"
finish
