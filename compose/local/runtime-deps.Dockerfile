# What a self-contained .NET app needs to run, on the local Debian base: the equivalent of
# mcr.microsoft.com/dotnet/runtime-deps, with the same non-root user (app, uid 1654, $APP_UID).
ARG DEBIAN_IMAGE=comet-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 tzdata \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
ENV APP_UID=1654
RUN groupadd --gid=$APP_UID app && useradd --uid=$APP_UID --gid=$APP_UID --no-create-home --shell /usr/sbin/nologin app
