#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The battstore command as users run it: load, graphs, export, stats, drop,
# errors, atomicity, crash safety.
. "$(dirname "$0")/lib.sh"
need_shared
S=$T/store

# --- help and usage errors
check "--help lists the commands" bash -c "'$BS' --help | grep -q 'load' "
check "load --help explains --imports" bash -c "'$BS' load --help | grep -q -- '--imports'"
"$BS" frobnicate 2>"$T/err"; eq "unknown command exits 2" $? 2
check "unknown command error is one line" test "$(wc -l <"$T/err")" -eq 1
"$BS" query --store "$T/none" 'ASK {}' 2>"$T/err"; rc=$?
check "query on a missing store fails" test $rc -ne 0
check "missing store named in the error" grep -q "no store at $T/none" "$T/err"

# --- load a small Turtle file with relative IRIs
cat >"$T/a.ttl" <<'TTL'
@prefix ex: <http://example.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
ex:ds1 dcterms:title "Cycling data of LFP cells"@en ;
       dcterms:creator <people/alice> ;
       ex:size 42 .
_:b ex:about ex:ds1 .
TTL
check "load turtle" "$BS" load --store "$S" --graph http://example.org/g1 "$T/a.ttl"
"$BS" export --store "$S" --format nquads >"$T/out.nq"
eq "export has the 4 quads" "$(wc -l <"$T/out.nq")" 4
check "relative IRI resolved against the file URI" grep -q "<file://$T/people/alice>" "$T/out.nq"
check "typed literal kept" grep -q '"42"^^<http://www.w3.org/2001/XMLSchema#integer>' "$T/out.nq"
check "language tag kept" grep -q '"Cycling data of LFP cells"@en' "$T/out.nq"
check "quads are in the named graph" bash -c "grep -c '<http://example.org/g1> .' '$T/out.nq' | grep -qx 4"
"$BS" graphs --store "$S" --format tsv >"$T/g.tsv"
eq "graphs lists g1 with 4 triples" "$(awk -F'\t' '$1=="http://example.org/g1"{print $2}' "$T/g.tsv")" 4

# --- a second load with --base, and loading the same file twice adds nothing
check "load with --base" "$BS" load --store "$S" --base http://base.example/ --graph http://example.org/g2 "$T/a.ttl"
check "--base used for relative IRIs" bash -c "'$BS' export --store '$S' --graph http://example.org/g2 --format ntriples | grep -q '<http://base.example/people/alice>'"
"$BS" load --store "$S" --graph http://example.org/g1 "$T/a.ttl"
"$BS" graphs --store "$S" --format tsv >"$T/g.tsv"
eq "reloading a file into its graph adds no triples... except a new blank node" \
   "$(awk -F'\t' '$1=="http://example.org/g1"{print $2}' "$T/g.tsv")" 5

# --- --replace swaps the graph's content
printf '<http://example.org/x> <http://example.org/y> "z" .\n' >"$T/r.nt"
check "load --replace" "$BS" load --store "$S" --replace --graph http://example.org/g1 "$T/r.nt"
"$BS" graphs --store "$S" --format tsv >"$T/g.tsv"
eq "replaced graph holds only the new triple" "$(awk -F'\t' '$1=="http://example.org/g1"{print $2}' "$T/g.tsv")" 1

# --- stdin, N-Quads, TriG
printf '<http://e/s> <http://e/p> <http://e/o> <http://e/gq> .\n' | "$BS" load --store "$S" --format nquads -
check "N-Quads from stdin keeps its graph" bash -c "'$BS' graphs --store '$S' --format tsv | grep -q '^http://e/gq'"
printf '@prefix e: <http://e/> .\ne:gt { e:s e:p e:o2 . }\n' >"$T/t.trig"
check "TriG loads" "$BS" load --store "$S" "$T/t.trig"
check "TriG graph present" bash -c "'$BS' graphs --store '$S' --format tsv | grep -q '^http://e/gt'"

# --- a file that fails to parse loads nothing and names file:line
before=$("$BS" export --store "$S" | sort | md5sum)
"$BS" load --store "$S" "$T/a.ttl" "$SHARED/ontologies/emmo/disciplines/units/units.ttl" 2>"$T/err"
rc=$?
check "bad file exits non-zero" test $rc -ne 0
# serd stops where the offending literal starts; Raptor at its end (no column)
check "error names file, line and column" grep -q "units.ttl:23:60: syntax error: " "$T/err"
check "error says nothing was loaded" grep -q "nothing was loaded" "$T/err"
eq "the error is one line" "$(wc -l <"$T/err")" 1
BATTSTORE_PARSER=raptor "$BS" load --store "$S" "$SHARED/ontologies/emmo/disciplines/units/units.ttl" 2>"$T/err"
check "with Raptor the error names file and line 45" grep -q "units.ttl:45: syntax error" "$T/err"
after=$("$BS" export --store "$S" | sort | md5sum)
eq "store unchanged after the failed load" "$after" "$before"
check "unknown --format is a usage error" bash -c "! '$BS' load --store '$S' --format foo '$T/a.ttl' 2>/dev/null"
check "missing file is an error" bash -c "! '$BS' load --store '$S' '$T/nope.ttl' 2>/dev/null"

