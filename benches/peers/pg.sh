#!/usr/bin/env bash
# Peer: PostgreSQL full-text search, configured as its documentation recommends for Russian
# (chapter 12, "Full Text Search"): the 'russian' text search configuration (Snowball stemmer
# and Russian stop words) in a stored generated tsvector column with a GIN index, ts_rank to
# order, ts_headline for snippets of the page shown, GROUP BY for facets.
# Derived from ../shared/bench/pg_index.sh (the server listens on a Unix socket only).
#
# usage: pg.sh ALL.jsonl QUERIES.tsv ITERATIONS
# Prints one JSON object: index seconds and bytes, and p50/p95/p99 per query of the mix,
# timed inside the server (clock_timestamp around each run), so no client round trip counts.
set -euo pipefail
file=$(realpath "$1"); queries=$(realpath "$2"); iterations=${3:-100}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
tmp=$(mktemp -d /tmp/pgpeer.XXXX); chmod 755 "$tmp"
if [ "$(id -u)" = 0 ]; then chown postgres "$tmp"; as_pg() { su postgres -s /bin/bash -c "$*"; }
else as_pg() { bash -c "$*"; }; fi
cleanup() { as_pg "$PGBIN/pg_ctl -D $tmp/data -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
as_pg "$PGBIN/initdb -D $tmp/data -E UTF8 --locale=C.UTF-8" >/dev/null 2>&1
as_pg "$PGBIN/pg_ctl -D $tmp/data -o \"-c listen_addresses='' -k $tmp -c maintenance_work_mem=1GB -c shared_buffers=1GB -c work_mem=64MB -c max_parallel_maintenance_workers=2 -c fsync=off -c synchronous_commit=off\" -l $tmp/log -w start" >/dev/null
psql() { as_pg "/usr/bin/psql -h $tmp -U postgres -qAt -v ON_ERROR_STOP=1 $*"; }
start=$(date +%s.%N)
psql <<SQL
CREATE TABLE raw(j jsonb);
COPY raw(j) FROM PROGRAM 'cat $file' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE docs (
  id text, title text, source text, date date, url text, body text,
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('russian', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('russian', coalesce(body, '')), 'B')) STORED);
INSERT INTO docs (id, title, source, date, url, body)
  SELECT j->>'id', j->>'title', j->>'source', (j->>'date')::date, j->>'url', j->>'text' FROM raw;
DROP TABLE raw;
CREATE INDEX docs_tsv ON docs USING GIN (tsv);
CREATE INDEX docs_date ON docs (date);
VACUUM ANALYZE docs;
SQL
end=$(date +%s.%N)
index_s=$(echo "$end - $start" | bc)
index_bytes=$(psql -c "\"SELECT pg_total_relation_size('docs')\"")

# Each mode of the mix as SQL; :q is the tsquery. Snippets only for the page shown.
psql <<'SQL'
CREATE TABLE timings(name text, ms float8);
CREATE FUNCTION timed(name text, sql text, n int) RETURNS void AS $$
DECLARE t timestamptz; i int;
BEGIN
  FOR i IN 1..5 LOOP EXECUTE sql; END LOOP;
  FOR i IN 1..n LOOP
    t := clock_timestamp();
    EXECUTE sql;
    INSERT INTO timings VALUES (name, extract(epoch FROM clock_timestamp() - t) * 1000);
  END LOOP;
END $$ LANGUAGE plpgsql;
SQL
hits="SELECT id, title, ts_headline('russian', body, q) FROM (SELECT id, title, body, q, ts_rank(tsv, q) AS r, count(*) OVER () AS total FROM docs, %s q WHERE tsv @@ q %s ORDER BY r DESC LIMIT 10) t"
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  # A non-blank separator, so that an empty column stays a column.
  IFS=$'\x1f' read -r name query words mode <<< "${line//$'\t'/$'\x1f'}"
  w=${words//\'/\'\'}
  case "$mode" in
    hits) sql=$(printf "$hits" "plainto_tsquery('russian', '$w')" "") ;;
    phrase) sql=$(printf "$hits" "phraseto_tsquery('russian', '$w')" "") ;;
    date_facets) sql="$(printf "$hits" "plainto_tsquery('russian', '$w')" "AND date BETWEEN '2015-01-01' AND '2016-12-31'");
      SELECT source, count(*) FROM docs WHERE tsv @@ plainto_tsquery('russian', '$w') AND date BETWEEN '2015-01-01' AND '2016-12-31' GROUP BY source;
      SELECT extract(year FROM date), count(*) FROM docs WHERE tsv @@ plainto_tsquery('russian', '$w') AND date BETWEEN '2015-01-01' AND '2016-12-31' GROUP BY 1" ;;
    source_facet) sql="SELECT source, count(*) FROM docs GROUP BY source" ;;
    sort_date) sql="SELECT id, title, ts_headline('russian', body, q) FROM (SELECT id, title, body, q FROM docs, plainto_tsquery('russian', '$w') q WHERE tsv @@ q ORDER BY date DESC LIMIT 10) t" ;;
    *) continue ;;
  esac
  # Several statements run as one EXECUTE each; split on ';'.
  IFS=';' read -ra parts <<< "$sql"
  body=""
  for p in "${parts[@]}"; do body+="EXECUTE \$q\$$p\$q\$; "; done
  psql <<SQL
CREATE OR REPLACE FUNCTION run_$name() RETURNS void AS \$f\$ BEGIN $body END \$f\$ LANGUAGE plpgsql;
SELECT timed('$name', 'SELECT run_$name()', $iterations);
SQL
done < "$queries" >/dev/null
psql -c "\"SELECT json_build_object('engine', 'PostgreSQL 15', 'index_s', $index_s, 'index_bytes', $index_bytes, 'queries', json_object_agg(name, json_build_object('p50_ms', p50, 'p95_ms', p95, 'p99_ms', p99))) FROM (SELECT name, percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY ms) p95, percentile_disc(0.99) WITHIN GROUP (ORDER BY ms) p99 FROM timings GROUP BY name) t\""
