"""The archive site: stable URLs, working links, safe text, drafts never published, Pagefind in place of the
theme's search, nothing requested from another host.  The site is built once (tests/sitebuild.py)."""
from __future__ import annotations

import html
import json
import re
import zipfile
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, unquote

import markdown
import pytest

import sitebuild
from fugi.site.markup import render_markdown, text

SITE_PAGES = [
    "index.html", "meetings/index.html", "meetings/2025-05/index.html", "agendas/index.html",
    "agendas/kyoju-support-system/index.html", "agendas/aircon-josei/index.html",
    "agendas/kaigo-hoken-hyojunka/index.html", "agendas/nyuji-tsuen-shien/index.html",
    "browse/index.html", "browse/category/index.html", "browse/department/index.html",
    "browse/partner/index.html", "browse/year/index.html", "catalog/index.html", "data/index.html",
    "data/decisions.json", "data/decisions.csv", "pagefind/pagefind.js",
]


@pytest.fixture(scope="module")
def site() -> Path:
    return sitebuild.planted_site()


def page(site: Path, rel: str) -> str:
    """A page's HTML with character references resolved (content text is written as &#40; etc.)."""
    return html.unescape((site / rel).read_text(encoding="utf-8"))


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.script_text = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.script_text if self._in_script else self.text).append(data)


def parse(source: str) -> Elements:
    parser = Elements()
    parser.feed(source)
    return parser


def html_pages(site: Path):
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


# ---------------------------------------------------------------------------
# Pages and links


def test_stable_urls_from_file_names(site):
    for rel in SITE_PAGES:
        assert (site / rel).is_file(), rel


def test_every_internal_link_and_asset_resolves(site):
    base = "http://127.0.0.1/"
    for path in html_pages(site):
        rel = path.relative_to(site).as_posix()
        here = base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        for tag, attrs in parse(path.read_text(encoding="utf-8")).tags:
            for name in ("href", "src"):
                value = attrs.get(name)
                if not value or value.startswith(("#", "mailto:", "data:")):
                    continue
                target = urlsplit(urljoin(here, value))
                if target.netloc != "127.0.0.1":
                    continue  # other hosts are checked in test_nothing_is_requested_from_another_host
                file = site / unquote(target.path.lstrip("/"))
                if target.path.endswith("/"):
                    file = file / "index.html"
                assert file.is_file(), f"{rel}: <{tag} {name}={value!r}> → {file} がありません"


def test_nothing_is_requested_from_another_host(site):
    """No fonts, CDN or analytics: every script, stylesheet, image and frame comes from the site itself."""
    for path in html_pages(site):
        source = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in source and "fonts.gstatic" not in source, path
        for tag, attrs in parse(source).tags:
            loads = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src", "video": "src",
                     "embed": "src", "object": "data"}
            urls = [attrs.get(loads[tag])] if tag in loads else []
            if tag == "link" and attrs.get("rel") not in ("canonical", "prev", "next", "alternate feed"):
                urls.append(attrs.get("href"))
            for url in filter(None, urls):
                assert not re.match(r"^(https?:)?//", url), f"{path}: <{tag}> loads {url}"
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\(([^)]*)\)", css.read_text(encoding="utf-8")):
            assert not re.match(r"""^["']?(https?:)?//""", url), f"{css}: {url}"


def test_mkdocs_strict_build_of_mkdocs_yml_passes(tmp_path):
    """A plain `mkdocs build --strict` (hooks generate the pages from content/) passes: no broken links."""
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "out")],
                            cwd=sitebuild.REPO, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1",
                                                                                     "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "out" / "agendas" / "kyoju-support-system" / "index.html").is_file()
    assert (tmp_path / "out" / "pagefind" / "pagefind.js").is_file()


# ---------------------------------------------------------------------------
# What the pages say


def test_home_shows_latest_meeting_counts_and_how_to_search(site):
    home = page(site, "index.html")
    assert "最新の会議" in home and "meetings/zz-public-meeting/" in home  # 2026-02-02 is the newest public one
    assert "収録件数" in home and "探し方" in home
    assert "kwmeetingleak" not in home


def test_meeting_page_links_each_decision_to_its_item(site):
    source = page(site, "meetings/2025-05/index.html")
    assert "令和7年9月1日(月) 午前9時30分~午前10時00分" in source and "本庁舎3階 庁議室" in source
    assert "寺田副区長(会長)" in source
    item = re.search(r'<li id="item-5">(.*?)</li>', source, re.S).group(1)
    assert 'href="../../agendas/kyoju-support-system/"' in item and "承認" in item
    assert "はたちのつどい" in source and "悪魔の双子" in source
    assert "債権回収業務を弁護士事務所に委託する" in source  # remarks


def test_meeting_title_and_heading_carry_the_date_and_the_404_title_names_the_page(site):
    """Issue 31: 回 restarts each year, so 第5回 alone does not tell meetings apart; the 404 page named nothing."""
    source = page(site, "meetings/2025-05/index.html")
    title = re.search(r"<title>(.*?)</title>", source, re.S).group(1)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", source, re.S).group(1)
    assert title.startswith("新宿区個人情報保護管理運営会議(第5回)概要（令和7年9月1日(月)） - "), title
    assert "新宿区個人情報保護管理運営会議(第5回)概要（令和7年9月1日(月)）" in heading, heading
    missing = page(site, "404.html")
    assert re.search(r"<title>ページが見つかりません - ", missing), re.search(r"<title>.*?</title>", missing).group(0)


