#!/bin/sh
# benches/dates/run.sh [VESTNIK] [WORK]: how the dates vestnik infers for the 962 real articles
# of ../shared/data/ner (which state none) fare. Prints how many are dated, how many of NEREL's
# dated articles break the order of their Wikinews page ids (which grow with publication time),
# and writes WORK/sample.txt: 50 dated articles drawn with a fixed seed, each with the text
# around its date, to check by hand.
set -e
here=$(dirname "$0")
bin=${1:-target/release/vestnik}
work=${2:-/tmp/vestnik-dates}
data=$here/../../../shared/data/ner
mkdir -p "$work"
rm -rf "$work/index"
"$bin" index "$data" --index "$work/index" --no-entities 2>/dev/null
"$bin" search '*' --index "$work/index" --limit 1000 --no-group --no-facets --format jsonl |
  python3 -c '
import sys, json
for line in sys.stdin:
    r = json.loads(line)
    if r["type"] == "hit":
        print(r["id"], r["date"])' | sort > "$work/dates.txt"
echo "$(grep -vc ' None$' "$work/dates.txt") of $(wc -l < "$work/dates.txt") articles dated"
python3 "$here/order.py" "$work/dates.txt"
python3 "$here/sample.py" "$work/dates.txt" "$data" 50 13 > "$work/sample.txt"
echo "sample to check by hand: $work/sample.txt"
