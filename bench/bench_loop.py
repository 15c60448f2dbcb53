#!/usr/bin/env python3
"""Benchmark the authoring loop on a synthetic archive: cold build, one edit, check, serve, and growth to a larger archive.

    python bench/bench_loop.py [--items 1000] [--large 5000] [--pdf] [--no-serve]

Every figure is measured on `python build.py …` as a clerk runs it (a fresh process each time, Python's bytecode
written and reused as by default, the build cache in the workspace's build/cache), on an archive made like bench_site.py's (N items, N/10 meetings):
  - cold: the full default build (Word + site + search index, --no-pdf) with an empty cache; wall and CPU
    time (CPU/wall shows how much of the two cores it used) and the peak RSS of its largest process;
  - PDF (--pdf): LibreOffice converting every Word file, timed on its own (the build after a cold one);
  - unchanged: the same build again; `check` with nothing changed;
  - one edit (an item's title): `check`, `docx` (its Word file rewritten in build/docx, which the builds before
    made; also into a new folder, where every file is written), the whole default build — each against a full
    rebuild without the cache (FUGI_CACHE=off), the tool a user would otherwise run; `docx` and the default
    build are the median of three edits;
  - serve: save → the open page (headless Chromium) shows the change, and the Word file rewritten, on the
    seed archive and on the synthetic one;
  - --large M: the cold build of an M-item archive, and how time and memory grew from N.
Targets (issue 11, 1,000 items, 2 cores): Word file ≤ 1 s, default build after one edit ≤ 10 s, check ≤ 1 s
unchanged and ≤ 1.5 s after an edit, cold ≤ 30 s with peak RSS ≤ 1 GB, serve ≤ 2 s (seed) and ≤ 3 s.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_site import synthetic_content  # noqa: E402

BUILD = [sys.executable, str(ROOT / "build.py")]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
EDITED = "item-0005"


def clerk_env(**extra) -> dict:
    """The environment of a clerk's `python build.py`: Python writes and reuses its bytecode, as it does by default
    (a session or CI may set PYTHONDONTWRITEBYTECODE, which makes every process compile fugi from source again)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


