#!/usr/bin/env python3
"""Time `build.py import` on the Word files of a synthetic archive and check that they come back the same.

    python bench/bench_import.py [--items 1000] [--jobs N]

1. Generates the synthetic archive of bench/bench_site.py (N agenda items varied from the seed items, ~N/10
   meetings) and builds every item's Word file with fugi (in parallel, not timed).
2. Imports the N Word files into an empty archive (the stock forms, checklists and vocabulary) with a pool of
   --jobs processes (default: every core this process may use), timed: files per second.
3. Compares every imported item with the file it was built from, field by field (spaces and width folded;
   状態 and 公開 left out: the Word form does not print them).
4. With --pdf N: converts N of the Word files (evenly spread) to PDF with LibreOffice and imports those too
   (PDF files per second, and the share of fields equal).
Targets (issue 27): 1,000 Word files in at most 60 s on this 2-core machine with 100 % of the fields equal;
PDFs ≥ 99 % of the fields equal.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_site import synthetic_content  # noqa: E402
from fugi.importer.run import run_import  # noqa: E402
from fugi.pipeline import load_archive  # noqa: E402
from fugi.word.render_docx import agenda_docx  # noqa: E402

TARGET_SECONDS_PER_1000 = 60.0
NOT_PRINTED = ("状態", "公開")
_JOB: dict = {}


def _render(index: int) -> tuple:
    agenda = _JOB["agendas"][index]
    return agenda.id, agenda_docx(agenda, _JOB["forms"], _JOB["content"])


def word_files(content: Path, out: Path, jobs: int) -> int:
    archive, problems = load_archive(content)
    assert not problems.errors, [str(p) for p in problems.errors[:5]]
    _JOB.update(agendas=sorted(archive.agendas, key=lambda a: a.id), forms=archive.forms, content=content)
    with ProcessPoolExecutor(max_workers=jobs) as pool:  # forked: the workers share the loaded archive
        for ident, data in pool.map(_render, range(len(_JOB["agendas"])), chunksize=8):
            (out / f"{ident}.docx").write_bytes(data)
    return len(_JOB["agendas"])


def fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def flat(value, path="") -> dict:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in flat(item, f"{path}.{key}" if path else str(key)).items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in flat(item, f"{path}[{i}]").items()}
    return {path: fold(str(value))}


def fields(path: Path) -> dict:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(front)
    out = flat({k: v for k, v in meta.items() if k not in NOT_PRINTED})
    for index, block in enumerate(b for b in re.split(r"\n\s*\n", body.strip()) if b.strip()):
        out[f"本文[{index}]"] = fold(block)
    return out


def compare(source: Path, target: Path, paths: list, label: str) -> None:
    equal = total = differing_items = 0
    first = []
    for path in paths:
        expected, got = fields(path), fields(target / "agendas" / path.name)
        keys = set(expected) | set(got)
        differ = [k for k in sorted(keys) if expected.get(k) != got.get(k)]
        equal, total = equal + len(keys) - len(differ), total + len(keys)
        if differ:
            differing_items += 1
            first += [f"  {path.stem}: {k}" for k in differ[:3]]
    print(f"{label}: {equal}/{total} fields equal ({equal / total:.2%}); items with a difference: {differing_items}")
    for line in first[:10]:
        print(line)


def pdf_round_trip(source: Path, docx: Path, tmp: Path, count: int, jobs: int) -> None:
    every = sorted(docx.glob("*.docx"))
    chosen = every[:: max(1, len(every) // count)][:count]
    pdfs = tmp / "pdf"
    pdfs.mkdir()
    start = time.perf_counter()
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp / 'lo'}",
                    "--convert-to", "pdf", "--outdir", str(pdfs), *map(str, chosen)], capture_output=True, check=True)
    print(f"PDF: {len(chosen)} Word files converted by LibreOffice in {time.perf_counter() - start:.1f} s")
    target = tmp / "target-pdf"
    target.mkdir()
    shutil.copy(source / "forms.yml", target / "forms.yml")
    shutil.copytree(source / "checklists", target / "checklists")
    lines: list = []
    start = time.perf_counter()
    code = run_import([str(pdfs)], target, report=lines.append, jobs=jobs)
    seconds = time.perf_counter() - start
    assert code == 0, "\n".join(lines[-20:])
    print(f"import: {len(chosen)} PDF files in {seconds:.1f} s: {len(chosen) / seconds:.1f} files/s")
    compare(source, target, [source / "agendas" / f"{p.stem}.md" for p in chosen], "round trip (PDF)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="agenda items of the synthetic archive (default 1000)")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    parser.add_argument("--jobs", type=int, default=cores, help=f"import processes (default {cores}: every core)")
    parser.add_argument("--pdf", type=int, default=0, metavar="N", help="also import N of the items as PDF (LibreOffice)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fugi-bench-import-") as tmp:
        tmp = Path(tmp)
        source = synthetic_content(tmp / "source", args.items)
        docx = tmp / "docx"
        docx.mkdir()
        start = time.perf_counter()
        count = word_files(source, docx, args.jobs)
        print(f"synthetic archive: {count} agenda items; their Word files built in {time.perf_counter() - start:.1f} s")
        target = tmp / "target"
        target.mkdir()
        shutil.copy(source / "forms.yml", target / "forms.yml")
        shutil.copytree(source / "checklists", target / "checklists")
        lines: list = []
        start = time.perf_counter()
        code = run_import([str(docx)], target, report=lines.append, jobs=args.jobs)
        seconds = time.perf_counter() - start
        assert code == 0, "\n".join(lines[-20:])
        rate = count / seconds
        print(f"import: {count} Word files in {seconds:.1f} s with {args.jobs} process(es): {rate:.1f} files/s "
              f"(1,000 files: {1000 / rate:.1f} s, target ≤ {TARGET_SECONDS_PER_1000:.0f} s)")
        compare(source, target, sorted((source / "agendas").glob("*.md")), "round trip (Word)")
        if args.pdf:
            pdf_round_trip(source, docx, tmp, args.pdf, args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
