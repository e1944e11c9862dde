# Debian's redis-server 7 laid out like the official redis image: redis-server as the command, /data
# as the working directory, the redis user, and protected mode off (the official image builds it
# off; Debian's binary would refuse every client outside the container).
ARG DEBIAN_IMAGE=comet-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends redis-server \
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && mkdir /data && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/redis-entrypoint
WORKDIR /data
USER redis
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/redis-entrypoint"]
CMD ["redis-server"]
