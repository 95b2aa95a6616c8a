#!/usr/bin/env bash
# Runs vestnik and every peer on one corpus with the same query mix and prints one table with
# the ratios vestnik/peer. Installs the peers from Debian's packages when they are missing.
#
# usage: benches/peers/run.sh CORPUS_DIR [WORK_DIR] [ITERATIONS]
#   e.g. vestnik bench corpus --docs 200000 --out /tmp/c200k && benches/peers/run.sh /tmp/c200k
# Needs a release build (cargo build --release); writes WORK_DIR/{vestnik,pg,xapian,sphinx,rg}.json.
set -euo pipefail
corpus=$(realpath "$1"); work=${2:-/tmp/vestnik-peers}; iterations=${3:-200}
here=$(dirname "$(realpath "$0")"); repo=$(realpath "$here/../..")
vestnik="$repo/target/release/vestnik"
[ -x "$vestnik" ] || { echo "build first: cargo build --release" >&2; exit 1; }
need=()
command -v psql >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
/usr/bin/python3 -c 'import xapian' 2>/dev/null || need+=(python3-xapian)
/usr/bin/python3 -c 'import pymysql' 2>/dev/null || need+=(python3-pymysql)
command -v indexer >/dev/null || need+=(sphinxsearch)
command -v rg >/dev/null || need+=(ripgrep)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
mkdir -p "$work"
all="$work/all.jsonl"
cat "$corpus"/*.jsonl > "$all"
queries="$here/queries.tsv"
echo "vestnik..." >&2
"$vestnik" bench run "$corpus" --work "$work/vestnik" --iterations "$iterations" --json "$work/vestnik.json" >&2
rm -rf "$work/vestnik"
echo "PostgreSQL..." >&2
"$here/pg.sh" "$all" "$queries" "$iterations" > "$work/pg.json"
echo "Xapian..." >&2
/usr/bin/python3 "$here/xapian_peer.py" "$all" "$queries" "$iterations" > "$work/xapian.json"
echo "Sphinx..." >&2
"$here/sphinx.sh" "$all" "$queries" "$iterations" > "$work/sphinx.json"
echo "ripgrep..." >&2
"$here/rg.sh" "$all" "$queries" 10 > "$work/rg.json"
rm -f "$all"
/usr/bin/python3 "$here/compare.py" "$work"