def test_every_page_has_the_contact_and_its_update_date_and_data_shows_the_licence(site):
    """Issue 31: an empty footer; no contact (問い合わせ先), no update date, no licence on the open data."""
    for path in html_pages(site):
        source = html.unescape(path.read_text(encoding="utf-8"))
        footer = re.search(r'<div class="md-copyright fugi-footer">(.*?)</div>', source, re.S)
        assert footer and "問い合わせ先: 新宿区 区政情報課" in footer.group(1), path
        undated = path.name == "404.html" or "会議:</strong> 審議前" in source  # no page, no meeting: no date
        assert bool(re.search(r"更新日: 令和\d+年\d+月\d+日\(.\)", footer.group(1))) != undated, path
    assert "更新日: 令和7年9月1日(月)" in page(site, "meetings/2025-05/index.html")
    assert "更新日: 令和7年9月1日(月)" in page(site, "agendas/kyoju-support-system/index.html")
    assert "更新日: 令和8年2月2日(月)" in page(site, "agendas/index.html")  # the newest public meeting
    data = page(site, "data/index.html")
    assert ('<a href="https://www.digital.go.jp/resources/open_data/public_data_license_v1.0">'
            '公共データ利用規約（第1.0版）（PDL1.0）</a>') in data


def test_item_page_links_back_to_its_meeting_and_decision(site):
    source = page(site, "agendas/kyoju-support-system/index.html")
    assert 'href="../../meetings/2025-05/#item-5"' in source
    assert re.search(r"決定:</strong> 承認", source)
    for heading in ("事業の概要", "事業内容", "別紙 外部結合", "資料27-1 個人情報の流れ", "資料27-2 情報項目", "チェックリスト"):
        assert heading in source, heading
    assert "【賃貸人（法人）】" in source


def test_an_undecided_item_shows_the_forms_word_never_unknown(site):
    """No meeting has decided it: 未定の表示 of the forms (審議中) as its decision, in the page and in the lists."""
    source = page(site, "agendas/aircon-josei/index.html")
    assert re.search(r"会議:</strong> 審議前", source) and re.search(r"決定:</strong> 審議中", source)  # not heard yet
    assert "不明" not in source
    assert not re.search(r"決定:</strong> 不明", source)
    listed = page(site, "agendas/index.html").split('href="../agendas/aircon-josei/"')[1].split("</tr>")[0]
    assert listed.rstrip().endswith("<td>審議中</td>")


def test_download_links_only_for_published_files(site):
    source = page(site, "agendas/aircon-josei/index.html")
    assert 'href="../../downloads/agendas/aircon-josei.docx"' in source
    assert 'href="../../downloads/agendas/aircon-josei.pdf"' in source
    copied = {p.name for p in (site / "downloads").rglob("*")}
    assert "zz-draft-item.docx" not in copied and "zz-private-item.docx" not in copied
    assert "zz-private-meeting.docx" not in copied and "2025-05.docx" in copied


def test_checklist_rows_unlike_the_catalog_are_highlighted(site):
    source = page(site, "agendas/aircon-josei/index.html")
    differs = re.findall(r'<tr class="fugi-row fugi-row--differs">(.*?)</tr>', source, re.S)
    assert len(differs) == 2
    assert all("標準の文言: " in row for row in differs)
    assert "コンピュータウイルス感染等がないよう" in differs[0] and "コンピューターウイルス感染等がないよう" in differs[0]
    nyuji = page(site, "agendas/nyuji-tsuen-shien/index.html")
    assert len(re.findall(r'fugi-row--not-needed', nyuji)) >= 1
    kyoju = page(site, "agendas/kyoju-support-system/index.html")
    assert "すべての行が標準チェックリストのとおりです" in kyoju
    # standard rows are folded (one 「標準どおり」 row per run) and left out of the index; deviating rows stay in
    assert kyoju.count('<li class="fugi-run__row">') == 2 * (5 + 11)  # 外部結合: both halves
    assert kyoju.count('<tr class="fugi-run" data-pagefind-ignore>') == 4  # every group is one run
    assert "標準どおり 11項目" in kyoju and "標準どおり 5項目" in kyoju
    assert all("data-pagefind-ignore" not in row.split("<td", 1)[0] for row in differs)


def test_browse_pages_group_items(site):
    category = page(site, "browse/category/index.html")
    sub = category.split('id="sai-itaku"')[1]
    assert "aircon-josei" in sub and "kaigo-hoken-hyojunka" in sub and "kyoju-support-system" not in sub
    partner = page(site, "browse/partner/index.html")
    fujitsu = partner.split("富士通 Japan 株式会社</h2>")[1].split("<h2")[0]
    assert "kaigo-hoken-hyojunka" in fujitsu
    assert "国土交通省" in partner and "テプコ・ソリューション・アドバンス株式会社" in partner
    department = page(site, "browse/department/index.html")
    assert "介護保険課" in department and "高齢者支援課" in department
    year = page(site, "browse/year/index.html")
    r7 = year.split('id="fy2025"')[1].split("<h2")[0]
    assert "kyoju-support-system" in r7 and "aircon-josei" not in r7
    waiting = year.split('id="not-heard"')[1].split("<h2")[0]  # not heard yet: the forms' 未審議の表示, not 年度不明
    assert "審議前" in waiting and "aircon-josei" in waiting and "kyoju-support-system" not in waiting


