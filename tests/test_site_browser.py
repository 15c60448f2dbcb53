"""The archive in a real browser (Debian's Chromium through Playwright; no browser is ever downloaded):
Japanese search finds the right items first, filters narrow, pages and Word downloads open, and every
request stays on the site's own origin."""
from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

import pytest

import sitebuild
from browsing import base, browser, needs_chromium, serve  # noqa: F401  (fixtures)

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def archive_url(base):
    """content/ as it is, built like `python build.py` (Word files + site)."""
    return base


@pytest.fixture(scope="module")
def planted_url():
    server = serve(sitebuild.planted_site())
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


class Visit:
    """A fresh browser context that records every request and every script dialog."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.requests, self.dialogs, self.errors = [], [], []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def other_hosts(self):
        return [url for url in self.requests if urlsplit(url).hostname not in ("127.0.0.1", None)
                and not url.startswith(("data:", "blob:", "about:"))]


@pytest.fixture
def visit(browser):
    v = Visit(browser)
    yield v
    assert v.other_hosts() == [], "別のホストへのリクエスト"
    assert v.dialogs == [] and v.errors == []
    v.context.close()


def search(visit: Visit, base: str, query: str, path: str = "") -> list[str]:
    """Type the query as a reader would (fill, then End) and return the result URLs, best first."""
    page = visit.page
    page.goto(base + path)
    box = page.locator("[data-fugi-search-input]")
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        """() => /見つかりました|見つかりませんでした/.test(document.querySelector('[data-fugi-search-meta]').textContent)
             && (document.querySelector('[data-fugi-search-list] li')
                 || /見つかりませんでした/.test(document.querySelector('[data-fugi-search-meta]').textContent))""",
        timeout=15000)
    return result_paths(page)


#: results search.js shows at first (its PAGE); each waits for its page's fragment
SHOWN_FIRST = int(re.search(r"const PAGE = (\d+);", (sitebuild.REPO / "templates/site/overrides/assets/fugi/search.js").read_text(
    encoding="utf-8")).group(1))


def result_paths(page) -> list[str]:
    # the remaining fragments arrive one by one: wait until the list holds as many as the count says it shows
    page.wait_for_function(
        """(shown) => {
            const m = /(\\d+)件見つかりました/.exec(document.querySelector('[data-fugi-search-meta]').textContent);
            return !m || document.querySelectorAll('[data-fugi-search-list] li').length >= Math.min(+m[1], shown);
        }""", arg=SHOWN_FIRST, timeout=15000)
    return [urlsplit(a.get_attribute("href")).path for a in page.locator(".md-search-result__link").all()]


@pytest.mark.parametrize("query, first", [
    ("エアコン", "/agendas/aircon-josei/"),
    ("富士通", "/agendas/kaigo-hoken-hyojunka/"),
    ("国土交通省", "/agendas/kyoju-support-system/"),
    ("生活保護", "/agendas/aircon-josei/"),
    ("居住サポート住宅", "/agendas/kyoju-support-system/"),
    ("はたちのつどい", "/meetings/2025-05/"),
    ("悪魔の双子", "/meetings/2025-05/"),
])
def test_japanese_query_shows_the_right_item_first(visit, archive_url, query, first):
    results = search(visit, archive_url, query)
    assert results and results[0] == first, results
    if query == "生活保護":
        assert "/meetings/2025-05/" in results  # 審議事項(4) of the meeting mentions it


def test_search_loads_when_the_reader_is_about_to_search_and_warms_up_fetching_only_the_warm_up_chunk(
        visit, archive_url):
    """A page view fetches nothing of Pagefind (issue 31: 113 KB on every page view); the pointer over the search
    box loads Pagefind's script, WebAssembly and meta index, and 24 searches for the warm-up words (their own chunk
    of the index) get the browser to compile Pagefind's search code (the first searches of a page ran 2-4× slower);
    no other index chunk and no fragment is fetched: the reader's first query still fetches only what it needs."""
    from fugi.site.speed.search_index import WARM_WORDS, decode

    page = visit.page
    page.goto(archive_url, wait_until="networkidle")
    page.wait_for_timeout(500)
    assert [url for url in visit.requests if "/pagefind/" in url] == []
    page.hover("[data-fugi-search-input]")
    page.wait_for_selector("[data-fugi-search-warm]", state="attached", timeout=15000)
    assert page.get_attribute("[data-fugi-search]", "data-fugi-search-warm") == "24"
    bundle = sitebuild.archive_site() / "pagefind"
    (info,) = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"].values()
    (warm,) = [name for low, _, name in decode((bundle / f"pagefind.{info['hash']}.pf_meta").read_bytes())[2]
               if low == WARM_WORDS[0]]
    fetched = [urlsplit(url).path for url in visit.requests if "/pagefind/" in url]
    assert any(path.endswith(".pf_meta") for path in fetched), fetched
    assert [path for path in fetched if "/index/" in path or "/fragment/" in path] == [f"/pagefind/index/{warm}.pf_index"]
    assert search(visit, archive_url, "富士通")[0] == "/agendas/kaigo-hoken-hyojunka/"


