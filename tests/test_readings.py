"""Readings of names (content/vocabulary/readings.yml): validated like content, warned when missing, and the
partner and section lists of the site in 五十音順 of the readings."""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from contents import complete
from fugi.views.collation import collation_key
from fugi.pipeline import load_archive
from fugi.problems import Problems
from fugi.validate.readings import READINGS_FILE, load_readings, order_key

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "readings"
WHERE = "content/vocabulary/readings.yml"
EXAMPLE = "`厚生労働省: こうせいろうどうしょう` のように、名前の後にひらがなの読みを書いてください"
NOT_KANA = ("ひらがなで書いてください（のばす音の「ー」と、区切りの空白・「・」は使えます）。ローマ字や漢字の名前も、"
            "読みはひらがなです（例: Box Japan → ぼっくすじゃぱん）")


def problems_of(tmp_path: Path, monkeypatch, name: str) -> list:
    monkeypatch.chdir(tmp_path)
    content = Path("content")
    (content / "vocabulary").mkdir(parents=True)
    shutil.copy(FIXTURES / name, content / READINGS_FILE)
    problems = Problems()
    load_readings(content, problems)
    return [str(p) for p in problems]


@pytest.mark.parametrize("name, expected", [
    ("katakana.yml", f"{WHERE}:2: 国土交通省: 読みはひらがなで書いてください — 「こくどこうつうしょう」と書いてください"),
    ("latin.yml", f"{WHERE}:2: TKC: 読みに使えない文字があります（「T」・「K」・「C」） — {NOT_KANA}"),
    ("kanji-left.yml", f"{WHERE}:2: 高齢者支援課: 読みに使えない文字があります（「支」・「援」） — {NOT_KANA}"),
    ("empty.yml", f"{WHERE}:3: デジタル庁: 読みがありません — {EXAMPLE}"),
    ("list-value.yml", f"{WHERE}:2: デジタル庁: 読みは1行の文字で書いてください（並びや「項目: 値」にはできません） — {EXAMPLE}"),
    ("duplicate-name.yml", f"{WHERE}:4: デジタル庁: 同じ名前の読みが2回書かれています — 正しい読みを1行にまとめてください（YAML では後の行の読みだけが使われます）"),
    ("same-name-other-reading.yml", f"{WHERE}:3: 富士通Japan: 2行目の「富士通 Japan 株式会社」と同じ名前なのに、読みが違います"
                                    "（「ふじつうじゃぱん」と「ふじつうにっぽん」） — 正しい読みの行だけを残してください"),
    ("same-name-same-reading.yml", f"{WHERE}:3: 富士通Japan株式会社: [警告] 2行目の「富士通 Japan 株式会社」と同じ名前です"
                                   "（法人の種類・空白・大文字と小文字の違いは同じ名前とみなします） — 読みも同じなので、1行にまとめてください"),
    ("not-a-mapping.yml", f"{WHERE}:1: ファイル: 「項目: 値」の形になっていません — YAMLの対応表として書いてください"),
])
def test_each_mistake_is_reported_at_its_line(tmp_path, monkeypatch, name, expected):
    assert problems_of(tmp_path, monkeypatch, name) == [expected]


def test_the_seed_readings_load_cleanly_and_cover_every_name():
    archive, problems = load_archive(ROOT / "content")
    assert not [p for p in problems if "readings.yml" in p.path or "読み" in p.message], [str(p) for p in problems]
    assert archive.readings.reading("国土交通省") == "こくどこうつうしょう"
    assert archive.readings.reading("富士通Japan株式会社") == "ふじつうじゃぱん"  # spaces do not matter


# ---------------------------------------------------------------------------
# The mixed-scripts archive: Latin, hiragana, katakana and kanji names


def mixed_content(folder: Path) -> Path:
    """A whole copy of tests/fixtures/readings/archive as folder/content."""
    content = folder / "content"
    shutil.copytree(FIXTURES / "archive", content)
    (content / "meetings").mkdir(exist_ok=True)
    return complete(content)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """tests/fixtures/readings/archive built into a site (its Word files too, like `python build.py`)."""
    from fugi import pipeline

    out = tmp_path_factory.mktemp("mixed")
    content = mixed_content(out)
    lines = []
    pipeline.build(content, docx_out=out / "docx", site_out=out / "site", report=lines.append)
    return content, out / "site", lines


#: the partners of the fixture in 五十音順 of their readings (written out by hand), the one without a reading last
PARTNERS = ["アアク合同会社", "アーク株式会社", "アアケ株式会社", "特定非営利活動法人 あおぞら", "NEC", "キヤリー運輸",
            "キャリー運輸", "TKC", "東京都", "一般社団法人 日本データ協会", "ハハ企画", "はば企画", "ハパ企画",
            "株式会社 Box Japan", "未登録システム株式会社"]
SECTIONS = ["ＩＴ推進課", "区政情報課", "総務課"]


