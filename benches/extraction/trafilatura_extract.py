#!/usr/bin/env python3
"""Runs Python trafilatura on the extraction benchmark's pages and writes one <key>.txt per
page, so `vestnik bench extraction --texts OUT` scores it with the same scorer as vestnik.

    pip install trafilatura lxml_html_clean
    python3 benches/extraction/trafilatura_extract.py ../shared/data/extraction /tmp/traf
    vestnik bench extraction --texts /tmp/traf
"""
import gzip
import json
import sys
import time
from pathlib import Path

import trafilatura


def main() -> None:
    data, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    keys = sorted(json.loads((data / "ground-truth.json").read_text(encoding="utf-8")))
    pages = [(k, gzip.decompress((data / "html" / f"{k}.html.gz").read_bytes())) for k in keys]
    start = time.perf_counter()
    for key, html in pages:
        text = trafilatura.extract(html) or ""
        (out / f"{key}.txt").write_text(text, encoding="utf-8")
    seconds = time.perf_counter() - start
    print(f"trafilatura {trafilatura.__version__}: {len(pages)} pages, {len(pages) / seconds:.0f} pages/s")


if __name__ == "__main__":
    main()
