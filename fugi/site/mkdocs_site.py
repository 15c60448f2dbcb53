"""Building the site: the generated pages through MkDocs Material (mkdocs.yml), then the Pagefind index."""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from markupsafe import escape

from fugi import model as m
from fugi.views.printed import labels as form_labels
from fugi.site.context import search_filters, site_nav
from fugi.site.failures import SiteFailure, TemplateFailure
from fugi.site.feeds import CALENDAR, FEED
from fugi.site.pages import generate_docs
from fugi.site.speed.search_index import BundleError, index_site
from fugi.site.speed.stash import Stash, StashPlugin
from fugi.resources import MKDOCS_CONFIG, Templates

CONFIG_FILE = MKDOCS_CONFIG


def write_site(archive: m.Archive, out_dir: Path, content_root: Path, docx_dir: Path | None = None,
               work: Path | None = None, files: dict | None = None, made: dict | None = None) -> list[Path]:
    """Build the site into out_dir (an empty staging folder); returns the written files, relative to out_dir.
    made: what the build made already (fugi.site.pages.generate_docs: public, views, keys), passed down."""
    return build_site(archive, out_dir, content_root, docx_dir, work=work, files=files, made=made)


def build_site(archive: m.Archive, out_dir: Path, content_root: Path, docx_dir: Path | None = None, *,
               search: str = "pagefind", config_file: Path = CONFIG_FILE, work: Path | None = None,
               files: dict | None = None, made: dict | None = None) -> list[Path]:
    """search="pagefind" (the product) or "material" (the theme's own search; the benchmark compares them).

    The pages are generated into `work` (a scratch folder of the build; a temporary folder if not given)."""
    out_dir = Path(out_dir).resolve()
    made = dict(made or {})
    templates = made.setdefault("templates", made["keys"].templates if "keys" in made else Templates.of(content_root))
    with tempfile.TemporaryDirectory(prefix="fugi-docs-", dir=work) as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        config = mkdocs_config(docs, out_dir, archive, search, config_file, templates)
        stash = Stash()
        config.plugins["fugi-stash"] = StashPlugin(stash)
        generate_docs(archive, docs, Path(content_root), docx_dir, site_url=config.site_url or "",
                      site_name=config.site_name, stash=stash, files=files, **made)
        run_mkdocs(config)
    finish_sitemap(out_dir, config.site_url or "")
    if search == "pagefind":
        run_pagefind(out_dir)
    return sorted(p.relative_to(out_dir) for p in out_dir.rglob("*") if p.is_file())


def site_settings(archive: m.Archive) -> dict:
    """What the forms decide of mkdocs.yml: the site's name, description and address, the search filters."""
    forms = archive.forms
    settings = {"site_name": escape(forms.site["名称"]), "site_description": escape(forms.site["説明"] or forms.site["名称"]),
                "nav": escaped_nav(site_nav(form_labels(forms)))}
    if forms.site["URL"]:
        settings["site_url"] = forms.site["URL"]
    return settings


def escaped_nav(nav):
    """The nav's titles as escaped Markup: the theme prints theme settings raw (its Jinja does not escape), and
    the titles are words of the forms (相手先の総称別 …), so `<script>` in forms.yml must reach the page as text."""
    if isinstance(nav, list):
        return [escaped_nav(entry) for entry in nav]
    if isinstance(nav, dict):
        return {escape(title): escaped_nav(value) for title, value in nav.items()}
    return nav


