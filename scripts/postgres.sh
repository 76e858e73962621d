#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: `scripts/postgres.sh start` prints its URL, `... stop` removes it.
# It listens on 127.0.0.1 only, in a fresh data directory; run as root it runs the server as user `postgres`.
set -euo pipefail
DIR=${TIMELINE_PG_DIR:-/tmp/timeline-postgres}
PORT=${TIMELINE_PG_PORT:-55432}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$BIN" ]; then echo "no PostgreSQL server installed (apt-get install postgresql)" >&2; exit 1; fi
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
start)
  "$0" stop >/dev/null 2>&1 || true
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  as_owner "$BIN/initdb" -D "$DIR/data" -U timeline --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $PORT \
    -c unix_socket_directories='$DIR' -c fsync=off -c max_connections=200" start >/dev/null
  as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U timeline timeline_test
  echo "postgresql://timeline@127.0.0.1:$PORT/timeline_test"
  ;;
stop)
  if [ -d "$DIR/data" ]; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null || true; fi
  rm -rf "$DIR"
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
