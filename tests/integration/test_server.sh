#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# battstore serve: the daemon's core — binding, CORS, methods, limits, named
# queries, static files, busy/timeout, graceful shutdown, access log.
. "$(dirname "$0")/lib.sh"

# status CURL-ARGS...: the HTTP status code only
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# status2xx CURL-ARGS...: "2xx" for any success, else the status
status2xx() { status "$@" | sed 's/^2[0-9][0-9]$/2xx/'; }

bs_serve_start || { fail "server starts"; finish; exit 1; }
ok "server starts and prints its URL"
case $URL in http://127.0.0.1:*) ok "binds 127.0.0.1 by default" ;; *) fail "binds 127.0.0.1" "$URL" ;; esac
PORT=${URL##*:}
if command -v ss >/dev/null; then
  eq "listens on 127.0.0.1 only" "$(ss -Hltn "sport = :$PORT" | awk '{print $4}')" "127.0.0.1:$PORT"
fi

h=$(curl -s -D - -o /dev/null -X OPTIONS -H 'Origin: http://x.example' \
  -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: authorization, content-type' \
  "$URL/sparql" | tr -d '\r')
eq "preflight: 204" "$(echo "$h" | head -1 | cut -d' ' -f2)" 204
check "preflight: allow-methods" grep -q '^Access-Control-Allow-Methods: GET, HEAD, POST, PUT, DELETE, OPTIONS$' <<<"$h"
check "preflight: allow-headers echoes the request" grep -q '^Access-Control-Allow-Headers: authorization, content-type$' <<<"$h"
check "preflight: max-age" grep -q '^Access-Control-Max-Age: [0-9]' <<<"$h"
check "preflight: allow-origin *" grep -q '^Access-Control-Allow-Origin: \*$' <<<"$h"

h=$(curl -s -D - -o /dev/null "$URL/nothing-here" | tr -d '\r')
check "CORS header on a GET (even a 404)" grep -q '^Access-Control-Allow-Origin: \*$' <<<"$h"
check "expose-headers on a GET" grep -q '^Access-Control-Expose-Headers: ' <<<"$h"
eq "unknown path: 404" "$(status "$URL/nothing-here")" 404
eq "unknown method: 405" "$(status -X PATCH "$URL/")" 405
eq "bad %-escape in the query string: 400" "$(status "$URL/sparql?query=%zz")" 400
eq "non-UTF-8 in the query string: 400" "$(status "$URL/sparql?query=%ff%fe")" 400
eq "unknown credentials: 401" "$(status -H 'Authorization: Bearer nope' "$URL/")" 401
h=$(curl -s -D - -o /dev/null -H 'Authorization: Bearer nope' "$URL/" | tr -d '\r')
check "401 names the schemes" grep -q '^WWW-Authenticate: Bearer realm="battstore", Basic realm="battstore"$' <<<"$h"
eq "/search without q: 400" "$(status "$URL/search")" 400

check "server stops on SIGTERM with status 0" bs_serve_stop
check "access log: one line per request" grep -q '^127\.0\.0\.1 GET /nothing-here 404 [0-9]* [0-9.]*ms$' "$SLOG"
check "access log: no query strings" bash -c "! grep -q 'query=' '$SLOG'"

# limits
bs_serve_start --max-body 1000 --quiet || fail "server starts with --max-body"
head -c 5000 /dev/zero | tr '\0' a >"$T/big"
eq "body over --max-body: 413" "$(status -X POST -H 'Content-Type: application/sparql-query' --data-binary @"$T/big" "$URL/sparql")" 413
eq "chunked body over --max-body: 413" "$(status -X POST -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/sparql-query' --data-binary @"$T/big" "$URL/sparql")" 413
check "--quiet: no access log" bash -c "! grep -q ' 413 ' '$SLOG'"
check "stops" bs_serve_stop

# named queries and static files
mkdir -p "$T/q" "$T/web/sub" "$T/outside"
cat >"$T/q/echo.rq" <<'Q'
# title: Echo
# description: Returns its parameter,
#   as a string.
# param: code = WP10 -- the code
SELECT ?v WHERE { BIND($code AS ?v) }
Q
printf 'ASK {}\n' >"$T/q/bare.rq"
printf '# param: = nothing\nASK {}\n' >"$T/q/broken.rq"
printf '<h1>hello</h1>\n' >"$T/web/index.html"
printf 'body{}' >"$T/web/sub/a.css"
printf 'secret\n' >"$T/outside/secret.txt"
printf 'hidden\n' >"$T/web/.hidden"
ln -s "$T/outside/secret.txt" "$T/web/link.txt"
bs_serve_start --queries "$T/q" --web "$T/web" || fail "server starts with --queries --web"
l=$(curl -s "$URL/queries")
check "/queries lists echo" grep -q '"name": "echo"' <<<"$l"
check "/queries: title" grep -q '"title": "Echo"' <<<"$l"
check "/queries: description continued" grep -q '"description": "Returns its parameter, as a string."' <<<"$l"
check "/queries: param with default" grep -q '"default": "WP10"' <<<"$l"
check "/queries: a query without header is listed" grep -q '"name": "bare"' <<<"$l"
check "/queries: a broken header is left out" bash -c "! grep -q broken <<<'$l'"
eq "/queries is JSON" "$(curl -s -o /dev/null -w '%{content_type}' "$URL/queries")" "application/json"
eq "unknown named query: 404" "$(status "$URL/queries/nope")" 404
eq "named query with a bad name: 404" "$(status --path-as-is "$URL/queries/..%2Fq%2Fecho")" 404
eq "named query with an unknown parameter: 400" "$(status "$URL/queries/echo?nope=1")" 400
eq "named query with its default" "$(curl -s -H 'Accept: text/csv' "$URL/queries/echo" | tr -d '\r')" "$(printf 'v\nWP10')"
eq "named query with a parameter" "$(curl -s -H 'Accept: text/csv' "$URL/queries/echo?code=a%22b" | tr -d '\r')" "$(printf 'v\n"a""b"')"
eq "named query by POST form" "$(curl -s -H 'Accept: text/csv' -d code=x+y "$URL/queries/echo" | tr -d '\r')" "$(printf 'v\nx y')"
eq "GET /: index.html" "$(curl -s "$URL/")" "<h1>hello</h1>"
eq "index.html is text/html" "$(curl -s -o /dev/null -w '%{content_type}' "$URL/")" "text/html; charset=utf-8"
eq "a CSS file" "$(curl -s -w ' %{content_type}' "$URL/sub/a.css")" "body{} text/css; charset=utf-8"
h=$(curl -s -I "$URL/sub/a.css" | tr -d '\r')
check "HEAD: the headers of GET" grep -q '^Content-Length: 6$' <<<"$h"
eq "HEAD: no body" "$(curl -s -I -o /dev/null -w '%{size_download}' "$URL/sub/a.css")" 0
eq "traversal with ..: 404" "$(status --path-as-is "$URL/../outside/secret.txt")" 404
eq "traversal with %2e%2e: 404" "$(status --path-as-is "$URL/sub/%2e%2e/%2e%2e/outside/secret.txt")" 404
eq "symlink out of the web dir: 404" "$(status "$URL/link.txt")" 404
eq "hidden file: 404" "$(status "$URL/.hidden")" 404
eq "POST on a static file: 405" "$(status -X POST -d x=1 "$URL/sub/a.css")" 405
check "stops" bs_serve_stop
bs_serve_start --web "$T/outside" --queries "$T/nonexistent" --quiet || fail "server starts"
check "no index.html: the built-in page names the doors" bash -c "curl -s '$URL/' | grep -q '/sparql.*' && curl -s '$URL/' | grep -q '/queries'"
eq "no queries dir: an empty list" "$(curl -s "$URL/queries")" "[]"
check "stops" bs_serve_stop

# busy, timeout, CPU back to idle: a cross product nobody can finish
for i in $(seq 1 1500); do echo "<http://e/s$i> <http://e/p> \"$i\" ."; done >"$T/data.nt"
"$BS" load --store "$T/slow" "$T/data.nt" >/dev/null 2>&1 || fail "load the slow store"
RUNAWAY='query=SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }'
cpu() { awk '{print $14 + $15}' "/proc/$SPID/stat"; }
bs_serve_start --store "$T/slow" --threads 1 --timeout 3 || fail "server starts"
# a burst that fits the queue (one running, server.c's
# SLOT_WAITERS_PER_THREAD = 4 waiting): none refused however the five
# overlap (a burst of 6 once lost one to 503 when all arrived at once, slow
# under ASan in CI)
bp=""
for i in 1 2 3 4 5; do
  status --data-urlencode 'query=ASK { ?s ?p ?o }' "$URL/sparql" >"$T/burst.$i" & bp="$bp $!"
done
wait $bp
eq "--threads 1: a burst of 5 short queries waits for the slot, none refused" "$(awk 1 "$T"/burst.* | sort | uniq -c | awk '{print $1 "x" $2}')" 5x200
curl -s -o "$T/first" -w '%{http_code}' --data-urlencode "$RUNAWAY" "$URL/sparql" >"$T/first.code" &
cpid=$!
sleep 0.7
r=$(curl -s -w ' %{http_code}' --data-urlencode 'query=ASK {}' "$URL/sparql")
eq "--threads 1 with a query in flight: 503 busy" "${r##* }" 503
check "busy: a message that says so" grep -qi busy <<<"$r"
wait $cpid
eq "the runaway query: 503 after --timeout" "$(cat "$T/first.code")" 503
eq "a slot is free again afterwards" "$(status --data-urlencode 'query=ASK {}' "$URL/sparql")" 200
check "stops" bs_serve_stop

bs_serve_start --store "$T/slow" --timeout 1 || fail "server starts"
t=$(curl -s -o "$T/out" -w '%{http_code} %{time_total}' --data-urlencode "$RUNAWAY" "$URL/sparql")
eq "--timeout 1: 503" "${t% *}" 503
check "--timeout 1: answered within 3 s (${t#* } s)" awk -v t="${t#* }" 'BEGIN { exit !(t < 3) }'
check "--timeout: the message says so" grep -qi 'timed out' "$T/out"
c1=$(cpu); sleep 1; c2=$(cpu)
check "after the timeout the server is idle (CPU ticks in 1 s: $((c2 - c1)))" test $((c2 - c1)) -le 10
check "stops" bs_serve_stop

# a client that hangs up: its runaway query is cancelled at once (the
# watcher), not at the timeout: the one slot is free again within a second
bs_serve_start --store "$T/slow" --threads 1 --timeout 60 || fail "server starts"
curl -s -o /dev/null --max-time 1 --data-urlencode "$RUNAWAY" "$URL/sparql"
sleep 1.5
eq "a client that went away frees its slot (next query 200, not 503 busy)" "$(status --data-urlencode 'query=ASK {}' "$URL/sparql")" 200
c1=$(cpu); sleep 1; c2=$(cpu)
check "... and the server is idle (CPU ticks in 1 s: $((c2 - c1)))" test $((c2 - c1)) -le 10
check "... the gone client's request is logged with 503" grep -q '^127\.0\.0\.1 POST /sparql 503 ' "$SLOG"
check "stops" bs_serve_stop

# SIGTERM drains: an update still uploading completes and is kept
printf 'tok-w writer\n' >"$T/tokens"
bs_serve_start --store "$T/drain" --tokens "$T/tokens" || fail "server starts"
eq "an update before the stop" "$(status2xx -H 'Authorization: Bearer tok-w' -H 'Content-Type: application/sparql-update' --data-binary 'INSERT DATA { <http://e/a> <http://e/p> 1 }' "$URL/sparql")" 2xx
{ printf 'INSERT DATA { <http://e/b> <http://e/p> "'; head -c 2500 /dev/zero | tr '\0' x; printf '" }'; } >"$T/slow.ru"
curl -s -o /dev/null -w '%{http_code}' --limit-rate 1000 -H 'Authorization: Bearer tok-w' \
  -H 'Content-Type: application/sparql-update' --data-binary @"$T/slow.ru" "$URL/sparql" >"$T/slow.code" &
cpid=$!
sleep 0.8
bs_serve_stop; rc=$?
wait $cpid
eq "SIGTERM during an upload: the request completes" "$(sed 's/^2[0-9][0-9]$/2xx/' "$T/slow.code")" 2xx
eq "SIGTERM: exit status 0" "$rc" 0
eq "the store opens afterwards with both updates" "$("$BS" query --store "$T/drain" --format csv 'SELECT (COUNT(*) AS ?n) WHERE { ?s <http://e/p> ?o }' | tr -d '\r' | tail -1)" 2
check "access log: the updates are logged" test "$(grep -c '^127\.0\.0\.1 POST /sparql 20[04] ' "$SLOG")" = 2

# SIGTERM with a query that would never end: cancelled after the grace
bs_serve_start --store "$T/slow" --timeout 0 --quiet || fail "server starts"
curl -s -o /dev/null -w '%{http_code}' --data-urlencode "$RUNAWAY" "$URL/sparql" >"$T/rw.code" &
cpid=$!
sleep 0.5
t0=$(date +%s)
bs_serve_stop; rc=$?
wait $cpid
eq "SIGTERM with a runaway query: exit status 0" "$rc" 0
check "... within the grace and a little ($(($(date +%s) - t0)) s)" test $(($(date +%s) - t0)) -le 9
eq "... the runaway query is answered 503" "$(cat "$T/rw.code")" 503

# a configured CORS origin
bs_serve_start --cors-origin https://gui.example --quiet || fail "server starts"
h=$(curl -s -D - -o /dev/null "$URL/queries" | tr -d '\r')
check "--cors-origin: Access-Control-Allow-Origin" grep -q '^Access-Control-Allow-Origin: https://gui.example$' <<<"$h"
check "--cors-origin: Vary: Origin" grep -q '^Vary: Origin$' <<<"$h"
h=$(curl -s -D - -o /dev/null "$URL/sparql?query=ASK%7B%7D" | tr -d '\r')
check "--cors-origin: on /sparql too" grep -q '^Access-Control-Allow-Origin: https://gui.example$' <<<"$h"
check "stops" bs_serve_stop

out=$("$BS" serve --port 0 --store "$T/s2" --tokens /nonexistent-tokens 2>&1); rc=$?
eq "bad tokens file: exit 1" "$rc" 1
finish
