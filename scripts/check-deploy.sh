#!/usr/bin/env bash
# Checks the deployment files without a container engine: the compose file with docker-compose config,
# the HAProxy configuration with haproxy -c, and that the Helm chart's YAML files parse.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v haproxy >/dev/null || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" python3-yaml >/dev/null
  else
    echo "check-deploy needs: ${missing[*]} (sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
fi

COMET_PASSWORD=check docker-compose -f compose/docker-compose.yml config -q
haproxy -c -q -f compose/haproxy.cfg
python3 - <<'PY'
import pathlib, sys
try:
    import yaml
except ImportError:
    sys.exit("python3-yaml is missing (apt-get install -y python3-yaml)")
for path in ["helm/comet-gateway/Chart.yaml", "helm/comet-gateway/values.yaml"]:
    yaml.safe_load(pathlib.Path(path).read_text())
PY
echo "deployment files: ok"
