# A .NET SDK image for machines with no registry: the local Debian base plus this machine's own SDK
# and its CA bundle (scripts/build-images.sh streams both in as the build context: dotnet/ and
# etc/ssl/certs/ca-certificates.crt). Elsewhere compose/Dockerfile uses mcr.microsoft.com/dotnet/sdk.
ARG DEBIAN_IMAGE=comet-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
# The restore inside the build reaches NuGet the way this machine does, through whatever TLS
# inspection its network applies, so it trusts the same certificate authorities.
COPY etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY dotnet/ /usr/share/dotnet/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
# No ICU in the image; the gateway runs with invariant globalization anyway. Certificate revocation
# lists cannot be reached from these machines, so NuGet checks signatures offline (as on the host).
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    NUGET_CERT_REVOCATION_MODE=offline \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
