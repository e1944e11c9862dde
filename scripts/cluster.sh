#!/usr/bin/env bash
# A local Comet.Gateway cluster without containers: one redis-server, N gateway processes from a
# Release build, and HAProxy in front on loopback (wss with a self-signed certificate made by
# openssl, CometQL passed through as TCP). Every port is free-picked; the state directory holds the
# pids, ports, logs, certificate and the generated password.
#
#   scripts/cluster.sh start [N]         start N gateways (default 3); prints the endpoints
#   scripts/cluster.sh status            what runs, on which ports, and whether each node is ready
#   scripts/cluster.sh restart-rolling   SIGTERM one gateway at a time, restart it, wait until it is
#                                        ready and HAProxy routes to it again, then the next
#   scripts/cluster.sh stop              SIGTERM everything (gateways drain first) and wait
#
# Environment:
#   COMET_CLUSTER_DIR   the state directory (default: .cluster in the repository)
#   COMET_PASSWORD      the CometQL/JWT key (default: a random one, kept in $COMET_CLUSTER_DIR/password)
#   COMET_GATEWAY_DLL   the gateway to run (default: src/Comet.Gateway/bin/Release/net10.0, built if missing)
#   COMET_DRAIN_SECONDS how long a gateway may take to stop before it is killed (default 30)
#   COMET_START_SECONDS how long a gateway may take to become ready (default 120)
#   COMET_GATEWAY_ENV   extra "Key=Value" settings for every gateway, separated by spaces
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
state="${COMET_CLUSTER_DIR:-$repo/.cluster}"
drain_seconds="${COMET_DRAIN_SECONDS:-30}"

die() { echo "cluster: $*" >&2; exit 1; }
log() { echo "cluster: $*"; }

