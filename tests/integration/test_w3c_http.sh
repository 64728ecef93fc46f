#!/bin/bash
# SPDX-License-Identifier: MIT
# battstore — the W3C SPARQL 1.1 Protocol and Graph Store Protocol tests
# against the real server (the runner is tests/integration/w3c_http.py).
exec python3 "$(dirname "$0")/w3c_http.py" "$@"
