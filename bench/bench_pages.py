#!/usr/bin/env python3
"""Page weights of the archive's list pages: the HTML bytes of every page of every long list and its height on a phone.

    python bench/bench_pages.py [--items 1000] [--site DIR] [--keep DIR]

1. Builds the site of the benchmark's synthetic archive (bench/bench_site.py: N varied items, N/10 meetings over
   seven fiscal years) through the pipeline, without PDFs; or measures a site already built (--site).
2. Opens every page of every list (the item list, the browse pages, the meetings list, and their …/page.N/ pages)
   in headless Chromium (Debian's /usr/bin/chromium) 375 px wide and reads document.scrollHeight.
3. Prints, per list, its pages, its largest page in KB of HTML and in phone screens (scrollHeight / 667 px), and
   whether every page is within the targets (issue 31: no page over 150 KB of HTML or 20 phone screens).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CHROMIUM = "/usr/bin/chromium"
WIDTH, SCREEN = 375, 667  # an iPhone SE-sized phone: 375 × 667 CSS px
TARGET_KB, TARGET_SCREENS = 150, 20
#: the lists whose pages are measured (each with its …/page.N/ pages)
LISTS = ("agendas/", "meetings/", "browse/category/", "browse/department/", "browse/partner/", "browse/year/",
         "browse/info-items/")


def list_pages(site: Path) -> dict:
    """{list: [its pages as URL paths, first page first]} of a built site."""
    found = {}
    for base in LISTS:
        if not (site / base / "index.html").is_file():
            continue
        more = [p.parent.name for p in (site / base).glob("page.*/index.html")]
        numbers = sorted(int(name.split(".", 1)[1]) for name in more if re.fullmatch(r"page\.\d+", name))
        found[base] = [base] + [f"{base}page.{n}/" for n in numbers]
    return found


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def measure(site: Path, browser) -> dict:
    """{list: [{path, kb, screens}]} for every page of every list of the site, at 375 px in Chromium."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page(viewport={"width": WIDTH, "height": SCREEN})
    found = {}
    try:
        for base, paths in list_pages(site).items():
            rows = found[base] = []
            for path in paths:
                page.goto(f"http://127.0.0.1:{server.server_port}/{path}")
                height = page.evaluate("document.documentElement.scrollHeight")
                size = (site / path / "index.html").stat().st_size
                rows.append({"path": path, "kb": size / 1024, "screens": height / SCREEN})
    finally:
        page.close()
        server.shutdown()
    return found


def report(found: dict) -> bool:
    """Prints the figures; True when every page is within the targets."""
    print(f"list pages at {WIDTH} px (a screen: {SCREEN} px); targets: ≤ {TARGET_KB} KB of HTML, ≤ {TARGET_SCREENS} screens")
    print(f"  {'list':<22} {'pages':>5} {'largest KB':>11} {'largest screens':>16} {'first page':>20}  within")
    within = True
    for base, rows in found.items():
        big, tall, first = max(r["kb"] for r in rows), max(r["screens"] for r in rows), rows[0]
        ok = big <= TARGET_KB and tall <= TARGET_SCREENS
        within &= ok
        print(f"  /{base:<21} {len(rows):>5} {big:>8.1f} KB {tall:>16.1f} {first['kb']:>7.1f} KB {first['screens']:>5.1f} scr"
              f"  {'yes' if ok else 'NO'}")
    over = [f"/{r['path']} ({r['kb']:.1f} KB, {r['screens']:.1f} screens)" for rows in found.values() for r in rows
            if r["kb"] > TARGET_KB or r["screens"] > TARGET_SCREENS]
    print(f"pages over a target: {len(over)}" + ("".join(f"\n  {line}" for line in over)))
    return within


def build(work: Path, items: int) -> Path:
    from bench_site import synthetic_content
    from fugi import pipeline

    content = synthetic_content(work / "content", items)
    start = time.perf_counter()
    pipeline.build(content, site_out=work / "site", site_pdf=False, report=lambda line: None)
    print(f"synthetic archive: {items} agenda items, site built in {time.perf_counter() - start:.0f} s (no PDFs)")
    return work / "site"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="synthetic agenda items (default 1000)")
    parser.add_argument("--site", type=Path, help="measure this built site instead of building one")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (content/ and site/)")
    args = parser.parse_args(argv)
    work = None
    if args.site:
        site = args.site
    else:
        work = args.keep or Path(tempfile.mkdtemp(prefix="fugi-bench-pages-"))
        if args.keep and work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True, exist_ok=True)
    try:
        site = site if args.site else build(work, args.items)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                found = measure(site, browser)
            finally:
                browser.close()
        report(found)
        return 0
    finally:
        if work is not None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
