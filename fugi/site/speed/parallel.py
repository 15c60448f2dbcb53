"""MkDocs on both cores: the pages an incremental build must render, split between this process and a forked one.

MkDocs renders one page after another.  In a dirty build (fugi.site.speed.incremental) a page is rendered only
when its output is missing, and how it comes out does not depend on which other pages were rendered in
the same run (the incremental build's byte-identity test rests on that too).  So when many pages must be
rendered (a cold build), a forked process renders three in five of them into a scratch folder while this
process renders the rest in place and copies the other files; its pages are then moved in.  A failure on either side fails the build.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from mkdocs.plugins import BasePlugin

from fugi.site.mkdocs_site import SiteFailure
from fugi.site.speed.share import SPLIT_THRESHOLD, ForkFailure, both, can_fork, split


class Share(BasePlugin):
    """Limits a dirty build to its share of the pages: `skip` are left to the other process; with `only`, this
    process renders just those pages and no theme file (the other process writes those)."""

    def __init__(self, skip: frozenset = frozenset(), only: frozenset | None = None):
        super().__init__()
        self.skip, self.only = skip, only

    def on_files(self, files, config):
        for file in files:
            page = file.is_documentation_page()
            if self.only is not None:
                file.is_modified = (lambda: True) if page and file.src_uri in self.only else (lambda: False)
            elif page and file.src_uri in self.skip:
                file.is_modified = lambda: False
        return files


def pending(docs: Path, built: Path, page_outputs) -> list[str]:
    """The Markdown files (relative to docs) whose page is not in `built`: what a dirty build renders."""
    return sorted(rel for rel in (p.relative_to(docs).as_posix() for p in Path(docs).rglob("*.md"))
                  if not all((Path(built) / out).is_file() for out in page_outputs(rel)))


def run_split(config, docs: Path, built: Path, run_mkdocs, page_outputs, jobs: int, work: Path | None = None) -> None:
    """run_mkdocs(config, dirty=True), the pending pages shared with a forked process when there are many; the
    forked side writes into a scratch folder under `work` (the build's, removed even after a killed build)."""
    todo = pending(docs, built, page_outputs)
    if not can_fork(jobs) or len(todo) < SPLIT_THRESHOLD:
        run_mkdocs(config, dirty=True)
        return
    forked = frozenset(split(todo)[0])  # this side also copies the theme's and the downloads' files, the sitemap
    with tempfile.TemporaryDirectory(prefix="fugi-pages-", dir=work or Path(built).parent) as scratch:
        def there():  # only its pages, into the scratch folder
            config["site_dir"] = scratch
            config.plugins["fugi-share"] = Share(only=forked)
            run_mkdocs(config, dirty=True)

        def here():
            config.plugins["fugi-share"] = Share(skip=forked)
            run_mkdocs(config, dirty=True)

        try:
            both(here, there)
        except ForkFailure as err:
            raise SiteFailure(f"MkDocs のビルドに失敗しました: {err}") from err
        for rel in sorted(forked):
            for out in page_outputs(rel):
                target = Path(built) / out
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(Path(scratch) / out, target)  # the scratch folder may be on another disk