require_tools() {
  local missing=()
  for tool in redis-server haproxy openssl python3 dotnet; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]} (install: sudo apt-get install -y redis-server haproxy openssl python3; dotnet from https://dot.net)"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# The HTTP status of GET http://127.0.0.1:$1$2, or 000 when nothing answers (no curl needed).
http_status() {
  local port=$1 path=$2 line
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || { echo 000; return; }
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
  line=$(timeout 5 head -n1 <&3 || true)
  exec 3<&- 3>&-
  awk '{print $2}' <<<"${line:-x 000}"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits up to $2 seconds for $1 (a command) to succeed.
wait_for() {
  local what=$1 seconds=$2 i
  for ((i = 0; i < seconds * 10; i++)); do
    if eval "$what"; then return 0; fi
    sleep 0.1
  done
  return 1
}

stop_pid_file() {
  local file=$1 seconds=$2 pid
  alive "$file" || { rm -f "$file"; return 0; }
  pid=$(cat "$file")
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for "! kill -0 $pid 2>/dev/null" "$seconds"; then
    echo "cluster: pid $pid did not stop in ${seconds}s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

gateway_dll() {
  local dll="${COMET_GATEWAY_DLL:-$repo/src/Comet.Gateway/bin/Release/net10.0/Comet.Gateway.dll}"
  if [ ! -f "$dll" ]; then
    log "building the gateway (Release)"
    dotnet build "$repo/src/Comet.Gateway/Comet.Gateway.csproj" -c Release --nologo -v q >/dev/null
  fi
  [ -f "$dll" ] || die "no gateway at $dll"
  echo "$dll"
}

make_certificate() {
  mkdir -p "$state/tls"
  [ -f "$state/tls/haproxy.pem" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$state/tls/key.pem" -out "$state/tls/cert.pem" 2>/dev/null
  cat "$state/tls/cert.pem" "$state/tls/key.pem" >"$state/tls/haproxy.pem"
  chmod 600 "$state/tls/key.pem" "$state/tls/haproxy.pem"
}

start_redis() {
  local port
  port=$(free_port)
  echo "$port" >"$state/redis.port"
  nohup redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$state" \
    >"$state/redis.log" 2>&1 &
  echo $! >"$state/redis.pid"
  wait_for "redis-cli -p $port ping 2>/dev/null | grep -q PONG" 20 || die "redis-server did not start (see $state/redis.log)"
}

# Starts gateway $1 on its recorded ports (new ones the first time); wait_ready waits for it.
launch_node() {
  local i=$1 http cometql management dll
  [ -f "$state/node$i.http" ] || { free_port >"$state/node$i.http"; free_port >"$state/node$i.cometql"; }
  [ -f "$state/node$i.management" ] || free_port >"$state/node$i.management"
  http=$(cat "$state/node$i.http")
  cometql=$(cat "$state/node$i.cometql")
  management=$(cat "$state/node$i.management")
  dll=$(gateway_dll)
  local settings=(
    "ASPNETCORE_ENVIRONMENT=Production"
    "ASPNETCORE_URLS=http://127.0.0.1:$http"
    "Comet__NodeName=node$i"
    "Comet__CometQL__Port=$cometql"
    "Comet__Management__Port=$management"
    "Comet__Redis__Configuration=127.0.0.1:$(cat "$state/redis.port")"
    "Comet__Password=$(cat "$state/password")"
    "Comet__WebSocket__TrustForwardedFor=true"
  )
  # shellcheck disable=SC2206
  settings+=(${COMET_GATEWAY_ENV:-})
  # exec: the recorded pid is the gateway's own, so that SIGTERM reaches it (not a wrapper shell).
  (cd "$(dirname "$dll")" && exec nohup env "${settings[@]}" dotnet "$dll" >>"$state/node$i.log" 2>&1) &
  echo $! >"$state/node$i.pid"
}

# Waits until gateway $1 answers /health/ready with 200 (COMET_START_SECONDS, default 120).
wait_ready() {
  local i=$1 http seconds=${COMET_START_SECONDS:-120}
  http=$(cat "$state/node$i.http")
  wait_for "[ \"\$(http_status $http /health/ready)\" = 200 ] || ! alive '$state/node$i.pid'" "$seconds" || true
  alive "$state/node$i.pid" || die "node$i exited at start (see $state/node$i.log)"
  [ "$(http_status "$http" /health/ready)" = 200 ] || die "node$i is not ready after ${seconds}s (see $state/node$i.log)"
}

# A backend over every node ($3: the port file, http or cometql). Health comes from each node's HTTP
# readiness for both ports, so that a starting or draining node gets no new clients or logins.
backend() {
  local name=$1 mode=$2 port=$3 n=$4 i
  printf '\nbackend %s\n  mode %s\n  balance roundrobin\n' "$name" "$mode"
  printf '  option httpchk GET /health/ready\n  http-check expect status 200\n  default-server inter 500ms fall 2 rise 1\n'
  for ((i = 1; i <= n; i++)); do
    echo "  server node$i 127.0.0.1:$(cat "$state/node$i.$port") check port $(cat "$state/node$i.http")"
  done
}

write_haproxy_config() {
  local n=$1 i
  {
    cat <<EOF
# Written by scripts/cluster.sh: wss terminated here, CometQL passed through as TCP, no stickiness.
global
  # Within the default open-file limit of a shell (ulimit -n); raise both for load tests.
  maxconn 4000

defaults
  timeout connect 2s
  timeout client 1h
  timeout server 1h
  timeout tunnel 1h
  timeout client-fin 5s
  # A node that is going away refuses connections: try another one.
  retries 3
  option redispatch

frontend stats
  mode http
  bind 127.0.0.1:$(cat "$state/stats.port")
  stats enable
  stats uri /stats

frontend websocket
  mode http
  bind 127.0.0.1:$(cat "$state/wss.port") ssl crt $state/tls/haproxy.pem
  option forwardfor
  default_backend gateways_http

EOF
    backend gateways_http http http "$n"
    cat <<EOF

frontend cometql
  mode tcp
  bind 127.0.0.1:$(cat "$state/cometql.port")
  default_backend gateways_cometql
EOF
    backend gateways_cometql tcp cometql "$n"
  } >"$state/haproxy.cfg"
}

start_haproxy() {
  haproxy -c -q -f "$state/haproxy.cfg" || die "the generated HAProxy configuration is invalid ($state/haproxy.cfg)"
  nohup haproxy -db -f "$state/haproxy.cfg" >"$state/haproxy.log" 2>&1 &
  echo $! >"$state/haproxy.pid"
  wait_for "[ \"\$(http_status $(cat "$state/stats.port") /stats)\" = 200 ]" 20 || die "haproxy did not start (see $state/haproxy.log)"
}

# True when HAProxy routes to node $1 in both backends.
routed() {
  local csv
  csv=$(exec 3<>"/dev/tcp/127.0.0.1/$(cat "$state/stats.port")" && \
    printf 'GET /stats;csv HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3 && timeout 5 cat <&3) || return 1
  [ "$(grep -c "^gateways_[a-z]*,node$1,.*,UP," <<<"$csv")" -eq 2 ]
}

cmd_start() {
  local n=${1:-3} i
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "start [N]: N must be a positive number"
  require_tools
  if [ -f "$state/nodes" ] && alive "$state/haproxy.pid"; then
    die "a cluster already runs in $state (scripts/cluster.sh stop first)"
  fi
  rm -rf "$state"
  mkdir -p "$state"
  umask 077
  if [ -n "${COMET_PASSWORD:-}" ]; then printf '%s' "$COMET_PASSWORD" >"$state/password"; else openssl rand -hex 16 | tr -d '\n' >"$state/password"; fi
  umask 022
  echo "$n" >"$state/nodes"
  free_port >"$state/wss.port"
  free_port >"$state/cometql.port"
  free_port >"$state/stats.port"
  make_certificate
  start_redis
  gateway_dll >/dev/null
  for ((i = 1; i <= n; i++)); do launch_node "$i"; done
  for ((i = 1; i <= n; i++)); do wait_ready "$i"; done
  write_haproxy_config "$n"
  start_haproxy
  for ((i = 1; i <= n; i++)); do
    wait_for "routed $i" 20 || die "haproxy does not route to node$i"
  done
  cmd_status
}

cmd_status() {
  [ -f "$state/nodes" ] || die "no cluster in $state"
  local n i ready
  n=$(cat "$state/nodes")
  echo "state:   $state"
  echo "wss:     wss://127.0.0.1:$(cat "$state/wss.port")/ws/...  (certificate: $state/tls/cert.pem)"
  echo "cometql: mysql -h127.0.0.1 -P$(cat "$state/cometql.port") -uroot -p\$(cat $state/password) --skip-ssl"
  echo "stats:   http://127.0.0.1:$(cat "$state/stats.port")/stats"
  printf 'redis:   127.0.0.1:%s %s\n' "$(cat "$state/redis.port")" "$(alive "$state/redis.pid" && echo running || echo STOPPED)"
  printf 'haproxy: %s\n' "$(alive "$state/haproxy.pid" && echo running || echo STOPPED)"
  for ((i = 1; i <= n; i++)); do
    ready=$(http_status "$(cat "$state/node$i.http")" /health/ready)
    printf 'node%s:   http 127.0.0.1:%s cometql 127.0.0.1:%s metrics http://127.0.0.1:%s/metrics %s ready=%s\n' "$i" \
      "$(cat "$state/node$i.http")" "$(cat "$state/node$i.cometql")" "$(cat "$state/node$i.management")" \
      "$(alive "$state/node$i.pid" && echo running || echo STOPPED)" "$ready"
  done
}

cmd_restart_rolling() {
  [ -f "$state/nodes" ] || die "no cluster in $state"
  local n i
  n=$(cat "$state/nodes")
  for ((i = 1; i <= n; i++)); do
    log "node$i: SIGTERM (drain)"
    stop_pid_file "$state/node$i.pid" "$drain_seconds"
    log "node$i: starting"
    launch_node "$i"
    wait_ready "$i"
    wait_for "routed $i" 30 || die "haproxy does not route to node$i again"
    log "node$i: ready and routed"
  done
}

cmd_stop() {
  [ -d "$state" ] || { log "nothing to stop in $state"; return 0; }
  local n i
  n=$(cat "$state/nodes" 2>/dev/null || echo 0)
  for ((i = 1; i <= n; i++)); do
    stop_pid_file "$state/node$i.pid" "$drain_seconds" &
  done
  wait
  stop_pid_file "$state/haproxy.pid" 10
  stop_pid_file "$state/redis.pid" 10
  log "stopped (logs kept in $state)"
}

case "${1:-}" in
  start) cmd_start "${2:-3}" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart-rolling) cmd_restart_rolling ;;
  *) die "usage: scripts/cluster.sh start [N] | status | restart-rolling | stop" ;;
esac
