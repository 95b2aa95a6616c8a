#!/usr/bin/env bash
# Hostile clients against `vestnik serve` on loopback (hostile.py: 200 slow clients, bursts of
# connections, huge heads and URLs, junk, abandoned heavy searches) while one ordinary client
# asks the page's requests (mix.lua) one at a time; prints the ordinary client's p50/p99, the
# server's peak RSS and whether it is still the same process. HOSTILE=0 times the ordinary
# client alone, for comparison. Extra arguments go to `vestnik serve`.
#
# usage: benches/load/hostile.sh INDEX_DIR [SECONDS] [SLOW_CLIENTS] [-- SERVE_FLAGS...]
set -euo pipefail
index=$1; seconds=${2:-60}; slow=${3:-200}
shift $(( $# < 3 ? $# : 3 )); [ "${1:-}" = "--" ] && shift
here=$(dirname "$(realpath "$0")"); repo=$(realpath "$here/../..")
vestnik="$repo/target/release/vestnik"
[ -x "$vestnik" ] || { echo "build first: cargo build --release" >&2; exit 1; }
ulimit -n 8192
log=$(mktemp)
"$vestnik" serve --index "$index" --addr 127.0.0.1:0 "$@" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q http:// "$log" && break; sleep 0.1; done
addr=$(grep -o 'http://[^/]*' "$log" | head -1 | sed 's|http://||')
# Warm the index's pages and the entity registry, as a server that has run a while has them.
for path in $(grep -o '"/[^"]*"' "$here/mix.lua" | tr -d '"'); do
  curl -s -o /dev/null "http://$addr$path"
done
python3 "$here/hostile.py" "$addr" "$pid" "$seconds" "$slow"
kill -0 $pid && echo "server still running (pid $pid)"
