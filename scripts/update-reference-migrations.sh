#!/usr/bin/env bash
# Regenerates migrations/<dialect>/<VERSION>_rustauth_core.sql: the core schema (no config)
# as `rustauth generate --adapter sqlx --dialect <dialect>` writes it, in folders that
# `sqlx migrate` accepts (<VERSION>_<DESCRIPTION>.sql, VERSION an integer).
# tests/reference_migrations.rs fails when these files differ from what the tool says.
#
#   scripts/update-reference-migrations.sh [--check]
#
# --check: change nothing; exit 1 when a file is out of date.
set -euo pipefail

VERSION=20261126000000
DIALECTS=(sqlite postgres mysql mssql)

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

cargo build --quiet --manifest-path "$root/Cargo.toml" --bin rustauth
target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/debug/rustauth"

# Run where no rustauth.toml or .env can be picked up: the core schema, default options.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

stale=0
for d in "${DIALECTS[@]}"; do
  dir="$root/migrations/$d"
  file="$dir/${VERSION}_rustauth_core.sql"
  (cd "$scratch" && env -u DATABASE_URL "$bin" generate --adapter sqlx --dialect "$d" \
    --output "$scratch/$d.sql" --yes >/dev/null)
  if [ "$check" = 1 ]; then
    if ! cmp -s "$scratch/$d.sql" "$file" || [ "$(ls "$dir" | wc -l)" != 1 ]; then
      echo "out of date: migrations/$d (run scripts/update-reference-migrations.sh)" >&2
      stale=1
    fi
    continue
  fi
  mkdir -p "$dir"
  find "$dir" -maxdepth 1 -name '*.sql' ! -name "${VERSION}_rustauth_core.sql" -delete
  if cmp -s "$scratch/$d.sql" "$file"; then
    echo "migrations/$d/${VERSION}_rustauth_core.sql: up to date"
  else
    cp "$scratch/$d.sql" "$file"
    echo "migrations/$d/${VERSION}_rustauth_core.sql: written"
  fi
done
exit "$stale"
