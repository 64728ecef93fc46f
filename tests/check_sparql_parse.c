/* SPDX-License-Identifier: MIT
 * Unit tests: the SPARQL parser — error positions, the algebra of each
 * feature (as bs_sp_dump strings), update operations, scoping rules. */
#include "config.h"
#include "sparql/sparql_int.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define EX "PREFIX : <http://ex/> "

/// The dump of a query (or update) that must parse; caller frees.
static char *dump_of(const char *text, bool update)
{
    bs_sparql *q = NULL;
    bs_sparql_error err;
    bs_status st = bs_sparql_parse(text, strlen(text), NULL, update, &q, &err);
    ck_assert_msg(st == BS_OK, "parse failed: %ld:%ld: %s\n%s", err.line, err.col, err.msg, text);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    bs_sp_dump(q, f);
    fclose(f);
    bs_sparql_free(q);
    if (len && buf[len - 1] == '\n')
        buf[len - 1] = 0;
    return buf;
}

static void check_dump(const char *text, bool update, const char *want)
{
    char *got = dump_of(text, update);
    ck_assert_msg(strcmp(got, want) == 0, "query: %s\n got: %s\nwant: %s", text, got, want);
    free(got);
}

#define Q(text, want) check_dump(text, false, want)
#define U(text, want) check_dump(text, true, want)

/// A request that must fail; returns the error.
static bs_sparql_error bad(const char *text, bool update)
{
    bs_sparql *q = NULL;
    bs_sparql_error err;
    bs_status st = bs_sparql_parse(text, strlen(text), NULL, update, &q, &err);
    ck_assert_msg(st == BS_ERR_PARSE, "should not parse: %s", text);
    ck_assert_ptr_null(q);
    return err;
}

START_TEST(test_free_null)
{
    bs_sparql_free(NULL);
    bs_sp_node_free(NULL);
    bs_sp_expr_free(NULL);
    bs_sp_path_free(NULL);
}
END_TEST

START_TEST(test_error_position)
{
    bs_sparql_error e = bad("SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p WHERE }", false);
    ck_assert_int_eq(e.line, 3);
    ck_assert_int_eq(e.col, 9);
    ck_assert_str_eq(e.msg, "expected a term, found 'WHERE'");
    /* columns count characters, not bytes */
    e = bad("SELECT * { \"é\" ?p ?o . ) }", false);
    ck_assert_int_eq(e.line, 1);
    ck_assert_int_eq(e.col, 24);
    e = bad("SELECT * { ?s ?p ?o ", false);
    ck_assert_str_eq(e.msg, "expected '}', found end of input");
    e = bad("SELECT * { ?s foo:p ?o }", false);
    ck_assert_str_eq(e.msg, "undefined prefix 'foo:'");
    ck_assert_int_eq(e.col, 15);
}
END_TEST

START_TEST(test_bgp_filter)
{
    Q(EX "SELECT ?x { ?s :p ?x FILTER(?x > 1) }",
      "(project (?x) (filter (> ?x 1) (bgp (triple ?s <http://ex/p> ?x))))");
    Q(EX "SELECT * { ?s a :C ; :p 1, 2.5, -3e0 , true . FILTER(?s != :a && regex(str(?s), \"x\", \"i\")) }",
      "(project (?s) (filter (&& (!= ?s <http://ex/a>) (regex (str ?s) \"x\" \"i\")) "
      "(bgp (triple ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex/C>) "
      "(triple ?s <http://ex/p> 1) (triple ?s <http://ex/p> 2.5) (triple ?s <http://ex/p> -3e0) "
      "(triple ?s <http://ex/p> true))))");
    Q("ASK { <a> <b> \"x\"@EN, \"y\"^^<http://ex/t>, 'z' }",
      "(ask (bgp (triple <a> <b> \"x\"@en) (triple <a> <b> \"y\"^^<http://ex/t>) (triple <a> <b> \"z\")))");
    Q("SELECT * { ?s ?p ?o FILTER(?o - 1 = -2 * +3) }",
      "(project (?s ?p ?o) (filter (= (- ?o 1) (* -2 +3)) (bgp (triple ?s ?p ?o))))");
    Q("SELECT * { ?s ?p ?o FILTER(?o -1) }",
      "(project (?s ?p ?o) (filter (- ?o 1) (bgp (triple ?s ?p ?o))))");
}
END_TEST

