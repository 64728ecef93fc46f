/* SPDX-License-Identifier: MIT
 * battstore — drawing the BIG-MAP data highway (the plan's Fig. 2) as
 * Graphviz DOT, and as SVG through Graphviz's dot. */
#include "config.h"
#include "dmp/dmp.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void bs_dmp_json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", out);
        else if (*p == '\t') fputs("\\t", out);
        else if (*p == '\r') fputs("\\r", out);
        else if (*p < 0x20) fprintf(out, "\\u%04x", *p);
        else fputc(*p, out);
    }
    fputc('"', out);
}

/* A DOT double-quoted string. */
static void dot_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '"' || *p == '\\') fputc('\\', out);
        if (*p == '\n') { fputs("\\n", out); continue; }
        fputc(*p, out);
    }
    fputc('"', out);
}

/* A DOT identifier made of the letters and digits of s. */
static void dot_id(FILE *out, const char *prefix, const char *s)
{
    fputs(prefix, out);
    for (const char *p = s; *p; p++)
        fputc(((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
                  ? *p : '_', out);
}

static const char *const fills[] = {"#dbe9f6", "#fde2c4", "#d8f0d2", "#eeeeee"};

static void write_node(const bs_dmp_graph *g, const bs_dmp_draw_opts *o, size_t i,
                       int color, FILE *out)
{
    const bs_dmp_wp *w = &g->wps[i];
    bool hot = o && o->hot_wp && o->hot_wp[i];
    fprintf(out, "    ");
    dot_id(out, "", w->name);
    fputs(" [label=", out);
    char *label = NULL;
    if (asprintf(&label, "%s\n%s", w->name, w->title) < 0) label = NULL;
    dot_str(out, label ? label : w->name);
    free(label);
    fputs(", id=", out);
    dot_str(out, w->name);
    fputs(", URL=", out);
    dot_str(out, w->iri);
    fputs(", tooltip=", out);
    char *tip = NULL;
    if (asprintf(&tip, "%s: %s", w->name, w->title) < 0) tip = NULL;
    dot_str(out, tip ? tip : w->name);
    free(tip);
    fprintf(out, ", fillcolor=\"%s\"%s];\n", fills[color % 4],
            hot ? ", color=\"#c0392b\", penwidth=3" : "");
}

/* The WPs in clusters, one per group in order of first appearance. */
static void write_nodes(const bs_dmp_graph *g, const bs_dmp_draw_opts *o, FILE *out)
{
    bool *done = calloc(g->nwps ? g->nwps : 1, sizeof *done);
    int color = 0;
    for (size_t i = 0; done && i < g->nwps; i++) {
        if (done[i] || !*g->wps[i].group_iri) continue;
        fputs("  subgraph ", out);
        dot_id(out, "cluster_", g->wps[i].group_iri);
        fputs(" {\n    label=", out);
        dot_str(out, g->wps[i].group);
        fputs("; style=\"rounded,dashed\"; color=\"#7f8c8d\";\n", out);
        for (size_t j = i; j < g->nwps; j++) {
            if (strcmp(g->wps[j].group_iri, g->wps[i].group_iri) != 0) continue;
            write_node(g, o, j, color, out);
            done[j] = true;
        }
        fputs("  }\n", out);
        color++;
    }
    for (size_t i = 0; i < g->nwps; i++)
        if (!done || !done[i]) write_node(g, o, i, 3, out);
    free(done);
}

static const char *const size_names[] = {"size unknown", "KB", "MB", "GB", "TB", "PB"};

/* One arrow per WP pair: width by the largest size class. */
static void write_edge(const bs_dmp_graph *g, const bs_dmp_draw_opts *o, size_t a,
                       size_t b, FILE *out)
{
    size_t count, one;
    int rank = bs_dmp_pair(g, (int)a, (int)b, &count, &one);
    if (rank < 0) return;
    bool hot = o && o->hot_edge && o->hot_edge[a * g->nwps + b];
    bool any_hot = o && (o->hot_edge || o->hot_wp);
    fputs("  ", out);
    dot_id(out, "", g->wps[a].name);
    fputs(" -> ", out);
    dot_id(out, "", g->wps[b].name);
    char tip[160];
    snprintf(tip, sizeof tip, "%s -> %s: %zu flow%s, up to %s%s", g->wps[a].name,
             g->wps[b].name, count, count == 1 ? "" : "s",
             size_names[rank <= 5 ? rank : 0], one == count ? ", stated by one side only" : "");
    fprintf(out, " [penwidth=%.1f, tooltip=", rank > 0 ? 0.5 + 1.5 * rank : 1.0);
    dot_str(out, tip);
    fprintf(out, ", id=\"%s-%s\"", g->wps[a].name, g->wps[b].name);
    if (one == count) fputs(", style=dashed", out);
    if (hot) fputs(", color=\"#c0392b\"", out);
    else if (any_hot) fputs(", color=\"#bdc3c7\"", out);
    else fputs(", color=\"#34495e\"", out);
    fputs("];\n", out);
}

bs_status bs_dmp_write_dot(const bs_dmp_graph *g, const bs_dmp_draw_opts *o, FILE *out)
{
    fputs("digraph highway {\n  graph [rankdir=LR, fontname=\"Helvetica\", label=", out);
    dot_str(out, o && o->title ? o->title
                               : "The BIG-MAP data highway (arrow width: size class; "
                                 "dashed: stated by one side only)");
    fputs(", labelloc=t, nodesep=0.3, ranksep=1.2];\n"
          "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", "
          "fontsize=11];\n  edge [arrowsize=0.6];\n", out);
    write_nodes(g, o, out);
    for (size_t a = 0; a < g->nwps; a++)
        for (size_t b = 0; b < g->nwps; b++) write_edge(g, o, a, b, out);
    fputs("}\n", out);
    return ferror(out) ? BS_ERR_IO : BS_OK;
}

/* Copy everything from in to out. */
static bs_status copy_all(FILE *in, FILE *out)
{
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) return BS_ERR_IO;
    return ferror(in) ? BS_ERR_IO : BS_OK;
}

extern char **environ;

/* Run `dot -Tsvg path` (no shell: dot is the program's name or path as
 * given) and copy what it prints to out.  *status is its wait status, or
 * -1 when it could not be started.  posix_spawn rather than popen: the
 * server calls this from its threads, with a large map, and vfork-style
 * spawning neither copies page tables nor runs a shell. */
static bs_status run_dot(const char *dot, const char *path, FILE *out, int *status)
{
    char *argv[] = {(char *)dot, (char *)"-Tsvg", (char *)path, NULL};
    posix_spawn_file_actions_t fa;
    int fds[2];
    pid_t pid;
    *status = -1;
    if (pipe2(fds, O_CLOEXEC) != 0) return BS_ERR_IO;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0) {
        rc = posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
        if (rc == 0)
            rc = posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
                                                  O_WRONLY, 0);
        if (rc == 0) rc = posix_spawnp(&pid, dot, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
    }
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return BS_OK;   /* not started: the caller reports status -1 */
    }
    FILE *in = fdopen(fds[0], "r");
    bs_status st = in ? copy_all(in, out) : BS_ERR_NOMEM;
    if (in) fclose(in);  /* a dot still writing gets EPIPE and ends */
    else close(fds[0]);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR) {}
    return st;
}

bs_status bs_dmp_write_svg(const bs_dmp_graph *g, const bs_dmp_draw_opts *o, FILE *out,
                           char **err)
{
    char path[] = "/tmp/battstore-highway-XXXXXX";
    FILE *dotf = NULL;
    bs_status st = BS_ERR_IO;
    int status = -1;
    int fd = mkstemp(path);
    if (fd < 0 || !(dotf = fdopen(fd, "w"))) {
        if (fd >= 0) close(fd);
        if (err && asprintf(err, "temporary file: %s", strerror(errno)) < 0) *err = NULL;
        goto fail;
    }
    st = bs_dmp_write_dot(g, o, dotf);
    if (fclose(dotf) != 0 && st == BS_OK) st = BS_ERR_IO;
    if (st != BS_OK) goto fail;
    const char *dot = getenv("BATTSTORE_DOT");
    st = run_dot(dot && *dot ? dot : "dot", path, out, &status);
    if (st == BS_OK && (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        st = BS_ERR_UNSUPPORTED;
        if (err && asprintf(err, "Graphviz dot failed (exit %d): is the Debian package "
                                 "graphviz installed?",
                            status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1) < 0)
            *err = NULL;
    }
fail:
    if (fd >= 0) unlink(path);
    return st;
}