def test_catalog_page_lists_the_standard_checklists(site):
    source = page(site, "catalog/index.html")
    assert "4 外部結合にかかる個人情報保護対策チェックリスト" in source
    assert "コンピューターウイルス感染等がないよう" in source


# ---------------------------------------------------------------------------
# Safety


def test_hostile_content_shows_as_text(site):
    source = (site / "agendas" / sitebuild.HOSTILE_ID / "index.html").read_text(encoding="utf-8")
    doc = parse(source)
    # nothing from content runs: no script but the site's own, no handlers, no javascript: links
    for tag, attrs in doc.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith(("../../assets/", "../..")) or not attrs.get("src"), attrs
        if tag == "img":
            assert "example.com" not in attrs.get("src", ""), attrs
    assert all("alert(" not in script for script in doc.script_text)
    shown = "".join(doc.text)
    assert sitebuild.HOSTILE_TITLE in shown  # the h1 shows exactly what the clerk typed
    assert sitebuild.HOSTILE_PARTNER in shown and sitebuild.HOSTILE_SECTION in shown
    assert '<script>alert("body")</script>' in shown and "<img src=x onerror=alert(5)>" in shown
    assert "{{ 7*7 }}" in shown and "{% if x %}" in shown
    assert "<strong>太字はそのまま Markdown として表示</strong>" in source  # clerk Markdown still renders
    title = re.search(r"<title>(.*?)</title>", source, re.S).group(1)
    assert html.unescape(title).startswith(sitebuild.HOSTILE_TITLE)


@pytest.mark.parametrize("value", [
    "<script>alert(1)</script>", "{{ x }} {% if %}", "[x](javascript:alert(1))", "**b** _i_ `c`", "# 見出し",
    "- リスト", "1. 番号", "| a | b |", "{: #id onclick=x }", "&amp; &lt; &#60;", "a\\*b", "<!-- c -->", "![i](x.png)",
    "***", "> 引用", "~~s~~", "http://example.com", "1) 括弧", "+ プラス", "=== ---",
])
def test_escaped_text_survives_markdown_everywhere(value):
    """text() output reads back as the same characters in a heading, a paragraph, a table cell and raw HTML."""
    esc = text(value)
    source = f"# {esc}\n\n{esc}\n\n| h |\n| --- |\n| {esc} |\n\n<div>{esc}</div>\n"
    out = markdown.markdown(source, extensions=["tables", "attr_list", "md_in_html", "toc"])
    tags = {tag for tag, _ in parse(out).tags}
    assert tags <= {"h1", "p", "table", "thead", "tr", "th", "tbody", "td", "div"}, out
    chunks = [html.unescape(c) for c in re.split(r"<[^>]+>", out)]
    assert chunks.count(value) == 4, out  # heading, paragraph, table cell, raw HTML block


def test_clerk_markdown_is_rendered_without_html():
    out = render_markdown("## 1 概要\n\n日本\n語と<b>x</b>と[a](javascript:alert(1))と![t](https://example.com/t.png)\n\n- 項目", 2)
    assert "<h4" in out and "日本語と" in out  # soft break between Japanese characters is nothing
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert "javascript:" not in out.replace("[a](javascript:alert(1))", "")
    assert "<img" not in out and "［図: t］" in out
    assert "<li>項目</li>" in out


def test_rendered_markdown_is_kept_only_in_the_memo_it_is_given():
    """The memo is passed down to render_markdown (no module state set while pages are generated)."""

    class Memo(dict):
        def get(self, key):
            return super().get(key)

        def put(self, key, html):
            self[key] = html

    memo = Memo()
    first = render_markdown("1 概要\n\n本文", 2, memo)
    assert len(memo) == 1 and list(memo.values())[0] in first
    memo[next(iter(memo))] = "<p>kept</p>"
    assert "<p>kept</p>" in render_markdown("1 概要\n\n本文", 2, memo)  # taken from the memo, not rendered again
    assert "<p>kept</p>" not in render_markdown("1 概要\n\n本文", 2)  # without one: rendered, nothing kept
    assert len(memo) == 1


# ---------------------------------------------------------------------------
# Drafts and non-public items


def test_drafts_and_non_public_items_never_reach_any_output(site):
    """Every file of site/ — pages, sitemap, open data, Pagefind index and fragments (decompressed)."""
    checked = 0
    for path, content in sitebuild.output_texts(site):
        checked += 1
        for word in sitebuild.SECRET_WORDS + sitebuild.SECRET_IDS:
            assert word not in content, f"「{word}」が {path.relative_to(site)} に出ています"
    assert checked > 50
    index_files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    assert any("fragment" in p.parts for p in index_files)  # the fragments were among the files checked