def test_results_are_a_list_of_sections_not_h1_headings(visit, archive_url):
    """Issue 31: each result was an <h1> (6 with the results open) in a role="presentation" list."""
    assert search(visit, archive_url, "外部結合")
    page = visit.page
    assert page.evaluate("() => document.querySelectorAll('h1').length") == 1
    assert page.evaluate("() => document.querySelector('[data-fugi-search-list]').getAttribute('role')") is None
    assert page.evaluate("() => document.querySelectorAll('[data-fugi-search-list] > li h2').length") >= 1


def test_a_page_view_requests_no_sitemap(visit, archive_url):
    """Issue 31: the theme fetched sitemap.xml beside each link[rel=alternate] of the head (the feed and the
    calendar): two requests on every page view, 404 without サイト.URL."""
    for path in ("", "agendas/aircon-josei/", "meetings/"):
        visit.page.goto(archive_url + path, wait_until="networkidle")
    assert [url for url in visit.requests if "sitemap" in url] == []


def test_with_the_data_saver_on_search_loads_only_when_the_box_is_used(visit, archive_url):
    page = visit.page
    page.add_init_script("Object.defineProperty(navigator, 'connection', {value: {saveData: true}})")
    page.goto(archive_url)
    page.wait_for_timeout(1000)
    assert [url for url in visit.requests if "/pagefind/" in url] == []
    assert search(visit, archive_url, "富士通")[0] == "/agendas/kaigo-hoken-hyojunka/"


def test_the_warm_up_words_typed_find_nothing(visit, archive_url):
    """They point at real pages; a reader who pastes them gets the empty box, not those pages."""
    page = visit.page
    page.goto(archive_url)
    page.hover("[data-fugi-search-input]")  # Pagefind loads (and warms up) when the reader is about to search
    page.wait_for_selector("[data-fugi-search-warm]", state="attached", timeout=15000)
    box = page.locator("[data-fugi-search-input]")
    box.fill("\ufdd0 \ufdd1")
    box.press("End")
    page.wait_for_timeout(500)
    assert page.locator("[data-fugi-search-list] li").count() == 0
    assert "見つかりました" not in page.locator("[data-fugi-search-meta]").inner_text()


def test_a_word_inside_longer_words_is_still_found(visit, archive_url):
    """Pagefind's Lindera took イントラネット端末 as words that 「イントラネット」 alone did not match (upstream
    issue #1237); fugi cuts the index and the query by the same pairs of characters (tests/test_search_recall.py)."""
    results = search(visit, archive_url, "イントラネット")
    assert "/agendas/kyoju-support-system/" in results and "/agendas/aircon-josei/" in results
    for text in visit.page.locator(".md-search-result__item").all_inner_texts():
        assert "イントラネット" in text.replace("\n", "")


def test_results_have_snippets_with_the_word_marked(visit, archive_url):
    search(visit, archive_url, "富士通")
    first = visit.page.locator(".md-search-result__item").first
    assert "富士通" in first.locator("mark").first.inner_text()
    assert "付議事項 資料56" in first.inner_text()


def test_a_filter_narrows_the_results(visit, archive_url):
    before = search(visit, archive_url, "生活保護")
    assert len(before) >= 3
    page = visit.page
    page.select_option("select[data-fugi-filter='区分']", "業務委託")
    page.wait_for_function(
        "n => document.querySelectorAll('[data-fugi-search-list] li').length > 0 && "
        "document.querySelectorAll('[data-fugi-search-list] li').length < n", arg=len(before), timeout=10000)
    after = result_paths(page)
    assert after[0] == "/agendas/aircon-josei/"
    assert "/meetings/2025-05/" not in after and "/agendas/nyuji-tsuen-shien/" not in after
    assert set(after) < set(before)


def test_a_filter_alone_lists_a_year(visit, archive_url):
    page = visit.page
    page.goto(archive_url)
    page.locator("[data-fugi-search-input]").click()
    page.wait_for_function("() => document.querySelectorAll(\"select[data-fugi-filter='年度'] option\").length > 1")
    page.select_option("select[data-fugi-filter='年度']", "令和7年度")
    page.wait_for_selector("[data-fugi-search-list] li")
    results = result_paths(page)
    assert set(results) == {"/agendas/kyoju-support-system/", "/meetings/2025-05/"}


def test_result_opens_the_item_page_and_its_word_file_downloads(visit, archive_url):
    search(visit, archive_url, "エアコン")
    page = visit.page
    page.locator(".md-search-result__link").first.click()
    page.wait_for_url("**/agendas/aircon-josei/")
    assert "エアコン購入費助成事業" in page.locator("h1").inner_text()
    link = page.locator("a[href$='aircon-josei.docx']")
    response = page.request.get(urljoin(page.url, link.get_attribute("href")))
    assert response.status == 200 and response.body()[:2] == b"PK"
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == "aircon-josei.docx"


