#!/usr/bin/env python3
"""Per-call latency of the page's requests, one client at a time: each request of mix.lua
REPS times (after two warm-up calls), its median and maximum wall time and HTTP statuses.
wrk's figures at 50 clients are mostly queueing; this is what one analyst waits for.

usage: benches/load/per_call.py INDEX [REPS]   (needs `cargo build --release` first)
"""
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

here = os.path.dirname(os.path.realpath(__file__))
exe = os.path.join(here, "..", "..", "target", "release", "vestnik")
if len(sys.argv) < 2:
    sys.exit(__doc__.strip().splitlines()[-1])
index, reps = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
paths = re.findall(r'"(/[^"]*)"', open(os.path.join(here, "mix.lua"), encoding="utf-8").read())
server = subprocess.Popen([exe, "serve", "--index", index, "--addr", "127.0.0.1:0"],
                          stderr=subprocess.PIPE, text=True)
try:
    addr = None
    while addr is None:
        line = server.stderr.readline()
        if not line:
            sys.exit("vestnik serve stopped before listening")
        m = re.search(r"http://[^/\s]*", line)
        addr = m.group(0) if m else None
    worst = 0.0
    for path in paths:
        times, codes = [], set()
        for i in range(reps + 2):
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(addr + path) as r:
                    r.read()
                    codes.add(r.status)
            except urllib.error.HTTPError as e:
                codes.add(e.code)
            if i >= 2:
                times.append((time.perf_counter() - t) * 1e3)
        p50 = statistics.median(times)
        worst = max(worst, p50)
        print(f"{p50:8.1f} ms p50 {max(times):8.1f} max {sorted(codes)} "
              f"{urllib.parse.unquote(path)[:90]}")
    print(f"slowest p50: {worst:.1f} ms")
finally:
    server.kill()
