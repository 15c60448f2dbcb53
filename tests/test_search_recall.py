"""Search recall (fugi.site.search_words, search.js): every page whose indexed text holds a query is found.

Pagefind's extended build cut Japanese one way when indexing (Lindera) and the browser another way when
searching (Intl.Segmenter): on the 1,000-item archive 「クラウド」 found 3 of 1,101 pages, 「ガバメントクラウド」
0 of 250 (Pagefind issue #1237).  fugi now cuts both itself.  These tests run the search box's own search
(search.js's find(): `pagefind.search` in Chromium) on a built archive and compare it with the text Pagefind's
own CLI indexes of the same pages, for compounds, katakana, kanji, mixed and two-word queries: 100 % recall, and
no page that does not hold the query.  The rules in Python and in search.js are run on the same strings.
"""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from browsing import browser, needs_chromium, serve  # noqa: F401 - browser: a fixture
from fugi.site.mkdocs_site import pagefind_binary
from fugi.site.search_words import query_terms, segments, words

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import bench_site  # noqa: E402
import sitebuild  # noqa: E402

#: The benchmark's queries, then katakana, compounds, kanji, mixed, two words, one character, Latin.
QUERIES = (*bench_site.QUERIES, "クラウド", "ガバメントクラウド", "クラウドストレージ", "クラウドサーバ", "サーバ",
           "システム", "アンケート", "口座", "振込先口座情報", "口座情報", "個人情報", "再委託", "委託先",
           "住民税申告", "資料12", "令和", "年度", "エアコン 委託", "富士通 Japan", "口座 システム", "口", "TKC",
           "box")
QUICK_ITEMS = 40
LARGE_ITEMS = 1000


def fragments(bundle: Path) -> dict:
    """{page id: (address, the text Pagefind indexed of it)} of a Pagefind bundle."""
    out = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        out[path.name[: -len(".pf_fragment")]] = (data["url"], data.get("content", "").replace("\u200b", ""))
    return out


def build_archive(work: Path, items: int) -> tuple[Path, dict]:
    """The benchmark's synthetic archive of `items` items, built as the product builds it; and {address: text}
    of its pages as Pagefind's own CLI indexes them (run on the same pages, apart from fugi's index)."""
    content = bench_site.synthetic_content(work / "content", items)
    archive, problems = bench_site.load_archive(content)
    assert not problems.errors, problems.errors[:3]
    site = work / "site"
    bench_site.build(archive, content, site, "pagefind")
    return site, indexed_texts(site, work)


def indexed_texts(site: Path, work: Path) -> dict:
    """{address: text} of a built site's pages as Pagefind's own CLI indexes them (into `work`, beside the site)."""
    own = work / "pagefind-own"
    subprocess.run([str(pagefind_binary()), "--site", str(site), "--output-path", str(own), "--force-language", "ja",
                    "--quiet"], check=True, capture_output=True)
    return {url: text for url, text in fragments(own).values()}


def recall_of(site: Path, texts: dict, browser, queries) -> dict:
    """{query: (pages that hold it, pages found that hold it, pages found that do not)}, by address."""
    ours = {name: url for name, (url, _) in fragments(site / "pagefind").items()}
    server = serve(site)
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/", wait_until="load")
        out = {}
        for query in queries:
            found = {ours[name] for name in page.evaluate(bench_site.SEARCH_IDS, query)}
            expected = {url for url, text in texts.items() if bench_site.holds(text, query)}
            out[query] = (expected, found & expected, found - expected)
        return out
    finally:
        page.close()
        server.shutdown()


def assert_full_recall(results: dict) -> None:
    misses = {q: f"{len(hit)}/{len(expected)}, e.g. {sorted(expected - hit)[:2]}"
              for q, (expected, hit, _) in results.items() if hit != expected}
    extra = {q: sorted(more)[:2] for q, (_, _, more) in results.items() if more}
    assert not misses, f"pages missed: {misses}"
    assert not extra, f"pages found that do not hold the query: {extra}"


