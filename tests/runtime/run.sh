#!/usr/bin/env bash
# The runtime matrix: for each Better Auth line and engine, a scratch database gets its
# schema from SCHEMA_TOOL, then the real Better Auth runtime (scenario.mjs) must work on it.
#
#   SCHEMA_TOOL=upstream (default)  Better Auth's own getMigrations().runMigrations()
#   SCHEMA_TOOL=rustauth            $RUSTAUTH_BIN migrate --yes --config <line>/rustauth.toml
#                                   (RUSTAUTH_BIN default: target/debug/rustauth of this repo)
#   LINES="1.7 1.6"  ENGINES="sqlite postgres mysql"
#   RUNTIME_PG_URL=postgres://postgres@127.0.0.1:5432   (server URL, no database)
#   RUNTIME_MYSQL_URL=mysql://root@127.0.0.1:3306        (server URL, no database)
#
# With SCHEMA_TOOL=rustauth, also per engine an upgrade: migrate with the 1.6 config, the
# 1.6 runtime writes its rows, migrate with the 1.7 config (it must add exactly what 1.7
# adds, a second run nothing, db status --check 0), then the 1.7 runtime must work on it.
#
# Checks per line x engine: schema, full (sign-up … jwt), admin-login (an administrator made
# by `rustauth create-admin` with SCHEMA_TOOL=rustauth, else by the runtime's seed-admin),
# and a negative one: a dropped column (1.7: twoFactor.lockedUntil, which must give
# "Database schema mismatch"; 1.6, which has no schema check: twoFactor.verified, which must
# make twoFactor.enable fail). Scratch databases are dropped afterwards. Ends with
# "N passed, N failed"; exit 1 if any check failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(cd "$here/../.." && pwd -P)"
SCHEMA_TOOL="${SCHEMA_TOOL:-upstream}"
LINES="${LINES:-1.7 1.6}"
ENGINES="${ENGINES:-sqlite postgres mysql}"
PG_URL="${RUNTIME_PG_URL:-postgres://postgres@127.0.0.1:5432}"
MY_URL="${RUNTIME_MYSQL_URL:-mysql://root@127.0.0.1:3306}"
RUSTAUTH_BIN="${RUSTAUTH_BIN:-$repo/target/debug/rustauth}"

case "$SCHEMA_TOOL" in
  upstream) ;;
  rustauth) [ -x "$RUSTAUTH_BIN" ] || { echo "run.sh: RUSTAUTH_BIN=$RUSTAUTH_BIN is not an executable (cargo build first)" >&2; exit 2; } ;;
  *) echo "run.sh: SCHEMA_TOOL must be upstream or rustauth" >&2; exit 2 ;;
esac

node="$("$here/setup.sh" | tail -n1)" || { echo "run.sh: setup.sh failed" >&2; exit 1; }

