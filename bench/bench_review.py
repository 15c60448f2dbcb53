#!/usr/bin/env python3
"""Benchmark the secretariat's review: one item against a synthetic archive of N items (default 1,000).

    python bench/bench_review.py [--items 1000] [--item ID] [--keep DIR]

1. Generates the synthetic archive of bench/bench_site.py (the seed items varied, ~10 to a meeting over seven
   fiscal years, most of them decided) and adds the repository's data-item vocabulary.
2. Loads and checks it once, as every command does (timed, reported, not part of the target).
3. Reviews the heaviest item not yet decided (most checklists, then most information items) — its deviations with the precedent of every earlier decided item, its
   partners, the advice of similar meetings and the sensitivity of its information items — and prints the
   report as text and as Markdown.  Target: the review and its report in under 2 s.
The figures are printed; the exit status is 1 when the target is missed.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_site import synthetic_content  # noqa: E402
from fugi.pipeline import load_archive  # noqa: E402
from fugi.review.findings import pending, review  # noqa: E402
from fugi.review.report import md_report, text_report  # noqa: E402

TARGET_SECONDS = 2.0


def weight(agenda) -> tuple:
    """The heaviest item to review: most checklists (rows to compare), then most information items."""
    info = agenda.info_items
    names = len(info.numbered) + sum(len(g.items) for g in info.groups) if info else 0
    return (len(agenda.checklists), names, agenda.id)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="items in the synthetic archive (default 1000)")
    parser.add_argument("--item", default=None, help="the item to review (default: the heaviest one not yet decided)")
    parser.add_argument("--keep", type=Path, default=None, help="write the archive here and keep it")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="fugi-bench-review-"))
    content = (args.keep or tmp) / "content"
    try:
        start = time.perf_counter()
        synthetic_content(content, args.items)
        shutil.copytree(ROOT / "content" / "vocabulary", content / "vocabulary")
        generated = time.perf_counter() - start

        start = time.perf_counter()
        archive, problems = load_archive(content)
        loaded = time.perf_counter() - start
        if problems.errors:
            for problem in problems.errors[:10]:
                print(problem)
            print(f"the synthetic archive has {len(problems.errors)} errors", file=sys.stderr)
            return 1
        item = args.item or max(pending(archive), key=weight).id

        start = time.perf_counter()
        reviews = review(archive, [item])
        text = text_report(reviews, archive.forms)
        md = md_report(reviews, archive.forms)
        took = time.perf_counter() - start
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)

    r = reviews[0]
    decided = sum(1 for a in archive.agendas if a.status == "decided")
    print(f"archive: {len(archive.agendas)} items ({decided} decided), {len(archive.meetings)} meetings "
          f"(generated in {generated:.1f} s)")
    print(f"load + validate + cross-check: {loaded:.2f} s (every command pays this; not part of the target)")
    print(f"review of {item}: {took:.3f} s for {len(r.deviations)} deviations against {r.compared} earlier items, "
          f"{len(r.partners)} partners, {len(r.advice)} meetings' advice, "
          f"{len(r.sensitivity.items) if r.sensitivity else 0} information items "
          f"({len(text):,} characters of text, {len(md):,} of Markdown)")
    ok = took <= TARGET_SECONDS
    print(f"target: review of one item under {TARGET_SECONDS:.0f} s — {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
