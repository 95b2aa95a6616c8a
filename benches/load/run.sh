#!/usr/bin/env bash
# Load test of `vestnik serve` on loopback: wrk (Debian's package, installed when missing)
# with CLIENTS connections for SECONDS, cycling through a mix of the page's requests (mix.lua:
# word, two words with facets, phrase, person, organization, date range, timeline, related,
# second page, the page itself). Prints wrk's report: requests/s, latency percentiles, errors.
#
# usage: benches/load/run.sh INDEX_DIR [SECONDS] [CLIENTS]
set -euo pipefail
index=$1; seconds=${2:-30}; clients=${3:-50}
here=$(dirname "$(realpath "$0")"); repo=$(realpath "$here/../..")
vestnik="$repo/target/release/vestnik"
[ -x "$vestnik" ] || { echo "build first: cargo build --release" >&2; exit 1; }
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
log=$(mktemp)
"$vestnik" serve --index "$index" --addr 127.0.0.1:0 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q http:// "$log" && break; sleep 0.1; done
addr=$(grep -o 'http://[^/]*' "$log" | head -1)
wrk -t2 -c"$clients" -d"${seconds}s" --latency -s "$here/mix.lua" "$addr"
