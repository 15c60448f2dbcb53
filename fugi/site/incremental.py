"""Incremental site builds: the generated pages and MkDocs' output kept in the cache; MkDocs re-renders only the
pages whose Markdown changed (its `dirty` build), and what a deleted item left behind is removed.

The kept folders sit under <cache>/site/<key>, where the key covers fugi's code, mkdocs.yml, the site
templates and the settings the forms give the site (a change to any of them starts from empty folders,
i.e. a clean MkDocs build).  Every page is still generated from the archive on every build (cheap);
a generated file is written into the kept docs only when its bytes differ, and the pages it produced
are deleted first, so MkDocs re-renders exactly those.  Pages list the items they link to, so an edit
that changes a title changes the lists too, and they are re-rendered as well.
"""
from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path

from .. import model as m
from ..cache import code_digest, digest, tree_digest
from ..outputs import locked
from .build import CONFIG_FILE, apply_settings, finish_sitemap, mkdocs_config, pagefind_binary, run_mkdocs, run_pagefind, site_settings
from .pages import TEMPLATES, generate_docs
from .stash import Stash, StashPlugin

_DIRTY_WARNING = "A 'dirty' build is being performed"


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns about every dirty build, which strict mode would count as a failure."""

    def filter(self, record):
        return _DIRTY_WARNING not in record.getMessage()


def site_key(archive: m.Archive, config_file: Path = CONFIG_FILE, scope: str = "public") -> str:
    """What every page of the site depends on besides its own Markdown."""
    from mkdocs.config.defaults import MkDocsConfig

    extra = MkDocsConfig()
    extra.extra = {}
    apply_settings(extra, archive)
    settings = json.dumps([site_settings(archive), extra.extra.get("fugi_search")], ensure_ascii=False, sort_keys=True)
    return digest(code_digest(), Path(config_file).read_bytes(), tree_digest(TEMPLATES), settings, scope)[:20]


def page_outputs(rel: str) -> list[str]:
    """What MkDocs makes of a docs file (use_directory_urls): a.md -> a/index.html, index.md -> index.html."""
    path = Path(rel)
    if path.suffix != ".md":
        return [rel]
    if path.name == "index.md":
        return [(path.parent / "index.html").as_posix()]
    return [(path.parent / path.stem / "index.html").as_posix()]


def sync(fresh: Path, kept: Path, built: Path, partial: bool = False) -> int:
    """Make `kept` equal to `fresh`, touching only files whose bytes differ; delete their outputs in `built`.
    partial=True: `fresh` holds some of the files only; nothing else is deleted."""
    fresh_files = {p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file()}
    kept_files = {p.relative_to(kept).as_posix() for p in kept.rglob("*") if p.is_file()} if kept.is_dir() else set()
    changed = 0
    for rel in sorted(kept_files - fresh_files if not partial else ()):
        (kept / rel).unlink()
        _remove_outputs(built, rel)
        changed += 1
    for rel in sorted(fresh_files):
        data = (fresh / rel).read_bytes()
        target = kept / rel
        if rel in kept_files and target.read_bytes() == data:
            continue
        _remove_outputs(built, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed += 1
    for folder in sorted((p for p in built.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()  # a deleted item's page folder
    return changed


def _remove_outputs(built: Path, rel: str) -> None:
    for out in page_outputs(rel):
        (built / out).unlink(missing_ok=True)


def build_pages(archive: m.Archive, out_dir: Path | None, content_root: Path, base: Path, *,
                files: dict | None = None, work: Path | None = None, scope: str = "public",
                config_file: Path = CONFIG_FILE, generate=generate_docs, partial: bool = False) -> int:
    """The MkDocs site (without its search index) built in base/site, re-rendering only changed pages, and copied
    into out_dir when given; returns how many generated files changed since the last build in `base`.

    base/key records what the kept pages depend on besides themselves; when it differs, base starts empty."""
    base = Path(base)
    kept, built, key_file = base / "docs", base / "site", base / "key"
    key = site_key(archive, config_file, scope)
    base.mkdir(parents=True, exist_ok=True)
    with locked([base]):
        if not key_file.is_file() or key_file.read_text(encoding="utf-8") != key:
            shutil.rmtree(kept, ignore_errors=True)
            shutil.rmtree(built, ignore_errors=True)
            key_file.unlink(missing_ok=True)
        if partial and not key_file.is_file():
            return 0  # nothing kept to add to: the full build that follows makes everything
        kept.mkdir(exist_ok=True)
        built.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="fugi-docs-", dir=work) as tmp:
            fresh = Path(tmp) / "docs"
            fresh.mkdir()
            config = mkdocs_config(kept, built, archive, "pagefind", config_file)
            stash = Stash()
            config.plugins["fugi-stash"] = StashPlugin(stash)
            generate(archive, fresh, Path(content_root), None, site_url=config.site_url or "",
                     site_name=config.site_name, stash=stash, files=files)
            fresh_build = not key_file.is_file()
            key_file.unlink(missing_ok=True)  # back only after MkDocs succeeded: a failed build starts over next time
            changed = sync(fresh, kept, built, partial)
        if changed or fresh_build:
            quiet = _DropDirtyWarning()
            logger = logging.getLogger("mkdocs.commands.build")
            logger.addFilter(quiet)
            try:
                run_mkdocs(config, dirty=True)
            finally:
                logger.removeFilter(quiet)
        key_file.write_text(key, encoding="utf-8")
        if out_dir is not None:
            shutil.copytree(built, out_dir, dirs_exist_ok=True)
    return changed


def write_site(archive: m.Archive, out_dir: Path, content_root: Path, cache_root: Path, *, files: dict | None = None,
               work: Path | None = None) -> list[Path]:
    """The public site into out_dir (an empty staging folder), pages re-rendered only where they changed, then the
    search index of every page; returns the written files, relative to out_dir."""
    out_dir = Path(out_dir).resolve()
    base = Path(cache_root) / "site" / site_key(archive)
    build_pages(archive, out_dir, content_root, base, files=files, work=work)
    finish_sitemap(out_dir, site_settings(archive).get("site_url", ""))
    index_pages(out_dir, Path(cache_root))
    return sorted(p.relative_to(out_dir) for p in out_dir.rglob("*") if p.is_file())


def index_pages(site: Path, cache_root: Path) -> None:
    """Pagefind's bundle for the site's pages: taken from the cache when no page changed, else made and kept."""
    pages = sorted(p for p in site.rglob("*.html"))
    key = digest(str(pagefind_binary()), code_digest(), [(p.relative_to(site).as_posix(), p.read_bytes()) for p in pages])
    kept = Path(cache_root) / "pagefind" / key[:20]
    if (kept / "pagefind-entry.json").is_file():
        shutil.copytree(kept, site / "pagefind")
        return
    run_pagefind(site)
    shutil.rmtree(Path(cache_root) / "pagefind", ignore_errors=True)  # one bundle kept: the latest
    tmp = kept.with_name(kept.name + ".tmp")
    shutil.copytree(site / "pagefind", tmp)
    tmp.rename(kept)
