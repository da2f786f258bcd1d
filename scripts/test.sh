#!/usr/bin/env bash
# Runs the whole test suite: builds once (warnings are errors), runs every test project, and
# ends with one line summing them all: "N passed, N failed, N skipped".
# Needs only the .NET SDK; services the tests need are started by scripts/services.sh, and the
# browser for the browser tests is installed by scripts/browser.sh.
set -uo pipefail
cd "$(dirname "$0")/.."

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

if [ -x scripts/services.sh ]; then
  # shellcheck source=/dev/null
  source scripts/services.sh || { echo "could not start the services the tests need" >&2; exit 1; }
fi
if [ -x scripts/browser.sh ]; then
  # shellcheck source=/dev/null
  source scripts/browser.sh || { echo "could not provide the browser the tests need" >&2; exit 1; }
fi

echo "==> dotnet build"
if ! dotnet build Vernier.slnx -c Release -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed (the build failed)"
  exit 1
fi

# One project at a time: each gets its own results file, and process-heavy tests do not compete for the cores.
status=0
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "==> $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" \
    || status=1
done

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$(get passed); f=$(get failed); e=$(get error); t=$(get total); x=$(get executed)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
  skipped=$((skipped + ${t:-0} - ${x:-0}))
done

if [ "$files" -eq 0 ]; then
  echo "0 passed, 1 failed (no test results were written)"
  exit 1
fi
# A crashed test host writes no failure counter: trust the exit status too.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
