"""The review on the public site (fugi/site/info_items.py and templates/site/_review.md.j2): a decided public
item shows its deviations with the catalog's wording and a mark for sensitive data; the information-items page
lists which decided items handle which data and filters in the browser (Debian's Chromium, nothing downloaded)."""
from __future__ import annotations

import html
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from browsing import DESKTOP, PHONE, browser, describe_violations, needs_chromium, run_axe, serve  # noqa: F401
from contents import fixture_copy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site() -> Path:
    """tests/fixtures/review with the repository's vocabulary, built like `build.py site`."""
    from fugi import pipeline

    content = fixture_copy("review")
    shutil.copytree(ROOT / "content" / "vocabulary", content / "vocabulary")
    out = Path(tempfile.mkdtemp(prefix="fugi-review-site-")) / "site"
    pipeline.build(content, site_out=out, report=lambda line: None)
    yield out
    shutil.rmtree(out.parent, ignore_errors=True)


def page(site: Path, rel: str) -> str:
    return html.unescape((site / rel).read_text(encoding="utf-8"))


def text_of(source: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", source))


def test_a_decided_item_shows_its_sensitive_data_and_its_deviations_with_the_catalog_wording(site):
    source = page(site, "agendas/later-decided/index.html")
    assert '<strong class="fugi-badge fugi-badge--sensitive">要配慮個人情報を含む</strong> 病歴（病名）、心身の機能の障害（障害者手帳の番号）' in source
    assert '<h2 data-pagefind-ignore="" id="deviations">標準との違い</h2>' in source
    row = re.search(r'<table class="fugi-deviations" data-pagefind-ignore>.*?</table>', source, re.S).group(0)
    assert "外部結合 結合先に行わせる情報保護対策【運用上の対策】 4" in row and "「－」対策の必要なし" in row
    assert "業務開始前に、事故、災害、トラブルに対応できる体制及び手順を整備させ" in row and "（同じ）" in row
    assert "理由" not in row  # no item gives a reason yet: no empty column


def test_a_decided_item_without_sensitive_data_has_no_mark(site):
    source = page(site, "agendas/earlier-same-partner/index.html")
    assert "fugi-badge--sensitive" not in source and "標準との違い" in source


def test_an_item_not_yet_decided_shows_neither(site):
    source = page(site, "agendas/new-item/index.html")
    assert "fugi-badge--sensitive" not in source and 'id="deviations"' not in source
    assert "fugi-row--added" in source  # its checklist still shows every row unlike the standard


def test_the_information_items_page_lists_decided_public_items_only(site):
    source = page(site, "browse/info-items/index.html")
    rows = re.findall(r'<tr data-fugi-data="([^"]*)"><th scope="row"><a href="([^"]+)">([^<]+)</a>', source)
    assert [(href, title) for _, href, title in rows] == [
        ("../../agendas/later-decided/", "資料12 後の会議で決定した結合"),
        ("../../agendas/earlier-same-partner/", "資料3 先例となる申請の電子化"),
        ("../../agendas/earlier-other/", "資料4 別の相手方との結合")]
    for _, href, _ in rows:
        assert (site / "browse" / "info-items" / href / "index.html").resolve().is_file()
    assert rows[0][0] == "|要配慮個人情報|病歴|心身の機能の障害|通常|氏名|"
    assert '<option value="病歴">病歴（1件）</option>' in source
    assert "非公開の先例" not in source and "新しい申請の電子化" not in source and "下書き" not in source


def test_the_page_is_in_the_navigation_and_linked_from_home(site):
    home = page(site, "index.html")
    assert 'href="browse/info-items/"' in home
    assert re.search(r'<a href="browse/info-items/" class="md-nav__link">\s*<span class="md-ellipsis">\s*情報項目から探す', home)


def test_the_open_data_page_documents_the_new_columns(site):
    text = text_of(page(site, "data/index.html"))
    assert "標準と異なる行" in text and "要配慮個人情報" in text and "特定個人情報" in text
    assert "状態が決定の付議事項だけ（ほかは null / 空）" in text


# ---------------------------------------------------------------------------
# In the browser


playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def served(site, browser):
    server = serve(site)
    yield browser, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def visible_titles(page) -> list:
    return [a.inner_text() for a in page.locator("[data-fugi-info-table] tbody tr:not([hidden]) th a").all()]


@needs_chromium
def test_the_table_filters_by_kind_of_data_and_by_words_without_a_server(served):
    browser, base = served
    context = browser.new_context()
    errors, hosts = [], []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: hosts.append(request.url))
    page.goto(base + "browse/info-items/")
    count = page.locator("[data-fugi-info-count]")
    assert page.locator("[data-fugi-info-filter]").is_visible()
    assert count.inner_text() == "3件中 3件を表示"
    page.select_option("[data-fugi-info-filter] select", "病歴")
    assert visible_titles(page) == ["資料12 後の会議で決定した結合"] and count.inner_text() == "3件中 1件を表示"
    page.select_option("[data-fugi-info-filter] select", "")
    page.fill("[data-fugi-info-filter] input", "別会社")
    assert visible_titles(page) == ["資料4 別の相手方との結合"]
    page.goto(base + "browse/info-items/?data=" + "要配慮個人情報")
    assert visible_titles(page) == ["資料12 後の会議で決定した結合"]
    assert errors == [] and all(url.startswith(base) for url in hosts)
    context.close()


@needs_chromium
def test_without_javascript_the_whole_table_shows_and_the_filter_stays_hidden(served):
    browser, base = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "browse/info-items/")
    assert not page.locator("[data-fugi-info-filter]").is_visible()
    assert len(visible_titles(page)) == 3
    context.close()


@needs_chromium
@pytest.mark.parametrize("path", ["browse/info-items/", "agendas/later-decided/"])
def test_axe_finds_nothing_on_the_filter_the_table_and_the_deviation_list(served, path):
    browser, base = served
    for size in (DESKTOP, PHONE):
        page = browser.new_page(viewport=size)
        page.goto(base + path)
        violations = run_axe(page)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        page.close()
        assert violations == [], describe_violations(violations)
        assert scroll <= size["width"], f"/{path} scrolls sideways at {size['width']} px"
