#!/usr/bin/env bash
# Builds the container images on a machine that reaches no container registry (only Debian's mirror
# and NuGet): a Debian base made with debootstrap, local bases on it (a .NET SDK from this machine's
# SDK, runtime-deps, redis, haproxy, tools), then the gateway from compose/Dockerfile with those bases
# and a self-contained publish. What already exists is reused: the Debian base and the SDK image are
# built once per machine (per SDK version); the others come from Docker's layer cache.
#
#   scripts/build-images.sh            build everything, print the images and their sizes
#
# Then: docker-compose --env-file compose/local-images.env -f compose/docker-compose.yml up -d
# Where a registry is reachable none of this is needed: docker-compose ... up --build.
#
# Environment: COMET_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
export DOCKER_BUILDKIT=0

debian=comet-local/debian:bookworm
sdk=comet-local/dotnet-sdk:10.0
mirror="${COMET_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Every image built here carries this label, so that the images a rebuild replaced can be pruned.
label=comet.local=1

die() { echo "build-images: $*" >&2; exit 1; }

# docker build, quiet: its output (and the client's notice that the legacy builder is deprecated) is
# shown only when the build fails.
build() {
  local output
  if ! output=$(docker build --force-rm "$@" 2>&1); then
    echo "$output" | grep -v -e '^DEPRECATED: The legacy builder' -e '^ *BuildKit is currently disabled' -e '^ *environment-variable\.$' >&2
    return 1
  fi
}
log() { echo "build-images: $*"; }

docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd; scripts/test.sh starts one)"

# 1. Debian bookworm, minimal, from the Debian mirror, slimmed as Debian's own container images are
#    (no apt caches, no docs or locales). base_recipe names this recipe: change it with the recipe.
base_recipe=2
if [ "$(docker image inspect -f '{{ index .Config.Labels "comet.base" }}' "$debian" 2>/dev/null)" != "$base_recipe" ]; then
  command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install -y debootstrap)"
  log "making $debian with debootstrap (about a minute and a half)"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs" "$rootfs.log"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
    || { tail -20 "$rootfs.log" >&2; die "debootstrap failed"; }
  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
EOF
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true
  tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' --change "LABEL $label comet.base=$base_recipe" - "$debian" >/dev/null
  rm -rf "$rootfs" "$rootfs.log"
  trap - EXIT
fi

# 2. The SDK image: this machine's SDK and CA bundle on the base, rebuilt when the SDK version changes.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
sdk_version=$(dotnet --version)
if [ "$(docker image inspect -f '{{ index .Config.Labels "comet.sdk" }}' "$sdk" 2>/dev/null)" != "$sdk_version" ]; then
  log "making $sdk from $dotnet_root (SDK $sdk_version)"
  # The context, streamed: the Dockerfile, the SDK as dotnet/, and this machine's CA bundle.
  tar -c --transform "s,^${dotnet_root#/},dotnet," -C / "${dotnet_root#/}" etc/ssl/certs/ca-certificates.crt \
    -C "$repo/compose/local" sdk.Dockerfile \
    | build -f sdk.Dockerfile --build-arg DEBIAN_IMAGE="$debian" \
      --label "$label" --label "comet.sdk=$sdk_version" -t "$sdk" - || die "building $sdk failed"
fi

# 3. The other bases, from compose/local (Docker's layer cache makes an unchanged one instant).
build_local() {
  local name=$1 image=$2
  build -f "compose/local/$name.Dockerfile" --build-arg DEBIAN_IMAGE="$debian" \
    --label "$label" -t "$image" compose/local || die "building $image failed"
}
build_local runtime-deps comet-local/runtime-deps:bookworm
build_local redis comet-local/redis:7
build_local haproxy comet-local/haproxy:2.6
build_local tools comet-local/tools:bookworm

# 4. The gateway, from the same Dockerfile users build elsewhere, on the local bases.
log "building comet-gateway:local"
started=$(date +%s)
build -f compose/Dockerfile \
  --build-arg SDK_IMAGE="$sdk" \
  --build-arg RUNTIME_IMAGE=comet-local/runtime-deps:bookworm \
  --build-arg SELF_CONTAINED=true \
  --label "$label" -t comet-gateway:local . || die "building comet-gateway:local failed"
log "comet-gateway:local built in $(($(date +%s) - started)) s"

# Images that a rebuild replaced (now untagged) and the build stages' leftovers.
docker image prune -f --filter dangling=true --filter "label=$label" >/dev/null

# The images (the untagged one kept is the gateway's build stage: the restore cache of the next build).
docker image ls --filter "label=$label" --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep -v '^<none>' | sort
