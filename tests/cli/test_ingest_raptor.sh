#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/check_ingest once more with Raptor reading every format: the path
# RDF/XML, remote files and the files serd gives up on take.
top=${BS_TOP_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BATTSTORE_PARSER=raptor exec "$top/tests/check_ingest"
