#!/usr/bin/env bash
# Benchmarks `rustauth schema print` of the largest schema a config can ask for, on each
# Better Auth line: tests/fixtures/all-plugins.toml (1.6) and all-plugins-1.7.toml (1.7),
# all 31 plugin ids of the line, every schema option on, the rateLimit table. Builds the
# release binary, then times it with hyperfine when installed (apt-get install -y
# hyperfine), else with a loop around `date +%s%N`. Prints the median (and min/mean/max)
# in milliseconds per line; target: median under 10 ms.
#
#   scripts/bench-schema-print.sh [DIALECT] [RUNS] [LINE]   (default: postgres 200, both lines)
#
# BENCH_NO_HYPERFINE=1 forces the date loop. Exit 1 when the command fails; the timing
# itself never fails the script.
set -euo pipefail

dialect=${1:-postgres}
runs=${2:-200}
target_ms=10

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lines=${3:-1.6 1.7}

cargo build --quiet --release --manifest-path "$root/Cargo.toml" --bin rustauth
target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/rustauth"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" # no rustauth.toml or .env of the caller's folder

bench() {
local line=$1 config
case "$line" in
  1.6) config="$root/tests/fixtures/all-plugins.toml" ;;
  1.7) config="$root/tests/fixtures/all-plugins-1.7.toml" ;;
  *) echo "unknown line $line (1.6 or 1.7)" >&2; exit 2 ;;
esac
echo "== Better Auth $line"
cmd=("$bin" schema print --config "$config" --dialect "$dialect")
"${cmd[@]}" >"$scratch/out.sql"
tables=$(grep -c '^create table' "$scratch/out.sql" || true)
echo "schema print --dialect $dialect: $tables tables, $(wc -c <"$scratch/out.sql") bytes"

if [ "${BENCH_NO_HYPERFINE:-}" != 1 ] && command -v hyperfine >/dev/null 2>&1; then
  tool=hyperfine
  hyperfine --style basic --shell=none --warmup 20 --runs "$runs" \
    --export-json "$scratch/bench.json" "${cmd[*]}" >&2
  read -r median min mean max < <(python3 - "$scratch/bench.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(*(f"{r[k] * 1000:.2f}" for k in ("median", "min", "mean", "max")))
PY
  )
else
  tool="date +%s%N loop"
  for ((i = 0; i < 20; i++)); do "${cmd[@]}" >/dev/null; done
  : >"$scratch/times"
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    "${cmd[@]}" >/dev/null
    t1=$(date +%s%N)
    echo $((t1 - t0)) >>"$scratch/times"
  done
  read -r median min mean max < <(sort -n "$scratch/times" | awk '
    { v[NR] = $1; s += $1 }
    END {
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.2f %.2f %.2f %.2f\n", m / 1e6, v[1] / 1e6, s / NR / 1e6, v[NR] / 1e6
    }')
fi

echo "tool: $tool, runs: $runs"
echo "min ${min} ms, mean ${mean} ms, max ${max} ms"
echo "median: ${median} ms"
if awk -v m="$median" -v t="$target_ms" 'BEGIN { exit !(m < t) }'; then
  echo "target (median < ${target_ms} ms): met"
else
  echo "target (median < ${target_ms} ms): NOT met"
fi
}

for line in $lines; do
  bench "$line"
done
