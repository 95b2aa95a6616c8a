#!/usr/bin/python3
"""Peer: Xapian 1.4 (Debian's python3-xapian), configured as its documentation recommends for
Russian: TermGenerator and QueryParser with Stem("russian") and the STEM_SOME strategy, title
terms also under the "S" prefix, values for source (slot 0), date (1, YYYYMMDD) and year (2),
ValueCountMatchSpy for facets, MSet.snippet for snippets of the page shown. The text is kept
as document data so that snippets can be made, as vestnik stores it.
Derived from ../shared/bench/xapian_index.py.

usage: xapian_peer.py (not xapian.py: that name would shadow the module) ALL.jsonl QUERIES.tsv ITERATIONS  -> one JSON object on stdout
Queries are timed in-process (no client/server round trip), warm, like vestnik's."""
import json, os, shutil, sys, tempfile, time
import xapian

path, queries, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = tempfile.mkdtemp(prefix="xapianpeer.")


def pct(values, p):
    """Nearest rank, as vestnik's benchmark computes it."""
    v = sorted(values)
    rank = max(1, min(len(v), -(-len(v) * p // 100)))
    return v[int(rank) - 1]


try:
    t0 = time.time()
    db = xapian.WritableDatabase(d, xapian.DB_CREATE_OR_OPEN)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("russian"))
    tg.set_stemming_strategy(tg.STEM_SOME)
    for line in open(path, encoding="utf-8"):
        j = json.loads(line)
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(j.get("title", ""), 1, "S")
        tg.index_text(j.get("title", ""))
        tg.increase_termpos()
        tg.index_text(j.get("text", ""))
        date = j.get("date", "").replace("-", "")
        doc.add_value(0, j.get("source", ""))
        doc.add_value(1, date)
        doc.add_value(2, date[:4])
        doc.set_data(json.dumps({"id": j.get("id"), "title": j.get("title"), "text": j.get("text")}, ensure_ascii=False))
        db.add_document(doc)
    db.commit()
    db.close()
    index_s = time.time() - t0
    index_bytes = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))

    db = xapian.Database(d)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("russian"))
    qp.set_stemming_strategy(qp.STEM_SOME)
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_AND)
    everything = db.get_doccount()
    stem = xapian.Stem("russian")

    def run(words, mode):
        e = xapian.Enquire(db)
        spies = []
        if mode == "source_facet":
            e.set_query(xapian.Query.MatchAll)
            spies = [xapian.ValueCountMatchSpy(0)]
            for s in spies:
                e.add_matchspy(s)
            e.get_mset(0, 0, everything)
            return [list(s.values()) for s in spies]
        q = qp.parse_query(f'"{words}"' if mode == "phrase" else words)
        if mode == "date_facets":
            q = xapian.Query(xapian.Query.OP_FILTER, q, xapian.Query(xapian.Query.OP_VALUE_RANGE, 1, "20150101", "20161231"))
            spies = [xapian.ValueCountMatchSpy(0), xapian.ValueCountMatchSpy(2)]
            for s in spies:
                e.add_matchspy(s)
        if mode == "sort_date":
            e.set_sort_by_value(1, True)
        e.set_query(q)
        m = e.get_mset(0, 10, everything if spies else 0)
        out = [(i.docid, m.snippet(json.loads(i.document.get_data())["text"], 180, stem)) for i in m]
        return out, [list(s.values()) for s in spies], m.get_matches_estimated()

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
    print(json.dumps({"engine": "Xapian 1.4", "index_s": index_s, "index_bytes": index_bytes, "queries": figures}))
finally:
    shutil.rmtree(d)