# --- drop
check "drop a graph" "$BS" drop --store "$S" --graph http://example.org/g2
check "dropped graph is gone" bash -c "! '$BS' graphs --store '$S' --format tsv | grep -q '^http://example.org/g2'"
check "dropping an unknown graph fails" bash -c "! '$BS' drop --store '$S' --graph http://nope 2>/dev/null"

# --- access levels
check "set access level" "$BS" graphs --store "$S" --set-access http://example.org/g1 restricted
eq "access level listed" "$("$BS" graphs --store "$S" --format tsv | awk -F'\t' '$1=="http://example.org/g1"{print $4}')" restricted
check "bad access level rejected" bash -c "! '$BS' graphs --store '$S' --set-access http://example.org/g1 secret 2>/dev/null"

# --- stats
check "stats reports quads" bash -c "'$BS' stats --store '$S' | grep -qE '^quads +[0-9]+'"

# --- the BattINFO closure: 60 graphs, 53,182 quads, versionIRIs
B=$T/battinfo
"$BS" load --store "$B" --imports --catalog "$SHARED/ontologies/catalog-v001.xml" \
    "$SHARED/ontologies/domain-battery/battery.ttl" 2>"$T/imports.err"
eq "imports closure loads" $? 0
"$BS" graphs --store "$B" --format tsv | tail -n +2 >"$T/g.tsv"
eq "60 named graphs" "$(wc -l <"$T/g.tsv")" 60
eq "53182 quads" "$(awk -F'\t' '{s+=$2} END{print s}' "$T/g.tsv")" 53182
eq "battery graph with its versionIRI" \
   "$(awk -F'\t' '$1=="https://w3id.org/emmo/domain/battery/battery"{print $3}' "$T/g.tsv")" \
   "https://w3id.org/emmo/domain/battery/0.20.1/battery"

# --- a killed load leaves every committed transaction intact
K=$T/kill
check "small committed load" "$BS" load --store "$K" --graph http://example.org/keep "$T/a.ttl"
python3 - "$T/big.nt" <<'PY' 2>/dev/null || awk 'BEGIN{for(i=0;i<400000;i++) printf "<http://e/s%d> <http://e/p> \"v%d\" .\n", i, i}' >"$T/big.nt"
import sys
with open(sys.argv[1], "w") as f:
    for i in range(400000):
        f.write('<http://e/s%d> <http://e/p> "value %d" .\n' % (i, i))
PY
"$BS" load --store "$K" --graph http://example.org/big "$T/big.nt" &
pid=$!
sleep 0.4
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
"$BS" graphs --store "$K" --format tsv >"$T/g.tsv"
eq "store opens after kill -9, committed graph intact" \
   "$(awk -F'\t' '$1=="http://example.org/keep"{print $2}' "$T/g.tsv")" 4
big=$(awk -F'\t' '$1=="http://example.org/big"{print $2}' "$T/g.tsv")
check "the killed load is all or nothing" test "${big:-0}" = 0 -o "${big:-0}" = 400000
check "store still writable after the kill" "$BS" load --store "$K" --graph http://example.org/after "$T/r.nt"
# kills later in the load (the dictionary's term file is appended just
# before the commit); every committed term must read back from it
for d in 0.9 1.5 2.2; do
    "$BS" load --store "$K" --graph "http://example.org/big$d" "$T/big.nt" &
    pid=$!
    sleep $d
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
done
check "reloading a committed graph finds its terms (no new quads)" \
    "$BS" load --store "$K" --graph http://example.org/after "$T/r.nt"
"$BS" graphs --store "$K" --format tsv >"$T/g.tsv"
eq "the reloaded graph still has 1 quad" \
   "$(awk -F'\t' '$1=="http://example.org/after"{print $2}' "$T/g.tsv")" 1
"$BS" export --store "$K" --format nquads >"$T/k.nq"
check "committed terms read back after the kills" \
    grep -q '"Cycling data of LFP cells"@en <http://example.org/keep>' "$T/k.nq"
check "the terms loaded after the kill read back" \
    grep -q '<http://example.org/x> <http://example.org/y> "z" <http://example.org/after>' "$T/k.nq"
for g in $(awk -F'\t' '$1 ~ /example.org\/big/ && $2 == 400000 {print $1}' "$T/g.tsv"); do
    eq "a load that committed reads back whole ($g)" \
       "$(grep -c "\"value [0-9]*\" <$g>" "$T/k.nq")" 400000
done

finish
