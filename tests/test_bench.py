"""Every benchmark under bench/ runs on a small archive and prints its figures and its ratio to the tool a user
would otherwise use: a smoke run, so that a benchmark broken by a change fails here and not months later."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
needs_chromium = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian の chromium がありません")
needs_soffice = pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                                   reason="LibreOffice がありません")


def bench(script: str, *args: str, timeout: int = 900) -> str:
    env = {key: value for key, value in os.environ.items() if key != "FUGI_CACHE"}  # each bench has its own cache
    done = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_every_script_under_bench_has_a_smoke_run():
    scripts = sorted(p.name for p in BENCH.glob("bench_*.py"))
    here = ["bench_docx.py", "bench_import.py", "bench_loop.py", "bench_pages.py", "bench_site.py"]
    assert scripts == sorted(here + ["bench_review.py"])
    assert (REPO / "tests" / "test_bench_review.py").is_file()  # bench_review.py's smoke run


def test_bench_import_of_word_files():
    out = bench("bench_import.py", "--items", "12", "--jobs", "2")
    assert "synthetic archive: 12 agenda items" in out
    assert re.search(r"import: 12 Word files in [0-9.]+ s with 2 process\(es\): [0-9.]+ files/s", out), out
    assert "round trip (Word):" in out and "(100.00%); items with a difference: 0" in out, out


def test_bench_docx_against_pandoc():
    out = bench("bench_docx.py", "-n", "2")
    assert "fugi   per document: median" in out and "pandoc per document: median" in out
    assert "ratio fugi/pandoc:" in out


@pytest.mark.slow
@needs_chromium
def test_bench_site_against_the_themes_search():
    out = bench("bench_site.py", "--items", "20", "--repeat", "1", "--query", "エアコン", "--query", "富士通")
    assert "synthetic archive: 20 agenda items" in out
    assert "Pagefind, median of the queries:" in out
    assert "Material / Pagefind:" in out and "queries with results: Pagefind 2/2" in out
    assert "Pagefind recall:" in out and "(100 %;" in out


@pytest.mark.slow
@needs_chromium
def test_bench_pages_weighs_every_list_page():
    out = bench("bench_pages.py", "--items", "20")
    assert "synthetic archive: 20 agenda items" in out
    for name in ("/agendas/", "/meetings/", "/browse/category/", "/browse/department/", "/browse/partner/",
                 "/browse/year/"):
        assert re.search(rf"  {re.escape(name)} +\d+ +[0-9.]+ KB +[0-9.]+ +[0-9.]+ KB +[0-9.]+ scr  yes", out), (name, out)
    assert "pages over a target: 0" in out


@pytest.mark.slow
@needs_chromium
@needs_soffice
def test_bench_loop_against_a_full_rebuild():
    out = bench("bench_loop.py", "--items", "10", "--pdf", "--large", "20")
    for label in ("cold (empty cache)", "PDF conversion of every Word file", "check, nothing changed",
                  "check after one edit", "one edit → `docx`", "one edit → `docx --out word`",
                  "one edit → whole default build",
                  "ratios, full rebuild / incremental: default build", "serve, seed archive: save → reloaded page",
                  "serve, 10 items: save → its Word file rewritten", "growth 10 → 20 items"):
        assert label in out, label
    assert "nan s" not in out