def test_a_public_meetings_word_download_masks_the_non_public_item(site):
    """The 会議概要 Word offered on the site is made from the public view: the item's title never appears in it."""
    document = site / "downloads" / "meetings" / "zz-public-meeting.docx"
    with zipfile.ZipFile(document) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert "（非公開の付議事項）" in xml and "条件付承認" in xml
    assert sitebuild.PRIVATE_WORD not in xml and sitebuild.PRIVATE_WORD_JA not in xml
    assert sitebuild.REMARK_WORD not in xml and xml.count("非公開の付議事項のため掲載していません") == 2  # conditions, remarks
    # its clerks' Word file (build/docx) names the item, so its PDF is not the public one and is not offered
    assert not document.with_suffix(".pdf").exists()
    assert (site / "downloads" / "meetings" / "2025-05.pdf").is_file()


def test_non_public_item_title_is_hidden_in_a_public_meeting(site):
    source = page(site, "meetings/zz-public-meeting/index.html")
    assert "（非公開の付議事項）" in source and "条件付承認" in source
    assert "zz-private-item" not in source


def test_a_withheld_items_conditions_and_remarks_are_left_out(site):
    """The public meeting withholds the non-public item (非公開: true): its number and decision show, its conditions
    and the remarks about it do not, and the page says so where they would be; every byte of the site is checked
    for their words in test_drafts_and_non_public_items_never_reach_any_output (sitebuild.SECRET_WORDS)."""
    source = page(site, "meetings/zz-public-meeting/index.html")
    item = re.search(r'<li id="item-1">(.*?)</li>', source, re.S).group(1)
    assert "（非公開の付議事項）" in item and "条件付承認" in item and "非公開の付議事項のため掲載していません" in item
    remarks = source.split('id="remarks-1"')[1].split('id="remarks-2"')[0]
    assert "非公開の付議事項のため掲載していません" in remarks and "fugi-remark__speaker" not in remarks
    assert "条件の報告は誰が受けるのか。" in source  # the other item's remarks stay


def test_conditions_and_history_on_the_item_and_meeting_pages(site):
    """継続審議 at the 97th meeting links forward to the 98th, which decides 条件付承認 with two conditions and links
    back; the item's page shows its history in date order and its conditions, all searchable."""
    item = page(site, f"agendas/{sitebuild.RECORD_ID}/index.html")
    facts = item.split('class="fugi-facts"')[1].split("</div>")[0]
    assert re.search(r"決定:</strong> 条件付承認", facts)
    assert f"(1) {sitebuild.CONDITION_WORDS[0]}を年に1回報告すること。" in facts
    assert f"(2) {sitebuild.CONDITION_WORDS[1]}の変更は事前に報告すること。" in facts
    history = item.split('id="history"')[1].split("</ol>")[0]
    steps = re.findall(r"<li>(.*?)</li>", history, re.S)
    assert len(steps) == 3 and "資料904として提出" in steps[0]
    assert 'href="../../meetings/zz-first-meeting/#item-1"' in steps[1] and "継続審議" in steps[1]
    assert 'href="../../meetings/zz-public-meeting/#item-2"' in steps[2] and "条件付承認" in steps[2]
    assert sitebuild.CONDITION_WORDS[1] in steps[2]
    first = re.search(r'<li id="item-1">(.*?)</li>', page(site, "meetings/zz-first-meeting/index.html"), re.S).group(1)
    assert "継続審議" in first and 'href="../zz-public-meeting/#item-2"' in first and "→" in first
    later = re.search(r'<li id="item-2">(.*?)</li>', page(site, "meetings/zz-public-meeting/index.html"), re.S).group(1)
    assert 'href="../zz-first-meeting/#item-1"' in later and "←" in later
    assert f"(1) {sitebuild.CONDITION_WORDS[0]}を年に1回報告すること。" in later


def test_a_deviations_reason_is_shown_and_searchable(site):
    source = page(site, f"agendas/{sitebuild.RECORD_ID}/index.html")
    row = next(r for r in re.findall(r'<tr class="fugi-row[^"]*">(.*?)</tr>', source, re.S) if "－" in r)
    assert f"{sitebuild.REASON_WORD}のため" in row and "data-pagefind-ignore" not in row.split("<td", 1)[0]
    # Pagefind's fragments hold the page's text with its Japanese words split by zero-width spaces
    fragments = [text.replace("\u200b", "") for path, text in sitebuild.output_texts(site) if "fragment" in path.parts]
    for word in (sitebuild.REASON_WORD, *sitebuild.CONDITION_WORDS):
        assert any(word in text for text in fragments), word  # in the search index


# ---------------------------------------------------------------------------
# Search: Pagefind instead of the theme's search


def test_theme_search_is_off_and_pagefind_indexes_japanese(site):
    assert not (site / "search" / "search_index.json").exists()
    home = page(site, "index.html")
    assert 'data-md-component="search"' not in home and "data-fugi-search" in home
    assert '<html lang="ja"' in home
    entry = json.loads(page(site, "pagefind/pagefind-entry.json"))
    assert list(entry["languages"]) == ["ja"]
    # items, meetings and the catalog are indexed; lists and browse pages are not
    # 6 public items (4 + the hostile one + the record one), 3 public meetings, the catalog and the open-data page
    assert entry["languages"]["ja"]["page_count"] == 11


