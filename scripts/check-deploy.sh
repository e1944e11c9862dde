#!/usr/bin/env bash
# Checks the deployment files without a container engine or helm: the compose file with
# docker-compose config, the HAProxy configuration with haproxy -c (with a throw-away certificate),
# the Dockerfile's shape, the collector's and the chart's YAML, and that every value a chart template
# uses is defined in values.yaml and documented in the chart's README.
set -euo pipefail
cd "$(dirname "$0")/.."

# Its tools come from scripts/install-test-deps.sh (the one list of test packages).
missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v haproxy >/dev/null || missing+=(haproxy)
command -v openssl >/dev/null || missing+=(openssl)
python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
if [ ${#missing[@]} -gt 0 ]; then
  echo "check-deploy needs: ${missing[*]}. Run scripts/install-test-deps.sh (as root) first." >&2
  exit 1
fi

COMET_PASSWORD=check docker-compose -f compose/docker-compose.yml config -q

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
cat "$tmp/cert.pem" "$tmp/key.pem" >"$tmp/comet.pem"
COMET_TLS_CERT="$tmp/comet.pem" haproxy -c -q -f compose/haproxy.cfg

bash -n scripts/cluster.sh

python3 - <<'PY'
import pathlib, re, sys, yaml

def fail(message):
    sys.exit("check-deploy: " + message)

# The image: multi-stage, non-root, a HEALTHCHECK that needs no curl or shell.
docker = pathlib.Path("compose/Dockerfile").read_text()
if len(re.findall(r"^FROM ", docker, re.M)) < 2: fail("compose/Dockerfile is not multi-stage")
for arg in ("SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:", "RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:"):
    if not re.search(r"^ARG " + re.escape(arg), docker, re.M): fail(f"compose/Dockerfile's base image argument {arg.split('=')[0]} does not default to the official image")
if not re.search(r"^USER \$APP_UID", docker, re.M): fail("compose/Dockerfile does not run as the non-root user")
if not re.search(r'^HEALTHCHECK .*\n?.*CMD \["/app/Comet.Gateway", "probe"', docker, re.M):
    fail("compose/Dockerfile's HEALTHCHECK does not use the gateway's probe")

for path in ["helm/comet-gateway/Chart.yaml", "helm/comet-gateway/values.yaml", "compose/otel-collector.yaml", "compose/prometheus.yml",
             "compose/grafana/provisioning/datasources/prometheus.yaml", "compose/grafana/provisioning/dashboards/comet.yaml"]:
    yaml.safe_load(pathlib.Path(path).read_text())

# Every .Values.x.y a template uses exists in values.yaml; every top-level value is in the README.
values = yaml.safe_load(pathlib.Path("helm/comet-gateway/values.yaml").read_text())
readme = pathlib.Path("helm/comet-gateway/README.md").read_text()
for template in sorted(pathlib.Path("helm/comet-gateway/templates").glob("*")):
    for ref in sorted(set(re.findall(r"\.Values\.([A-Za-z0-9_.]+)", template.read_text()))):
        node = values
        for part in ref.split("."):
            if not isinstance(node, dict) or part not in node:
                fail(f"{template}: .Values.{ref} is not defined in values.yaml")
            node = node[part]
for key in values:
    if f"`{key}" not in readme:
        fail(f"values.yaml's {key} is not in helm/comet-gateway/README.md's values reference")
PY
echo "deployment files: ok"
