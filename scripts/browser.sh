#!/usr/bin/env bash
# Makes a headless Chromium available to the browser tests, exported as VERNIER_TEST_CHROMIUM.
#
# Sourced by scripts/test.sh. Uses Debian's chromium (/usr/bin/chromium), installing it with apt-get
# when it is missing (needs root, e.g. on CI; about a minute). Never lets a test tool download its
# own browser. Does nothing when VERNIER_TEST_CHROMIUM is already set.

_vernier_browser_main() {
  if [ -n "${VERNIER_TEST_CHROMIUM:-}" ]; then
    echo "Chromium for the tests: using VERNIER_TEST_CHROMIUM=$VERNIER_TEST_CHROMIUM (already set)"
    return 0
  fi

  local chromium
  chromium=$(command -v chromium || true)
  if [ -z "$chromium" ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    echo "installing Chromium (apt-get install -y chromium)..." >&2
    local apt_log
    apt_log=$(mktemp)
    { $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y chromium >"$apt_log" 2>&1 \
      || { $sudo apt-get update >>"$apt_log" 2>&1 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y chromium >>"$apt_log" 2>&1; }; } \
      || { tail -n 20 "$apt_log" >&2; rm -f "$apt_log"; echo "could not install Chromium: run 'apt-get install -y chromium' as root" >&2; return 1; }
    rm -f "$apt_log"
    chromium=$(command -v chromium || true)
    [ -n "$chromium" ] || { echo "Chromium was installed but no chromium command was found" >&2; return 1; }
  fi

  VERNIER_TEST_CHROMIUM=$chromium
  export VERNIER_TEST_CHROMIUM
  echo "Chromium for the tests: $("$chromium" --version 2>/dev/null | head -n 1) ($chromium)"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  _vernier_browser_main || return 1
else
  set -uo pipefail
  _vernier_browser_main || exit 1
  echo "use it with:  export VERNIER_TEST_CHROMIUM=$VERNIER_TEST_CHROMIUM" >&2
fi
