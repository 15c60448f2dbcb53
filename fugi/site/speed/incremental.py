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
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fugi import model as m
from fugi.build.cache import (folder_intact, manifest_path, notice_bad, seal, seal_folder, unlink_links, unseal,
                              value_bytes)
from fugi.build.keys import page_key, search_key, site_key as site_pages_key
from fugi.word.docx_files import write_bytes_atomic
from fugi.build.jobs import jobs
from fugi.build.outputs import locked, memory_scratch
from fugi.site.mkdocs_site import (CONFIG_FILE, apply_settings, finish_sitemap, mkdocs_config, pagefind_stamp, run_mkdocs,
                    run_pagefind, site_settings)
from fugi.site.pages import generate_docs
from fugi.site.speed.parallel import run_split
from fugi.site.speed.stash import Stash, StashPlugin

_DIRTY_WARNING = "A 'dirty' build is being performed"


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns about every dirty build, which strict mode would count as a failure."""

    def filter(self, record):
        return _DIRTY_WARNING not in record.getMessage()


def site_key(archive: m.Archive, config_file: Path = CONFIG_FILE, scope: str = "public", templates=None) -> str:
    """What every page of the site depends on besides its own Markdown (templates: the build's
    fugi.resources.Templates — the council's site templates and theme files count; the shipped set when not given)."""
    from fugi.resources import Templates

    from mkdocs.config.defaults import MkDocsConfig

    extra = MkDocsConfig()
    extra.extra = {}
    apply_settings(extra, archive)
    settings = json.dumps([site_settings(archive), extra.extra.get("fugi_search")], ensure_ascii=False, sort_keys=True)
    return site_pages_key(Path(config_file).read_bytes(), templates or Templates(), settings, scope)


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


class PageMemo:
    """Rendered pages kept in base/pages by a digest of (template, place, context, the labels every page gets):
    a page whose inputs are those of an earlier build is not rendered again.  The site key of `base` covers
    fugi's code and the templates; entries no page used in a full build are removed after it."""

    def __init__(self, folder: Path):
        self.folder, self.used = Path(folder), set()

    @staticmethod
    def fingerprint(value) -> bytes | None:
        """The bytes a page's inputs are known by (fugi.build.cache.value_bytes); None: rendered every time."""
        return value_bytes(value)

    def bytecode_cache(self):
        """Jinja's compiled templates, kept beside the pages (a template's entry is checked against its source, and
        its seal against the cache's key: compiled code is run)."""
        folder = self.folder.parent / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        return SealedBytecodeCache(folder)

    def key(self, shared: bytes, rel: str, template: str, context: dict) -> str | None:
        data = self.fingerprint(context)
        return page_key(shared, rel, template, data) if data is not None else None

    def get(self, key: str) -> str | None:
        data = self.get_data(key)
        try:
            return data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:  # sealed by this machine yet not text: rendered again
            return None

    def put(self, key: str, page: str) -> None:
        self.put_data(key, page.encode("utf-8"))

    def get_data(self, key: str) -> bytes | None:
        """A page's entry once its seal is checked (fugi.build.cache.unseal); a bad one is deleted and made again."""
        self.used.add(key)
        path = self.folder / key[:2] / key
        try:
            stored = path.read_bytes()
        except OSError:
            return None
        data = unseal(stored)
        if data is None:
            notice_bad(path)
            path.unlink(missing_ok=True)
        return data

    def put_data(self, key: str, data: bytes) -> None:
        write_bytes_atomic(self.folder / key[:2] / key, seal(data))

    def prune(self) -> None:
        for path in self.folder.glob("*/*"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)


class SealedBytecodeCache:
    """Jinja's bytecode cache with sealed entries: compiled templates are code, so an entry is loaded only when its
    seal checks out (jinja2.FileSystemBytecodeCache would unmarshal whatever file it finds)."""

    def __new__(cls, folder: Path):
        import jinja2

        class Sealed(jinja2.BytecodeCache):
            def load_bytecode(self, bucket):
                path = Path(folder) / f"{bucket.key}.sealed"
                try:
                    stored = path.read_bytes()
                except OSError:
                    return
                data = unseal(stored)
                if data is None:
                    notice_bad(path)
                    path.unlink(missing_ok=True)
                    return
                bucket.bytecode_from_string(data)

            def dump_bytecode(self, bucket):
                write_bytes_atomic(Path(folder) / f"{bucket.key}.sealed", seal(bucket.bytecode_to_string()))

        return Sealed()


class ThemeBytecode:
    """The MkDocs event that gives the theme's templates (Material's and templates/site/overrides) the bytecode
    cache of fugi's own: MkDocs compiles them again in every build otherwise."""

    def __init__(self, cache):
        self.cache = cache

    def on_env(self, env, config=None, files=None):
        env.bytecode_cache = self.cache
        return env


def build_pages(archive: m.Archive, out_dir: Path | None, content_root: Path, base: Path, *,
                files: dict | None = None, work: Path | None = None, scope: str = "public",
                config_file: Path = CONFIG_FILE, generate=generate_docs, partial: bool = False,
                alongside=None, reuse=None, key: str | None = None, made: dict | None = None,
                templates=None) -> int | None:
    """The MkDocs site (without its search index) built in base/site, re-rendering only changed pages, and copied
    into out_dir when given; returns how many generated files changed since the last build in `base` (None for a
    partial build with nothing kept to add to).
    alongside(built site): run in a thread while the site is copied (the search index is made meanwhile).

    base/key records what the kept pages depend on besides themselves (site_key, or `key` when the caller made it);
    when it differs, base starts empty.  made: what the build made already, passed to `generate` (generate_docs).
    templates (fugi.resources.Templates): the council's templates/ over the shipped ones (else content_root's)."""
    from fugi.resources import Templates

    base = Path(base)
    kept, built, key_file = base / "docs", base / "site", base / "key"
    templates = templates or (made["keys"].templates if made and "keys" in made else Templates.of(content_root))
    key = key or site_key(archive, config_file, scope, templates)
    base.mkdir(parents=True, exist_ok=True)
    with locked([base]):
        if unlink_links(base) or (key_file.is_file() and not folder_intact(built)):  # changed, cut off or added
            notice_bad(built)
            key_file.unlink(missing_ok=True)
        if not key_file.is_file() or key_file.read_bytes() != key.encode("utf-8"):
            for folder in (kept, built, base / "pages"):  # the rendered pages too: a template may have changed
                shutil.rmtree(folder, ignore_errors=True)
            key_file.unlink(missing_ok=True)
        if partial and not key_file.is_file():
            return None  # nothing kept to add to: the full build that follows makes everything
        kept.mkdir(exist_ok=True)
        built.mkdir(exist_ok=True)
        with memory_scratch("docs", work) as tmp:  # written and compared again on every build: in memory
            fresh = Path(tmp) / "docs"
            fresh.mkdir()
            config = mkdocs_config(kept, built, archive, "pagefind", config_file, templates)
            stash = Stash()
            config.plugins["fugi-stash"] = StashPlugin(stash)
            memo = PageMemo(base / "pages")
            config.plugins["fugi-bytecode"] = ThemeBytecode(memo.bytecode_cache())
            generate(archive, fresh, Path(content_root), None, site_url=config.site_url or "",
                     site_name=config.site_name, stash=stash, files=files, memo=memo, templates=templates, **(made or {}))
            if not partial:
                memo.prune()
            fresh_build = not key_file.is_file()
            key_file.unlink(missing_ok=True)  # back only after MkDocs succeeded: a failed build starts over next time
            changed = sync(fresh, kept, built, partial)
        if changed or fresh_build:
            quiet = _DropDirtyWarning()
            logger = logging.getLogger("mkdocs.commands.build")
            logger.addFilter(quiet)
            try:
                run_split(config, kept, built, run_mkdocs, page_outputs, jobs(), work)
            finally:
                logger.removeFilter(quiet)
        if changed or fresh_build:  # else the folder is the one its manifest was checked against above
            seal_folder(built)
        key_file.write_text(key, encoding="utf-8")
        with ThreadPoolExecutor(1) as side:
            job = side.submit(alongside, built) if alongside is not None else None
            if out_dir is not None and reuse is not None:
                reuse.copy_tree(built, out_dir)  # the pages the current site holds as they are: linked, not copied
            elif out_dir is not None:
                shutil.copytree(built, out_dir, dirs_exist_ok=True)
            if job is not None:
                job.result()
    return changed


def write_site(archive: m.Archive, out_dir: Path, content_root: Path, cache_root: Path, *, files: dict | None = None,
               work: Path | None = None, reuse=None, made: dict | None = None) -> list[Path]:
    """The public site into out_dir (an empty staging folder), pages re-rendered only where they changed, then the
    search index of every page; returns the written files, relative to out_dir.
    made: what the build made already (fugi.site.pages.generate_docs: public, views, keys), passed down."""
    from fugi.resources import Templates

    out_dir = Path(out_dir).resolve()
    templates = made["keys"].templates if made and "keys" in made else Templates.of(content_root)
    key = site_key(archive, templates=templates)
    base = Path(cache_root) / "site" / key
    # the pages are indexed where they were built while they are copied: Pagefind and the copy overlap
    build_pages(archive, out_dir, content_root, base, files=files, work=work, reuse=reuse, key=key, made=made,
                templates=templates,
                alongside=lambda built: index_pages(built, Path(cache_root), out_dir / "pagefind", reuse, work))
    finish_sitemap(out_dir, site_settings(archive).get("site_url", ""))
    return sorted(p.relative_to(out_dir) for p in out_dir.rglob("*") if p.is_file())


def index_pages(site: Path, cache_root: Path, bundle: Path | None = None, reuse=None, work: Path | None = None) -> None:
    """Pagefind's bundle for the site's pages, into `bundle` (default site/pagefind): the one kept in the cache when
    no page changed, else made there (fugi.site.speed.search_index: Pagefind reads only the pages whose HTML is new; the
    files the last kept bundle holds under the same content-hash names are linked from it, not written again).
    reuse (fugi.build.reuse.Reuse, of the site `bundle` is in): the bundle's files are linked from the current site
    where they stay the same."""
    bundle = Path(bundle) if bundle is not None else Path(site) / "pagefind"
    html = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}
    key = search_key(pagefind_stamp(), html)
    folder = Path(cache_root) / "pagefind"
    kept = folder / key[:20]
    if kept.is_dir() and not folder_intact(kept):  # changed or cut off in the cache: never published
        notice_bad(kept)
        shutil.rmtree(kept, ignore_errors=True)
    if not (kept / "pagefind-entry.json").is_file():
        # only a bundle that was renamed into place and whose files are those it was sealed with is whole
        previous = [p for p in folder.iterdir() if p.is_dir() and not p.name.endswith(".tmp")
                    and (p / "pagefind-entry.json").is_file()] if folder.is_dir() else []
        previous = [p for p in previous[:1] if folder_intact(p)]
        tmp = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        run_pagefind(site, tmp, Path(cache_root), work, previous[0] if previous else None, html)
        shutil.rmtree(kept, ignore_errors=True)
        tmp.rename(kept)
        seal_folder(kept)  # a build killed before this leaves a bundle that is not intact: made again
        for other in folder.iterdir():
            if other.is_dir() and other != kept:
                shutil.rmtree(other, ignore_errors=True)  # one bundle kept: the latest
            elif other.name.endswith(".sealed") and other != manifest_path(kept):
                other.unlink(missing_ok=True)
    if reuse is not None:
        reuse.copy_tree(kept, bundle.parent, bundle.name)  # the bundle sits at the top of the staged site
    else:
        shutil.copytree(kept, bundle)
