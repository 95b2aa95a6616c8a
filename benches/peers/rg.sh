#!/usr/bin/env bash
# Baseline: ripgrep over the raw JSONL, no index: what answering without one costs. Words are
# matched case-insensitively as fixed strings (no stemming, so it finds fewer forms than the
# engines); only the word, phrase, person and organization queries have an rg equivalent.
# Each run is a process, counting matching lines (articles).
#
# usage: rg.sh ALL.jsonl QUERIES.tsv ITERATIONS  -> one JSON object on stdout
set -euo pipefail
file=$(realpath "$1"); queries=$(realpath "$2"); iterations=${3:-10}
out="{\"engine\": \"ripgrep $(rg --version | head -1 | cut -d' ' -f2)\", \"index_s\": null, \"index_bytes\": null, \"queries\": {"
first=1
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  IFS=$'\x1f' read -r name query words mode <<< "${line//$'\t'/$'\x1f'}"
  case "$name:$mode" in word:*|phrase:*|person:*|org:*) ;; *) continue ;; esac
  rg -c -i -F -- "$words" "$file" >/dev/null || true
  times=$(for _ in $(seq "$iterations"); do
    s=$(date +%s%N); rg -c -i -F -- "$words" "$file" >/dev/null || true; e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | sort -n)
  n=$(echo "$times" | wc -l)
  at() { echo "$times" | sed -n "$(( ( n * $1 + 99 ) / 100 ))p"; }
  [ $first = 1 ] || out+=", "; first=0
  out+="\"$name\": {\"p50_ms\": $(echo "scale=3; $(at 50) / 1000" | bc), \"p95_ms\": $(echo "scale=3; $(at 95) / 1000" | bc), \"p99_ms\": $(echo "scale=3; $(at 99) / 1000" | bc)}"
done < "$queries"
echo "$out}}"