START_TEST(test_optional_union_minus)
{
    Q("SELECT * { ?s <p> ?o OPTIONAL { ?o <q> ?z FILTER(?z = 1) } }",
      "(project (?s ?o ?z) (leftjoin (bgp (triple ?s <p> ?o)) (bgp (triple ?o <q> ?z)) (= ?z 1)))");
    Q("SELECT * { { ?s <p> ?o } UNION { ?s <q> ?o } UNION { ?s <r> ?o } }",
      "(project (?s ?o) (union (union (bgp (triple ?s <p> ?o)) (bgp (triple ?s <q> ?o))) "
      "(bgp (triple ?s <r> ?o))))");
    Q("SELECT * { ?s <p> ?o MINUS { ?s <q> ?o } }",
      "(project (?s ?o) (minus (bgp (triple ?s <p> ?o)) (bgp (triple ?s <q> ?o))))");
    /* only the optional group's own filters move into the LeftJoin */
    Q("SELECT * { ?s <p> ?o OPTIONAL { { ?o <q> ?z FILTER(?s) } } }",
      "(project (?s ?o ?z) (leftjoin (bgp (triple ?s <p> ?o)) (filter ?s (bgp (triple ?o <q> ?z)))))");
    Q("SELECT * { OPTIONAL { ?s <p> ?o } }",
      "(project (?s ?o) (leftjoin (bgp) (bgp (triple ?s <p> ?o))))");
}
END_TEST

START_TEST(test_graph_bind_values)
{
    Q("SELECT * FROM <g1> FROM NAMED <g2> { GRAPH ?g { ?s ?p ?o } }",
      "(project (?g ?s ?p ?o) (graph ?g (bgp (triple ?s ?p ?o))))");
    Q("SELECT * { ?s <p> ?o BIND(?o + 1 AS ?z) ?z <q> ?w }",
      "(project (?s ?o ?z ?w) (join (extend ((?z (+ ?o 1))) (bgp (triple ?s <p> ?o))) "
      "(bgp (triple ?z <q> ?w))))");
    Q("SELECT * { VALUES (?x ?y) { (1 UNDEF) (<a> \"b\") } ?x <p> ?y }",
      "(project (?x ?y) (join (table (vars ?x ?y) (row [?x 1]) (row [?x <a>] [?y \"b\"])) "
      "(bgp (triple ?x <p> ?y))))");
    Q("SELECT * { ?x <p> ?y } VALUES ?x { <a> <b> }",
      "(project (?x ?y) (join (bgp (triple ?x <p> ?y)) (table (vars ?x) (row [?x <a>]) (row [?x <b>]))))");
    Q("SELECT * { SERVICE SILENT <http://s/> { ?s ?p ?o } }",
      "(project (?s ?p ?o) (service silent <http://s/> (bgp (triple ?s ?p ?o))))");
}
END_TEST

START_TEST(test_modifiers)
{
    Q("SELECT DISTINCT ?s { ?s ?p ?o } ORDER BY DESC(?o) ?s LIMIT 10 OFFSET 5",
      "(slice 5 10 (distinct (project (?s) (order ((desc ?o) ?s) (bgp (triple ?s ?p ?o))))))");
    Q("SELECT REDUCED * { ?s ?p ?o } LIMIT 3",
      "(slice _ 3 (reduced (project (?s ?p ?o) (bgp (triple ?s ?p ?o)))))");
}
END_TEST

START_TEST(test_aggregates)
{
    Q("SELECT ?s (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(*) > 1) ORDER BY ?n",
      "(project (?s ?n) (order (?n) (extend ((?n ?.agg0)) (filter (> ?.agg1 1) "
      "(group (?s) ((?.agg0 (count distinct ?o)) (?.agg1 (count))) (bgp (triple ?s ?p ?o)))))))");
    Q("SELECT (GROUP_CONCAT(?o ; SEPARATOR=\",\") AS ?c) { ?s ?p ?o } GROUP BY (str(?s) AS ?k)",
      "(project (?c) (extend ((?c ?.agg0)) (group ((?k (str ?s))) ((?.agg0 (group_concat "
      "(separator \",\") ?o))) (bgp (triple ?s ?p ?o)))))");
}
END_TEST

START_TEST(test_paths)
{
    Q("SELECT * { ?s <a>/^<b> ?o }",
      "(project (?s ?o) (bgp (triple ?s <a> ?.p0) (triple ?o <b> ?.p0)))");
    Q("SELECT * { ?s (<a>|<b>)+ ?o . ?s !(<c>|^<d>) ?x . ?s <e>* ?y }",
      "(project (?s ?o ?x ?y) (join (join (path ?s (path+ (alt <a> <b>)) ?o) "
      "(path ?s (notoneof <c> (reverse <d>)) ?x)) (path ?s (path* <e>) ?y)))");
}
END_TEST