def test_meeting_page_and_item_links(visit, archive_url):
    page = visit.page
    response = page.goto(archive_url + "meetings/2025-05/")
    assert response.status == 200
    page.locator("#item-5 a").first.click()
    page.wait_for_url("**/agendas/kyoju-support-system/")
    assert page.locator("a[href*='meetings/2025-05/#item-5']").count() == 2  # its facts and its history
    for path in ("", "agendas/", "browse/category/", "browse/partner/", "catalog/", "data/", "data/decisions.json"):
        assert page.goto(archive_url + path).status == 200, path


def test_nothing_requested_from_another_host_anywhere(visit, archive_url):
    page = visit.page
    for path in ("", "meetings/", "meetings/2025-05/", "agendas/kaigo-hoken-hyojunka/", "browse/year/", "catalog/"):
        page.goto(archive_url + path)
        page.wait_for_load_state("networkidle")
    search(visit, archive_url, "国土交通省")
    assert any("/pagefind/" in url for url in visit.requests)
    assert visit.other_hosts() == []


def test_hostile_text_does_not_run(visit, planted_url):
    page = visit.page
    page.goto(planted_url + f"agendas/{sitebuild.HOSTILE_ID}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text() == sitebuild.HOSTILE_TITLE
    assert page.title().startswith(sitebuild.HOSTILE_TITLE)
    assert visit.dialogs == []
    results = search(visit, planted_url, "hostile")
    assert results[0] == f"/agendas/{sitebuild.HOSTILE_ID}/"
    assert visit.dialogs == []


@pytest.mark.parametrize("word", sitebuild.SECRET_WORDS)
def test_search_never_finds_drafts_or_non_public_items(visit, planted_url, word):
    results = search(visit, planted_url, word)
    assert not any(ident in path for path in results for ident in sitebuild.SECRET_IDS), results
    assert word not in visit.page.locator("[data-fugi-search-list]").inner_text()
    if word.isascii():
        assert results == []  # a Japanese word's pieces (公開, 語) may match public pages; the word itself never


# ---------------------------------------------------------------------------
# The archive served under a folder of a larger site (https://example.jp/kojin/)

SUBPATH = "/kojin/"


def serve_under(site, prefix: str = SUBPATH):
    """A server that has the site under `prefix` only, and answers every missing address with the site's 404.html
    (status 404), as a web server set up with `ErrorDocument 404 /kojin/404.html` does."""
    import functools
    import http.server
    import threading
    from pathlib import Path

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def translate_path(self, path):
            below = urlsplit(path).path
            return super().translate_path("/" + below[len(prefix):] if below.startswith(prefix) else "/\0missing")

        def send_head(self):
            target = Path(self.translate_path(self.path))
            if target.is_file() or (target.is_dir() and (target / "index.html").is_file()):
                return super().send_head()
            data = (Path(site) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            import io
            return io.BytesIO(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("missing", ["agendas/no-such-item/", *(pytest.param(path, marks=pytest.mark.slow) for path in (
    "meetings/2025-05/no/such/page/", "no-such-page", "no-such-folder/"))])  # one depth in the quick tier
def test_the_404_page_works_under_a_subpath_at_any_depth(browser, missing):
    """Issue 31: MkDocs renders 404.html once, with links from the server's root when no サイト.URL is set, so under
    https://example.jp/kojin/ the page shown for a missing address had no style, no script and a home link to the
    server's root.  Its links now go to the archive's root, wherever the missing address is."""
    server = serve_under(sitebuild.archive_site())
    root = f"http://127.0.0.1:{server.server_port}{SUBPATH}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page, failed, errors = context.new_page(), [], []
    # nothing under the archive's folder fails (the browser's preload scanner may fetch the stylesheets once from
    # the server's root, the page's <base> as written, before the page's script has set it: outside the archive)
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 and
            response.url.startswith(root) and response.url != root + missing else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        response = page.goto(root + missing, wait_until="networkidle")
        assert response.status == 404 and page.title().startswith("ページが見つかりません")
        assert failed == [] and errors == []
        # the theme's and fugi's stylesheets applied: the header bar in the palette's colour, fugi's own classes
        assert page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
        assert page.evaluate("() => [...document.styleSheets].filter(s => s.href && s.href.includes('/assets/fugi/'))"
                             ".every(s => s.href.startsWith(location.origin + '/kojin/assets/fugi/'))")
        home = page.locator("article a", has_text="ホーム").first
        assert home.evaluate("a => a.href") == root
        links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
                              ".filter(h => h.startsWith(location.origin))")
        assert links and all(link.startswith(root) for link in links), links
        home.click()
        page.wait_for_load_state()
        assert page.url == root and page.evaluate("() => document.querySelector('h1').textContent")
        assert page.context.request.get(page.url).status == 200
    finally:
        context.close()
        server.shutdown()
