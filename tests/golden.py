"""Golden outlines of the Word documents built from content/ (the five seeds).

Regenerate them after an intended change to the templates, the renderer or the content:

    python -m tests.golden

(run from the repository root), then review `git diff tests/golden/` — the outline shows paragraph
styles and text, tables as rows of cells with merged cells marked (see fugi/word/docx_outline.py).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def golden_name(docx: Path) -> str:
    """build/docx/agendas/kyoju-support-system.docx -> agendas-kyoju-support-system.txt"""
    return f"{docx.parent.name}-{docx.stem}.txt"


def build(out_dir: Path) -> list[Path]:
    from fugi.pipeline import load_archive
    from fugi.build.documents import write_documents

    archive, problems = load_archive(CONTENT)
    if problems.errors:
        raise SystemExit("\n".join(str(p) for p in problems.errors))
    return [p for p in write_documents(archive, out_dir, CONTENT) if p.suffix == ".docx"]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from fugi.word.docx_outline import outline

    GOLDEN_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        documents = build(Path(tmp))
        names = set()
        for docx in documents:
            name = golden_name(docx)
            names.add(name)
            (GOLDEN_DIR / name).write_text(outline(docx), encoding="utf-8")
            print(f"wrote tests/golden/{name}")
    for stale in sorted(set(p.name for p in GOLDEN_DIR.glob("*.txt")) - names):
        (GOLDEN_DIR / stale).unlink()
        print(f"removed tests/golden/{stale}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