def headings(page: Path) -> list:
    """The groups' headings of a list, over all its pages (index.html, then page.2/ …; a long list is split)."""
    pages = [page] + sorted(page.parent.glob("page.*/index.html"), key=lambda p: int(p.parent.name.split(".")[1]))
    found = []
    for one in pages:
        text = one.read_text(encoding="utf-8")
        found += [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", text)]
    return [h for h in found if not h.endswith("（続き）")]


def test_the_partner_page_is_in_gojuon_order_of_the_readings(mixed):
    content, site, _ = mixed
    assert headings(site / "browse" / "partner" / "index.html") == PARTNERS
    # the same order as the collation key over the file's readings (legal forms left out) gives
    archive, _ = load_archive(content)
    read = [n for n in PARTNERS if archive.readings.reading(n)]
    assert sorted(read, key=lambda n: order_key(n, archive.readings)) == read
    assert [collation_key(r) for r in ("ああく", "あーく", "ああけ")] == sorted(collation_key(r) for r in ("ああけ", "あーく", "ああく"))


def test_the_section_page_is_in_gojuon_order_and_says_so(mixed):
    _, site, _ = mixed
    page = site / "browse" / "department" / "index.html"
    assert headings(page) == SECTIONS
    assert "担当部課ごとの付議事項です（読みの五十音順）。" in page.read_text(encoding="utf-8")


def test_the_partner_page_says_how_it_is_ordered_and_what_comes_last(mixed):
    _, site, _ = mixed
    text = (site / "browse" / "partner" / "index.html").read_text(encoding="utf-8")
    assert ("（読みの五十音順。株式会社などの法人の種類は除いて並べています。読みが登録されていない1件は、"
            "最後に名前の文字の順で並べています）。") in text


def test_a_name_without_a_reading_is_a_warning_with_a_suggestion_to_copy(mixed):
    _, _, lines = mixed
    missing = [line for line in lines if "の読みがありません" in line]
    assert missing == [
        "content/agendas/mixed-a.md:27: 外部結合.結合の相手方: [警告] 「未登録システム株式会社」の読みがありません"
        "（相手方別・担当課別の一覧は読みの五十音順で、読みのない名前は最後に並びます） — content/vocabulary/readings.yml に "
        "`未登録システム株式会社: みとうろくしすてむ` のような1行を書き足してください（読みは自動で推測したものです。"
        "固有名詞は誤ることがあるので、正しいか確かめてください）"]


def test_a_latin_name_without_a_reading_asks_for_the_reading(tmp_path):
    content = mixed_content(tmp_path)
    text = (content / READINGS_FILE).read_text(encoding="utf-8")
    (content / READINGS_FILE).write_text(text.replace("TKC: てぃーけーしー\n", ""), encoding="utf-8")
    _, problems = load_archive(content)
    (tkc,) = [str(p) for p in problems if "「TKC」" in p.message]
    assert tkc.endswith("に `TKC: TKC` のような1行を書き足してください（読みは自動で推測したものです。"
                        "ローマ字などの部分はひらがなの読みに直し、正しいか確かめてください）")
    assert ":22: 外部結合.結合の相手方: [警告] 「TKC」の読みがありません" in tkc  # where TKC is first written


def test_a_reading_of_a_name_used_nowhere_is_a_warning(tmp_path):
    content = mixed_content(tmp_path)
    with (content / READINGS_FILE).open("a", encoding="utf-8") as f:
        f.write("株式会社 Box Japon: ぼっくすじゃぽん\n")
    _, problems = load_archive(content)
    (unused,) = [p for p in problems if "どの" in p.message]
    assert str(unused).endswith("readings.yml:20: 株式会社 Box Japon: [警告] 「株式会社 Box Japon」はどの付議事項にも出てこない名前です"
                                " — 「株式会社 Box Japan」の誤りではありませんか")


def test_without_a_readings_file_nothing_is_warned_and_the_lists_do_not_claim_gojuon_order(tmp_path):
    from fugi import pipeline

    content = mixed_content(tmp_path)
    (content / READINGS_FILE).unlink()
    lines = []
    pipeline.build(content, site_out=tmp_path / "site", report=lines.append)
    assert not [line for line in lines if "読み" in line]
    text = (tmp_path / "site" / "browse" / "partner" / "index.html").read_text(encoding="utf-8")
    assert "（名前の文字の順。読みが登録されていないため、五十音順ではありません）" in text
    found = headings(tmp_path / "site" / "browse" / "partner" / "index.html")
    assert found[:3] == ["株式会社 Box Japan", "NEC", "TKC"] and found == sorted(found, key=lambda n: order_key(n, None))


def test_check_names_the_readings_file_mistake_and_exits_1(tmp_path):
    import subprocess
    import sys

    content = mixed_content(tmp_path)
    shutil.copy(FIXTURES / "katakana.yml", content / READINGS_FILE)
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content)],
                            capture_output=True, text=True, cwd=content.parent)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "vocabulary/readings.yml:2: 国土交通省: 読みはひらがなで書いてください — 「こくどこうつうしょう」と書いてください" in result.stdout
