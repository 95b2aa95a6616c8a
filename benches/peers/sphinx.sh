#!/usr/bin/env bash
# Peer: Sphinx 2.2 (Debian's sphinxsearch), configured as its documentation recommends for
# Russian: `morphology = stem_ru` (its Russian stemmer), UTF-8 charset with the default
# charset_table (Cyrillic folded, ё=е), source and year as attributes, date as a timestamp;
# searchd on 127.0.0.1 only, queried over SphinxQL (python3-pymysql) with CALL SNIPPETS for
# the page shown. Sphinx does not store text, so snippets get it from the client, as in a
# usual Sphinx deployment where a database holds the text.
# Derived from ../shared/bench/sphinx_index.sh.
#
# usage: sphinx.sh ALL.jsonl QUERIES.tsv ITERATIONS  -> one JSON object on stdout
set -euo pipefail
file=$(realpath "$1"); queries=$(realpath "$2"); iterations=${3:-100}
here=$(dirname "$(realpath "$0")")
d=$(mktemp -d /tmp/sphpeer.XXXX)
port=$(( 20000 + RANDOM % 20000 ))
cleanup() {
  [ -f "$d/searchd.pid" ] && searchd --config "$d/sphinx.conf" --stopwait >/dev/null 2>&1 || true
  rm -rf "$d"
}
trap cleanup EXIT
cat > "$d/tsv.py" <<'PY'
import calendar, datetime, json, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    j = json.loads(line)
    clean = lambda s: (s or "").replace("\t", " ").replace("\n", " ")
    day = datetime.date.fromisoformat(j.get("date") or "1970-01-01")
    ts = calendar.timegm(day.timetuple())
    print(f"{i}\t{clean(j.get('title'))}\t{clean(j.get('text'))}\t{clean(j.get('source'))}\t{ts}\t{day.year}")
PY
cat > "$d/sphinx.conf" <<CONF
source src
{
  type = tsvpipe
  tsvpipe_command = python3 $d/tsv.py $file
  tsvpipe_field = title
  tsvpipe_field = body
  tsvpipe_attr_string = source
  tsvpipe_attr_timestamp = date
  tsvpipe_attr_uint = year
}
index idx
{
  source = src
  path = $d/idx
  morphology = stem_ru
}
indexer
{
  mem_limit = 1024M
}
searchd
{
  listen = 127.0.0.1:$port:mysql41
  pid_file = $d/searchd.pid
  log = $d/searchd.log
  query_log = $d/query.log
  binlog_path =
  max_matches = 1000
}
CONF
s=$(date +%s.%N)
indexer --config "$d/sphinx.conf" --all --quiet >"$d/log" 2>&1 || { cat "$d/log" >&2; exit 1; }
e=$(date +%s.%N)
index_s=$(echo "$e - $s" | bc)
index_bytes=$(du -cb "$d"/idx.* | tail -1 | cut -f1)
searchd --config "$d/sphinx.conf" >/dev/null 2>&1
/usr/bin/python3 "$here/sphinx_queries.py" "$port" "$file" "$queries" "$iterations" "$index_s" "$index_bytes"
