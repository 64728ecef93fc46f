#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Graph Store HTTP Protocol at /data against the real server: round
# trips of the BattINFO ontologies (Turtle and RDF/XML) in every format,
# 201/204/404, merge, new graphs, HEAD, DELETE, multipart, atomicity of a
# body with a syntax error, 401/403/406/415.
. "$(dirname "$0")/lib.sh"
need_shared
CANON=${BS_TOP_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/rdf_canon
ONT=$SHARED/ontologies
G=http://gsp.test/graph/
W="Authorization: Bearer w-t0ken"

printf '%s\n' "w-t0ken writer" "r-t0ken reader:confidential" >"$T/tokens"
bs_serve_start --store "$T/s" --tokens "$T/tokens" || { fail "server starts"; finish; exit 1; }

# req METHOD URL [curl args...]: status into $code, body into $T/body
req() {
  local m=$1 u=$2
  shift 2
  code=$(curl -s -m 60 -o "$T/body" -D "$T/head" -w '%{http_code}' -X "$m" "$@" "$u")
}
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
# canon_of STORE GRAPH: the graph's canonical N-Quads (blank nodes renamed)
canon_of() { "$BS" export --store "$1" --graph "$2" --format nquads | "$CANON"; }

ALL="turtle:text/turtle ntriples:application/n-triples rdfxml:application/rdf+xml nquads:application/n-quads"
# roundtrip FILE GRAPH NAME [FORMATS]: compare graph GRAPH on the server
# (GET in each format, loaded back into a scratch store) with the
# reference FILE, up to blank node labels.
roundtrip() {
  local file=$1 graph=$2 name=$3 fmt ctype
  "$BS" load --quiet --replace --store "$T/ref" --graph "$graph" --base "$graph" "$file"
  canon_of "$T/ref" "$graph" >"$T/ref.canon"
  for fmt in ${4:-$ALL}; do
    ctype=${fmt#*:}
    fmt=${fmt%%:*}
    req GET "$URL/data?graph=$(enc "$graph")" -H "Accept: $ctype"
    if [ "$code" != 200 ] || ! grep -qi "^content-type: $ctype" "$T/head"; then
      fail "$name: GET as $ctype" "status $code"
      continue
    fi
    if ! "$BS" load --quiet --replace --store "$T/back" --graph "$graph" --base "$graph" \
         --format "$fmt" "$T/body" 2>"$T/err"; then
      fail "$name: GET as $ctype parses" "$(head -1 "$T/err")"
      continue
    fi
    canon_of "$T/back" "$graph" >"$T/back.canon"
    if cmp -s "$T/ref.canon" "$T/back.canon"; then
      ok "$name: GET as $ctype = the file ($(wc -l <"$T/ref.canon") triples)"
    else
      fail "$name: GET as $ctype = the file" \
           "$(wc -l <"$T/ref.canon") vs $(wc -l <"$T/back.canon") triples"
    fi
  done
}

# --- the BattINFO domain-battery ontologies and a few EMMO modules, as
# Turtle: every one back as Turtle and N-Triples, three of them (blank
# nodes, xsd:double values, the largest) in every format
files=$(cd "$ONT" && ls domain-battery/*.ttl domain-battery/*/*.ttl emmo/tlo.ttl \
        emmo/disciplines/isq.ttl emmo/disciplines/units/siunits.ttl)
for f in $files; do
  name=$(basename "$f" .ttl)
  graph="${G}ttl/$name"
  req PUT "$URL/data?graph=$(enc "$graph")" -H "$W" -H "Content-Type: text/turtle" \
      --data-binary "@$ONT/$f"
  eq "$name: PUT a new graph is 201" "$code" 201
  case $name in
    battery|battery-reference|siunits) roundtrip "$ONT/$f" "$graph" "$name" ;;
    *) roundtrip "$ONT/$f" "$graph" "$name" "turtle:text/turtle ntriples:application/n-triples" ;;
  esac