def apply_settings(config, archive: m.Archive) -> None:
    """Put the forms' site settings and the search filters into a loaded MkDocs config (also for `mkdocs build`)."""
    for key, value in site_settings(archive).items():
        config[key] = value
    config.extra["fugi_labels"] = vars(form_labels(archive.forms))
    config.extra["fugi_feeds"] = feed_links(archive)
    config.extra["fugi_footer"] = footer(archive)
    config.extra["fugi_folders"] = site_folders(config.nav or [])
    labels = form_labels(archive.forms)
    # breadcrumbs (partials/content.html): ホーム › the list a page belongs to (by its address's first folder) › the page
    config.extra["fugi_crumbs"] = {"agendas": {"url": "agendas/", "title": f"{labels.agenda}の一覧"},
                                   "meetings": {"url": "meetings/", "title": "会議の一覧"},
                                   "browse": {"url": "browse/", "title": f"{labels.agenda}を探す"}}
    examples = "、".join(archive.forms.site["検索の例"])
    config.extra["fugi_search"] = {
        "filters": search_filters(archive, form_labels(archive.forms)),
        "placeholder": f"キーワードを入力してください（例: {examples}）" if examples else "キーワードを入力してください",
        "input_placeholder": f"検索（例: {'、'.join(archive.forms.site['検索の例'][:3])}）" if examples else "検索",
    }


#: the folders of a built site besides its pages' (the theme's and Pagefind's, the downloads and images)
OWN_FOLDERS = ("accessibility", "agendas", "assets", "browse", "data", "downloads", "glossary", "images", "meetings",
               "pagefind")


def site_folders(nav) -> list:
    """The first folders of the site's addresses (agendas, meetings …): the 404 page finds the archive's root in a
    missing address by them when no サイト.URL is set (templates/site/overrides/404.html)."""
    found, stack = set(OWN_FOLDERS), [nav]
    while stack:
        entry = stack.pop()
        if isinstance(entry, list):
            stack.extend(entry)
        elif isinstance(entry, dict):
            stack.extend(entry.values())
        elif isinstance(entry, str) and entry.endswith(".md") and entry != "index.md":
            found.add(entry.split("/", 1)[0].removesuffix(".md"))
    return sorted(found)


def footer(archive: m.Archive) -> dict:
    """What every page's footer says besides its date (templates/site/overrides/partials/copyright.html): the
    contact of the forms, whether there is a glossary.  The date is in each page's front matter (pages.dated)."""
    return {"contact": archive.forms.site["問い合わせ先"], "glossary": bool(archive.forms.glossary)}


def feed_links(archive: m.Archive) -> dict:
    """The feeds every page names in its head (templates/site/overrides/main.html)."""
    labels = form_labels(archive.forms)
    return {"atom": FEED, "ical": CALENDAR, "atom_title": f"{labels.site}（{labels.decision}）",
            "ical_title": f"{labels.council}の会議"}


def finish_sitemap(site: Path, site_url: str) -> None:
    """sitemap.xml needs absolute addresses: kept with サイト.URL, removed without it.  MkDocs' gzipped copy
    carries the day of the build and the staging folder's path in its header, so it is not kept."""
    (Path(site) / "sitemap.xml.gz").unlink(missing_ok=True)
    if not site_url:
        (Path(site) / "sitemap.xml").unlink(missing_ok=True)


def mkdocs_config(docs: Path, site: Path, archive: m.Archive, search: str = "pagefind", config_file: Path = CONFIG_FILE,
                  templates: Templates | None = None):
    """The repo's mkdocs.yml with docs_dir/site_dir pointed at the generated pages and the staging folder; the
    council's theme overrides (templates/site/overrides beside its content/, fugi.resources.Templates) are looked
    up before the shipped ones, file by file (partials, assets): nothing is copied, nothing written there."""
    from mkdocs.config import load_config

    overrides = {"docs_dir": str(docs), "site_dir": str(site), "strict": True, "hooks": [],
                 **site_settings(archive)}
    if search == "material":
        overrides["plugins"] = [{"search": {"lang": "ja"}}]
    elif search != "pagefind":
        raise ValueError(f"unknown search engine {search!r}")
    config = load_config(str(config_file), **overrides)
    for folder in reversed(templates.theme_dirs() if templates is not None else []):
        config.theme.dirs.insert(0, str(folder))  # before mkdocs.yml's custom_dir (the shipped overrides)
    apply_settings(config, archive)
    return config