START_TEST(test_subquery_scope)
{
    Q("SELECT ?x { ?x <p> ?y { SELECT ?x (1 AS ?z) { ?x <q> ?y } } }",
      "(project (?x) (join (bgp (triple ?x <p> ?y)) (project (?x ?z) (extend ((?z 1)) "
      "(bgp (triple ?x <q> ?y.1))))))");
    Q("SELECT * { { SELECT * { ?x <q> ?y } } }",
      "(project (?x ?y) (project (?x ?y) (bgp (triple ?x <q> ?y))))");
}
END_TEST

START_TEST(test_bnodes)
{
    Q("SELECT * { _:a <p> [ <q> ?x ] . _:a <r> ( 1 ) }",
      "(project (?x) (bgp (triple ?.b0 <q> ?x) (triple ?_:a <p> ?.b0) "
      "(triple ?.b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> 1) "
      "(triple ?.b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> "
      "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>) (triple ?_:a <r> ?.b1)))");
    bad("SELECT * { _:a <p> ?o OPTIONAL { _:a <q> ?z } }", false);
    bad("SELECT * { _:a <p> ?o . { _:a <q> ?z } }", false);
    /* a FILTER does not end a basic graph pattern */
    free(dump_of("SELECT * { _:a <p> ?o FILTER(?o) _:a <q> ?z }", false));
}
END_TEST

START_TEST(test_construct_describe)
{
    Q("CONSTRUCT { ?s <p> _:b } WHERE { ?s ?p ?o }",
      "(construct (template (triple ?s <p> _:b)) (bgp (triple ?s ?p ?o)))");
    Q("CONSTRUCT WHERE { ?s <p> ?o }",
      "(construct (template (triple ?s <p> ?o)) (bgp (triple ?s <p> ?o)))");
    Q("DESCRIBE <a> ?x WHERE { ?x ?p ?o }",
      "(describe (<a> ?x) (bgp (triple ?x ?p ?o)))");
    Q("DESCRIBE <a>", "(describe (<a>) (null))");
}
END_TEST

START_TEST(test_base_iri)
{
    Q("BASE <http://ex/a/b/c> SELECT * { <d> <../e> <#f> . <//h/i> <?q> <g;x> }",
      "(project () (bgp (triple <http://ex/a/b/d> <http://ex/a/e> <http://ex/a/b/c#f>) "
      "(triple <http://h/i> <http://ex/a/b/c?q> <http://ex/a/b/g;x>)))");
    /* an absolute IRI loses its dot segments too (RFC 3986 §5.2.2), as the loader's do */
    Q("ASK { <eX://a/./b/../c> <p> <o> }",
      "(ask (bgp (triple <eX://a/c> <p> <o>)))");
    Q("PREFIX p: <http://ex/> BASE <http://other/> PREFIX r: <x/> ASK { p:a\\.b r:c p:%41 }",
      "(ask (bgp (triple <http://ex/a.b> <http://other/x/c> <http://ex/%41>)))");
}
END_TEST

START_TEST(test_update_ops)
{
    U("INSERT DATA { <a> <b> <c> . GRAPH <g> { <a> <b> _:x } }",
      "(update (insertdata (quads (triple <a> <b> <c>) (quad <g> <a> <b> _:x))))");
    U("DELETE DATA { <a> <b> \"c\" }", "(update (deletedata (quads (triple <a> <b> \"c\"))))");
    U("DELETE WHERE { ?s <p> ?o . GRAPH <g> { ?s <q> ?o } }",
      "(update (deletewhere (quads (triple ?s <p> ?o) (quad <g> ?s <q> ?o))))");
    U("WITH <g> DELETE { ?s <p> ?o } INSERT { ?s <q> ?o } USING <u> USING NAMED <n> WHERE { ?s <p> ?o }",
      "(update (modify (with <g>) (delete (triple ?s <p> ?o)) (insert (triple ?s <q> ?o)) "
      "(using <u>) (using-named <n>) (bgp (triple ?s <p> ?o))))");
    U("LOAD SILENT <f> INTO GRAPH <g> ; CLEAR ALL ; DROP GRAPH <g> ; CREATE SILENT GRAPH <h> ;"
      " ADD <a> TO DEFAULT ; MOVE DEFAULT TO GRAPH <b> ; COPY SILENT <c> TO <d> ; CLEAR NAMED ; DROP DEFAULT ;",
      "(update (load silent <f> <g>) (clear all) (drop <g>) (create silent <h>) (add <a> default) "
      "(move default <b>) (copy silent <c> <d>) (clear named) (drop default))");
    U("", "(update)");
}
END_TEST