def test_search_filters_and_meta_are_on_item_pages(site):
    source = page(site, "agendas/kaigo-hoken-hyojunka/index.html")
    assert "<div data-pagefind-body>" in source
    for name, value in (("年度", "審議前"), ("区分", "電算処理"), ("区分", "再委託"), ("担当課", "介護保険課"), ("決定", "審議中")):
        assert f'<span data-pagefind-filter="{name}">{value}</span>' in source, (name, value)
    kyoju = page(site, "agendas/kyoju-support-system/index.html")
    assert '<span data-pagefind-filter="年度">令和7年度</span>' in kyoju
    assert '<span data-pagefind-filter="決定">承認</span>' in kyoju
    browse = page(site, "browse/category/index.html")
    assert "data-pagefind-body" not in browse


def test_grouped_information_items_show_their_names(site):
    """資料27-2 lists each group's items joined by 、 (not a Python object's repr)."""
    text = page(site, "agendas/kyoju-support-system/index.html")
    assert "【賃貸人（法人）】" in text
    assert "商号、名称、主たる事務所の所在地、電話番号、代表者氏名、生年月日、法人の役員（商号、名称、氏名、生年月日、役名等）" in text
    for source in html_pages(site):
        assert "built-in method" not in source.read_text(encoding="utf-8"), source


def test_a_broken_site_template_is_a_problem_with_its_line_and_nothing_is_replaced(tmp_path, monkeypatch):
    """A clerk edits a page template and leaves a tag open: path:line, no Jinja traceback, the last site stays."""
    import shutil

    from fugi import pipeline, resources
    from fugi.problems import ContentError

    out = tmp_path / "site"
    pipeline.build(sitebuild.CONTENT, site_out=out, report=lambda line: None)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    templates = tmp_path / "templates"
    shutil.copytree(resources.SITE_TEMPLATES, templates)
    source = (templates / "agenda.md.j2").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(source, 1) if "{{ item.basis_text }}" in text)
    source[line - 1] = source[line - 1].replace("{{ item.basis_text }}", "{{ item.basis_text }")
    (templates / "agenda.md.j2").write_text("\n".join(source) + "\n", encoding="utf-8")
    monkeypatch.setattr(resources, "SITE_TEMPLATES", templates)
    printed = []
    with pytest.raises(ContentError):
        pipeline.build(sitebuild.CONTENT, site_out=out, report=printed.append)
    problems = [p for p in printed if ": テンプレート: " in p]
    assert problems and problems[0].startswith(f"templates/site/agenda.md.j2:{line}: テンプレート: サイトのテンプレートを処理できません"), printed
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_a_strict_mkdocs_failure_says_which_warning(tmp_path):
    """MkDocs counts the warnings that fail a strict build but prints none of them: fugi's message carries them."""
    from fugi.pipeline import load_archive
    from fugi.site.mkdocs_site import SiteFailure, mkdocs_config, run_mkdocs

    archive, _ = load_archive(Path(__file__).resolve().parent.parent / "content")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 見出し\n\n[会議](meetings/nowhere.md)\n", encoding="utf-8")
    config = mkdocs_config(docs, tmp_path / "site", archive)
    config.nav = None
    with pytest.raises(SiteFailure) as failure:
        run_mkdocs(config)
    assert "in strict mode" in str(failure.value) and "meetings/nowhere.md" in str(failure.value)


