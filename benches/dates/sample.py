"""sample.py DATES DATA_DIR N SEED: N dated articles drawn with SEED, each with the text around
the first place its date is written, for checking by hand whether the text presents it as the
article's own date."""
import glob
import json
import random
import re
import sys

MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря"]
texts = {}
for path in glob.glob(sys.argv[2] + "/*.jsonl"):
    for line in open(path, encoding="utf-8"):
        a = json.loads(line)
        texts[a["id"]] = a["text"]
dated = sorted(tuple(l.split()[:2]) for l in open(sys.argv[1]) if not l.rstrip().endswith(" None"))
random.seed(int(sys.argv[4]))
for id, date in random.sample(dated, min(int(sys.argv[3]), len(dated))):
    text = texts[id]
    y, m, d = map(int, date.split("-"))
    forms = [rf"\b0?{d}\s+{MONTHS[m - 1]}", rf"\b0?{d}\.0?{m}\.{y}"]
    at = min((x.start() for f in forms for x in re.finditer(f, text, re.I)), default=0)
    print(f"{id} {date} | {text[max(0, at - 120):at + 80]!r}\n")
