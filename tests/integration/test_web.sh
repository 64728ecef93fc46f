#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The web page's server side against the real server: the files of web/
# at / with their media types, the named queries' text for the SPARQL
# editor, and GET /highway.svg per role: a work package or flow stated
# only in a restricted graph is not drawn for an anonymous caller (nor
# kept in its cached drawing), a reader:restricted sees it, and a change
# of access level is seen at once.
. "$(dirname "$0")/lib.sh"
TOP=${BS_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

S=$T/store
"$BS" load --quiet --store "$S" --graph https://w3id.org/battstore/graph/bigmap-dmp \
  "$TOP/ontology/bigmap-dmp.ttl"
"$BS" load --quiet --store "$S" --graph https://w3id.org/battstore/graph/bigmap-dmp-data \
  "$TOP/ontology/bigmap-dmp-data.ttl"
# a secret work package and a secret flow into it, in a restricted graph
R=https://web.test/restricted
cat >"$T/secret.ttl" <<'TTL'
@prefix dmp: <https://w3id.org/battstore/bigmap-dmp#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
dmp:WP12 a dmp:WorkPackage ; dmp:workPackageNumber 12 ; dcterms:title "SECRETWP-4b1d" .
<https://web.test/flow-secret> a dmp:DataFlow ; dmp:fromWorkPackage dmp:WP3 ;
  dmp:toWorkPackage dmp:WP12 ; dcterms:description "SECRETFLOW-77ce" .
TTL
"$BS" load --quiet --store "$S" --graph "$R" "$T/secret.ttl"
"$BS" graphs --store "$S" --set-access "$R" restricted >/dev/null
printf 'rr-t0k reader:restricted\nww-t0k writer\n' >"$T/tokens"

cd "$TOP" # the default web directory is ./web
bs_serve_start --store "$S" --tokens "$T/tokens" --queries "$TOP/queries" ||
  { fail "server starts" "$(cat "$SLOG")"; finish; exit 1; }

# get PATH [curl args]: body in $T/body, status in $code, type in $ctype
get() {
  local p=$1; shift
  read -r code ctype < <(curl -s -o "$T/body" -w '%{http_code} %{content_type}\n' "$@" "$URL$p")
}

# ---- the page's files ----------------------------------------------------
get /
eq "GET / is 200" "$code" 200
eq "GET / is HTML" "$ctype" "text/html; charset=utf-8"
check "GET / is web/index.html (loads app.js as a module)" \
  grep -q '<script type="module" src="app.js">' "$T/body"
check "the page has a skip link and a main landmark" \
  sh -c "grep -q 'class=\"skip\" href=\"#main\"' '$T/body' && grep -q '<main id=\"main\"' '$T/body'"
for f in app.js js/util.js js/search.js js/resource.js js/highway.js js/sparql.js; do
  get "/$f"
  eq "GET /$f is JavaScript" "$code $ctype" "200 text/javascript; charset=utf-8"
done
get /style.css
eq "GET /style.css is CSS" "$code $ctype" "200 text/css; charset=utf-8"
get /favicon.svg
eq "GET /favicon.svg is SVG" "$code $ctype" "200 image/svg+xml"
get /js/../../Makefile.am
eq "no file outside web/" "$code" 404

# ---- the named queries carry their text (the editor's examples) -----------
get /queries
eq "GET /queries is 200" "$code" 200
check "each named query has its text" python3 -c '
import json, sys
qs = json.load(open(sys.argv[1]))
ok = qs and all(isinstance(q.get("text"), str) and "SELECT" in q["text"].upper() or
                "CONSTRUCT" in q.get("text", "").upper() or "ASK" in q.get("text", "").upper()
                for q in qs)
about = [q for q in qs if q["name"] == "about-class"]
sys.exit(0 if ok and about and "$class" in about[0]["text"] else 1)' "$T/body"

# ---- /highway.svg per role ---------------------------------------------
get /highway.svg
eq "GET /highway.svg (anonymous) is 200 SVG" "$code $ctype" "200 image/svg+xml"
check "the drawing has the plan's WPs as links" grep -q 'xlink:href="https://w3id.org/battstore/bigmap-dmp#WP3"' "$T/body"
check "the drawing has the WP3 -> WP2 arrow" grep -q 'id="WP3&#45;WP2"' "$T/body"
check "anonymous: the restricted WP is not drawn" sh -c "! grep -q 'WP12\|SECRETWP' '$T/body'"
check "anonymous: the restricted flow is not drawn" sh -c "! grep -q 'WP3&#45;WP12' '$T/body'"
anon1=$(md5sum <"$T/body")
get /highway.svg -H 'Authorization: Bearer rr-t0k'
eq "GET /highway.svg (reader:restricted) is 200" "$code" 200
check "reader:restricted: the restricted WP is drawn" grep -q SECRETWP "$T/body"
check "reader:restricted: the restricted flow is drawn" grep -q 'id="WP3&#45;WP12"' "$T/body"
get /highway.svg
check "anonymous again (after a restricted drawing was cached): still hidden" \
  sh -c "! grep -q 'WP12' '$T/body'"
eq "anonymous again: the same drawing" "$(md5sum <"$T/body")" "$anon1"
get /highway.svg -H 'Authorization: Bearer wrong'
eq "a bad token is 401" "$code" 401
get /highway.svg -X POST
eq "POST /highway.svg is 405" "$code" 405

# the access level changes while the server runs: the cache follows
curl -s -o /dev/null -H 'Authorization: Bearer ww-t0k' --data-urlencode "graph=$R" \
  --data-urlencode access=public "$URL/graphs"
get /highway.svg
check "made public: anonymous now sees the flow" grep -q 'id="WP3&#45;WP12"' "$T/body"
# an update that keeps every count (a title renamed) is drawn at once too
curl -s -o /dev/null -H 'Authorization: Bearer ww-t0k' --data-urlencode "update=PREFIX dmp: <https://w3id.org/battstore/bigmap-dmp#>
PREFIX dcterms: <http://purl.org/dc/terms/>
WITH <$R> DELETE { dmp:WP12 dcterms:title ?t } INSERT { dmp:WP12 dcterms:title \"RENAMEDx9f3e\" }
WHERE { dmp:WP12 dcterms:title ?t }" "$URL/sparql"
get /highway.svg
check "a renamed work package is drawn with its new title at once" grep -q RENAMEDx9f3e "$T/body"
check "... and not with the old one" sh -c "! grep -q SECRETWP '$T/body'"

bs_serve_stop
eq "server stops cleanly" "$?" 0

# ---- a store without the plan --------------------------------------------
bs_serve_start ||
  { fail "second server starts" "$(cat "$SLOG")"; finish; exit 1; }
get /highway.svg
eq "no plan: 404" "$code" 404
check "no plan: a one-line message" sh -c "[ \$(wc -l <'$T/body') -eq 1 ]"
bs_serve_stop
finish
