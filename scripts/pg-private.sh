#!/usr/bin/env bash
# A private PostgreSQL server for the tests and the load benchmark, never the system's own:
# its own data folder, a Unix socket inside that folder and a loopback port of its own.
# Socket connections are trusted (the admin sets up databases); TCP connections need the
# password (the tests of a wrong password and of the read-only role go that way).
#
#   pg-private.sh start DIR [PORT [WATCH_PID]]   prints the admin URL (socket, trusted)
#   pg-private.sh stop DIR
#
# With WATCH_PID, the server stops by itself when that process ends (a test binary that
# started it), and its folder DIR is removed. initdb refuses to run as root: as root, the
# server runs as user postgres.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?data folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
start)
  port=${3:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    printf 'kw-admin-secret\n' >"$dir/pw"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir/pw"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "$port" >"$dir/port"
  if [ -n "${4:-}" ]; then
    watch=$4
    setsid nohup sh -c "while kill -0 $watch 2>/dev/null; do sleep 1; done; \
      $( [ "$(id -u)" -eq 0 ] && echo 'runuser -u postgres --' ) $bin/pg_ctl -D '$dir/data' -m immediate stop; \
      rm -rf '$dir'" \
      >/dev/null 2>&1 </dev/null &
  fi
  echo "postgresql://postgres@/postgres?host=$dir&port=$port"
  ;;
stop)
  [ -f "$dir/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  ;;
restart)
  port=$(cat "$dir/port")
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast \
    -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" restart >/dev/null
  ;;
*) echo "usage: $0 start|stop|restart DIR [PORT [WATCH_PID]]" >&2; exit 2 ;;
esac
