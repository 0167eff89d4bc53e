#!/usr/bin/env bash
# Benchmarks `rustauth migrate` and `rustauth db status` on PostgreSQL (issue 3):
#
#  (a) a fresh `migrate --yes` of tests/fixtures/all-plugins.toml (all 31 plugin ids,
#      every schema option) against `psql -1 -f` of the same SQL (`schema print`), each
#      on a freshly created database. Target: migrate / psql <= 1.5.
#  (b) a no-op `migrate --yes` and `db status` on a database holding only the auth
#      tables, and on one that also holds 3,000 unrelated tables. Targets: median
#      <= 30 ms, and (3,000 tables) / (auth tables only) <= 1.2.
#
# Medians of RUNS runs (setup outside the timed part; in (b) the two databases
# alternate), timed with a `date +%s%N` loop.
# Needs psql and python3; builds the release binary (cargo build --release) first.
#
#   scripts/bench-migrate.sh [RUNS]                   (default: 11)
#   BENCH_LINE=1.6 scripts/bench-migrate.sh           (the Better Auth line; default 1.7:
#                                                      tests/fixtures/all-plugins-1.7.toml)
#   RUSTAUTH_BENCH_POSTGRES_URL=postgres://user@host:5432/postgres scripts/bench-migrate.sh
#
# The server URL defaults to $RUSTAUTH_TEST_POSTGRES_URL, then
# postgres://postgres@127.0.0.1:5432/postgres; the role must be allowed to create
# databases. It creates rustauth_bench_<pid>_{a,e,u} and drops them on exit. Prints the
# figures and whether each target is met; exit 1 only when a command fails.
set -euo pipefail

runs=${1:-11}
server=${RUSTAUTH_BENCH_POSTGRES_URL:-${RUSTAUTH_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "${BENCH_LINE:-1.7}" in
  1.6) config="$root/tests/fixtures/all-plugins.toml" ;;
  1.7) config="$root/tests/fixtures/all-plugins-1.7.toml" ;;
  *) echo "bench-migrate: BENCH_LINE must be 1.6 or 1.7" >&2; exit 2 ;;
esac

command -v psql >/dev/null || { echo "bench-migrate: psql is required" >&2; exit 1; }

cargo build --quiet --release --manifest-path "$root/Cargo.toml" --bin rustauth
target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/rustauth"

# The server URL with another database (query string kept).
db_url() {
  python3 - "$server" "$1" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit((p.scheme, p.netloc, "/" + sys.argv[2], p.query, p.fragment)))
PY
}

prefix="rustauth_bench_$$"
export PGOPTIONS="-c client_min_messages=warning" # no NOTICEs from `drop … if exists`
admin() { psql -X -q -v ON_ERROR_STOP=1 -d "$server" -c "$1" >/dev/null; }
recreate() {
  admin "drop database if exists \"$1\" with (force)"
  admin "create database \"$1\""
}

scratch=$(mktemp -d)
cleanup() {
  for d in a e u; do admin "drop database if exists \"${prefix}_$d\" with (force)" || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT
cd "$scratch" # no rustauth.toml or .env of the caller's folder

"$bin" schema print --config "$config" --dialect postgres >"$scratch/all.sql"
tables=$(grep -c '^create table' "$scratch/all.sql" || true)
statements=$(grep -c ';$' "$scratch/all.sql" || true)

now() { date +%s%N; }
# Median of the numbers (nanoseconds) in a file, in milliseconds.
median_ms() {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.1f\n", m / 1e6 }'
}
ratio() { python3 -c "print(f'{float($1) / float($2):.2f}')"; }
verdict() { python3 -c "print('met' if float($1) <= float($2) else 'NOT met')"; }

# rustauth against a database URL; upstream's type warnings (rateLimit.lastRequest is
# int8) go to /dev/null.
rustauth_on() { DATABASE_URL=$1 "$bin" --config "$config" "${@:2}" 2>/dev/null; }

echo "rustauth: $bin"
echo "server:   $(db_url '<db>' | sed -E 's#//([^:@/]*):[^@/]*@#//\1:***@#')"
echo "schema:   $(basename "$config"), $tables tables, $statements statements; $runs runs each"
echo

# (a) fresh migrate vs psql -1 -f
a="${prefix}_a" a_url=$(db_url "${prefix}_a")
: >"$scratch/migrate" && : >"$scratch/psql"
for ((i = 0; i < runs; i++)); do
  recreate "$a"
  t0=$(now); rustauth_on "$a_url" migrate --yes >/dev/null; t1=$(now)
  echo $((t1 - t0)) >>"$scratch/migrate"
  recreate "$a"
  t0=$(now); psql -X -q -1 -v ON_ERROR_STOP=1 -f "$scratch/all.sql" -d "$a_url" >/dev/null; t1=$(now)
  echo $((t1 - t0)) >>"$scratch/psql"
done
m=$(median_ms "$scratch/migrate"); p=$(median_ms "$scratch/psql"); r=$(ratio "$m" "$p")
echo "(a) fresh migrate --yes: ${m} ms; psql -1 -f: ${p} ms; ratio ${r} (target <= 1.5: $(verdict "$r" 1.5))"

# (b) no-op migrate and db status, without and with 3,000 unrelated tables
e="${prefix}_e" u="${prefix}_u" e_url=$(db_url "${prefix}_e") u_url=$(db_url "${prefix}_u")
recreate "$e"; recreate "$u"
# In transactions of 250 tables (one transaction for all would exceed
# max_locks_per_transaction).
python3 -c '
for i in range(3000):
    if i % 250 == 0:
        print("begin;")
    print(f"create table unrelated_{i} (id integer primary key, name text not null, created_at timestamptz default now());")
    if i % 250 == 249:
        print("commit;")
' >"$scratch/unrelated.sql"
psql -X -q -v ON_ERROR_STOP=1 -f "$scratch/unrelated.sql" -d "$u_url" >/dev/null
rustauth_on "$e_url" migrate --yes >/dev/null
rustauth_on "$u_url" migrate --yes >/dev/null
rustauth_on "$u_url" migrate --yes | grep -q "No migrations needed." ||
  { echo "bench-migrate: the second migrate was not a no-op" >&2; exit 1; }

# The two databases alternate run by run, so that a change in the machine's load hits
# both medians alike.
bench_noop() { # label args...
  local fe="$scratch/$1-e" fu="$scratch/$1-u"; : >"$fe"; : >"$fu"
  for ((i = 0; i < 3; i++)); do # warm-up
    rustauth_on "$e_url" "${@:2}" >/dev/null; rustauth_on "$u_url" "${@:2}" >/dev/null
  done
  for ((i = 0; i < runs; i++)); do
    t0=$(now); rustauth_on "$e_url" "${@:2}" >/dev/null; t1=$(now)
    echo $((t1 - t0)) >>"$fe"
    t0=$(now); rustauth_on "$u_url" "${@:2}" >/dev/null; t1=$(now)
    echo $((t1 - t0)) >>"$fu"
  done
  echo "$(median_ms "$fe") $(median_ms "$fu")"
}
for cmd in migrate status; do
  if [ $cmd = migrate ]; then args=(migrate --yes); else args=(db status); fi
  read -r x y < <(bench_noop "$cmd" "${args[@]}")
  r=$(ratio "$y" "$x")
  echo "(b) no-op ${args[*]}: ${x} ms (auth tables only), ${y} ms (+3,000 tables); ratio ${r}" \
    "(target <= 30 ms: $(verdict "$y" 30); ratio <= 1.2: $(verdict "$r" 1.2))"
done