passed=0
failed=0
scratch="$(mktemp -d /tmp/rustauth-runtime.XXXXXX)"
out="$scratch/out"
cleanup_sql=()   # "line|url|sql" to run at exit
cleanup() {
  for item in "${cleanup_sql[@]}"; do
    IFS='|' read -r l u q <<<"$item"
    LINE="$l" RUNTIME_DB="$u" SCENARIO=sql SQL="$q" "$node" "$here/scenario.mjs" >/dev/null 2>&1 || true
  done
  rm -rf "$scratch"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() {
  failed=$((failed + 1))
  echo "not ok - $*"
  sed 's/^/    /' "$out"
}
# scenario LINE URL [VAR=VALUE...]: runs scenario.mjs, output in $out
scenario() {
  local line=$1 url=$2
  shift 2
  env LINE="$line" RUNTIME_DB="$url" "$@" "$node" "$here/scenario.mjs" >"$out" 2>&1
}

for line in $LINES; do
  for engine in $ENGINES; do
    name="rt_$(echo "$line" | tr -d .)_$$"
    case "$engine" in
      sqlite) url="sqlite://$scratch/$name.db"; q='"' ;;
      postgres)
        url="$PG_URL/$name"; q='"'
        scenario "$line" "$PG_URL/postgres" SCENARIO=sql SQL="create database $name" \
          || { not_ok "$line $engine: create database"; continue; }
        cleanup_sql+=("$line|$PG_URL/postgres|drop database if exists $name") ;;
      mysql)
        url="$MY_URL/$name"; q='`'
        scenario "$line" "$MY_URL" SCENARIO=sql SQL="create database $name" \
          || { not_ok "$line $engine: create database"; continue; }
        cleanup_sql+=("$line|$MY_URL|drop database if exists $name") ;;
      *) echo "run.sh: unknown engine $engine" >&2; exit 2 ;;
    esac
    t="$line $engine [$SCHEMA_TOOL]"

    if [ "$SCHEMA_TOOL" = upstream ]; then
      scenario "$line" "$url" SCENARIO=upstream-migrate
    else
      RUNTIME_DB="$url" "$RUSTAUTH_BIN" migrate --yes --config "$here/$line/rustauth.toml" >"$out" 2>&1
    fi || { not_ok "$t: schema"; continue; }
    ok "$t: schema"

    if scenario "$line" "$url"; then ok "$t: full"; else not_ok "$t: full"; fi

    admin_email="admin-$name@example.com"
    admin_pw="admin-password-$name"
    # The administrator: made by `rustauth create-admin` when rustauth built the schema (the
    # runtime must sign in with it and list users), else by the runtime itself.
    if [ "$SCHEMA_TOOL" = rustauth ]; then
      seed() { printf '%s\n' "$admin_pw" | RUNTIME_DB="$url" "$RUSTAUTH_BIN" create-admin --yes \
        --email "$admin_email" --password-stdin --config "$here/$line/rustauth.toml" >"$out" 2>&1; }
    else
      seed() { scenario "$line" "$url" SCENARIO=seed-admin ADMIN_EMAIL="$admin_email" ADMIN_PASSWORD="$admin_pw"; }
    fi
    if seed && scenario "$line" "$url" SCENARIO=admin-login ADMIN_EMAIL="$admin_email" ADMIN_PASSWORD="$admin_pw"; then
      ok "$t: admin-login"
    else
      not_ok "$t: admin-login"
    fi

    if [ "$line" = 1.6 ]; then col=verified expect="verified"; else col=lockedUntil expect="Database schema mismatch"; fi
    if scenario "$line" "$url" SCENARIO=sql SQL="alter table ${q}twoFactor${q} drop column ${q}${col}${q}"; then
      if scenario "$line" "$url"; then
        echo "    (the scenario succeeded without twoFactor.$col)" >>"$out"
        not_ok "$t: fails without twoFactor.$col"
      elif grep -q "$expect" "$out" && grep -q "twoFactor" "$out"; then
        ok "$t: fails without twoFactor.$col ($(grep -o '"failedStep":"[^"]*"' "$out"))"
      else
        not_ok "$t: fails without twoFactor.$col, but not with \"$expect\""
      fi
    else
      not_ok "$t: drop twoFactor.$col"
    fi
  done
done

# Upgrade in place: a database rustauth built on the 1.6 line, with 1.6's rows in it.
if [ "$SCHEMA_TOOL" = rustauth ]; then
  for engine in $ENGINES; do
    name="rt_up_$$"
    case "$engine" in
      sqlite) url="sqlite://$scratch/$name.db" ;;
      postgres)
        url="$PG_URL/$name"
        scenario 1.7 "$PG_URL/postgres" SCENARIO=sql SQL="create database $name" \
          || { not_ok "upgrade $engine: create database"; continue; }
        cleanup_sql+=("1.7|$PG_URL/postgres|drop database if exists $name") ;;
      mysql)
        url="$MY_URL/$name"
        scenario 1.7 "$MY_URL" SCENARIO=sql SQL="create database $name" \
          || { not_ok "upgrade $engine: create database"; continue; }
        cleanup_sql+=("1.7|$MY_URL|drop database if exists $name") ;;
    esac
    t="upgrade 1.6 -> 1.7 $engine [rustauth]"
    migrate() { RUNTIME_DB="$url" "$RUSTAUTH_BIN" migrate --yes --config "$here/$1/rustauth.toml" >"$out" 2>&1; }
    migrate 1.6 || { not_ok "$t: migrate on 1.6"; continue; }
    scenario 1.6 "$url" || { not_ok "$t: the 1.6 runtime on the 1.6 schema"; continue; }
    if migrate 1.7 && grep -q "Migration completed" "$out"; then ok "$t: migrate on 1.7"; else not_ok "$t: migrate on 1.7"; continue; fi
    if migrate 1.7 && grep -q "No migrations needed." "$out"; then ok "$t: second migrate has nothing to do"; else not_ok "$t: second migrate has nothing to do"; fi
    if RUNTIME_DB="$url" "$RUSTAUTH_BIN" db status --check --config "$here/1.7/rustauth.toml" >"$out" 2>&1; then
      ok "$t: db status --check"
    else
      not_ok "$t: db status --check"
    fi
    if scenario 1.7 "$url"; then ok "$t: full"; else not_ok "$t: full"; fi
  done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
