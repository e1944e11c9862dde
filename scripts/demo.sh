#!/usr/bin/env bash
# Runs the chat demo: a gateway (embedded memory engine, Development password) and the demo backend
# with its page. Open http://127.0.0.1:8088 in two windows and log in as two users.
# Ctrl+C stops both. Ports: GATEWAY_PORT (8087), COMETQL_PORT (3307), DEMO_PORT (8088).
set -euo pipefail
cd "$(dirname "$0")/.."

gateway_port=${GATEWAY_PORT:-8087}
cometql_port=${COMETQL_PORT:-3307}
demo_port=${DEMO_PORT:-8088}

dotnet build src/Comet.Demo -c Release -v quiet -nologo
dotnet build src/Comet.Gateway -c Release -v quiet -nologo

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "demo stopped"
}
trap stop EXIT INT TERM

# The built apps run directly (not through `dotnet run`) so these PIDs are the apps themselves.
(cd src/Comet.Gateway/bin/Release/net10.0 && ASPNETCORE_ENVIRONMENT=Development \
  ASPNETCORE_URLS="http://127.0.0.1:${gateway_port}" Comet__CometQL__Port="${cometql_port}" \
  exec dotnet Comet.Gateway.dll) &
pids+=($!)

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:${gateway_port}/info" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "The gateway did not start." >&2; exit 1; }
  sleep 0.2
done

(cd src/Comet.Demo/bin/Release/net10.0 && ASPNETCORE_ENVIRONMENT=Development \
  ASPNETCORE_URLS="http://127.0.0.1:${demo_port}" Demo__CometQLPort="${cometql_port}" \
  Demo__GatewayNodes__0="127.0.0.1:${gateway_port}" exec dotnet Comet.Demo.dll) &
pids+=($!)

echo "Chat demo: open http://127.0.0.1:${demo_port} in two windows and log in as two users (Ctrl+C stops)."
# Whichever stops first stops the other.
wait -n "${pids[@]}" || true
