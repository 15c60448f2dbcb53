"""The exit from Material for MkDocs (end of life May 2027): Zensical, its successor, reads mkdocs.yml and builds
the same generated pages with the same visible text on every page, the same Pagefind markers and no axe-core
violation; its known differences (README「Zensical への移行」) are asserted here, so a new Zensical that changes
them fails this test instead of going unnoticed."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

import sitebuild
from browsing import DESKTOP, PHONE, browser, describe_violations, needs_chromium, run_axe, serve, site_pages  # noqa: F401

pytestmark = pytest.mark.slow  # the slow tier (pytest -m slow); the quick tier leaves it out

pytest.importorskip("zensical")
playwright_api = pytest.importorskip("playwright.sync_api")

REPO = sitebuild.REPO
OVERRIDES = REPO / "templates" / "site" / "overrides"


def zensical_config(root: Path, site: Path, docs: str = "docs", settings: dict | None = None) -> Path:
    """mkdocs.yml as it is, pointed at the generated pages, with what fugi sets from content/forms.yml (site name,
    navigation, the search box's filters: `settings`).  Zensical runs no MkDocs hooks, and (0.0.73) wants
    docs_dir relative to the configuration file: the file is written beside the pages."""
    config = yaml.safe_load((REPO / "templates" / "site" / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=docs, site_dir=str(site), **plain(settings or {}))
    config.pop("hooks", None)
    config["theme"]["custom_dir"] = str(OVERRIDES)
    path = root / "zensical.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def plain(value):
    """The settings as YAML can write them: fugi hands MkDocs the forms' words already escaped (markupsafe.Markup,
    a str subclass YAML does not know), so they are written as the plain strings they are."""
    if isinstance(value, dict):
        return {plain(key): plain(one) for key, one in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(one) for one in value]
    return str(value) if isinstance(value, str) else value


def zensical_build(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zensical", "build", "-f", str(config)], cwd=config.parent,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The same generated pages (content/ plus fake Word/PDF files) built by MkDocs and by Zensical, each
    indexed by Pagefind: {"mkdocs": site, "zensical": site}."""
    from fugi import pipeline
    from fugi.site.mkdocs_site import mkdocs_config, run_mkdocs, run_pagefind, site_settings
    from fugi.site.pages import generate_docs

    root = tmp_path_factory.mktemp("zensical")
    archive = pipeline.checked_archive(sitebuild.CONTENT, report=lambda line: None)
    docx = root / "docx"
    pipeline.build(sitebuild.CONTENT, docx_out=docx, report=lambda line: None)
    sitebuild.fake_pdfs(docx)
    generate_docs(archive, root / "docs", sitebuild.CONTENT, docx)
    sites = {"mkdocs": root / "mkdocs-site", "zensical": root / "zensical-site"}
    config = mkdocs_config(root / "docs", sites["mkdocs"], archive)
    run_mkdocs(config)
    settings = dict(site_settings(archive), extra=dict(config.extra))
    result = zensical_build(zensical_config(root, sites["zensical"], settings=settings))
    assert result.returncode == 0, result.stdout + result.stderr
    for site in sites.values():
        run_pagefind(site)
    return sites


def test_same_pages_and_files(builds):
    def files(site):
        return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()
                and not p.relative_to(site).as_posix().startswith(("assets/javascripts/", "assets/stylesheets/",
                                                                   "pagefind/"))}

    mkdocs, zensical = files(builds["mkdocs"]), files(builds["zensical"])
    assert site_pages(builds["mkdocs"]) == site_pages(builds["zensical"])
    # documented differences: Zensical always writes its own search index (search.json, unused: the box
    # searches with Pagefind) unless `search: {enabled: false}`; it writes no gzipped sitemap
    assert zensical - mkdocs == {"search.json"}
    assert mkdocs - zensical == {"sitemap.xml.gz"}


