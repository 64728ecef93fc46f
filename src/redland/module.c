/* SPDX-License-Identifier: MIT
 * battstore — entry point of the loadable Redland module
 * librdf_storage_lmdb.so (found by librdf on REDLAND_MODULE_PATH). */
#include "config.h"
#include "redland/redland.h"

/* librdf looks this symbol up in every librdf_storage_*.so it loads. */
void librdf_storage_module_register_factory(librdf_world *world);

void librdf_storage_module_register_factory(librdf_world *world)
{
    bs_status st = bs_redland_register(world);
    if (st != BS_OK)
        librdf_log(world, 0, LIBRDF_LOG_ERROR, LIBRDF_FROM_STORAGE, NULL,
                   "lmdb storage: registering the factory: %s",
                   bs_strerror(st));
}