class Run:
    """One `build.py` process: wall time, CPU time (user + system) and peak RSS of its largest process."""

    def __init__(self, workspace: Path, *args, cache: bool = True):
        env = clerk_env(FUGI_CACHE=str(workspace / "build" / "cache") if cache else "off")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([*BUILD, *args], cwd=workspace, env=env, capture_output=True, text=True)
        self.wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.rss_mb = after.ru_maxrss / 1024  # the largest child so far (kept from the first, biggest run)
        if done.returncode != 0:
            raise SystemExit(f"build.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        self.out = done.stdout


def edit_title(path: Path, mark: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^件名: (.*)$", lambda m: f"件名: {mark}{m.group(1)}", text, count=1, flags=re.M),
                    encoding="utf-8")


def median_run(ws: Path, marks, *args) -> Run:
    """One edit of the same item before each run: the run of median wall time (one run's figure varies by ±10 %)."""
    runs = []
    for mark in marks:
        edit_title(ws / "content" / "agendas" / f"{EDITED}.md", mark)
        runs.append(Run(ws, *args))
    return sorted(runs, key=lambda run: run.wall)[len(runs) // 2]


def line(label: str, seconds: float, target: float | None = None, extra: str = "") -> None:
    verdict = "" if target is None else ("  (target ≤ %g s: %s)" % (target, "met" if seconds <= target else "NOT met"))
    print(f"  {label:<60} {seconds:7.2f} s{extra}{verdict}")


def workspace_with(content: Path, parent: Path, name: str) -> Path:
    folder = parent / name
    shutil.copytree(content, folder / "content")
    return folder


def measure_builds(ws: Path, items: int, pdf: bool) -> dict:
    figures = {}
    cold = Run(ws, "--no-pdf")
    figures["cold"] = cold
    print(f"archive: {items} items — full default build (Word + site + search index, no PDF)")
    line("cold (empty cache)", cold.wall, 30 if items >= 1000 else None,
         f"  CPU {cold.cpu:.1f} s = {cold.cpu / cold.wall:.2f} cores, peak RSS {cold.rss_mb:,.0f} MB")
    if pdf:
        with_pdf = Run(ws)
        made = re.search(r"PDF: (\d+)", with_pdf.out)
        line("PDF conversion of every Word file (LibreOffice)", with_pdf.wall, None,
             f"  ({made.group(1) if made else '?'} PDFs in build/docx, the site's from the same cache)")
    unchanged = Run(ws, "--no-pdf")
    line("unchanged, again", unchanged.wall)
    check = Run(ws, "check")
    line("check, nothing changed", check.wall, 1.0)
    edit_title(ws / "content" / "agendas" / f"{EDITED}.md", "改")
    check_edit = Run(ws, "check")
    line("check after one edit", check_edit.wall, 1.5)
    fresh_folder = Run(ws, "docx", "--out", "word")
    line("one edit → `docx --out word` (a new folder: every file written)", fresh_folder.wall)
    docx = median_run(ws, ("甲", "乙", "丙"), "docx")
    line("one edit → `docx` (into build/docx, as a clerk runs it; median of 3 edits)", docx.wall, 1.0)
    one = median_run(ws, ("再", "又", "改"), "--no-pdf")
    line("one edit → whole default build (median of 3 edits)", one.wall, 10.0)
    edit_title(ws / "content" / "agendas" / f"{EDITED}.md", "又")
    full = Run(ws, "--no-pdf", cache=False)
    line("full rebuild without the cache (what one edit cost before)", full.wall)
    full_docx = Run(ws, "docx", "--out", "word", cache=False)
    full_check = Run(ws, "check", cache=False)
    print(f"  ratios, full rebuild / incremental: default build {full.wall / one.wall:.1f}×, "
          f"docx {full_docx.wall / docx.wall:.1f}×, check {full_check.wall / check_edit.wall:.1f}×")
    figures.update(one=one, check=check, check_edit=check_edit, docx=docx)
    return figures


def measure_serve(ws: Path, label: str, target: float, agenda: str) -> float:
    """Start `build.py serve`, open the item's page, save an edit; seconds until the page shows it."""
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    env = clerk_env(FUGI_CACHE=str(ws / "build" / "cache"), PYTHONUNBUFFERED="1")
    process = subprocess.Popen([*BUILD, "serve", "--port", "0"], cwd=ws, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        url, seen = None, []
        deadline = time.time() + 600
        while url is None and time.time() < deadline:
            output = process.stdout.readline()
            if not output:
                raise SystemExit("serve stopped:\n" + "".join(seen))
            seen.append(output)
            found = re.search(r"http://127\.0\.0\.1:\d+/", output)
            url = found.group(0) if found and "プレビュー" in output else None
        threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # keep the pipe drained
        word = ws / "build" / "preview-docx" / "agendas" / f"{agenda}.docx"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(url + f"agendas/{agenda}/")
            page.wait_for_timeout(1000)  # the live-reload script is polling
            before = word.stat().st_mtime_ns
            start = time.perf_counter()
            edit_title(ws / "content" / "agendas" / f"{agenda}.md", "保存")
            word_at = None
            while True:
                if word_at is None and word.stat().st_mtime_ns != before:
                    word_at = time.perf_counter() - start
                try:
                    if page.evaluate("() => document.querySelector('h1') && "
                                     "document.querySelector('h1').textContent.startsWith('保存')"):
                        break
                except PlaywrightError:  # the page is reloading
                    pass
                page.wait_for_timeout(20)
            shown = time.perf_counter() - start
            if word_at is None:
                page.wait_for_timeout(200)
                word_at = time.perf_counter() - start if word.stat().st_mtime_ns != before else float("nan")
            browser.close()
        line(f"serve, {label}: save → reloaded page shows it", shown, target)
        line(f"serve, {label}: save → its Word file rewritten", word_at, 1.0)
        return shown
    finally:
        process.terminate()
        process.wait(timeout=30)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="synthetic agenda items (default 1000)")
    parser.add_argument("--large", type=int, default=0, help="also build an archive of this many items (e.g. 5000)")
    parser.add_argument("--pdf", action="store_true", help="also time LibreOffice on every Word file")
    parser.add_argument("--no-serve", action="store_true", help="skip the browser measurements")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    with tempfile.TemporaryDirectory(prefix="fugi-bench-loop-") as tmp:
        tmp = Path(tmp)
        content = synthetic_content(tmp / "synthetic", args.items)
        ws = workspace_with(content, tmp, "loop")
        figures = measure_builds(ws, args.items, args.pdf)
        if not args.no_serve:
            seed = workspace_with(ROOT / "content", tmp, "seed")
            measure_serve(seed, "seed archive", 2.0, "aircon-josei")
            measure_serve(workspace_with(content, tmp, "serve"), f"{args.items} items", 3.0, EDITED)
        if args.large:
            large = synthetic_content(tmp / "large-content", args.large)
            big = Run(workspace_with(large, tmp, "large"), "--no-pdf")
            cold = figures["cold"]
            print(f"archive: {args.large} items — cold default build")
            line("cold (empty cache)", big.wall, None, f"  CPU {big.cpu:.1f} s, peak RSS {big.rss_mb:,.0f} MB")
            print(f"  growth {args.items} → {args.large} items ({args.large / args.items:.0f}× the items): "
                  f"time {big.wall / cold.wall:.1f}×, peak RSS {big.rss_mb / cold.rss_mb:.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
