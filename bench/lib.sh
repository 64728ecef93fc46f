# SPDX-License-Identifier: MIT
# battstore — shared parts of bench/query and bench/http: paths, the generated data, the ontology closure, the loaded stores.
# shellcheck shell=bash disable=SC2034
#
# Sourced (after `set -euo pipefail`) by a script that has set $top (the
# checkout) and cd'ed there; then bs_bench_init sets
#   out      $BS_BENCH_OUT (bench/out): generated files, stores, logs
#   qout     $out/query: the stores both benchmarks share (battstore-SIZE,
#            virtuoso-SIZE), closure-files.tsv, logs/
#   onto     the ontology directory ($BS_SHARED/ontologies, physical path)
#   catalog  its catalog-v001.xml
#   battstore qbench gen seed   the binaries (BATTSTORE, ./battstore) and SEED
# The stores are loaded once and reused: battstore-SIZE/.loaded and
# virtuoso-SIZE/.loaded hold the load time and are older than the
# N-Triples file when the data changed (then the store is reloaded).
# Functions that fail set $bs_bench_err to a one-line message.

say() { printf '%s\n' "$*" >&2; }

bs_bench_init() {
    out=${BS_BENCH_OUT:-$top/bench/out}
    qout=$out/query
    local shared=${BS_SHARED:-$top/../shared}
    # a worktree under wt/ sits one level deeper than the main checkout
    [ -n "${BS_SHARED:-}" ] || [ -d "$shared" ] || shared=$top/../../shared
    onto=$shared/ontologies
    battstore=${BATTSTORE:-$top/battstore}
    qbench=$top/bench/query_bench
    gen=$top/bench/gen_datasets
    seed=${SEED:-1}
    bs_bench_err=""
    virt=$top/bench/virtuoso/virt
    virt_db=""
    mkdir -p "$qout/logs"
}

# bs_bench_check: the binaries are built and the ontologies are there.
bs_bench_check() {
    local f
    for f in "$qbench" "$battstore" "$gen"; do
        [ -x "$f" ] || { say "$f is missing: run make first"; return 1; }
    done
    [ -f "$onto/domain-battery/battery.ttl" ] ||
        { say "no $onto/domain-battery/battery.ttl (set BS_SHARED)"; return 1; }
    onto=$(cd "$onto" && pwd -P)
    catalog=$onto/catalog-v001.xml
}

# bs_bench_virtuoso_install: as root, installs a missing Virtuoso 7
# (apt-get); fails when there is still none.
bs_bench_virtuoso_install() {
    command -v virtuoso-t > /dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ]; then
        say "installing virtuoso-opensource-7"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
              virtuoso-opensource-7; } > "$qout/logs/apt.log" 2>&1 ||
            say "warning: apt-get failed (see $qout/logs/apt.log)"
    fi
    command -v virtuoso-t > /dev/null 2>&1
}

triples_of() { # SIZE -> number of triples
    awk -v s="$1" 'BEGIN { n = s + 0; u = substr(s, length(s))
        if (u == "M") n *= 1000000; else if (u == "k") n *= 1000; printf "%d\n", n }'
}

# bs_bench_nt SIZE: prints the path of the generated N-Triples file of
# SIZE triples, generating it first when missing.
bs_bench_nt() {
    local nt=$out/datasets-$1.nt
    if [ ! -s "$nt" ]; then # deterministic: same size and seed, same bytes
        say "generating $nt"
        "$gen" "$(triples_of "$1")" "$seed" > "$nt" 2> "$qout/logs/gen-$1.log"
    fi
    echo "$nt"
}

# bs_bench_closure: sets $closure to a TSV of "GRAPH<TAB>FILE.ttl", the
# Turtle files that battstore's --imports load reaches from battery.ttl
# (made once, by bench/query_bench).
bs_bench_closure() {
    closure=$qout/closure-files.tsv
    if [ ! -s "$closure" ]; then
        rm -rf "$qout/closure-tmp"
        "$qbench" --closure-files "$qout/closure-tmp" --catalog "$catalog" \
            "$onto/domain-battery/battery.ttl" > "$closure" 2> "$qout/logs/closure.log" ||
            { cat "$qout/logs/closure.log" >&2; rm -f "$closure"; return 1; }
        rm -rf "$qout/closure-tmp"
    fi
    say "ontology closure: $(wc -l < "$closure") Turtle files"
}

