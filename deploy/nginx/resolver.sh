#!/bin/sh
# Runs at container start (the nginx image runs /docker-entrypoint.d/*.sh before nginx):
# writes the `resolver` line nginx.conf includes, from NGINX_RESOLVER if set, else from
# the first nameserver in /etc/resolv.conf. Docker's embedded DNS (127.0.0.11), podman's
# (the network's gateway) and Kubernetes' all appear there, so no engine's address is
# written into the config.
set -eu
out="${NGINX_RESOLVER_CONF:-/tmp/nginx-resolver.conf}"
resolv="${RESOLV_CONF:-/etc/resolv.conf}"
servers="${NGINX_RESOLVER:-}"
if [ -z "$servers" ]; then
    # The first IPv4 nameserver only: nginx asks its resolvers in turn and takes a "no
    # such name" as final, and the ones after the first are often the host's (podman
    # lists its own DNS, then the host's), which do not know the replicas' names.
    servers=$(awk '$1 == "nameserver" && $2 ~ /^[0-9.]+$/ { print $2; exit }' "$resolv")
fi
if [ -z "$servers" ]; then
    echo "resolver.sh: no IPv4 nameserver in $resolv and NGINX_RESOLVER unset" >&2
    exit 1
fi
echo "resolver ${servers% } valid=10s ipv6=off;" > "$out"
echo "resolver.sh: resolver ${servers% }"
