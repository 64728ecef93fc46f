#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Shared by scripts/run and scripts/test: install what is missing, build.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The reference files (ontologies, W3C suites) live in ../shared beside
# the checkout.  A clone made elsewhere (git clone /work/main /tmp/x) finds
# them beside the local repository it was cloned from.
bs_find_shared() {
  [ -n "${BS_SHARED:-}" ] && { echo "$BS_SHARED"; return; }
  [ -d "$TOP/../shared" ] && { echo "$TOP/../shared"; return; }
  local origin
  origin=$(git -C "$TOP" config --get remote.origin.url 2>/dev/null)
  [ -n "$origin" ] && [ -d "$origin/../shared" ] && { echo "$origin/../shared"; return; }
  echo "$TOP/../shared"
}
SHARED=$(bs_find_shared)

# Debian packages battstore builds, tests and runs with.
BS_PACKAGES="build-essential autoconf automake libtool pkg-config
  librdf0-dev libraptor2-dev libserd-dev librasqal3-dev liblmdb-dev libmicrohttpd-dev
  libxml2-dev libpcre2-dev nettle-dev libjansson-dev libcurl4-gnutls-dev check raptor2-utils redland-utils lmdb-utils curl
  python3 python3-sparqlwrapper graphviz libunistring-dev
  chromium chromium-driver"
# Node.js and npm run the browser test (tests/browser, playwright-core from
# package.json).  A machine whose node comes from elsewhere (with its own
# npm) keeps it: Debian's npm would conflict with it.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || BS_PACKAGES="$BS_PACKAGES nodejs npm"

log() { printf '==> %s\n' "$*" >&2; }

bs_install_deps() {
  local missing=()
  for p in $BS_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Build in the source tree (./battstore at the top); quick when nothing changed.
bs_build() {
  cd "$TOP"
  if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
    log "autoreconf"
    mkdir -p m4
    autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
  fi
  if [ ! -f Makefile ] || [ configure -nt config.status ]; then
    log "configure"
    ./configure -q ${BS_CONFIGURE_FLAGS:-}
  fi
  log "make"
  make -s -j"$(nproc)" >/dev/null
}