START_TEST(test_static_rules)
{
    bad("SELECT * { ?s ?p ?o } GROUP BY ?s", false);
    bad("SELECT ?o { ?s ?p ?o } GROUP BY ?s", false);
    bad("SELECT ?o (COUNT(*) AS ?c) { ?s ?p ?o }", false);
    bad("SELECT (1 AS ?x) (2 AS ?x) {}", false);
    bad("SELECT (1 AS ?x) { ?x ?p ?o }", false);
    bad("SELECT * { ?s ?p ?o BIND(1 AS ?o) }", false);
    bad("SELECT * { ?s ?p ?o FILTER(COUNT(?o) > 1) }", false);
    bad("SELECT (SUM(COUNT(?o)) AS ?x) { ?s ?p ?o }", false);
    bad("SELECT * { VALUES (?a ?b) { (1) } }", false);
    bad("INSERT DATA { ?s <p> <o> }", true);
    bad("DELETE DATA { _:a <p> <o> }", true);
    bad("DELETE WHERE { _:a <p> ?o }", true);
    bad("INSERT DATA { _:a <p> <o> } ; INSERT DATA { _:a <p> <o> }", true);
    bad("CREATE GRAPH <g> ;; CLEAR ALL", true);
    bad("SELECT * { ?s ?p ?o . . }", false);
    bad("SELECT * { ?s ?p ?o ?x ?y }", false);
    bad("SELECT * { ?s A <C> }", false); /* 'a' is case-sensitive */
    bad("SELECT (?x +?y) {}", false);
    bad("SELECT * { {} SELECT * { ?s ?p ?o } }", false);
}
END_TEST

START_TEST(test_property_lists)
{
    Q("SELECT * { ?s ?p ?o ; ?x ?y ;; . <a> <b> [ <c> <d> ; ] }",
      "(project (?s ?p ?o ?x ?y) (bgp (triple ?s ?p ?o) (triple ?s ?x ?y) "
      "(triple ?.b0 <c> <d>) (triple <a> <b> ?.b0)))");
    Q("SELECT * { [ <p> ?o ] . }", "(project (?o) (bgp (triple ?.b0 <p> ?o)))");
    Q("SELECT ?x { ?x <p> ?y FILTER NOT EXISTS { ?y <q> ?x } FILTER(?y IN (1, 2)) }",
      "(project (?x) (filter (exprlist (notexists (bgp (triple ?y <q> ?x))) (in ?y 1 2)) "
      "(bgp (triple ?x <p> ?y))))");
}
END_TEST

START_TEST(test_describe_star)
{
    bs_sparql *q = NULL;
    const char *text = "DESCRIBE * { ?x <p> _:b . ?x <q> ?y }";
    ck_assert_int_eq(bs_sparql_parse(text, strlen(text), NULL, false, &q, NULL), BS_OK);
    ck_assert_int_eq(bs_sparql_form_of(q), BS_SPARQL_DESCRIBE);
    ck_assert(q->describe_all);
    ck_assert_uint_eq(q->nproj, 2);
    ck_assert_str_eq(q->vars[q->proj[0]].name, "x");
    ck_assert_str_eq(q->vars[q->proj[1]].name, "y");
    bs_sparql_free(q);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sparql_parse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_free_null);
    tcase_add_test(tc, test_error_position);
    tcase_add_test(tc, test_bgp_filter);
    tcase_add_test(tc, test_optional_union_minus);
    tcase_add_test(tc, test_graph_bind_values);
    tcase_add_test(tc, test_modifiers);
    tcase_add_test(tc, test_aggregates);
    tcase_add_test(tc, test_paths);
    tcase_add_test(tc, test_subquery_scope);
    tcase_add_test(tc, test_bnodes);
    tcase_add_test(tc, test_construct_describe);
    tcase_add_test(tc, test_base_iri);
    tcase_add_test(tc, test_update_ops);
    tcase_add_test(tc, test_static_rules);
    tcase_add_test(tc, test_property_lists);
    tcase_add_test(tc, test_describe_star);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
