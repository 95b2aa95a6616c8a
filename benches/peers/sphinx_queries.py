#!/usr/bin/python3
"""The query half of sphinx.sh: times the mix over SphinxQL on 127.0.0.1 (one connection,
warm), with CALL SNIPPETS on the page shown. usage: sphinx_queries.py PORT ALL.jsonl QUERIES.tsv
ITERATIONS INDEX_S INDEX_BYTES"""
import calendar, datetime, json, sys, time
import pymysql

port, path, queries, iterations = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
texts = [json.loads(line).get("text", "") for line in open(path, encoding="utf-8")]
for _ in range(50):
    try:
        db = pymysql.connect(host="127.0.0.1", port=port, charset="utf8mb4")
        break
    except pymysql.err.OperationalError:
        time.sleep(0.1)
cur = db.cursor()
ts = lambda s: calendar.timegm(datetime.date.fromisoformat(s).timetuple())
lo, hi = ts("2015-01-01"), ts("2016-12-31")


def pct(values, p):
    v = sorted(values)
    rank = max(1, min(len(v), -(-len(v) * p // 100)))
    return v[int(rank) - 1]


def esc(s):
    return s.replace("\\", "\\\\").replace("'", "\\'")


def snippets(ids, words):
    for i in ids:
        cur.execute("CALL SNIPPETS(%s, 'idx', %s, 180 AS limit)", (texts[i - 1], words))
        cur.fetchall()


def run(words, mode):
    match = f"MATCH('\"{esc(words)}\"')" if mode == "phrase" else f"MATCH('{esc(words)}')"
    if mode == "source_facet":
        cur.execute("SELECT source, COUNT(*) FROM idx GROUP BY source")
        return cur.fetchall()
    where = match + (f" AND date BETWEEN {lo} AND {hi}" if mode == "date_facets" else "")
    order = " ORDER BY date DESC" if mode == "sort_date" else ""
    cur.execute(f"SELECT id FROM idx WHERE {where}{order} LIMIT 10")
    ids = [r[0] for r in cur.fetchall()]
    snippets(ids, words)
    if mode == "date_facets":
        cur.execute(f"SELECT source, COUNT(*) FROM idx WHERE {where} GROUP BY source")
        cur.fetchall()
        cur.execute(f"SELECT year, COUNT(*) FROM idx WHERE {where} GROUP BY year")
        cur.fetchall()
    return ids


figures = {}
for line in open(queries, encoding="utf-8"):
    if not line.strip() or line.startswith("#"):
        continue
    name, _query, words, mode = line.rstrip("\n").split("\t")
    if mode not in ("hits", "phrase", "date_facets", "source_facet", "sort_date"):
        continue
    for _ in range(5):
        run(words, mode)
    ms = []
    for _ in range(iterations):
        s = time.perf_counter()
        run(words, mode)
        ms.append((time.perf_counter() - s) * 1000)
    figures[name] = {"p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "p99_ms": pct(ms, 99)}
print(json.dumps({"engine": "Sphinx 2.2", "index_s": float(sys.argv[5]), "index_bytes": int(sys.argv[6]), "queries": figures}))
