"""The one pipeline: load → validate → cross-check → render, writing nothing when content has errors."""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .checks import cross_check
from .load import load_tree
from .problems import ContentError, Problems
from .validate import validate


def load_archive(content: Path):
    """Load, validate and cross-check everything under content/; returns (Archive, Problems)."""
    problems = Problems()
    content = Path(content)
    agendas, meetings, catalog = load_tree(content, problems)
    archive = validate(agendas, meetings, catalog, problems, content)
    cross_check(archive, problems)
    return archive, problems


def checked_archive(content: Path, strict: bool = False, report=print):
    """The archive, after printing every problem; raises ContentError when it must not be rendered."""
    archive, problems = load_archive(content)
    for problem in problems.sorted():
        report(str(problem))
    if problems.errors or (strict and problems.warnings):
        raise ContentError(problems)
    return archive


@contextmanager
def replacing(target: Path):
    """Yield a fresh staging folder that replaces `target` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; outputs are for the whole office
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def build(content: Path, docx_out: Path | None = None, site_out: Path | None = None, pdf: bool = False,
          strict: bool = False, report=print) -> dict:
    """Run the whole pipeline; render only the views asked for. Returns what was written."""
    archive = checked_archive(content, strict, report)
    written = {}
    if docx_out is not None:
        from .render_docx import write_documents

        with replacing(docx_out) as staging:
            written["docx"] = write_documents(archive, staging, Path(content), pdf=pdf)
    if site_out is not None:
        from .render_site import write_site

        with replacing(site_out) as staging:
            written["site"] = write_site(archive, staging, Path(content), docx_dir=docx_out)
    return written
