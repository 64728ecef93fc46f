#!/bin/bash
# SPDX-License-Identifier: MIT
# battstore — SPARQLWrapper (Debian's python3-sparqlwrapper, for the
# system Python) against the real server: tests/integration/test_sparqlwrapper.py.
for py in /usr/bin/python3 python3; do
  if "$py" -c 'import SPARQLWrapper' 2>/dev/null; then
    exec "$py" "$(dirname "$0")/test_sparqlwrapper.py" "$@"
  fi
done
echo "not ok 1 - SPARQLWrapper is not installed (Debian package python3-sparqlwrapper)"
echo "# 0 passed, 1 failed"
exit 1
