# Small tools on the local Debian base: openssl for compose's tls-init, and the mysql client that the
# compose test runs as backends on the compose network (each container is its own client address).
ARG DEBIAN_IMAGE=comet-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends openssl mariadb-client ca-certificates \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
