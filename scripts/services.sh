#!/usr/bin/env bash
# Starts the services the tests need: a throwaway PostgreSQL server on 127.0.0.1 (a free port, a
# temporary data directory, trust authentication), exported as VERNIER_TEST_POSTGRES.
#
# Sourced by scripts/test.sh: the server is stopped and its directory removed when test.sh exits,
# also on failure or Ctrl-C. Run directly, it leaves the server running and prints how to use and
# stop it. Installs PostgreSQL with apt-get only when no initdb is found (needs root, e.g. on CI).
# Does nothing when VERNIER_TEST_POSTGRES is already set.

_vernier_pg_main() {
  if [ -n "${VERNIER_TEST_POSTGRES:-}" ]; then
    echo "PostgreSQL for the tests: using VERNIER_TEST_POSTGRES=${VERNIER_TEST_POSTGRES%%\?*} (already set)"
    return 0
  fi

  local initdb
  initdb=$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$initdb" ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    echo "installing PostgreSQL (apt-get install -y postgresql)..." >&2
    local apt_log
    apt_log=$(mktemp)
    { $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y postgresql >"$apt_log" 2>&1 \
      || { $sudo apt-get update >>"$apt_log" 2>&1 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y postgresql >>"$apt_log" 2>&1; }; } \
      || { tail -n 20 "$apt_log" >&2; rm -f "$apt_log"; echo "could not install PostgreSQL: run 'apt-get install -y postgresql' as root" >&2; return 1; }
    rm -f "$apt_log"
    initdb=$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
    [ -n "$initdb" ] || { echo "PostgreSQL was installed but no initdb was found under /usr/lib/postgresql" >&2; return 1; }
  fi
  local bin
  bin=$(dirname "$initdb")

  # As root the server must run as another user (postgres); otherwise as the user running the tests.
  local dir as_user=""
  dir=$(mktemp -d "${TMPDIR:-/tmp}/vernier-pg.XXXXXX") || return 1
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "running as root, but there is no 'postgres' user to run the server" >&2; rm -rf "$dir"; return 1; }
    chown postgres: "$dir"
    as_user=postgres
  fi
  _vernier_pg_run() {
    if [ -n "$as_user" ]; then
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    else
      "$@"
    fi
  }

  if ! _vernier_pg_run "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1; then
    echo "initdb failed:" >&2; cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1
  fi

  # A free port: not accepting connections now; if another process takes it first, try another.
  local port attempt started=""
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue
    fi
    if _vernier_pg_run "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1; then
      started=1
      break
    fi
  done
  if [ -z "$started" ]; then
    echo "could not start PostgreSQL; its log:" >&2; cat "$dir/log" >&2 2>/dev/null; rm -rf "$dir"; return 1
  fi

  VERNIER_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$port/postgres"
  export VERNIER_TEST_POSTGRES
  _VERNIER_PG_DIR=$dir
  _VERNIER_PG_BIN=$bin
  _VERNIER_PG_USER=$as_user
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests: $VERNIER_TEST_POSTGRES (data in $dir)"
}

# Stops the server and removes its directory; safe to call twice.
_vernier_pg_stop() {
  [ -n "${_VERNIER_PG_DIR:-}" ] || return 0
  local stop=("$_VERNIER_PG_BIN/pg_ctl" -D "$_VERNIER_PG_DIR/data" -m fast -w stop)
  if [ -n "${_VERNIER_PG_USER:-}" ]; then
    su "$_VERNIER_PG_USER" -s /bin/sh -c "$(printf '%q ' "${stop[@]}")" >/dev/null 2>&1
  else
    "${stop[@]}" >/dev/null 2>&1
  fi
  rm -rf "$_VERNIER_PG_DIR"
  _VERNIER_PG_DIR=""
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced (by test.sh): stop the server when that shell exits, keeping any EXIT trap it already has.
  _vernier_pg_main || return 1
  if [ -n "${_VERNIER_PG_DIR:-}" ]; then
    _vernier_pg_previous_trap=$(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT$/\1/")
    # shellcheck disable=SC2064
    trap "_vernier_pg_stop; ${_vernier_pg_previous_trap:-:}" EXIT
    # Signals end the shell through exit, so that the EXIT trap runs.
    trap 'exit 130' INT
    trap 'exit 143' TERM
  fi
else
  # Run directly: leave the server running for the user.
  set -uo pipefail
  _vernier_pg_main || exit 1
  if [ -n "${_VERNIER_PG_DIR:-}" ]; then
    stop="$_VERNIER_PG_BIN/pg_ctl -D $_VERNIER_PG_DIR/data -m fast stop && rm -rf $_VERNIER_PG_DIR"
    [ -z "$_VERNIER_PG_USER" ] || stop="su $_VERNIER_PG_USER -s /bin/sh -c '$_VERNIER_PG_BIN/pg_ctl -D $_VERNIER_PG_DIR/data -m fast stop' && rm -rf $_VERNIER_PG_DIR"
    echo "use it with:  export VERNIER_TEST_POSTGRES=$VERNIER_TEST_POSTGRES" >&2
    echo "stop it with: $stop" >&2
  fi
fi
