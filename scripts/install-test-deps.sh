#!/usr/bin/env bash
# Installs what the tests need: the Debian packages below (real servers and clients) and the npm
# packages of the node and browser test clients.
#
#   scripts/install-test-deps.sh            installs every missing package in one apt-get install (as
#                                           root; otherwise prints the command and stops), then npm ci
#   scripts/install-test-deps.sh --dry-run  prints the missing Debian packages on one line, installs nothing
#
# The decision is made per Debian package with dpkg-query, never per command: a machine can have `php`
# without php-mysql (mysqli, PDO), and a command test would call it complete.
# COMET_DPKG_ADMINDIR reads another dpkg database: Comet.Scripts.Tests runs the dry run on an empty one
# (a machine with nothing installed) and checks that it prints this whole list.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every Debian package the tests and scripts/test.sh use, in install order. Add new ones here (and to
# test/Comet.Testing/TestPrerequisites.cs, which the dry-run test compares with this list).
test_packages=(
  redis-server    # RedisServer: the Redis engine's tests and every multi-node test; sentinels too (--sentinel)
  redis-tools     # redis-cli: RedisClusterSet creates the test Cluster with it
  mariadb-client  # the mysql CLI
  php-cli         # PHP backends (test/clients/php)
  php-mysql       # mysqli and PDO's pdo_mysql: php-cli alone has neither
  nodejs          # the node clients (mysql2, ws) and the browser runner (playwright-core)
  npm             # npm ci below; NodeSource's nodejs provides it, Debian's does not
  chromium        # headless browser tests (BrowserRunner)
  haproxy         # the local cluster (scripts/cluster.sh, Comet.Cluster.Tests) and check-deploy.sh
  openssl         # TLS certificates for HAProxy
  python3         # cluster.sh and check-deploy.sh
  python3-yaml    # check-deploy.sh reads the chart's and the collector's YAML
  docker-compose  # check-deploy.sh: docker-compose config; Comet.Containers.Tests brings compose up
  docker.io       # the Docker engine (dockerd, started by scripts/test.sh): compose and Testcontainers tests
  debootstrap     # scripts/build-images.sh makes the Debian base image with it (no registry here)
  procps          # kill: GatewayProcess stops gateways with SIGTERM
  util-linux      # prlimit: DescriptorLimitTests start a gateway with a low open-file limit
)

dry_run=false
case "${1:-}" in
  --dry-run) dry_run=true ;;
  "") ;;
  *) echo "usage: $0 [--dry-run]" >&2; exit 2 ;;
esac
admindir=${COMET_DPKG_ADMINDIR:-/var/lib/dpkg}

# The names every installed package provides (NodeSource's nodejs: "npm (= 10.8.2)"), one a line.
provided=$(dpkg-query --admindir="$admindir" -W -f='${Status}\t${Provides}\n' 2>/dev/null \
  | awk -F'\t' '$1 ~ / ok installed$/ { print $2 }' | tr ',' '\n' | sed 's/ *(.*//; s/^ *//')

is_installed() {
  local status
  status=$(dpkg-query --admindir="$admindir" -W -f='${Status}' "$1" 2>/dev/null || true)
  [[ $status == *" ok installed" ]] || grep -qxF "$1" <<<"$provided"
}

missing=()
for package in "${test_packages[@]}"; do
  is_installed "$package" || missing+=("$package")
done

if $dry_run; then
  echo "${missing[*]}"
  exit 0
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The tests need these Debian packages: ${missing[*]}" >&2
    echo "Install them as root:  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing with apt-get: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The node clients (mysql2, ws) at the versions in the lock file.
if [ ! -d test/clients/node/node_modules ] || [ test/clients/node/package-lock.json -nt test/clients/node/node_modules ]; then
  npm ci --prefix test/clients/node --no-audit --no-fund --loglevel=error
fi

# The browser test's runner (test/Comet.Gateway.Tests/Browser): playwright-core + mysql2.
if [ ! -d test/clients/browser/node_modules ] || [ test/clients/browser/package-lock.json -nt test/clients/browser/node_modules ]; then
  npm ci --prefix test/clients/browser --no-audit --no-fund --loglevel=error
fi
