"""order.py DATES: the dated NEREL articles ("nerel-N_text", N a Wikinews page id, which grows
with publication time) whose date is off the longest chain that keeps page order, allowing a
week's slack: dates that cannot all be publication dates."""
import datetime
import re
import sys

rows = []
for line in open(sys.argv[1]):
    id, date = line.split()[:2]
    m = re.match(r"nerel-(\d+)_text$", id)
    if m and date != "None":
        rows.append((int(m.group(1)), id, datetime.date.fromisoformat(date)))
rows.sort()
slack = datetime.timedelta(days=7)
best, prev = [1] * len(rows), [-1] * len(rows)
for i in range(len(rows)):
    for j in range(i):
        if rows[j][2] <= rows[i][2] + slack and best[j] + 1 > best[i]:
            best[i], prev[i] = best[j] + 1, j
chain = set()
i = max(range(len(rows)), key=lambda k: best[k]) if rows else -1
while i != -1:
    chain.add(i)
    i = prev[i]
off = [rows[k] for k in range(len(rows)) if k not in chain]
print(f"{len(off)} of {len(rows)} dated NEREL articles out of page order")
for _, id, date in off:
    print("  ", id, date)
