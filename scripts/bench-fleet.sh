#!/usr/bin/env bash
# A fleet deploy through PgBouncer (issue 10): N replicas (default 64) run
# `rustauth migrate --yes` at once through a PgBouncer in transaction pooling with a pool
# of 10 server connections (default_pool_size = 10, PgBouncer's defaults otherwise).
#
#  (a) no-op: the database already holds the schema of tests/fixtures/all-plugins.toml;
#      every run must exit 0 with "No migrations needed". Prints the wall time.
#  (b) fresh: an empty database; every run must exit 0 and exactly one applies the plan.
#      Prints the wall time.
#
#   scripts/bench-fleet.sh [N]                       (default: 64)
#   RUSTAUTH_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres scripts/bench-fleet.sh
#
# Needs psql, python3 and PgBouncer (apt-get install pgbouncer); builds the release binary
# (cargo build --release) first. Starts its own PgBouncer on a free loopback port (as
# user postgres when run as root; see scripts/pgbouncer.sh) in front of the server of
# the URL (default $RUSTAUTH_TEST_POSTGRES_URL, then postgres://postgres@127.0.0.1:5432/
# postgres; its host must be 127.0.0.1 and it must trust the user postgres), creates
# rustauth_fleet_<pid>_{n,f}, and removes all of it on exit. Exit 1 when a run fails.
set -euo pipefail

n=${1:-64}
server=${RUSTAUTH_BENCH_POSTGRES_URL:-${RUSTAUTH_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
config="$root/tests/fixtures/all-plugins.toml"

command -v psql >/dev/null || { echo "bench-fleet: psql is required" >&2; exit 1; }

cargo build --quiet --release --manifest-path "$root/Cargo.toml" --bin rustauth
target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/rustauth"

# url_with URL DB [PORT]: the URL with another database (and PgBouncer's 127.0.0.1:PORT);
# the query string is kept.
url_with() {
  python3 - "$@" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
netloc = p.netloc
if len(sys.argv) > 3:
    user = netloc.rsplit("@", 1)[0] + "@" if "@" in netloc else ""
    netloc = f"{user}127.0.0.1:{sys.argv[3]}"
print(u.urlunsplit((p.scheme, netloc, "/" + sys.argv[2], p.query, p.fragment)))
PY
}
upstream_port=$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).port or 5432)' "$server")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

prefix="rustauth_fleet_$$"
scratch=$(mktemp -d)
chmod 755 "$scratch"
admin() { psql -X -q -v ON_ERROR_STOP=1 -d "$server" -c "$1" >/dev/null; }
cleanup() {
  bash "$root/scripts/pgbouncer.sh" stop "$scratch/pgbouncer" || true
  for d in n f; do admin "drop database if exists \"${prefix}_$d\" with (force)" || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

RUSTAUTH_PGBOUNCER_UPSTREAM_PORT=$upstream_port \
  bash "$root/scripts/pgbouncer.sh" start "$scratch/pgbouncer" "$port" transaction 10 >/dev/null
admin "create database \"${prefix}_n\""
admin "create database \"${prefix}_f\""
cd "$scratch"
setup=$(DATABASE_URL=$(url_with "$server" "${prefix}_n") "$bin" --config "$config" migrate --yes 2>&1) ||
  { echo "bench-fleet: the setup migrate failed: $setup" >&2; exit 1; }

now() { date +%s%N; }
# fleet DB: N concurrent migrate --yes through PgBouncer; prints "<ms> <completed> <noop>".
fleet() {
  local url out
  url=$(url_with "$server" "$1" "$port")
  out="$scratch/out-$1"
  mkdir -p "$out"
  local t0 t1 pids=()
  t0=$(now)
  for ((i = 0; i < n; i++)); do
    (DATABASE_URL=$url "$bin" --config "$config" migrate --yes >"$out/$i" 2>&1; echo "exit $?" >>"$out/$i") &
    pids+=($!)
  done
  wait "${pids[@]}"
  t1=$(now)
  local failed
  failed=$(grep -L '^exit 0$' "$out"/* | wc -l)
  if [ "$failed" -ne 0 ]; then
    echo "bench-fleet: $failed of $n runs failed on $1; the first:" >&2
    cat "$(grep -L '^exit 0$' "$out"/* | head -n 1)" >&2
    exit 1
  fi
  echo "$(((t1 - t0) / 1000000)) $(grep -l 'Migration completed' "$out"/* | wc -l) $(grep -l 'No migrations needed' "$out"/* | wc -l)"
}

echo "rustauth:  $bin"
echo "pgbouncer: 127.0.0.1:$port, transaction pooling, default_pool_size 10, in front of 127.0.0.1:$upstream_port"
echo "schema:    all-plugins.toml; $n concurrent migrate --yes"
read -r ms applied noop < <(fleet "${prefix}_n")
echo "(a) no-op: $n of $n exit 0 (${noop} no-op, ${applied} applied) in ${ms} ms wall time"
[ "$applied" -eq 0 ] || { echo "bench-fleet: a no-op run applied something" >&2; exit 1; }
read -r ms applied noop < <(fleet "${prefix}_f")
echo "(b) fresh: $n of $n exit 0 (${applied} applied, ${noop} found it done) in ${ms} ms wall time"
[ "$applied" -eq 1 ] || { echo "bench-fleet: $applied runs applied the plan, expected 1" >&2; exit 1; }
