#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# battstore — a real third-party client against `battstore serve`: Debian's
# python3-sparqlwrapper queries (JSON, XML, CSV, CONSTRUCT as Turtle and
# N-Triples, no rdflib needed) and updates (HTTP Basic with the token as
# password, or a Bearer header) the server.  TAP output; the last line is
# "# N passed, N failed".
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from SPARQLWrapper import (BASIC, CSV, GET, JSON, N3, POST, POSTDIRECTLY, TURTLE, XML,
                           SPARQLWrapper)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, Unauthorized
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("BS_TOP_BUILDDIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
BS = os.path.join(TOP, "battstore")
EX = "http://example.org/"

n = failed = 0


def result(name, good, why=""):
    global n, failed
    n += 1
    if good:
        print("ok %d - %s" % (n, name))
    else:
        failed += 1
        print("not ok %d - %s" % (n, name))
        if why:
            print("# " + str(why).replace("\n", " ")[:300])
    sys.stdout.flush()


def attempt(name, fn, check):
    """Run fn(); pass when check(its value) is true; an exception fails."""
    try:
        got = fn()
    except Exception as e:  # noqa: BLE001 — any failure of the client is a failure
        result(name, False, "%s: %s" % (type(e).__name__, e))
        return None
    result(name, bool(check(got)), "got %r" % (got,))
    return got


def raises(name, fn, kinds, check=lambda e: True):
    try:
        fn()
    except kinds as e:
        result(name, check(e), "%s: %s" % (type(e).__name__, e))
        return
    except Exception as e:  # noqa: BLE001
        result(name, False, "%s: %s" % (type(e).__name__, e))
        return
    result(name, False, "no error")


def start(tmp):
    tokens = os.path.join(tmp, "tokens")
    with open(tokens, "w") as f:
        f.write("wtok writer\nrtok reader:restricted\n")
    log = open(os.path.join(tmp, "serve.log"), "w+")
    proc = subprocess.Popen([BS, "serve", "--port", "0", "--store", os.path.join(tmp, "store"),
                             "--tokens", tokens], stderr=log, stdout=subprocess.DEVNULL)
    for _ in range(200):
        log.seek(0)
        m = re.search(r"serving .* at (http://\S+)/\n", log.read())
        if m:
            return proc, m.group(1) + "/sparql"
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("battstore serve did not start")


def client(endpoint, fmt=JSON, method=GET, user=None, token=None):
    s = SPARQLWrapper(endpoint)
    s.setReturnFormat(fmt)
    s.setMethod(method)
    if user is not None:
        s.setHTTPAuth(BASIC)
        s.setCredentials(user, token)
    return s


def run(s, text):
    s.setQuery(text)
    return s.query().convert()


def run_update(s, text):
    """An update's answer: the raw body (a one-line summary)."""
    s.setQuery(text)
    return s.query().response.read()


def tests(ep):
    # ---- updates --------------------------------------------------------
    ins = ("PREFIX : <%s> INSERT DATA { :a :name \"Anna\" ; :age 31 . :b :name \"Bo\" ; :age 7 . "
           "GRAPH :g { :c :name \"Cy\" } }" % EX)
    raises("update without credentials: Unauthorized (401)",
           lambda: run_update(client(ep, method=POST), ins), (Unauthorized,))
    raises("update with a reader's token: refused (403)",
           lambda: run_update(client(ep, method=POST, user="reader", token="rtok"), ins),
           (urllib.error.HTTPError, Exception),
           lambda e: "403" in str(e) or getattr(e, "code", 0) == 403)
    attempt("nothing was written by the refused updates",
            lambda: run(client(ep), "ASK { ?s ?p ?o }")["boolean"], lambda b: b is False)
    attempt("update with Basic auth (token as password)",
            lambda: run_update(client(ep, method=POST, user="any", token="wtok"), ins),
            lambda body: b"inserted" in body)
    s = client(ep, method=POST)
    s.addCustomHttpHeader("Authorization", "Bearer wtok")
    s.setRequestMethod(POSTDIRECTLY)
    attempt("update as application/sparql-update with a Bearer header",
            lambda: run_update(s, "INSERT DATA { <%sd> <%sname> \"Di\" }" % (EX, EX)),
            lambda body: b"1 quads inserted" in body)

    # ---- queries --------------------------------------------------------
    q = "SELECT ?name ?age WHERE { ?s <%sname> ?name OPTIONAL { ?s <%sage> ?age } } ORDER BY ?name" % (EX, EX)
    got = attempt("SELECT as JSON over GET",
                  lambda: [b["name"]["value"] for b in run(client(ep), q)["results"]["bindings"]],
                  lambda names: names == ["Anna", "Bo", "Cy", "Di"])
    attempt("JSON keeps datatypes",
            lambda: run(client(ep), q)["results"]["bindings"][0]["age"],
            lambda a: a["datatype"].endswith("#integer") and a["value"] == "31")
    attempt("SELECT as JSON over POST",
            lambda: len(run(client(ep, method=POST), q)["results"]["bindings"]), lambda k: k == 4)
    attempt("SELECT as XML (a DOM)",
            lambda: [e.firstChild.data for e in
                     run(client(ep, XML), q).getElementsByTagName("literal")
                     if e.getAttribute("datatype") == ""],
            lambda names: names == ["Anna", "Bo", "Cy", "Di"])
    attempt("SELECT as CSV",
            lambda: run(client(ep, CSV), q).decode("utf-8").replace("\r\n", "\n"),
            lambda t: t.startswith("name,age\nAnna,31\nBo,7\nCy,\n"))
    attempt("ASK as JSON", lambda: run(client(ep), "ASK { ?s <%sage> 7 }" % EX)["boolean"],
            lambda b: b is True)
    attempt("ASK as XML",
            lambda: run(client(ep, XML), "ASK { ?s <%sage> 8 }" % EX)
            .getElementsByTagName("boolean")[0].firstChild.data, lambda b: b == "false")
    con = "CONSTRUCT { ?s <%slabel> ?n } WHERE { ?s <%sname> ?n FILTER(?n = \"Bo\") }" % (EX, EX)
    attempt("CONSTRUCT as Turtle",
            lambda: run(client(ep, TURTLE), con).decode("utf-8"),
            lambda t: "<http://example.org/b>" in t and '"Bo"' in t)
    attempt("CONSTRUCT as N3 (Turtle)", lambda: run(client(ep, N3), con).decode("utf-8"),
            lambda t: "http://example.org/label" in t)
    attempt("DESCRIBE as Turtle",
            lambda: run(client(ep, TURTLE), "DESCRIBE <%sa>" % EX).decode("utf-8"),
            lambda t: '"Anna"' in t)
    raises("a syntax error: QueryBadFormed naming LINE:COL",
           lambda: run(client(ep), "SELECT * WHERE { ?s ?p }"), (QueryBadFormed,),
           lambda e: re.search(r"\b1:\d+: ", str(e)) is not None)
    s = client(ep, method=POST, user="any", token="wtok")
    attempt("DELETE WHERE over the protocol",
            lambda: run_update(s, "DELETE WHERE { ?s <%sage> ?a }" % EX),
            lambda body: b"2 deleted" in body)
    attempt("... the ages are gone",
            lambda: run(client(ep), "ASK { ?s <%sage> ?a }" % EX)["boolean"], lambda b: b is False)
    return got


def main():
    if not os.access(BS, os.X_OK):
        print("not ok 1 - no %s" % BS)
        return 1
    tmp = tempfile.mkdtemp(prefix="bs_sparqlwrapper_")
    proc = None
    try:
        proc, ep = start(tmp)
        tests(ep)
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    print("# %d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
