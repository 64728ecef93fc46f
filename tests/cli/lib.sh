# SPDX-License-Identifier: MIT
# Helpers for the shell tests: TAP-style "ok N - what" / "not ok N - what".
BS=${BS_TOP_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/battstore
SHARED=${BS_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}
T=$(mktemp -d /tmp/bs_cli_XXXXXX)
trap 'rm -rf "$T"' EXIT
n=0 nfail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && echo "# $2"; }
# check DESC CMD...: passes when the command succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
# eq DESC GOT WANT
eq() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi; }
finish() { echo "# $((n - nfail)) passed, $nfail failed"; [ "$nfail" -eq 0 ]; }
# The reference files in ../shared: CI must have them (BS_REQUIRE_SHARED
# is set by scripts/test under CI), elsewhere their absence skips.
need_shared() {
  [ -d "$SHARED/ontologies" ] && return 0
  if [ -n "${BS_REQUIRE_SHARED:-}" ]; then echo "not ok 1 - $SHARED/ontologies is missing"; exit 1; fi
  echo "# skip: no $SHARED/ontologies"; exit 77
}