def run_mkdocs(config, dirty: bool = False) -> None:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort

    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    if level == logging.NOTSET:
        mkdocs_log.setLevel(logging.WARNING)  # MkDocs' INFO lines are noise in `build.py site`
    from jinja2 import TemplateError

    said = _Said()
    mkdocs_log.addHandler(said)
    try:
        build(config, dirty=dirty)
    except Abort as err:  # strict mode: the warnings MkDocs counted, said (it prints none of them itself)
        raise SiteFailure(f"MkDocs のビルドに失敗しました: {err}" + "".join(f"\n  {line}" for line in said.lines)) from err
    except TemplateError as err:  # a theme override (templates/site/overrides/*.html) that cannot be rendered
        name, line = getattr(err, "name", "") or "", getattr(err, "lineno", None)
        if not name:  # raised while a template ran ('x' is undefined): the innermost override it ran in
            name, line = running_override(err, config)
        found = override_of(config, name)
        if found:  # fugi's own override or the council's: at its file and line
            raise TemplateFailure(found, line or 1, getattr(err, "message", "") or str(err)) from err
        where = f"{name}:{line or ''}".strip(":")
        raise SiteFailure(f"テーマのテンプレートを処理できません（{where}）: {err}") from err
    finally:
        mkdocs_log.removeHandler(said)
        mkdocs_log.setLevel(level)


def override_of(config, name: str) -> str:
    """The theme template `name` as a problem names it when an override holds it, else "" (Material's own): the
    first theme folder holding it is the one MkDocs used — the council's (before mkdocs.yml's custom_dir, at its path)
    or the shipped overrides (templates/site/overrides/<name>)."""
    from fugi.build.outputs import shown

    dirs, custom = list(config.theme.dirs), config.theme.custom_dir
    ours = dirs.index(custom) if custom in dirs else 0
    for index, folder in enumerate(dirs if name else ()):
        path = Path(folder) / name
        if path.is_file():
            if index < ours:
                return shown(path)
            return f"templates/site/overrides/{name}" if folder == custom else ""
    return ""


def running_override(err: Exception, config) -> tuple:
    """(name, line) of the innermost theme override (the council's or fugi's) a runtime error was raised in, or ("", None)."""
    dirs, custom = [os.path.abspath(folder) for folder in config.theme.dirs], config.theme.custom_dir
    ours = dirs[: dirs.index(os.path.abspath(custom)) + 1] if custom and os.path.abspath(custom) in dirs else []
    found, trace = ("", None), err.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        for folder in ours:
            if filename.startswith(folder + os.sep):
                found = (os.path.relpath(filename, folder).replace(os.sep, "/"), trace.tb_lineno)
                break
        trace = trace.tb_next
    return found


class _Said(logging.Handler):
    """The warnings MkDocs logs during one build (those that make a strict build fail)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def pagefind_binary() -> Path:
    """The extended Pagefind binary (it segments Japanese); the plain one would index 日本語 as one word."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as err:  # pragma: no cover - environment problem
        raise SiteFailure("Pagefind (extended) がありません: pip install 'pagefind[extended]'") from err
    return Path(get_executable())


def pagefind_stamp() -> str:
    """Which Pagefind indexes the pages: its binary's place, size and time (an upgrade makes every page new)."""
    binary = pagefind_binary()
    st = binary.stat()
    return f"{binary}:{st.st_size}:{st.st_mtime_ns}"


def run_pagefind(site: Path, bundle: Path | None = None, cache_root: Path | None = None,
                 work: Path | None = None, previous: Path | None = None, html: dict | None = None) -> None:
    """Index the built site; the bundle lands in `bundle` (default site/pagefind/, served with the site).

    Page by page (fugi.site.speed.search_index): with a build cache, Pagefind reads only the pages whose HTML is new;
    `previous` (an earlier bundle fugi made) lends the files that stay the same; `html`: the site's HTML files
    ({path under the site: bytes}) when the caller has read them already."""
    from fugi.build.keys import pagefind_key

    bundle = Path(bundle).resolve() if bundle is not None else Path(site) / "pagefind"
    try:
        index_site(Path(site), bundle, pagefind_binary(), cache_root, work, stamp=pagefind_key(pagefind_stamp()),
                   previous=previous, html=html)
    except BundleError as err:
        raise SiteFailure(str(err)) from err
