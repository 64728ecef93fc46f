/* SPDX-License-Identifier: MIT
 * battstore — star joins of a BGP (exec_star.c). */
#ifndef BS_SP_EXEC_STAR_H
#define BS_SP_EXEC_STAR_H

#include "sparql/exec_int.h"

/** A BGP whose patterns all share one subject variable, each with a
 *  constant predicate and an object that is a constant or a variable of
 *  its own (`?d :p ?a ; :q ?b ; :r C`), none of them bound by the seed:
 *  *out = an iterator of its rows (the same multiset as the nested
 *  loop's), or NULL when n has another shape or the statistics say the
 *  nested loop is cheaper.  Caller frees with (*out)->free(). */
bs_status bs_sp_star_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                          const bs_id *seed, bs_sp_iter **out);

/** For tests (process-wide): 0 = by the statistics, 1 = whenever the
 *  shape allows, -1 = never.  A negative bs_sp_bgp_hash_policy (the plain
 *  nested loop) also turns it off. */
extern int bs_sp_star_policy;
/** For tests (process-wide): how many subjects' quads are looked up with
 *  index seeks before the ranges are read whole (-1 = from the
 *  statistics). */
extern long bs_sp_star_seeks;
/** For tests (process-wide): sort spreads of 12 to 22 bits on the high
 *  digit first (true), or always least significant digit first. */
extern bool bs_sp_star_msd;
/// For tests: sorts taken that way.
extern unsigned long bs_sp_star_msd_sorts;
/** For tests (process-wide): keep a range whose subjects are dense as
 *  one slot per subject id (true), or always sort its pairs. */
extern bool bs_sp_star_slots;
/// For tests: ranges kept as slots, and those whose slots number pairs.
extern unsigned long bs_sp_star_slot_ranges, bs_sp_star_slot_indexed;
/** For tests (process-wide): merge with merge_slots when every range is
 *  slots (true), or always per pattern; and the merges done that way. */
extern bool bs_sp_star_slot_merge;
extern unsigned long bs_sp_star_slot_merges;
/** Process-wide: merge_slots prefetches the output's terms of the rows
 *  this many driver slots ahead (0: none; no effect on the rows). */
extern size_t bs_sp_star_prefetch;
/** A range of at least this many pairs is made slots or sorted on a
 *  second thread while the next range is read (util/worker.h; its
 *  bs_job_policy and BATTSTORE_THREADS=1 decide whether threads are
 *  used at all).  Process-wide; tests lower it. */
extern size_t bs_sp_star_job_min;
/** Process-wide: also run phase 2's merge on a job that hands its rows
 *  over in chunks (off by default; tests turn it on). */
extern bool bs_sp_star_pipe;
/** For tests: called on the query's thread when a range has been made
 *  (job false) or handed to a job (true). */
extern void (*bs_sp_star_range_hook)(bool job);
/** For tests: star joins taken, how many of them read ranges whole, and
 *  how many merged them on a second thread (bs_sp_star_job_min: the
 *  driver's pairs). */
extern unsigned long bs_sp_star_taken, bs_sp_star_merged, bs_sp_star_piped;

#endif
