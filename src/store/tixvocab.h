/* SPDX-License-Identifier: MIT
 * battstore — the text index's vocabulary: its distinct tokens without
 * their postings (for substring tests over tokens, src/search/vocab.c). */
#ifndef BS_TIXVOCAB_H
#define BS_TIXVOCAB_H

#include "store/store.h"

/** Call fn with every distinct token of the text index, in byte order,
 *  one cursor step per token (the postings are not read).  tok is valid
 *  for the call only.  fn returning BS_END stops early (not an error).
 *  BS_ERR_UNSUPPORTED on a store without the text index's databases. */
bs_status bs_tix_vocab(bs_txn *txn,
                       bs_status (*fn)(void *ctx, const char *tok, size_t len),
                       void *ctx);

#endif
