#!/usr/bin/env bash
# Installs what the tests need, then runs every test of the solution.
# Prints one closing line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh
scripts/check-deploy.sh

results=$(mktemp -d)
status=0
dotnet test Comet.Gateway.sln -c Release \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 10m || status=$?

# The WebSocket issue's end-to-end suite again on three gateways sharing one Redis, clients spread
# over the nodes (test/Comet.Testing/TestGateway.cs, cluster mode).
COMET_TEST_NODES=3 dotnet test test/Comet.WebSockets.Tests -c Release --no-build \
  --logger "trx" --results-directory "$results/three-nodes" \
  --blame-hang-timeout 10m || status=$?

passed=0
failed=0
for trx in $(find "$results" -name '*.trx'); do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
rm -rf "$results"
echo "${passed} passed, ${failed} failed"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
exit "$status"
