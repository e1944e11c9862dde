#!/usr/bin/env bash
# Installs what the tests need, then runs every test of the solution.
# Prints one closing line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh
scripts/check-deploy.sh

# A Docker engine for the container tests: the one that runs, or one started here (and stopped at the
# end, with whatever a crashed test left behind). Debian's engine speaks API 1.41 at most; Testcontainers
# must not pull its Ryuk reaper (no registry) and reaches published ports on loopback.
engine_pid=""
engine_log=$(mktemp)
if ! docker info >/dev/null 2>&1 && command -v dockerd >/dev/null; then
  dockerd >"$engine_log" 2>&1 &
  engine_pid=$!
  for _ in $(seq 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
fi
cleanup() {
  if docker info >/dev/null 2>&1; then
    leftovers=$(docker ps -aq --filter label=org.testcontainers=true)
    [ -z "$leftovers" ] || docker rm -f $leftovers >/dev/null
  fi
  if [ -n "$engine_pid" ]; then
    kill "$engine_pid" 2>/dev/null || true
    wait "$engine_pid" 2>/dev/null || true
  fi
  rm -f "$engine_log"
}
trap cleanup EXIT
export DOCKER_API_VERSION=1.41 TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1

status=0
if docker info >/dev/null 2>&1; then
  # The images of the compose test and the tests' Redis, built locally (nothing can be pulled here).
  started=$(date +%s)
  scripts/build-images.sh || status=$?
  echo "Images built or reused in $(($(date +%s) - started)) s."
  export COMET_TEST_REDIS=container COMET_TEST_REDIS_IMAGE=comet-local/redis:7
  echo "Tests' Redis: Testcontainers.Redis containers ($COMET_TEST_REDIS_IMAGE); the three-node rerun below uses redis-server processes."
else
  echo "No Docker engine (see $engine_log): the container tests will fail and say how to start one." >&2
  cat "$engine_log" >&2 || true
  export COMET_TEST_REDIS=process
fi

results=$(mktemp -d)
dotnet test Comet.Gateway.sln -c Release \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 10m || status=$?

# The WebSocket issue's end-to-end suite again on three gateways sharing one Redis, clients spread
# over the nodes (test/Comet.Testing/TestGateway.cs, cluster mode), with the Redis of a local process:
# both ways of getting the tests' Redis run here.
COMET_TEST_REDIS=process COMET_TEST_NODES=3 dotnet test test/Comet.WebSockets.Tests -c Release --no-build \
  --logger "trx" --results-directory "$results/three-nodes" \
  --blame-hang-timeout 10m || status=$?

# And once more on each highly available topology: a Sentinel set (1 master, 1 replica, 3 sentinels)
# and a Redis Cluster (3 masters, 3 replicas), started from redis-server processes on loopback
# (test/Comet.Testing/Redis). The failover tests themselves are in Comet.Redis.Tests (Topologies).
for topology in sentinel cluster; do
  COMET_TEST_REDIS=process COMET_TEST_TOPOLOGY=$topology COMET_TEST_NODES=3 dotnet test test/Comet.WebSockets.Tests -c Release --no-build \
    --logger "trx" --results-directory "$results/three-nodes-$topology" \
    --blame-hang-timeout 10m || status=$?
done

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
