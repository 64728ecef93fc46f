# SPDX-License-Identifier: MIT
# Helpers for the HTTP integration tests: start and stop the real
# `battstore serve` on 127.0.0.1 with a free port.  Sources tests/cli/lib.sh
# (ok, fail, check, eq, finish, need_shared; $BS, $SHARED, $T).
#   bs_serve_start [ARGS...]  serve (a fresh store under $T unless --store is
#                             given); sets URL (http://127.0.0.1:PORT), SPID,
#                             SLOG (the server's stderr: access log lines)
#   bs_serve_stop             SIGTERM, wait; returns the server's exit status
# Every server still running when the script exits is killed.
. "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
BS_SPIDS=""
trap 'for p in $BS_SPIDS; do kill -9 "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

bs_serve_start() {
  local a store=(--store "$T/store.$RANDOM$RANDOM") i
  for a in "$@"; do case $a in --store|--store=*) store=() ;; esac; done
  SLOG=$(mktemp "$T/serve.XXXXXX")
  "$BS" serve --port 0 "${store[@]}" "$@" 2>"$SLOG" &
  SPID=$!
  BS_SPIDS="$BS_SPIDS $SPID"
  URL=""
  for i in $(seq 1 200); do
    URL=$(sed -n 's|^battstore: serving .* at \(http://[^ ]*\)/$|\1|p' "$SLOG" | head -1)
    [ -n "$URL" ] && return 0
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.05
  done
  echo "# battstore serve did not start: $(head -3 "$SLOG")"
  return 1
}

bs_serve_stop() {
  local pid=${1:-$SPID} i rc
  kill -TERM "$pid" 2>/dev/null || return 1
  for i in $(seq 1 400); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 124
  fi
  wait "$pid"
  rc=$?
  # a failed stop says why: the server's last words (sanitizer reports...)
  [ "$rc" -ne 0 ] && [ -f "${SLOG:-}" ] && grep -v '^127\.0\.0\.1 ' "$SLOG" | tail -n 15 | sed 's/^/# server: /'
  return $rc
}
