#!/usr/bin/env python3
"""Hostile clients against a running `vestnik serve`, and one ordinary client timed meanwhile.

usage: hostile.py HOST:PORT PID SECONDS [SLOW_CLIENTS]

For SECONDS, at once:
- SLOW_CLIENTS (default 200) slow clients, each sending half a request head and then a byte a
  second; when the server closes one it reconnects, so the pressure never drops;
- bursts of 150 connections opened, held idle for two seconds and dropped;
- heads of 100 KB (one header), URLs of 1 MB, 100,000 headers' worth of junk and bytes that are
  not HTTP, over and over;
- heavy searches (every facet over every article) sent and abandoned at once ("abandoned"),
  or one after another with each answer awaited ("heavy", not in the default set);
- one ordinary client asking the page's requests (mix.lua's) one after another on fresh
  connections, each timed from connect to the last byte of the answer.

- adversarial queries (sloppy phrases of recurring words, deep nesting, huge terms, thousands
  of clauses) one after another, each answer awaited ("adversarial");
PARTS=slow,bursts,junk,heavy,... picks the hostile clients (default
slow,bursts,junk,abandoned,adversarial).
Every half second the server's RSS is read from /proc/PID/status. Prints one JSON line: the
ordinary client's latency percentiles and statuses, the hostile clients' counts, the peak RSS
(VmHWM) and whether the server's process is still the same one.
"""
import asyncio
import json
import os
import re
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
PATHS = re.findall(r'"(/[^"]*)"', open(os.path.join(here, "mix.lua"), encoding="utf-8").read())


def parse(addr):
    host, port = addr.rsplit(":", 1)
    return host, int(port)


async def exchange(addr, data, read_limit=1 << 22):
    """Sends data, reads to the end; returns (status, bytes read)."""
    host, port = parse(addr)
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(data)
        await writer.drain()
        out = await reader.read(read_limit)
        while True:
            more = await reader.read(read_limit)
            if not more:
                break
            out += more
    except (ConnectionError, OSError):
        out = b""
    finally:
        writer.close()
    m = re.match(rb"HTTP/1\.1 (\d{3})", out)
    return (int(m.group(1)) if m else 0), out


async def slow_client(addr, stop, stats):
    host, port = parse(addr)
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(b"GET /api/search?q=x HTTP/1.1\r\nHost: " + addr.encode() + b"\r\nX-Slow: ")
            await writer.drain()
            stats["slow_connections"] += 1
            while time.monotonic() < stop:
                try:
                    got = await asyncio.wait_for(reader.read(65536), 1.0)
                    if not got:
                        stats["slow_closed_by_server"] += 1
                        break
                    if got.startswith(b"HTTP/1.1 503"):
                        stats["slow_refused_503"] += 1
                        break
                except asyncio.TimeoutError:
                    writer.write(b"a")
                    await writer.drain()
            writer.close()
        except (ConnectionError, OSError):
            stats["slow_errors"] += 1
            await asyncio.sleep(0.1)


async def bursts(addr, stop, stats):
    host, port = parse(addr)
    while time.monotonic() < stop:
        conns = []
        for _ in range(150):
            try:
                conns.append(await asyncio.open_connection(host, port))
            except (ConnectionError, OSError):
                stats["burst_errors"] += 1
        stats["burst_connections"] += len(conns)
        await asyncio.sleep(2)
        for _, w in conns:
            w.close()


async def junk(addr, stop, stats):
    big_header = b"GET /api/search HTTP/1.1\r\nHost: " + addr.encode() + b"\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
    big_url = b"GET /api/search?q=" + b"b" * 1_000_000 + b" HTTP/1.1\r\nHost: " + addr.encode() + b"\r\n\r\n"
    many = b"GET / HTTP/1.1\r\nHost: " + addr.encode() + b"\r\n" + b"X: y\r\n" * 100_000 + b"\r\n"
    garbage = bytes(range(256)) * 64
    while time.monotonic() < stop:
        for data in (big_header, big_url, many, garbage):
            status, _ = await exchange(addr, data)
            stats.setdefault(f"junk_{status}", 0)
            stats[f"junk_{status}"] += 1


async def abandoned(addr, stop, stats):
    host, port = parse(addr)
    heavy = (b"GET /api/search?q=*&limit=100&facet=source,date,person,org,loc HTTP/1.1\r\nHost: "
             + addr.encode() + b"\r\n\r\n")
    while time.monotonic() < stop:
        try:
            _, writer = await asyncio.open_connection(host, port)
            writer.write(heavy)
            await writer.drain()
            writer.close()
            stats["abandoned"] += 1
        except (ConnectionError, OSError):
            stats["abandoned_errors"] += 1
        await asyncio.sleep(0.05)


async def heavy(addr, stop, stats):
    """Heavy searches one after another, each answer awaited: what a hostile script costs once
    a client that goes away stops its search."""
    request = (b"GET /api/search?q=*&limit=100&facet=source,date,person,org,loc HTTP/1.1\r\nHost: "
               + addr.encode() + b"\r\nConnection: close\r\n\r\n")
    while time.monotonic() < stop:
        status, _ = await exchange(addr, request)
        stats.setdefault(f"heavy_{status}", 0)
        stats[f"heavy_{status}"] += 1