class _Elements(HTMLParser):
    """Every element of a page with its attributes, and the text of each <script>."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_hostile_words_of_the_forms_reach_the_theme_as_text(tmp_path, monkeypatch):
    """サイト.名称・サイト.説明・相手先の総称 go through the theme's own templates (site_name, site_description, the
    nav): a description that closes <meta name="description"> must not open a live <script>."""
    import shutil

    from fugi.cli import main

    content = tmp_path / "content"
    shutil.copytree(sitebuild.CONTENT, content)
    forms = content / "forms.yml"
    text = forms.read_text(encoding="utf-8")
    hostile = {"  名称: 新宿区個人情報保護管理運営会議 アーカイブ": "  名称: '</title><script>alert(1)</script>'",
               "  説明: 新宿区個人情報保護管理運営会議の付議事項と会議概要の公開アーカイブ": """  説明: '"><script>alert(2)</script>'""",
               "  相手先の総称: 相手方 ": "  相手先の総称: '<img src=x onerror=alert(3)>' "}
    for before, after in hostile.items():
        assert before in text, before
        text = text.replace(before, after, 1)
    forms.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["site", "--content", "content", "--out", "out"]) == 0
    pages = sorted((tmp_path / "out").rglob("*.html"))
    assert pages
    shown = ""
    for path in pages:
        parsed = _Elements()
        parsed.feed(path.read_text(encoding="utf-8"))
        assert not any("alert(" in script for script in parsed.scripts), path
        assert not any(tag == "img" and "onerror" in attrs for tag, attrs in parsed.tags), path
        shown += html.unescape(path.read_text(encoding="utf-8"))
    assert "</title><script>alert(1)</script>" in shown and '"><script>alert(2)</script>' in shown
    assert "<img src=x onerror=alert(3)>別" in shown
    data = json.loads((tmp_path / "out" / "data" / "decisions.json").read_text(encoding="utf-8"))
    assert data["名称"] == "</title><script>alert(1)</script>"  # open data keeps the words, escaped by JSON alone


def test_long_lists_are_split_into_pages_with_links_between_them(tmp_path, monkeypatch):
    """Issue 31: the 1,000-item /agendas/ was one page of 345 KB (244,838 px at 375 px), /browse/partner/ 935 KB.
    Lists are cut into pages of PAGE_ROWS rows (here 2, for the 4 items of content/); a group larger than a page
    goes on over the next one; the first page lists where every group starts (its #id still leads there)."""
    from fugi import pipeline
    from fugi.site import context

    monkeypatch.setattr(context, "PAGE_ROWS", 2)
    pipeline.build(sitebuild.CONTENT, docx_out=tmp_path / "docx", site_out=tmp_path / "site", site_pdf=False,
                   report=lambda line: None)
    site = tmp_path / "site"
    first, second = page(site, "agendas/index.html"), page(site, "agendas/page.2/index.html")
    assert re.search(r"<h1[^>]*>付議事項の一覧（1〜2件目）", first) and re.search(r"<h1[^>]*>付議事項の一覧（3〜4件目）", second)
    assert not (site / "agendas" / "page.3").exists()
    assert len(re.findall(r'<td><a href="\.\./agendas/[a-z0-9-]+/"', first)) == 2
    assert len(re.findall(r'<td><a href="\.\./\.\./agendas/[a-z0-9-]+/"', second)) == 2
    assert '<a href="../agendas/page.2/">3〜4件目</a>' in first
    assert '<a href="../agendas/" aria-current="page">1〜2件目</a>' in first
    assert '<a href="../../agendas/">1〜2件目</a>' in second
    assert '<a href="../../agendas/page.2/" aria-current="page">3〜4件目</a>' in second
    category = page(site, "browse/category/index.html")
    contents = re.search(r'<details class="fugi-contents".*?</details>', category, re.S).group(0)
    later = [name for name in ("gaibu-ketsugo", "gyomu-itaku", "sai-itaku", "densan-shori") if f'id="{name}"' in contents]
    assert later
    for name in later:  # a group that starts on a later page: the first page's #id is its entry in the list
        assert re.search(rf'<a href="page\.\d/#{name}" id="{name}">', contents), name
    assert "外部結合</a>（4件）" in contents  # the whole group's count, though it goes on over two pages
    continued = "".join(p.read_text(encoding="utf-8") for p in (site / "browse").rglob("page.*/index.html"))
    assert "外部結合（続き）" in continued


def test_search_snippets_do_not_read_the_colons_of_hidden_labels(site):
    """Issue 31: 31 of 55 snippets read 「について. : 資料27. :」: the facts' labels are left out of the index, and the
    colon after each label was not; it is inside the label now."""
    import gzip

    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        record = json.loads(data[data.index(b"{"):])
        if record["url"] == "/agendas/kyoju-support-system/":
            content = record["content"].replace("\u200b", "")
            assert "資料27. 第5回" in content and ". :" not in content and " : " not in content, content[:200]
            break
    else:
        raise AssertionError("no fragment of /agendas/kyoju-support-system/")


def test_breadcrumbs_lead_home_and_to_the_list_a_page_belongs_to(site):
    """Issue 31: no breadcrumbs."""
    def crumbs(rel):
        nav = re.search(r'<nav class="fugi-breadcrumbs" aria-label="現在位置">(.*?)</nav>', page(site, rel), re.S)
        return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", nav.group(1), re.S)]

    assert crumbs("agendas/kyoju-support-system/index.html") == [
        "ホーム", "付議事項の一覧", "居住サポート住宅情報提供システムとの外部結合について"]
    assert crumbs("meetings/2025-05/index.html") == [
        "ホーム", "会議の一覧", "新宿区個人情報保護管理運営会議(第5回)概要（令和7年9月1日(月)）"]
    assert crumbs("browse/partner/index.html")[:2] == ["ホーム", "付議事項を探す"]
    assert crumbs("agendas/index.html") == ["ホーム", "付議事項の一覧"]
    assert crumbs("data/index.html") == ["ホーム", "オープンデータ"]
    assert 'class="fugi-breadcrumbs"' not in page(site, "index.html")
    item = page(site, "agendas/kyoju-support-system/index.html")
    assert '<li><a href="../..">ホーム</a></li>' in item and '<li><a href="../">付議事項の一覧</a></li>' in item


def test_an_item_page_links_the_remarks_about_it_and_the_meetings_advice(site):
    """Issue 31: agenda pages did not link to the remarks about them (the meeting's 発言 on its 審議事項, 助言)."""
    item = page(site, "agendas/kyoju-support-system/index.html")
    facts = item.split('class="fugi-facts"')[1].split("</div>")[0]
    found = re.search(r"会議の記録:</strong> (.*?)</li>", facts, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', found)
    assert links[0][0] == "../../meetings/2025-05/#remarks-5" and re.fullmatch(r"発言（\d+件）", links[0][1]), links
    assert links[1][0] == "../../meetings/2025-05/#advice" and links[1][1].endswith("（会議全体）"), links
    assert 'id="remarks-5"' in page(site, "meetings/2025-05/index.html")


def test_the_glossary_of_the_forms_is_linked_from_the_items_categories_and_the_footer(site):
    """Issue 31: jargon (外部結合, 電算処理, 再委託) was never explained; the forms' 用語集 makes /glossary/."""
    glossary = page(site, "glossary/index.html")
    for term in ("電算処理", "外部結合", "業務委託", "再委託"):
        assert re.search(rf'<h2 id="{term}"[^>]*>{term}</h2>\s*<p>[^<]{{10,}}</p>', glossary), term
    item = page(site, "agendas/aircon-josei/index.html")
    assert '（<a href="../../glossary/#外部結合">外部結合・業務委託・再委託とは</a>）' in item
    assert '<a href="../../glossary/">用語集</a>' in item  # the footer


def test_a_not_needed_row_without_a_reason_says_so(site):
    """Issue 31: a 「－」 row's reason was not shown; where the original gives none (nyuji-tsuen-shien, row 4 marked
    原本どおり), the row says so instead of leaving the reader to wonder."""
    source = page(site, "agendas/nyuji-tsuen-shien/index.html")
    rows = re.findall(r'<tr class="fugi-row[^"]*fugi-row--not-needed[^"]*">(.*?)</tr>', source, re.S)
    assert rows and all('class="fugi-note fugi-reason"' in row for row in rows), rows
    assert any("理由の記載なし" in row for row in rows)


def test_the_accessibility_page_shows_the_policy_and_the_recorded_axe_results(site, tmp_path):
    """Issue 31: no accessibility statement.  The page gives the forms' policy and what tests/test_site_a11y.py
    recorded (content/accessibility/axe-results.json); without a record it says so rather than claim a result."""
    from fugi.pipeline import checked_archive
    from fugi.site.accessibility import RESULTS, accessibility_context

    source = page(site, "accessibility/index.html")
    assert "JIS X 8341-3:2016" in source and "適合レベル AA" in source
    assert '<a href="../accessibility/">アクセシビリティ</a>' in page(site, "data/index.html")  # the footer
    forms = checked_archive(sitebuild.CONTENT, report=lambda line: None).forms
    assert accessibility_context(forms, tmp_path)["results"] is None
    (tmp_path / RESULTS).parent.mkdir(parents=True)
    (tmp_path / RESULTS).write_text(json.dumps({
        "tool": "axe-core 4.14.1", "rules": ["wcag2a", "wcag2aa"], "test": "tests/test_site_a11y.py",
        "results": [{"page": "/", "width": 1280, "violations": 0}, {"page": "/", "width": 375, "violations": 2}]}),
        encoding="utf-8")
    context = accessibility_context(forms, tmp_path)
    assert context["violations"] == 2 and context["results"]["tool"] == "axe-core 4.14.1"
    assert len(context["results"]["rows"]) == 2


# ---------------------------------------------------------------------------
# Long lists on a phone (issue 31): the meetings list by whole years, a pager of a few links, partners' reach folded


def small_synthetic_site(root: Path, items: int, rows: int, monkeypatch) -> Path:
    """The benchmark's synthetic archive of `items` items (items/10 meetings, one or two a fiscal year) built with
    list pages of `rows` rows; returns site/."""
    from fugi import pipeline
    from fugi.site import context

    sys.path.insert(0, str(sitebuild.REPO / "bench"))
    from bench_site import synthetic_content

    monkeypatch.setattr(context, "PAGE_ROWS", rows)
    content = synthetic_content(root / "content", items)
    pipeline.build(content, site_out=root / "site", site_pdf=False, report=lambda line: None)
    return root / "site"


@pytest.fixture(scope="module")
def four_row_site(tmp_path_factory) -> Path:
    """The 60-item synthetic archive with lists of 4 rows a page (many pages), built once for the tests that read it."""
    with pytest.MonkeyPatch.context() as patch:
        return small_synthetic_site(tmp_path_factory.mktemp("four-rows"), 60, 4, patch)


def year_links(site: Path) -> list:
    """(meeting page, the page its 年度 link leads to, the anchor) for every meeting page of a built site."""
    found = []
    for path in sorted((site / "meetings").glob("*/index.html")):
        if path.parent.name.startswith("page."):
            continue
        links = re.findall(r'年度:</strong> <a href="([^"]+)"', page(site, path.relative_to(site).as_posix()))
        assert len(links) == 1, path
        target = urlsplit(urljoin(f"http://x/meetings/{path.parent.name}/", links[0]))
        found.append((path.parent.name, unquote(target.path).strip("/"), target.fragment))
    return found


def assert_year_links_land(site: Path) -> int:
    """Every meeting page's 年度 link leads to the list's page whose heading of that year holds the meeting."""
    for meeting, target, anchor in year_links(site):
        assert target == "meetings" or re.fullmatch(r"meetings/page\.\d+", target), (meeting, target)
        listed = page(site, f"{target}/index.html")
        heading = re.search(rf'<h2 id="{anchor}">(.*?)</h2>(.*?)(?=<h2 |<nav class="fugi-pager"|</article>)', listed, re.S)
        assert heading, (meeting, target, anchor)
        listed_here = {urlsplit(urljoin(f"http://x/{target}/", href)).path
                       for href in re.findall(r'<a href="([^"]+)"', heading.group(2))}
        assert f"/meetings/{meeting}/" in listed_here, (meeting, target, anchor)
    return len(year_links(site))


def test_whole_groups_start_a_page_and_only_a_group_larger_than_a_page_is_cut():
    from fugi.site.context import pager, split_groups

    groups = [{"id": "a", "rows": [1] * 3}, {"id": "b", "rows": [2] * 3}, {"id": "c", "rows": [3] * 9}]
    parts = split_groups(groups, size=6, whole=True)
    assert [[(g["id"], len(g["rows"]), g["first"], g["continues"]) for g in part] for part in parts] == [
        [("a", 3, True, False)], [("b", 3, True, False)], [("c", 4, True, True)], [("c", 4, False, True)],
        [("c", 1, False, False)]]
    assert [[g["id"] for g in part] for part in split_groups(groups, size=6)][:2] == [["a", "b"], ["b", "c"]]
    assert [link["label"] for link in pager("x/index.md", [3, 1])] == ["1〜3件目", "4件目"]
    assert [link["label"] for link in pager("x/index.md", [3, 1], ["令和7年度", "令和6年度"])] == ["令和7年度", "令和6年度"]


def test_the_meetings_list_is_cut_by_whole_years_and_each_year_link_lands_on_its_page(tmp_path, monkeypatch):
    """Issue 31: /meetings/ of the 1,000-item archive was one page of 26 phone screens; it could not be cut because
    meeting pages link their year there (#fy2024).  The list is cut into pages of whole years now (named by them),
    and each meeting's year link leads to the page holding its year."""
    site = small_synthetic_site(tmp_path, 60, 6, monkeypatch)  # 6 meetings, one a year over 6 years
    pages = ["meetings/index.html"] + [f"meetings/page.{n}/index.html" for n in (2, 3)]
    assert all((site / rel).is_file() for rel in pages) and not (site / "meetings/page.4").exists()
    headings = [re.findall(r'<h2 id="(fy\d+)">(.*?)</h2>', page(site, rel)) for rel in pages]
    assert [len(found) for found in headings] == [2, 2, 2]  # two whole years a page (a year: its heading + 1 row)
    first = page(site, pages[0])
    assert re.search(rf"<h1[^>]*>会議の一覧（{headings[0][0][1]}〜{headings[0][1][1]}）", first)
    assert f'aria-current="page">{headings[0][0][1]}〜{headings[0][1][1]}</a>' in first
    # the first page lists every year and on which page it is (an old link to /meetings/#fy… lands on its entry)
    later = headings[1][0][0]
    assert re.search(rf'<a href="page\.2/#{later}" id="{later}">', first)
    assert assert_year_links_land(site) == 6


@pytest.mark.slow
@pytest.mark.xdist_group("archive1000")  # the tests sharing sitebuild.synthetic_site(1000) run on one worker
def test_every_year_link_of_a_1000_item_archive_lands_on_the_page_holding_its_year():
    """The 1,000-item archive (100 meetings over 7 fiscal years): /meetings/ is several pages, and each of the 100
    meeting pages' year links leads to the page whose heading of that year lists the meeting."""
    site = sitebuild.synthetic_site(1000)
    assert (site / "meetings" / "page.2" / "index.html").is_file()
    assert assert_year_links_land(site) == 100


@pytest.mark.xdist_group("four_rows")  # one worker builds the site they share
def test_a_long_lists_pager_links_a_few_pages_not_all(four_row_site):
    """Issue 31: the pager linked every page of a list (60 pages of /browse/category/: 2 × 2,900 px of links at
    375 px).  It links the previous and next page, the first and the last and two on each side, with 「…」 between."""
    site = four_row_site
    pages = sorted((site / "agendas").glob("page.*/index.html"), key=lambda p: int(p.parent.name.split(".")[1]))
    last = len(pages) + 1
    assert last >= 10
    middle = page(site, f"agendas/page.{last // 2}/index.html")
    nav = re.search(r'<nav class="fugi-pager"[^>]*>(.*?)</nav>', middle, re.S).group(1)
    linked = re.findall(r'<a href="\.\./\.\./agendas/(?:page\.(\d+)/)?"', nav)
    numbers = [int(n or 1) for n in linked]
    here = last // 2
    assert numbers == [here - 1, 1, *range(here - 2, here + 3), last, here + 1], numbers
    assert nav.count('aria-hidden="true">…</li>') == 2 and 'rel="prev"' in nav and 'rel="next"' in nav
    assert f"全{last}ページ" in re.search(r'<nav class="fugi-pager" aria-label="([^"]+)"', middle).group(1)


@pytest.mark.xdist_group("four_rows")  # one worker builds the site they share
def test_a_partners_reach_is_folded_and_lists_only_the_items_on_its_page(four_row_site):
    """Issue 31: a partner's list of the items that reach it was open and whole on every page the partner's group
    went on over (52 phone screens on a page of the 1,000-item archive); it is folded and lists this page's items."""
    site = four_row_site
    seen = 0
    for path in [site / "browse/partner/index.html", *(site / "browse/partner").glob("page.*/index.html")]:
        text = page(site, path.relative_to(site).as_posix())
        assert '<div class="fugi-reach">' not in text
        for group in re.split(r"<h2 ", text)[1:]:
            reach = re.search(r'<details class="fugi-reach">\s*<summary>.*?（(?:このページの)?(\d+)件）</summary>(.*?)</details>',
                              group, re.S)
            if not reach:
                continue
            listed = set(re.findall(r'<td><a href="[./]*agendas/([a-z0-9-]+)/"', group))
            reached = re.findall(r'<li><a href="[./]*agendas/([a-z0-9-]+)/"', reach.group(2))
            assert reached and set(reached) <= listed and int(reach.group(1)) == len(reached)
            seen += 1
    assert seen > 5
