#!/usr/bin/env bash
# The long soak: gateways as real processes under churning WebSocket connections with personal messages
# and broadcasts flowing through CometQL. Reports RSS, GC heap (after a full collection), open file
# descriptors and threads of each gateway idle, loaded after the warm-up, loaded at the end and idle
# again, and fails when they grew beyond the stated tolerances or a personal message was lost,
# duplicated or reordered. docs/reliability.md has the figures of past runs.
#
#   scripts/soak.sh [minutes=30] [connections=2000] [redis|memory=redis]
#
# redis: two gateways on one redis-server (REDIS_URL if set, else redis-server from PATH);
# memory: one gateway on the embedded engine. The CI-sized run is
# test/Comet.Hardening.Tests/Soak/ShortSoakTests.cs.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-30}
connections=${2:-2000}
engine=${3:-redis}

if [ "$engine" = redis ] && [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then
  echo "redis-server is not installed: apt-get install -y redis-server (or set REDIS_URL, or use the memory engine)" >&2
  exit 1
fi
# Each connection costs one descriptor in this process and one in a gateway.
needed=$((connections + 1024))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$needed" ]; then
  ulimit -n "$needed" 2>/dev/null || { echo "ulimit -n is $(ulimit -n); $connections connections need $needed" >&2; exit 1; }
fi

dotnet build test/Comet.Soak -c Release -v quiet -nologo
exec dotnet test/Comet.Soak/bin/Release/net10.0/Comet.Soak.dll "$minutes" "$connections" "$engine"