def adversarial_queries():
    """Queries written to exhaust a search engine (as `vestnik bench hostile`'s built-in list):
    sloppy phrases of recurring common words, deep nesting, huge terms, many clauses. The API
    refuses a query over 1,000 characters outright, so most stay under that."""
    from urllib.parse import quote
    w = lambda word, n: " ".join([word] * n)
    queries = [
        f'"{w("в", 32)}"~100', f'"{w("в на", 16)}"~100', f'"{w("Москва", 32)}"~100',
        f'"{w("Москва", 140)}"~100000', f'"{w("в", 20)}"*',
        "(" * 400 + "a" + ")" * 400, "NOT " * 240 + "a", "(" * 12000 + "a" + ")" * 12000,
        "я" * 990, " ".join(f"ш{i}" for i in range(160)), " OR ".join(["школ"] * 160),
        f'"{w("в", 30)}"~100 OR "{w("на", 30)}"~100 OR "{w("и", 30)}"~100',
        "id:* title:* date:[* TO *]", "body:[а TO я]", "zzz:*",
    ]
    return [quote(q) for q in queries]


async def adversarial(addr, stop, stats):
    """Adversarial queries one after another, each answer awaited (200, 400 for a refused
    query, 503 for one stopped at its budget), every facet asked for."""
    queries = adversarial_queries()
    i = 0
    while time.monotonic() < stop:
        q = queries[i % len(queries)]
        i += 1
        request = (f"GET /api/search?q={q}&limit=100&facet=source,date,person,org,loc HTTP/1.1\r\n"
                   f"Host: {addr}\r\nConnection: close\r\n\r\n").encode()
        status, _ = await exchange(addr, request)
        stats.setdefault(f"adversarial_{status}", 0)
        stats[f"adversarial_{status}"] += 1


def ordinary(addr, seconds, out):
    """The ordinary client, in a process of its own so the hostile ones do not slow its clock:
    blocking sockets, one request at a time."""
    import socket
    host, port = parse(addr)
    stop = time.monotonic() + seconds
    latencies, statuses, i = [], {}, 0
    while time.monotonic() < stop:
        path = PATHS[i % len(PATHS)]
        i += 1
        request = f"GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n".encode()
        t = time.perf_counter()
        data = b""
        try:
            with socket.create_connection((host, port), timeout=30) as s:
                s.sendall(request)
                while True:
                    b = s.recv(1 << 20)
                    if not b:
                        break
                    data += b
        except OSError:
            pass
        latencies.append((time.perf_counter() - t) * 1000)
        m = re.match(rb"HTTP/1\.1 (\d{3})", data)
        status = int(m.group(1)) if m else 0
        statuses[status] = statuses.get(status, 0) + 1
    out.put((latencies, statuses))


def status_of(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    return fields


async def watch(pid, stop, mem):
    mem["start_time"] = open(f"/proc/{pid}/stat").read().split()[21]
    mem["cpu_start"] = cpu_seconds(pid)
    while time.monotonic() < stop:
        s = status_of(pid)
        mem["rss_max_kb"] = max(mem.get("rss_max_kb", 0), int(s["VmRSS"].split()[0]))
        await asyncio.sleep(0.5)
    mem["hwm_kb"] = int(status_of(pid)["VmHWM"].split()[0])
    mem["cpu_s"] = round(cpu_seconds(pid) - mem["cpu_start"], 1)
    mem["same_process"] = open(f"/proc/{pid}/stat").read().split()[21] == mem["start_time"]


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values, p):
    values = sorted(values)
    if not values:
        return None
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return round(values[k], 2)


async def main():
    addr, pid, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    slow = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    hostile = os.environ.get("HOSTILE", "1") != "0"
    parts = os.environ.get("PARTS", "slow,bursts,junk,abandoned,adversarial").split(",")
    stop = time.monotonic() + seconds
    stats = {k: 0 for k in ("slow_connections", "slow_closed_by_server", "slow_refused_503",
                            "slow_errors", "burst_connections", "burst_errors", "abandoned",
                            "abandoned_errors")}
    import multiprocessing
    results = multiprocessing.Queue()
    timed = multiprocessing.Process(target=ordinary, args=(addr, seconds, results))
    timed.start()
    mem = {}
    tasks = [watch(pid, stop, mem)]
    if hostile:
        if "slow" in parts:
            tasks += [slow_client(addr, stop, stats) for _ in range(slow)]
        named = (("bursts", bursts), ("junk", junk), ("abandoned", abandoned), ("heavy", heavy),
                 ("adversarial", adversarial))
        for name, part in named:
            if name in parts:
                tasks.append(part(addr, stop, stats))
    await asyncio.gather(*tasks)
    latencies, statuses = results.get()
    timed.join()
    print(json.dumps({
        "hostile": parts if hostile else [],
        "ordinary": {"requests": len(latencies), "statuses": statuses,
                     "p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99),
                     "max_ms": pct(latencies, 100)},
        "hostile_clients": stats,
        "server": {"peak_rss_mb": round(mem["hwm_kb"] / 1024, 1),
                   "max_sampled_rss_mb": round(mem["rss_max_kb"] / 1024, 1),
                   "cpu_seconds": mem["cpu_s"],
                   "same_process": mem["same_process"]},
    }))


if __name__ == "__main__":
    asyncio.run(main())
