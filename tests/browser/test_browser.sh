#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The browser test (browser_test.mjs) under `make check`: Debian's Chromium
# driven by playwright-core (package.json at the top, installed here with
# `npm ci` when node_modules is missing).  Chromium, Node.js and npm are
# required: scripts/test installs them (scripts/lib.sh), so a missing one
# fails the test rather than skipping it.
set -u
TOP=${BS_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BS_TOP_BUILDDIR:-$TOP}
CHROMIUM=${BS_CHROMIUM:-/usr/bin/chromium}
no() { echo "not ok 1 - $1"; echo "# 0 passed, 1 failed"; exit 1; }

[ -x "$CHROMIUM" ] || no "Chromium at $CHROMIUM (Debian package chromium: scripts/test installs it)"
command -v node >/dev/null || no "Node.js (node) is installed"
if [ ! -f "$TOP/node_modules/playwright-core/package.json" ]; then
  command -v npm >/dev/null || no "npm is installed (to install playwright-core)"
  echo "# npm ci in $TOP (playwright-core from package-lock.json)"
  (cd "$TOP" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
    no "npm ci installs playwright-core"
fi
export BS="$BUILD/battstore" BS_TOP_SRCDIR="$TOP" BS_TOP_BUILDDIR="$BUILD"
export BS_BROWSER_OUT="$BUILD/tests/browser/out"
exec node "$TOP/tests/browser/browser_test.mjs"