done
f=$ONT/domain-battery/battery.ttl
req PUT "$URL/data?graph=$(enc "${G}ttl/battery")" -H "$W" -H "Content-Type: text/turtle" \
    --data-binary "@$f"
eq "PUT over an existing graph is 204" "$code" 204
roundtrip "$f" "${G}ttl/battery" "battery (replaced)"

# --- the same ontologies as RDF/XML
for f in $(cd "$SHARED/ontologies-rdfxml" && ls domain-battery/*.owl domain-battery/*/*.owl); do
  name=$(basename "$f" .owl)
  graph="${G}owl/$name"
  req PUT "$URL/data?graph=$(enc "$graph")" -H "$W" -H "Content-Type: application/rdf+xml" \
      --data-binary "@$SHARED/ontologies-rdfxml/$f"
  eq "$name.owl: PUT as application/rdf+xml is 201" "$code" 201
  case $name in
    battery-reference) roundtrip "$SHARED/ontologies-rdfxml/$f" "$graph" "$name.owl" ;;
    *) roundtrip "$SHARED/ontologies-rdfxml/$f" "$graph" "$name.owl" "turtle:text/turtle" ;;
  esac
done

# --- a body with a syntax error changes nothing and names line and column
graph="${G}ttl/battery"
canon_get() { curl -s -m 60 -H 'Accept: application/n-triples' "$URL/data?graph=$(enc "$1")" >"$T/nt" &&
              "$BS" load --quiet --replace --store "$T/c" --graph "$1" --format ntriples "$T/nt" &&
              canon_of "$T/c" "$1"; }
canon_get "$graph" >"$T/before"
printf '@prefix ex: <http://ex.org/> .\nex:a ex:b ex:c .\nex:d ex:e "unterminated .\n' >"$T/bad.ttl"
req PUT "$URL/data?graph=$(enc "$graph")" -H "$W" -H "Content-Type: text/turtle" \
    --data-binary "@$T/bad.ttl"
eq "PUT with a Turtle syntax error is 400" "$code" 400
check "the 400 names line and column" grep -q '^line 3, column [0-9]*: ' "$T/body"
check "the 400 is one line of text/plain" test "$(wc -l <"$T/body")" -eq 1
canon_get "$graph" >"$T/after"
check "the graph is unchanged after the bad PUT" cmp -s "$T/before" "$T/after"
req POST "$URL/data?graph=$(enc "$graph")" -H "$W" -H "Content-Type: text/turtle" \
    --data-binary "@$T/bad.ttl"
eq "POST with a syntax error is 400" "$code" 400
canon_get "$graph" >"$T/after"
check "the graph is unchanged after the bad POST" cmp -s "$T/before" "$T/after"
printf '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description rdf:about="http://ex.org/x">\n</rdf:RDF>\n' >"$T/bad.rdf"
req PUT "$URL/data?graph=$(enc "${G}new-bad")" -H "$W" -H "Content-Type: application/rdf+xml" \
    --data-binary "@$T/bad.rdf"
eq "PUT with an RDF/XML error is 400" "$code" 400
check "the RDF/XML 400 names a line" grep -q '^line [0-9]' "$T/body"
req GET "$URL/data?graph=$(enc "${G}new-bad")"
eq "a failed PUT creates no graph" "$code" 404

# --- POST merges; POST to /data mints a graph; direct identification
small="${G}small"
req POST "$URL/data?graph=$(enc "$small")" -H "$W" -H "Content-Type: text/turtle" \
    --data-binary '<http://ex.org/a> <http://ex.org/p> "one" .'
eq "POST to a new graph is 201" "$code" 201
req POST "$URL/data?graph=$(enc "$small")" -H "$W" -H "Content-Type: application/n-triples" \
    --data-binary '<http://ex.org/a> <http://ex.org/p> "two" .'
