#!/usr/bin/python3
"""Prints one table from the figures run.sh wrote: vestnik and each peer, per figure, with
the ratio vestnik/peer (below 1 means vestnik is faster or smaller). usage: compare.py WORK_DIR"""
import json, os, sys

work = sys.argv[1]
v = json.load(open(os.path.join(work, "vestnik.json")))
peers = [json.load(open(os.path.join(work, f + ".json"))) for f in ("pg", "xapian", "sphinx", "rg")
         if os.path.exists(os.path.join(work, f + ".json"))]
ix = v["indexing"]
rows = [("index build, s (vestnik with entities)", ix["entities"]["seconds"], "index_s", None),
        ("index build, s (vestnik without entities)", ix["plain"]["seconds"], "index_s", None),
        ("index size, MB (vestnik with entities)", ix["entities"]["index_bytes"] / 1e6, "index_bytes", 1e6)]
for q in v["queries"]:
    rows.append((f"{q['name']} p50, ms", q["p50_ms"], ("queries", q["name"], "p50_ms"), None))
    rows.append((f"{q['name']} p99, ms", q["p99_ms"], ("queries", q["name"], "p99_ms"), None))


def peer_value(p, key, scale):
    if isinstance(key, tuple):
        x = p.get(key[0], {}).get(key[1], {}).get(key[2])
    else:
        x = p.get(key)
    return None if x is None else x / (scale or 1)


fmt = lambda x: "—" if x is None else (f"{x:.3f}" if x < 10 else f"{x:.1f}")
print(f"{ix['floor']['articles']} articles, {ix['floor']['text_bytes'] / 1e6:.1f} MB of text; "
      f"floor (read + analyse, 1 core) {ix['floor']['seconds']:.1f} s; vestnik peak RSS "
      f"{(ix['entities']['peak_rss_bytes'] or 0) / 1e6:.0f} MB with entities "
      f"({(ix['entities'].get('peak_anon_bytes') or 0) / 1e6:.0f} MB its own, the rest mapped index files), "
      f"{(ix['plain']['peak_rss_bytes'] or 0) / 1e6:.0f} MB without\n")
head = "| figure | vestnik | " + " | ".join(f"{p['engine']} | ratio" for p in peers) + " |"
print(head)
print("|" + " --- |" * (2 + 2 * len(peers)))
for label, mine, key, scale in rows:
    cells = []
    for p in peers:
        x = peer_value(p, key, scale)
        cells += [fmt(x), "—" if x in (None, 0) else f"{mine / x:.2f}"]
    print(f"| {label} | {fmt(mine)} | " + " | ".join(cells) + " |")