class SearchMarkers(HTMLParser):
    """What Pagefind reads from a page: the text inside data-pagefind-body minus data-pagefind-ignore,
    and every data-pagefind-meta / -filter value."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.markers = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("data-pagefind-meta", "data-pagefind-filter"):
            if key in attrs:
                self.markers.append((key, attrs[key]))
        if tag in self.VOID:
            return
        body = "data-pagefind-body" in attrs or (self.stack and self.stack[-1][0])
        ignored = "data-pagefind-ignore" in attrs or (self.stack and self.stack[-1][1])
        self.stack.append((body, ignored, tag))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] and not self.stack[-1][1]:
            self.text.append(data)

    def result(self):
        return re.sub(r"\s+", "", "".join(self.text)), sorted(self.markers)


def test_same_search_index_input(builds):
    for path in site_pages(builds["mkdocs"]):
        found = []
        for site in builds.values():
            parser = SearchMarkers()
            file = site / (path + "index.html" if not path.endswith(".html") else path)
            parser.feed(file.read_text(encoding="utf-8"))
            found.append(parser.result())
        assert found[0] == found[1], path


@needs_chromium
def test_same_visible_text_on_every_page(builds, browser):
    servers = {name: serve(site) for name, site in builds.items()}
    page = browser.new_page(viewport=DESKTOP)
    differences = []
    try:
        for path in site_pages(builds["mkdocs"]):
            texts = []
            for server in servers.values():
                page.goto(f"http://127.0.0.1:{server.server_port}/{path}")
                texts.append(page.evaluate("() => document.title + '\\n' + document.body.innerText"))
            lines = [[line.strip() for line in text.splitlines() if line.strip()] for text in texts]
            if lines[0] != lines[1]:
                differences.append((path, [x for x in lines[0] if x not in lines[1]],
                                    [x for x in lines[1] if x not in lines[0]]))
    finally:
        page.close()
        for server in servers.values():
            server.shutdown()
    # documented difference: Zensical's 404 page has a skip link too (to its own #__skip anchor)
    assert differences == [("404.html", [], ["コンテンツにスキップ"])]


@needs_chromium
@pytest.mark.parametrize("path", ["agendas/nyuji-tsuen-shien/", "meetings/2025-05/"])
def test_skip_link_reaches_the_title_in_zensical_too(builds, browser, path):
    """Zensical's skip link goes to its own anchor at the top of the article, before the breadcrumbs and the title
    (Material's goes to the first heading, the title itself): the next Tab reaches the page's own trail (ホーム › …)
    or goes on from the title — never back into the header."""
    server = serve(builds["zensical"])
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/{path}")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement.id === '__skip'")
        page.keyboard.press("Tab")
        assert page.evaluate("""() => !!document.activeElement.closest('.fugi-breadcrumbs') ||
            !!(document.querySelector('.md-content h1').compareDocumentPosition(document.activeElement)
               & Node.DOCUMENT_POSITION_FOLLOWING)""")
    finally:
        page.close()
        server.shutdown()


@needs_chromium
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_zensical_build_has_no_axe_violations(builds, browser, width):
    server = serve(builds["zensical"])
    page = browser.new_page(viewport=DESKTOP if width == "desktop" else PHONE)
    found = []
    try:
        for path in site_pages(builds["zensical"]):
            page.goto(f"http://127.0.0.1:{server.server_port}/{path}")
            violations = run_axe(page)
            if violations:
                found.append(f"/{path}:\n{describe_violations(violations)}")
    finally:
        page.close()
        server.shutdown()
    assert found == [], "\n".join(found)


def test_known_limitation_absolute_docs_dir_panics(tmp_path):
    """Zensical 0.0.73 stops with a Rust panic when docs_dir is an absolute path (build.py passes absolute
    temporary paths to MkDocs): a switch writes its configuration beside the generated pages."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# ホーム\n", encoding="utf-8")
    config = zensical_config(tmp_path, tmp_path / "site", docs=str(tmp_path / "docs"))
    result = zensical_build(config)
    assert result.returncode != 0 and "invariant: Id(Format(Path(RootDir)))" in result.stderr


def test_known_limitation_hooks_are_not_run(tmp_path):
    """mkdocs.yml's hooks (fugi/site/mkdocs_hooks.py generate the pages from content/ for a plain `mkdocs build`)
    are ignored without a word: a plain `zensical build` of the repository builds the empty placeholder."""
    shutil.copytree(REPO / "templates" / "site" / "docs-placeholder", tmp_path / "docs")
    assert yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["hooks"] == ["fugi/site/mkdocs_hooks.py"]
    config = yaml.safe_load((REPO / "templates" / "site" / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir="docs", site_dir=str(tmp_path / "site"))
    config["hooks"] = [str(REPO / "fugi" / "site" / "mkdocs_hooks.py")]
    config["theme"]["custom_dir"] = str(OVERRIDES)
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = zensical_build(path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "site" / "agendas").exists() and (tmp_path / "site" / "404.html").is_file()
