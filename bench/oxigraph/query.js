// SPDX-License-Identifier: MIT
// battstore — query benchmark, the Oxigraph peer: load, then time queries in-process.
//
// Usage: node query.js --nt FILE.nt [--graphs LIST] [--runs N] [--formats F,...] Q.rq...
//   --nt      N-Triples file loaded into the default graph
//   --graphs  a file of lines "GRAPH_IRI<TAB>FILE.ttl": each Turtle file is
//             loaded into that named graph (the ontology closure, as
//             `battstore load --imports` stores it)
//   --formats maps (default: the bindings as the JS API returns them) and/or
//             a results_format such as tsv (the whole result serialised);
//             lines for a results_format end with a 5th field naming it
// Queries run with use_default_graph_as_union (battstore's union_default,
// Virtuoso's default for /sparql).  Each query: 1 warm-up + N timed runs
// of store.query() with every binding materialised (the array of Maps
// it returns) and counted.  Prints the load on stderr and one line per
// query on stdout:
//   NAME <TAB> MEDIAN_MS <TAB> ROWS <TAB> MS_RUN1,MS_RUN2,...
// or NAME <TAB> FAIL <TAB> - <TAB> MESSAGE.
"use strict";
const fs = require("fs");
const path = require("path");
const { performance } = require("perf_hooks");
const oxigraph = require("oxigraph");

function parseArgs(argv) {
    const o = { runs: 5, nt: null, graphs: null, formats: ["maps"], queries: [] };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--nt") o.nt = argv[++i];
        else if (a === "--graphs") o.graphs = argv[++i];
        else if (a === "--runs") o.runs = parseInt(argv[++i], 10);
        else if (a === "--formats") o.formats = argv[++i].split(",");
        else if (a.startsWith("--")) throw new Error("unknown option " + a);
        else o.queries.push(a);
    }
    return o;
}

// The file in chunks: node strings stop at ~512 MiB, the 10M file is 1.7 GB.
function* chunks(file) {
    const fd = fs.openSync(file, "r");
    const size = 16 << 20;
    try {
        for (;;) {
            const buf = Buffer.allocUnsafe(size);
            const n = fs.readSync(fd, buf, 0, size, null);
            if (n === 0) return;
            yield buf.subarray(0, n);
        }
    } finally {
        fs.closeSync(fd);
    }
}

function load(store, o) {
    const t0 = performance.now();
    if (o.nt)
        store.load(chunks(o.nt), { format: "application/n-triples", no_transaction: true });
    const t1 = performance.now();
    let files = 0;
    if (o.graphs) {
        for (const line of fs.readFileSync(o.graphs, "utf8").split("\n")) {
            if (!line) continue;
            const [g, f] = line.split("\t");
            store.load(fs.readFileSync(f), {
                format: "text/turtle",
                base_iri: "file://" + path.resolve(f),
                to_graph_name: oxigraph.namedNode(g),
                no_transaction: true,
            });
            files++;
        }
    }
    const t2 = performance.now();
    process.stderr.write(`oxigraph: loaded ${store.size} quads: N-Triples ${((t1 - t0) / 1e3).toFixed(2)} s, ` +
        `${files} Turtle files ${((t2 - t1) / 1e3).toFixed(2)} s\n`);
}

function median(v) {
    const s = [...v].sort((a, b) => a - b);
    const n = s.length;
    return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

// One run.  fmt "maps": the array of Maps (bindings) query() returns by
// default, every value touched; else results_format fmt ("tsv"): the
// serialised string, rows = lines less the header.
function runOnce(store, text, fmt) {
    const opts = { use_default_graph_as_union: true };
    if (fmt !== "maps") {
        opts.results_format = fmt;
        const r = store.query(text, opts);
        let lines = 0;
        for (let i = r.indexOf("\n"); i >= 0; i = r.indexOf("\n", i + 1)) lines++;
        return [Math.max(lines - 1, 0), r.length];
    }
    const r = store.query(text, opts);
    if (Array.isArray(r)) {
        // SELECT: Maps of terms; CONSTRUCT: quads.  Touch every value.
        let sink = 0;
        for (const row of r)
            if (row instanceof Map) for (const t of row.values()) sink += t.value.length;
        return [r.length, sink];
    }
    return [1, r ? 1 : 0];
}

function bench(store, file, runs, fmt) {
    const name = path.basename(file).replace(/\.rq$/, "");
    const tag = fmt === "maps" ? "" : "\t" + fmt;
    const text = fs.readFileSync(file, "utf8");
    try {
        let rows = -1;
        const ms = [];
        for (let i = -1; i < runs; i++) {
            const t0 = performance.now();
            const [n] = runOnce(store, text, fmt);
            const t1 = performance.now();
            if (rows >= 0 && n !== rows) process.stderr.write(`oxigraph: ${name}: ${rows} rows, then ${n}\n`);
            rows = n;
            if (i >= 0) ms.push(t1 - t0);
        }
        console.log(`${name}\t${median(ms).toFixed(3)}\t${rows}\t${ms.map((x) => x.toFixed(3)).join(",")}${tag}`);
        return true;
    } catch (e) {
        console.log(`${name}\tFAIL\t-\t${String(e.message || e).replace(/[\t\n]/g, " ")}${tag}`);
        return false;
    }
}

function main() {
    const o = parseArgs(process.argv.slice(2));
    const store = new oxigraph.Store();
    load(store, o);
    let ok = true;
    for (const fmt of o.formats)
        for (const q of o.queries) ok = bench(store, q, o.runs, fmt) && ok;
    process.exitCode = ok ? 0 : 1;
}

main();