STRINGS = ["ガバメントクラウドの利用", "振込先口座情報を、富士通 Japanの再委託。", "Café 2024年 令和6年度",
           "ｶﾞﾊﾞﾒﾝﾄ ＴＫＣ１２３", "カ\u3099バ", "e-mail U.S.A. 3.14 foo_bar", "𠮷野家の𩸽", "한국어 검색",
           "ภาษาไทย", "ＡＢＣ　ｄｅｆ…「口座」（情報）", "ﾃｽﾄ・データ", "ー", "々", "İstanbul ΣΑΣ straße",
           "①②③ ㈱ ㍻", "", "  ", "資料12-3", "ももも", "\u200bゼロ幅"]


@needs_chromium
def test_python_and_search_js_cut_the_same_way(tmp_path, browser):
    """What the index holds (Python) and what the query searches (search.js) come from the same rules."""
    server = serve(REPO / "templates" / "site" / "overrides" / "assets" / "fugi")
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/", wait_until="load")
        js = page.evaluate("""async (strings) => {
            const m = await import('/search.js');
            return strings.map((s) => [m.segmentsOf(s), m.terms(s)]);
        }""", STRINGS)
    finally:
        page.close()
        server.shutdown()
    for text, (js_segments, js_terms) in zip(STRINGS, js):
        assert [list(s) for s in segments(text)] == js_segments, text
        assert query_terms(text) == js_terms, text
    # a query finds the words the index holds for the same text
    for text in STRINGS:
        held = {w for w in words(segments(text)) if w}
        for term in query_terms(text):
            assert any(w.startswith(term) for w in held), (text, term)


@pytest.mark.slow  # a site built and indexed twice (fugi's index and Pagefind's own); the rules' test above is quick
@needs_chromium
def test_every_page_holding_a_query_is_found_on_a_small_archive(tmp_path, browser):
    site, texts = build_archive(tmp_path, QUICK_ITEMS)
    results = recall_of(site, texts, browser, QUERIES)
    assert_full_recall(results)
    assert all(expected for expected, _, _ in list(results.values())[:10])  # the queries are on its pages
    # punctuation alone is no word: nothing found (not every page, as a search without words would give)
    ours = {name: url for name, (url, _) in fragments(site / "pagefind").items()}
    server = serve(site)
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/", wait_until="load")
        assert page.evaluate(bench_site.SEARCH_IDS, "、。") == []
    finally:
        page.close()
        server.shutdown()
    assert len(ours) > QUICK_ITEMS
    # the reader sees the text as written: no inserted spaces or pairs in the excerpts
    server = serve(site)
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/?q=口座情報", wait_until="load")
        page.wait_for_selector(".md-search-result__item")
        excerpt = page.locator(".md-search-result__item p:not(.fugi-search__facts)").first
        assert "口座情報" in excerpt.inner_text()
        assert excerpt.locator("mark").first.inner_text() == "口座情報"  # the whole run marked, once
    finally:
        page.close()
        server.shutdown()


@pytest.mark.slow
@pytest.mark.xdist_group("archive1000")  # the tests sharing sitebuild.synthetic_site(1000) run on one worker
@needs_chromium
def test_every_page_holding_a_query_is_found_on_the_1000_item_archive(tmp_path, browser):
    """The 1,000-item archive as the product builds it (the site the 1,000-item axe and page-weight tests use)."""
    site = sitebuild.synthetic_site(LARGE_ITEMS)
    texts = indexed_texts(site, tmp_path)
    results = recall_of(site, texts, browser, QUERIES)
    for query, (expected, hit, extra) in results.items():
        print(f"{query}: {len(hit)}/{len(expected)} (not holding it: {len(extra)})")
    assert_full_recall(results)
    assert len(results["クラウド"][0]) > 1000 and len(results["ガバメントクラウド"][0]) > 100
