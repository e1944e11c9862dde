#!/usr/bin/env bash
# The long fuzz run: every target of test/Comet.Fuzz.Tests (docs/fuzzing.md) with many inputs.
#   scripts/fuzz.sh [iterations]       inputs per parser target (default 1000000); the end-to-end
#                                      targets over real sockets get iterations/50 unless
#                                      COMET_FUZZ_E2E_ITERATIONS says otherwise.
#   COMET_FUZZ_SEED=N scripts/fuzz.sh  replays a run (the seed is printed at the start and the end).
# Further arguments go to dotnet test, e.g. scripts/fuzz.sh 100000 --filter FullyQualifiedName~Jwt
# Prints a table: target, inputs, seconds, inputs per second.
set -euo pipefail
cd "$(dirname "$0")/.."

iterations="${1:-1000000}"
shift || true
if ! [[ "$iterations" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [iterations] [dotnet test arguments]" >&2
  exit 2
fi
seed="${COMET_FUZZ_SEED:-$(od -An -N7 -tu8 /dev/urandom | tr -d ' ')}"
e2e="${COMET_FUZZ_E2E_ITERATIONS:-$(( iterations / 50 > 0 ? iterations / 50 : 1 ))}"
report=$(mktemp)
trap 'rm -f "$report"' EXIT

echo "Fuzzing with seed ${seed}: ${iterations} inputs per parser target, ${e2e} per end-to-end target."
dotnet build test/Comet.Fuzz.Tests -c Release -v quiet -nologo

status=0
COMET_FUZZ_SEED="$seed" COMET_FUZZ_ITERATIONS="$iterations" COMET_FUZZ_E2E_ITERATIONS="$e2e" COMET_FUZZ_REPORT="$report" \
  dotnet test test/Comet.Fuzz.Tests -c Release --no-build --logger "console;verbosity=normal" "$@" || status=$?

echo
{ printf 'target\tinputs\tseconds\tinputs/s\n'; sort "$report"; } | column -t -s $'\t'
echo
if [ "$status" -ne 0 ]; then
  echo "A property failed (its input is in the output above). Replay: COMET_FUZZ_SEED=${seed} scripts/fuzz.sh ${iterations}" >&2
else
  echo "No failure. Seed ${seed}."
fi
exit "$status"