eq "POST to an existing graph is 204" "$code" 204
req GET "$URL/data?graph=$(enc "$small")" -H "Accept: application/n-triples"
eq "POST merged: both triples there" "$(grep -c '<http://ex.org/a> <http://ex.org/p>' "$T/body")" 2
req POST "$URL/data?graph=$(enc "$small")" -H "$W" -H "Content-Type: text/turtle" \
    --data-binary '<rel> <http://ex.org/p> "three" .'
req GET "$URL/data?graph=$(enc "$small")" -H "Accept: application/n-triples"
check "relative IRIs resolve against the graph IRI" grep -q "<${G}rel> <http://ex.org/p> \"three\"" "$T/body"
req POST "$URL/data" -H "$W" -H "Content-Type: text/turtle" \
    --data-binary '[] <http://ex.org/p> "minted" .'
eq "POST /data without a graph is 201" "$code" 201
loc=$(sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' "$T/head")
check "… with a Location" test -n "$loc"
req GET "$URL/data?graph=$(enc "$loc")"
check "the minted graph holds the body (indirect)" grep -q '"minted"' "$T/body"
path=/${loc#http://*/}
req GET "$URL$path"
eq "the Location path answers directly" "$code" 200
check "… with the body" grep -q '"minted"' "$T/body"
req PUT "$URL/data/people/1" -H "$W" -H "Content-Type: text/turtle" \
    --data-binary '<http://ex.org/p1> <http://ex.org/name> "Jo" .'
eq "PUT by direct identification is 201" "$code" 201
host=${URL#http://}
req GET "$URL/data?graph=$(enc "http://$host/data/people/1")"
check "direct /data/PATH names http://HOST/data/PATH" grep -q '"Jo"' "$T/body"

# --- the default graph
req PUT "$URL/data?default" -H "$W" -H "Content-Type: text/turtle" \
    --data-binary '<http://ex.org/d> <http://ex.org/p> "in the default graph" .'
eq "PUT ?default on an empty default graph is 201" "$code" 201
req PUT "$URL/data?default" -H "$W" -H "Content-Type: text/turtle" \
    --data-binary '<http://ex.org/d> <http://ex.org/p> "replaced" .'
eq "PUT ?default again is 204" "$code" 204
req GET "$URL/data?default"
eq "GET ?default is 200" "$code" 200
check "… Turtle by default" grep -qi '^content-type: text/turtle' "$T/head"
check "… the replaced content" grep -q '"replaced"' "$T/body"
check "… only that" bash -c "! grep -q 'in the default graph' '$T/body'"
req GET "$URL/data?default" -H "Accept: application/n-triples"
eq "the default graph holds no named graph's triples" "$(grep -c . "$T/body")" 1

# --- empty PUT, HEAD, DELETE
req PUT "$URL/data?graph=$(enc "${G}empty")" -H "$W" -H "Content-Type: text/turtle" --data-binary ''
eq "PUT of an empty body is 201" "$code" 201
req GET "$URL/data?graph=$(enc "${G}empty")"
eq "… and the empty graph exists" "$code" 200
req HEAD "$URL/data?graph=$(enc "$small")" -I
eq "HEAD on an existing graph is 200" "$code" 200
check "… with a Content-Type" grep -qi '^content-type: text/turtle' "$T/head"
req HEAD "$URL/data?graph=$(enc "${G}nope")" -I
eq "HEAD on a missing graph is 404" "$code" 404
req DELETE "$URL/data?graph=$(enc "$small")" -H "$W"
eq "DELETE of a graph is 204" "$code" 204
req GET "$URL/data?graph=$(enc "$small")"
eq "GET after DELETE is 404" "$code" 404
check "the 404 is one line" test "$(wc -l <"$T/body")" -eq 1
req DELETE "$URL/data?graph=$(enc "$small")" -H "$W"
eq "DELETE of a missing graph is 404" "$code" 404

# --- multipart/form-data: every part merged
printf -- '--XX\r\nContent-Disposition: form-data; name="a"; filename="a.ttl"\r\nContent-Type: text/turtle\r\n\r\n@prefix f: <http://xmlns.com/foaf/0.1/> .\n<http://ex.org/jane> f:familyName "Doe" .\r\n--XX\r\nContent-Disposition: form-data; name="b"; filename="b.nt"\r\nContent-Type: application/n-triples\r\n\r\n<http://ex.org/jane> <http://xmlns.com/foaf/0.1/givenName> "Jane" .\r\n--XX--\r\n' >"$T/mp"
req POST "$URL/data?graph=$(enc "${G}multi")" -H "$W" \
    -H "Content-Type: multipart/form-data; boundary=XX" --data-binary "@$T/mp"
eq "POST multipart/form-data is 201" "$code" 201
req GET "$URL/data?graph=$(enc "${G}multi")" -H "Accept: application/n-triples"
check "both parts were loaded" bash -c "grep -q '\"Doe\"' '$T/body' && grep -q '\"Jane\"' '$T/body'"

# --- refused requests change nothing
n_before=$(curl -s "$URL/data?graph=$(enc "${G}ttl/battery")" -H 'Accept: application/n-triples' | wc -l)
req PUT "$URL/data?graph=$(enc "${G}ttl/battery")" -H "Content-Type: text/turtle" --data-binary '<a> <b> <c> .'
eq "PUT without a token is 401" "$code" 401
check "… with WWW-Authenticate" grep -qi '^www-authenticate: Bearer' "$T/head"
req PUT "$URL/data?graph=$(enc "${G}ttl/battery")" -H "Authorization: Bearer r-t0ken" \
    -H "Content-Type: text/turtle" --data-binary '<a> <b> <c> .'
eq "PUT by a reader is 403" "$code" 403
req DELETE "$URL/data?graph=$(enc "${G}ttl/battery")" -H "Authorization: Bearer r-t0ken"
eq "DELETE by a reader is 403" "$code" 403
req POST "$URL/data?graph=$(enc "${G}ttl/battery")" -H "Content-Type: text/turtle" --data-binary '<a> <b> <c> .'
eq "POST without a token is 401" "$code" 401
req PUT "$URL/data?graph=$(enc "${G}ttl/battery")" -H "Authorization: Bearer n0pe" \
    -H "Content-Type: text/turtle" --data-binary '<a> <b> <c> .'
eq "PUT with an unknown token is 401" "$code" 401
eq "the refused writes changed nothing" \
   "$(curl -s "$URL/data?graph=$(enc "${G}ttl/battery")" -H 'Accept: application/n-triples' | wc -l)" "$n_before"
req PUT "$URL/data?graph=$(enc "${G}x")" -H "$W" -H "Content-Type: application/json" --data-binary '{}'
eq "PUT as application/json is 415" "$code" 415
req PUT "$URL/data?graph=$(enc "${G}x")" -H "$W" --data-binary '<a> <b> <c> .' -H "Content-Type:"
eq "PUT without a Content-Type is 415" "$code" 415
req GET "$URL/data?graph=$(enc "${G}x")"
eq "refused PUTs create no graph" "$code" 404
req GET "$URL/data?graph=$(enc "${G}ttl/battery")" -H "Accept: application/sparql-results+json"
eq "GET with nothing acceptable is 406" "$code" 406
req GET "$URL/data?graph=not%20an%20iri"
eq "a graph that is not an absolute IRI is 400" "$code" 400
req GET "$URL/data?default&graph=$(enc "$G")"
eq "?default and ?graph together is 400" "$code" 400
req GET "$URL/data"
eq "GET /data naming no graph is 400" "$code" 400
req PATCH "$URL/data?default" -H "$W"
eq "PATCH is 405" "$code" 405
check "… with Allow" grep -qi '^allow: .*PUT' "$T/head"

bs_serve_stop
eq "the server stops cleanly" $? 0
finish