# bs_bench_battstore_store SIZE NT: $qout/battstore-SIZE holds NT (default
# graph) and the ontology closure (battstore load --imports), loading it
# when missing or older than NT.
# A store loaded before the term file (terms.idx, terms.dat: i2t as an
# array, src/store/termfile.c) gets it from its first writable open: an
# empty load, which changes nothing else.  Read-only opens (the query
# benches) work without it, but on the slower i2t cursor path.
bs_bench_termfile() {
    local store=$1
    [ -f "$store/terms.idx" ] && return 0
    say "  battstore: building the term file"
    : > "$qout/empty.nt"
    "$battstore" load --quiet --store "$store" "$qout/empty.nt" || say "  battstore: term file build failed"
}

bs_bench_battstore_store() {
    local data=$1 nt=$2 store=$qout/battstore-$1 log=$qout/logs/battstore-load-$1.log
    if [ -f "$store/.loaded" ] && ! [ "$store/.loaded" -ot "$nt" ]; then bs_bench_termfile "$store"; return 0; fi
    rm -rf "$store"
    say "  battstore: loading"
    local t0 t1
    t0=$(date +%s.%N)
    if ! "$battstore" load --quiet --store "$store" "$nt" > "$log" 2>&1 ||
       ! "$battstore" load --quiet --store "$store" --imports --catalog "$catalog" \
           "$onto/domain-battery/battery.ttl" >> "$log" 2>&1; then
        bs_bench_err="load: $(tail -1 "$log")"
        return 1
    fi
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s\n", b - a }' > "$store/.loaded"
}

# bs_bench_virtuoso_start SIZE NT: a private Virtuoso on $qout/virtuoso-SIZE
# runs (bench/virtuoso/virt, 127.0.0.1), bulk-loaded with NT (graph
# urn:battstore:bench:datasets) and the closure when missing or older than
# NT; sets $virt_db; $virt_db/ports holds "ISQL_PORT HTTP_PORT".  Needs
# $closure (bs_bench_closure).  Stop it with bs_bench_virtuoso_stop.
bs_bench_virtuoso_start() {
    local nt=$2 db=$qout/virtuoso-$1
    local slog=$qout/logs/virtuoso-start-$1.log llog=$qout/logs/virtuoso-load-$1.log
    local fresh=0 s
    if [ ! -f "$db/.loaded" ] || [ "$db/.loaded" -ot "$nt" ]; then
        rm -rf "$db"
        fresh=1
    fi
    mkdir -p "$db"
    virt_db=$db
    "$virt" start "$db" "$(dirname "$nt")" "$onto" 2> "$slog" ||
        { bs_bench_err=$(tail -1 "$slog"); virt_db=""; return 1; }
    [ "$fresh" = 1 ] || return 0
    say "  virtuoso: bulk loading"
    if ! s=$("$virt" load "$db" "$nt" urn:battstore:bench:datasets "$closure" 2> "$llog"); then
        bs_bench_err="load: $(tail -1 "$llog")"
        bs_bench_virtuoso_stop
        return 1
    fi
    echo "$s s" > "$db/.loaded"
}

bs_bench_virtuoso_stop() {
    [ -z "$virt_db" ] || "$virt" stop "$virt_db" || true
    virt_db=""
}

# ---- battstore serve ------------------------------------------------------
bs_serve_pid=""
bs_serve_url=""

bs_bench_free_port() {
    node -e 'const s = require("net").createServer();
             s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# bs_bench_serve_start STORE LOG [SERVE_ARGS...]: `battstore serve` of STORE
# on 127.0.0.1 (a free port, no access log when the binary knows --quiet),
# waits until it answers; sets bs_serve_pid and bs_serve_url (its /sparql).
bs_bench_serve_start() {
    local store=$1 log=$2 port args=() i
    shift 2
    port=$(bs_bench_free_port)
    "$battstore" serve --help 2>&1 | grep -q -- '--quiet' && args+=(--quiet)
    "$battstore" serve --store "$store" --port "$port" "${args[@]}" "$@" > "$log" 2>&1 &
    bs_serve_pid=$!
    bs_serve_url=http://127.0.0.1:$port/sparql
    for i in $(seq 1 200); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$bs_serve_url?query=ASK%7B%7D")" = 200 ] && return 0
        kill -0 "$bs_serve_pid" 2> /dev/null ||
            { bs_bench_err="battstore serve exited: $(tail -1 "$log")"; bs_serve_pid=""; return 1; }
        sleep 0.1
    done
    bs_bench_err="battstore serve did not answer within 20 s"
    return 1
}

bs_bench_serve_stop() {
    [ -n "$bs_serve_pid" ] || return 0
    kill -TERM "$bs_serve_pid" 2> /dev/null || true
    wait "$bs_serve_pid" 2> /dev/null || true
    bs_serve_pid=""
}
