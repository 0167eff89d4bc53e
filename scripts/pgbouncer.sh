#!/usr/bin/env bash
# Starts or stops a PgBouncer (Debian's `pgbouncer` package) in front of the local
# PostgreSQL, for the tests (.ci/run) and scripts/bench-fleet.sh.
#
#   scripts/pgbouncer.sh start DIR PORT MODE [POOL_SIZE]
#   scripts/pgbouncer.sh stop DIR
#
# DIR: a folder for its config, log and pid file (created). PORT: a loopback port.
# MODE: transaction | session. POOL_SIZE: default_pool_size (PgBouncer's default, 20,
# when not given). Everything else is PgBouncer's default: every database (`*`) of
# PostgreSQL on 127.0.0.1:${RUSTAUTH_PGBOUNCER_UPSTREAM_PORT:-5432}, auth_type trust for
# the user postgres (the local server trusts loopback connections).
# PgBouncer refuses to run as root: as root it runs as the user postgres.
set -euo pipefail

usage() { echo "usage: $0 start DIR PORT transaction|session [POOL_SIZE] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1 dir=$2

stop() {
  if [ -f "$dir/pgbouncer.pid" ]; then
    pid=$(cat "$dir/pgbouncer.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/pgbouncer.pid"
  fi
}

case $cmd in
  stop) stop; exit 0 ;;
  start) [ $# -ge 4 ] || usage ;;
  *) usage ;;
esac
port=$3 mode=$4 pool=${5:-}
case $mode in transaction | session) ;; *) usage ;; esac
command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] ||
  { echo "pgbouncer.sh: pgbouncer is not installed (apt-get install pgbouncer)" >&2; exit 1; }
bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
stop
cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=${RUSTAUTH_PGBOUNCER_UPSTREAM_PORT:-5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = $mode
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
${pool:+default_pool_size = $pool}
EOF
echo '"postgres" ""' >"$dir/userlist.txt"

if [ "$(id -u)" = 0 ]; then
  chown -R postgres "$dir"
  runuser -u postgres -- "$bin" -d "$dir/pgbouncer.ini"
else
  "$bin" -d "$dir/pgbouncer.ini"
fi
for _ in $(seq 100); do
  if pg_isready -q -h 127.0.0.1 -p "$port" -U postgres -d postgres 2>/dev/null; then
    echo "pgbouncer ($mode pooling${pool:+, pool $pool}) on 127.0.0.1:$port"
    exit 0
  fi
  sleep 0.1
done
echo "pgbouncer.sh: PgBouncer did not come up on 127.0.0.1:$port; see $dir/pgbouncer.log" >&2
exit 1
