#!/usr/bin/env python3
"""Time fugi's Word output of the largest seed against pandoc on the same content as plain Markdown.

    python bench/bench_docx.py [-n 20]

The agenda item of seed 003 (content/agendas/kaigo-hoken-hyojunka.md: four sheets, 163 numbered items,
three checklists) is built N times by fugi (template → .docx bytes → file), and the same content,
written out as plain Markdown (headings, pipe tables, paragraphs), is converted N times by pandoc
(PyPI `pypandoc-binary`; pandoc is a separate process, started once per document as a build would).
Both sides get one warm-up run that is not counted (fugi loads and compiles its template there).
Target: fugi takes at most one fifth of pandoc's time per document.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fugi.pipeline import load_archive  # noqa: E402
from fugi.word.render_docx import agenda_docx, numbered_rows  # noqa: E402
from fugi.views.printed import agenda_view, labels as form_labels  # noqa: E402

AGENDA = "kaigo-hoken-hyojunka"
TARGET = 0.2


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def pipe_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def plain_markdown(agenda, forms) -> str:
    """The agenda item as a clerk might write it in one plain Markdown file (what pandoc gets), from the view."""
    view, labels = agenda_view(agenda, forms), form_labels(forms)
    overview = [[label, " ".join(lines)] for label, lines in view.overview_rows]
    out = [view.number_text, "", f"# {labels.cover_title}", "", pipe_table([labels.title, view.title], []), "",
           "内容は別紙のとおり", "", labels.basis, "", view.basis_text, "", view.departments_text, "",
           f"# {labels.overview}", "", pipe_table(overview[0], overview[1:]), "", labels.body, "", view.body, ""]
    for sheet in view.sheets:
        rows = [[label, " ".join(lines)] for label, lines in sheet.rows]
        out += [f"# {labels.sheet_title} {sheet.title}", "", pipe_table(rows[0], rows[1:]), ""]
    if view.flow:
        out += [view.flow.number_text, "", f"# {view.flow.title}", ""]
    if view.info:
        out += [view.info.number_text, ""]
        rows = [[v for pair in row for v in (pair["n"], pair["name"])] for row in numbered_rows(view.info.numbered, 4)]
        out += [pipe_table([view.info.title] + [""] * 7, rows), ""]
    for checklist in view.checklists:
        for half in checklist.halves:
            out += [f"# {checklist.heading}", "", checklist.subtitle, ""]
            rows = [[group.label if i == 0 else "", row.mark, row.text]
                    for group in half.groups for i, row in enumerate(group.rows)]
            out += [pipe_table(["", half.legend, checklist.column], rows), ""]
    return "\n".join(out) + "\n"


def timed(function, runs: int) -> list[float]:
    function()  # warm-up, not counted
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=20, help="documents per tool (default 20)")
    args = parser.parse_args(argv)
    import pypandoc

    content = ROOT / "content"
    archive, problems = load_archive(content)
    if problems.errors:
        print("\n".join(map(str, problems.errors)))
        return 1
    agenda = next(a for a in archive.agendas if a.id == AGENDA)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    markdown = plain_markdown(agenda, archive.forms)
    (out / f"{AGENDA}.md").write_text(markdown, encoding="utf-8")

    start = time.perf_counter()
    first = agenda_docx(agenda, archive.forms, content)
    cold = time.perf_counter() - start
    fugi_times = timed(lambda: (out / f"{AGENDA}.fugi.docx").write_bytes(agenda_docx(agenda, archive.forms, content)), args.runs)
    pandoc_times = timed(lambda: pypandoc.convert_text(markdown, "docx", format="md",
                                                       outputfile=str(out / f"{AGENDA}.pandoc.docx")), args.runs)

    fugi_ms, pandoc_ms = statistics.median(fugi_times) * 1000, statistics.median(pandoc_times) * 1000
    ratio = fugi_ms / pandoc_ms
    print(f"document: content/agendas/{AGENDA}.md (seed 003), {len(first):,} bytes of .docx; "
          f"Markdown for pandoc {len(markdown):,} characters")
    print(f"runs: {args.runs} per tool, after one warm-up each (fugi's first build incl. template load: {cold * 1000:.1f} ms)")
    print(f"fugi   per document: median {fugi_ms:7.1f} ms  mean {statistics.mean(fugi_times) * 1000:7.1f} ms  "
          f"min {min(fugi_times) * 1000:7.1f} ms")
    print(f"pandoc per document: median {pandoc_ms:7.1f} ms  mean {statistics.mean(pandoc_times) * 1000:7.1f} ms  "
          f"min {min(pandoc_times) * 1000:7.1f} ms  (pandoc {pypandoc.get_pandoc_version()})")
    print(f"ratio fugi/pandoc: {ratio:.3f}  (target ≤ {TARGET}: {'met' if ratio <= TARGET else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
