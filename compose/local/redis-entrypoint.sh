#!/bin/sh
# As the official image's entrypoint: options alone ("--save ''") or a .conf file run redis-server, and
# "redis-server ARGS" runs with protected mode off.
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
if [ "$1" = redis-server ]; then
  shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
