# Debian's HAProxy laid out like the official haproxy image: the configuration at
# /usr/local/etc/haproxy/haproxy.cfg, master-worker in the foreground, the haproxy user.
ARG DEBIAN_IMAGE=comet-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends haproxy \
    && apt-get clean && rm -rf /var/lib/apt/lists/* && mkdir -p /usr/local/etc/haproxy
USER haproxy
STOPSIGNAL SIGUSR1
CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
