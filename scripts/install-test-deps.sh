#!/usr/bin/env bash
# Installs what the tests need: real servers and clients (redis-server, the mysql CLI, PHP with
# mysqli and PDO, node, Chromium for the browser test, HAProxy and openssl for the local cluster) and the npm packages of the node and browser
# test clients. As root it uses apt-get; otherwise it says what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(redis-server mariadb-client php-cli php-mysql nodejs npm chromium haproxy openssl python3 util-linux)
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v mysql >/dev/null || missing+=(mariadb-client)
command -v php >/dev/null || missing+=(php-cli)
if command -v php >/dev/null && ! php -m | grep -qi '^mysqli$'; then missing+=(php-mysql); fi
if command -v php >/dev/null && ! php -m | grep -qi '^pdo_mysql$'; then missing+=(php-mysql); fi
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
# The local cluster of test/Comet.Cluster.Tests (scripts/cluster.sh): HAProxy with TLS from openssl.
command -v haproxy >/dev/null || missing+=(haproxy)
command -v openssl >/dev/null || missing+=(openssl)
command -v python3 >/dev/null || missing+=(python3)
# prlimit: a gateway started with a low open-file limit (Comet.Gateway.Tests DescriptorLimitTests).
command -v prlimit >/dev/null || missing+=(util-linux)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing with apt-get: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "The tests need these Debian packages: ${missing[*]}" >&2
    echo "Install them as root:  sudo apt-get install -y ${apt_packages[*]}" >&2
    exit 1
  fi
fi

# The node clients (mysql2, ws) at the versions in the lock file.
if [ ! -d test/clients/node/node_modules ] || [ test/clients/node/package-lock.json -nt test/clients/node/node_modules ]; then
  npm ci --prefix test/clients/node --no-audit --no-fund --loglevel=error
fi

# The browser test's runner (test/Comet.Gateway.Tests/Browser): playwright-core + mysql2.
if [ ! -d test/clients/browser/node_modules ] || [ test/clients/browser/package-lock.json -nt test/clients/browser/node_modules ]; then
  npm ci --prefix test/clients/browser --no-audit --no-fund --loglevel=error
fi
