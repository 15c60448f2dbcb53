"""The form definition: loaded and validated like content; everything a council decides lives there, not in Python."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from fugi.forms.definition import load_forms
from fugi.problems import Problems
from sitebuild import output_texts

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEARCH_JS = ROOT / "templates" / "site" / "overrides" / "assets" / "fugi" / "search.js"

#: Keys of forms.yml whose values are fugi's own words or file names, not the council's vocabulary (what a
#: council writes there and fugi prints — 説明, 検索の例 … — is the council's, and checked).
ENGINE_VALUES = {"役割", "種類", "扱い", "但し書き", "ID", "標準", "URL", "Word", "番号", "まとまりの番号", "節の番号",
                 "一つなら番号なし", "印字", "名簿の形",
                 "ライセンス"}  # a licence fugi knows (fugi/forms/licences.py), not a council's word
#: The definition's sections whose keys are the council's words, not the definition language's: the names of
#: its vocabularies (決定, 状態 … are printed as labels and column names).
NAMED_BY_COUNCIL = {"語彙"}


def terms(definition: dict) -> set:
    """Every word of the definition a council chose (2+ characters): names, field labels (a field's key where it
    has no label of its own), partner roles, vocabularies, headings, the council's and the ward's names."""
    found = set()

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ENGINE_VALUES and not (k == "キー" and "ラベル" in node):
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and len(node) >= 2:
            found.add(node)

    walk(definition)
    return found - keywords(definition)


def keywords(node) -> set:
    """The definition language's own words: every key of a mapping in the definition (名称, 表題, 根拠 …), except
    the names a council gives (the vocabularies' names: 決定, 状態 …)."""
    if isinstance(node, dict):
        found = set()
        for key, value in node.items():
            if key in NAMED_BY_COUNCIL and isinstance(value, dict):
                found |= {key} | {k for name, v in value.items() for k in keywords(v)} | {"未定の表示", "旬"}
            else:
                found |= {key} | keywords(value)
        return found
    if isinstance(node, list):
        return {k for v in node for k in keywords(v)}
    return set()


def literals(source: str):
    """(line, text) of every string literal of a Python module except docstrings."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def js_literals(source: str):
    """(line, text) of the string and template literals of a JavaScript file (comments dropped)."""
    for number, line in enumerate(source.splitlines(), 1):
        code = re.sub(r"//.*$", "", line)
        for match in re.finditer(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`", code):
            yield number, next(g for g in match.groups() if g is not None)


COUNCILS = ROOT / "tests" / "fixtures" / "councils"


def definitions() -> dict:
    """The definitions whose words must stay out of the code: Shinjuku's, another ward's, Shinjuku's + a 5th 区分."""
    shinjuku = yaml.safe_load((CONTENT / "forms.yml").read_text(encoding="utf-8"))
    fifth = yaml.safe_load((CONTENT / "forms.yml").read_text(encoding="utf-8"))
    fifth["区分"].append(yaml.safe_load((COUNCILS / "fifth" / "category.yml").read_text(encoding="utf-8")))
    tsubasa = yaml.safe_load((COUNCILS / "tsubasa" / "forms.yml").read_text(encoding="utf-8"))
    komae = yaml.safe_load((COUNCILS / "komae" / "forms.yml").read_text(encoding="utf-8"))
    return {"shinjuku": shinjuku, "tsubasa": tsubasa, "fifth": fifth, "komae": komae}


@pytest.mark.parametrize("council", ["shinjuku", "tsubasa", "fifth", "komae"])
def test_no_council_vocabulary_in_the_code(council):
    """No 区分 name, label, partner role, council or ward name of a definition is written in fugi/ or search.js."""
    words = terms(definitions()[council])
    assert len(words) > 40
    found = []
    for path in sorted((ROOT / "fugi").rglob("*.py")):
        for line, text in literals(path.read_text(encoding="utf-8")):
            found += [f"{path.relative_to(ROOT)}:{line}: 「{w}」 in {text[:60]!r}" for w in words if w in text]
    for line, text in js_literals(SEARCH_JS.read_text(encoding="utf-8")):
        found += [f"{SEARCH_JS.relative_to(ROOT)}:{line}: 「{w}」 in {text[:60]!r}" for w in words if w in text]
    assert not found, "\n".join(found)


SITE_TEMPLATES = ROOT / "templates" / "site"


def template_text(path: Path) -> str:
    """A site template's text as printed: Jinja comments dropped (they explain, they do not print)."""
    return re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("council", ["shinjuku", "tsubasa", "fifth", "komae"])
def test_no_council_vocabulary_in_the_site_templates(council):
    """The site's templates print the forms' words through labels, never a council's own (3+ characters: two-
    character words such as 公開 or 場所 are also the generic UI's)."""
    words = {w for w in terms(definitions()[council]) if len(w) >= 3}
    found = []
    for path in sorted(p for p in SITE_TEMPLATES.rglob("*") if p.suffix in (".j2", ".html", ".js")):
        text = template_text(path) if path.suffix != ".js" else "\n".join(t for _, t in js_literals(path.read_text(encoding="utf-8")))
        found += [f"{path.relative_to(ROOT)}: 「{w}」" for w in words if w in text]
    assert not found, "\n".join(found)


def test_the_literal_scanner_finds_what_it_must():
    """The scanner itself: a literal with a term is found, a docstring is not."""
    source = '"""docstring 委託先"""\nx = "業務委託の委託先"\ny = f"{x}は委託先"\n'
    assert [t for _, t in literals(source)] == ["業務委託の委託先", "は委託先"]
    assert [t for _, t in js_literals('const a = "区分"; // "コメント"\nconst b = `決定: ${x}`;')] == ["区分", "決定: ${x}"]


def test_the_stock_definition_loads_cleanly():
    problems = Problems()
    forms = load_forms(CONTENT, problems)
    assert forms is not None and not problems, [str(p) for p in problems]
    assert [c.name for c in forms.categories] == ["電算処理", "外部結合", "業務委託", "再委託"]
    assert forms.category("再委託").parent == "業務委託" and not forms.category("再委託").basis
    assert forms.partner_roles == ("委託先", "再委託先", "結合の相手方")


def test_the_title_format_is_filled_by_our_own_parser_never_by_str_format():
    """{キー} only: a date reads in 和暦, {{ }} print a brace, and nothing in the format is evaluated."""
    import dataclasses
    import datetime as dt

    from fugi.forms.definition import meeting_title
    forms = load_forms(CONTENT, Problems())
    values = {"会議名": "新宿区個人情報保護管理運営会議", "回": 3, "開催日": dt.date(2021, 10, 18)}
    assert meeting_title(forms.meeting, values) == "新宿区個人情報保護管理運営会議(第3回)概要"
    form = dataclasses.replace(forms.meeting, texts={**forms.meeting.texts, "表題": "{{回}} 第{回}回（{開催日} {開始}）{終了}"})
    assert meeting_title(form, {**values, "開始": "09:30"}) == "{回} 第3回（令和3年10月18日 午前9時30分）"
    form = dataclasses.replace(forms.meeting, texts={**forms.meeting.texts, "表題": "{出席者}"})
    assert meeting_title(form, {"出席者": ("会長",)}) == ""  # a list has no place in a title (check refuses it)
    form = dataclasses.replace(forms.meeting, texts={**forms.meeting.texts, "表題": "{回.__class__.__mro__}"})
    assert meeting_title(form, values) == ""  # an unknown name is refused by check; it never reaches an attribute


# ---------------------------------------------------------------------------
# A fifth 区分 and a second council, with no Python edit


def build_all(content: Path, out: Path):
    from fugi.cli import main

    assert main(["--content", str(content), "--out", str(out)]) == 0


@pytest.fixture(scope="module")
def fifth(tmp_path_factory):
    """content/ plus a fifth 区分 (its fields, a partner role 提供先, a checklist) and an item that uses it."""
    import shutil

    root = tmp_path_factory.mktemp("fifth")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    source = COUNCILS / "fifth"
    text = (content / "forms.yml").read_text(encoding="utf-8")
    category = (source / "category.yml").read_text(encoding="utf-8")
    block = "\n".join("  " + ("- " if i == 0 else "  ") + line if line.strip() else line
                      for i, line in enumerate(l for l in category.splitlines() if not l.startswith("#")))
    text = text.replace("\n# 会議: ", "\n" + block + "\n\n# 会議: ", 1)  # the end of the 区分 list
    (content / "forms.yml").write_text(text, encoding="utf-8")
    shutil.copy(source / "checklists" / "mokuteki-gai.yml", content / "checklists")
    shutil.copy(source / "agendas" / "tokei-teikyo.md", content / "agendas")
    build_all(content, root / "out")
    return content, root / "out"


def test_the_fifth_category_is_read_checked_and_scaffolded(fifth, tmp_path, capsys):
    from fugi.cli import main
    from fugi.pipeline import load_archive

    content, _ = fifth
    archive, problems = load_archive(content)
    assert not problems.errors, [str(p) for p in problems.errors]
    item = next(a for a in archive.agendas if a.id == "tokei-teikyo")
    assert item.basis == ("目的外利用・外部提供",) and item.partners == (("提供先", "ていきょう統計研究所"),)
    # check speaks of its fields
    broken = content / "agendas" / "tokei-teikyo.md"
    saved = broken.read_text(encoding="utf-8")
    broken.write_text(saved.replace("  提供の方法:", "  提供のほうほう:"), encoding="utf-8")
    try:
        assert main(["check", "--content", str(content)]) == 1
    finally:
        broken.write_text(saved, encoding="utf-8")
    out = capsys.readouterr().out
    assert "tokei-teikyo.md:24: 目的外利用・外部提供.提供のほうほう: 知らない項目「提供のほうほう」です — 「提供の方法」の誤りではありませんか" in out
    assert "tokei-teikyo.md:16: 目的外利用・外部提供.提供の方法: 必須の項目がありません" in out
    # the scaffold
    assert main(["new", "agenda", "teikyo-new", "-c", "目的外利用・外部提供", "--content", str(content)]) == 0
    made = (content / "agendas" / "teikyo-new.md").read_text(encoding="utf-8")
    (content / "agendas" / "teikyo-new.md").unlink()
    assert "要綱の根拠: [目的外利用・外部提供]" in made and "  提供先:\n" in made
    assert "        1: ○  # 提供する情報項目を必要最小限とする。" in made


def test_the_fifth_category_reaches_schema_word_site_search_and_open_data(fifth, tmp_path):
    import json

    from fugi.cli import main

    content, out = fifth
    assert main(["schema", "--content", str(content), "--out", str(tmp_path / "schema")]) == 0
    schema = json.loads((tmp_path / "schema" / "agenda.schema.json").read_text(encoding="utf-8"))
    sheet = schema["properties"]["目的外利用・外部提供"]
    assert sheet["properties"]["提供先"]["description"] == "提供先" and "提供の方法" in sheet["required"]
    assert "目的外利用・外部提供" in schema["properties"]["チェックリスト"]["properties"]
    word = dict(output_texts(out / "docx" / "agendas"))
    document = next(t for p, t in word.items() if str(p).endswith("tokei-teikyo.docx/word/document.xml"))
    for text in ("提供先", "ていきょう統計研究所(プライバシーマーク取得済み)", "6 目的外利用・外部提供にかかる個人情報保護対策チェックリスト"):
        assert text in document, text
    page = (out / "site" / "agendas" / "tokei-teikyo" / "index.html").read_text(encoding="utf-8")
    assert 'id="sheet-mokuteki-gai"' in page and "別紙 目的外利用・外部提供" in page
    assert 'data-pagefind-filter="区分">目的外利用・外部提供<' in page
    category = (out / "site" / "browse" / "category" / "index.html").read_text(encoding="utf-8")
    assert 'id="mokuteki-gai"' in category and "tokei-teikyo" in category.split('id="mokuteki-gai"')[1]
    home = (out / "site" / "index.html").read_text(encoding="utf-8")
    filters = json.loads(html_unescape(re.search(r"data-fugi-filters='([^']*)'", home).group(1)))
    assert "目的外利用・外部提供" in next(f for f in filters if f["name"] == "区分")["order"]
    data = json.loads((out / "site" / "data" / "decisions.json").read_text(encoding="utf-8"))
    record = next(r for r in data["records"] if r["id"] == "tokei-teikyo")
    assert record["提供先"] == ["ていきょう統計研究所"] and record["区分"] == ["目的外利用・外部提供"]
    assert data["項目"]["提供先"] == "目的外利用・外部提供の提供先"
    header = (out / "site" / "data" / "decisions.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",")[8:12] == ["委託先", "再委託先", "結合の相手方", "提供先"]


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_a_second_council_builds_and_nothing_of_shinjuku_appears(tmp_path):
    """つばさ区 (another ward, council, article, documents, labels, marks) with the same fugi and templates."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(COUNCILS / "tsubasa", content)
    build_all(content, tmp_path / "out")
    own = terms(definitions()["tsubasa"])
    # Shinjuku's words of 3+ characters that are not inside one of つばさ区's own words, and its names
    shinjuku = {w for w in terms(definitions()["shinjuku"]) if len(w) >= 3 and not any(w in o for o in own)}
    shinjuku |= {"新宿", "Shinjuku", "shinjuku"}
    assert {"新宿区個人情報保護管理運営会議", "付議事項", "会議概要", "業務委託", "結合の相手方", "条件付承認", "運用上の対策"} <= shinjuku
    leaks, files = [], 0
    for path, text in output_texts(tmp_path / "out"):
        files += 1
        leaks += [f"{path}: 「{w}」" for w in shinjuku if w in text]
    assert files > 50 and not leaks, "\n".join(leaks[:40])
    meeting = (tmp_path / "out" / "site" / "meetings" / "2026-01" / "index.html").read_text(encoding="utf-8")
    assert "つばさ区個人情報保護審議会 第2回 会議録" in meeting and "一部修正のうえ適当" in meeting
    assert "諮問案件(1)について" in html_unescape(meeting) and "夜間の受付は誰が行うのか。" in meeting
    # items grouped by their kind, each kind numbered in its own style ((1) …, ア …), and the kind a search filter
    text = re.sub(r"<[^>]+>", "", html_unescape(meeting))
    assert re.search(r"\(1\)諮問案件\s+\(1\) 図書館の予約受付業務の委託について.*\(2\)報告案件\s+ア 戸籍の附票", text, re.S), text
    assert 'data-pagefind-filter="案件の別">報告案件<' in meeting
    item = html_unescape((tmp_path / "out" / "site" / "agendas" / "toshokan-itaku" / "index.html").read_text(encoding="utf-8"))
    assert "諮問3" in item and "受託者(下請け先)" in item and "令和8年4月前半" in item
    assert 'data-pagefind-filter="案件の別">諮問案件<' in item and "案件の別:</strong> 諮問案件" in item
    listing = (tmp_path / "out" / "site" / "agendas" / "index.html").read_text(encoding="utf-8")
    assert "<th>案件の別</th>" in listing and "<td>諮問案件</td>" in listing
    data = (tmp_path / "out" / "site" / "data" / "decisions.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "案件の別" in data[0].split(",") and any(",報告案件," in row for row in data[1:])
    calendar = (tmp_path / "out" / "site" / "meetings.ics").read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "報告案件ア 戸籍の附票の写しの交付事務の見直しについて" in calendar
    word = dict(output_texts(tmp_path / "out" / "docx" / "meetings"))
    record = next(t for p, t in word.items() if str(p).endswith("2026-01.docx/word/document.xml"))
    paragraphs = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<w:p[ >].*?</w:p>", record)]
    start = paragraphs.index("(1)諮問案件")
    assert paragraphs[start + 1] == "(1) 図書館の予約受付業務の委託について" and "(2)報告案件" in paragraphs[start:]
    assert "ア 戸籍の附票の写しの交付事務の見直しについて" in paragraphs and "諮問案件(1)について" in paragraphs
    word = dict(output_texts(tmp_path / "out" / "docx" / "agendas"))
    document = next(t for p, t in word.items() if str(p).endswith("toshokan-itaku.docx/word/document.xml"))
    assert "個人情報保護審議会　諮問事項" in document and "◇第5条第2項（業務の委託）" in document


KOMAE = COUNCILS / "komae"


@pytest.fixture(scope="module")
def komae(tmp_path_factory):
    """狛江市個人情報保護審議会, from its published records (tests/fixtures/councils/komae/forms.yml names them):
    no checklists, meetings without a number, 諮問事項/報告事項 numbered ア イ ウ, a record laid out by 会議.構成."""
    import shutil

    root = tmp_path_factory.mktemp("komae")
    shutil.copytree(KOMAE, root / "content")
    (root / "content" / "agendas").mkdir(exist_ok=True)  # its 諮問書 are not published: an empty folder (git keeps none)
    build_all(root / "content", root / "out")
    return root / "out"


def shinjuku_words(council: str, content: Path) -> set:
    """Shinjuku's words and sentences that must not reach another council's outputs: its forms' words of 3+
    characters that are neither inside the other council's own words nor in its content (a record may say 担当課
    itself), its names, and the sentences fugi used to print for every council."""
    own = terms(definitions()[council])
    text = "".join(p.read_text(encoding="utf-8") for p in content.rglob("*.md"))
    words = {w for w in terms(definitions()["shinjuku"]) if len(w) >= 3 and not any(w in o for o in own) and w not in text}
    words |= {"新宿", "Shinjuku", "shinjuku", "付議", "別紙", "区の", "決定", "チェックリスト", "標準と異なる", "◇",
              "居住サポート", "生活保護", "国土交通省"}
    words.discard("非公開")  # 非 + this council's own label 公開 (how a withheld item reads)
    return words


def test_a_real_second_council_builds_and_nothing_of_shinjuku_appears(komae):
    """Every output of 狛江市's council — site text, search index, open data, feed, calendar, Word XML — is free of
    Shinjuku's words and sentences.  Word's styles.xml is left out: its style names (決定, 別紙件名) are the shared
    template's, renamed by a clerk in Word, never printed."""
    words = shinjuku_words("komae", KOMAE)
    assert {"付議事項", "会議概要", "条件付承認", "内容は別紙のとおり", "決定"} <= words
    leaks, kinds, index = [], set(), 0
    for path, text in output_texts(komae):
        if path.name == "styles.xml":
            continue
        kinds.add(path.suffix or path.name)
        index += "pagefind" in path.parts and "諮問事項" in text  # the search index, decompressed
        leaks += [f"{path}: 「{w}」" for w in sorted(words) if w in text]
    assert {".html", ".json", ".csv", ".xml", ".ics", ".js"} <= kinds and index > 0, kinds
    assert not leaks, "\n".join(leaks[:40])


def test_a_council_without_checklists_has_no_trace_of_them(komae):
    site = komae / "site"
    assert not (site / "catalog").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "catalog/" not in home and "標準の" not in home
    # no information items either: no page, link or empty label for them
    assert not (site / "browse" / "info-items").exists() and "browse/info-items" not in home and "・・" not in home
    latest = re.sub(r"<[^>]+>", "", html_unescape(home))
    assert "諮問事項 AI-OCRにおける読込項目情報" in latest and "報告事項イ アンケート案件" in latest  # the latest meeting
    assert "catalog/" not in (site / "404.html").read_text(encoding="utf-8")
    import json

    data = json.loads((site / "data" / "decisions.json").read_text(encoding="utf-8"))
    assert "標準と異なる行" not in data["項目"] and all("標準と異なる行" not in r for r in data["records"])
    header = (site / "data" / "decisions.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "標準と異なる行" not in header and "事項の別" in header


def test_meetings_without_a_number_are_named_by_their_date(komae):
    site = komae / "site"
    listing = html_unescape((site / "meetings" / "index.html").read_text(encoding="utf-8"))
    assert "令和3年8月2日" in listing and "令和3年10月18日" in listing and "第None回" not in listing and "第回" not in listing
    page = html_unescape((site / "meetings" / "2021-08-02" / "index.html").read_text(encoding="utf-8"))
    assert "狛江市個人情報保護審議会 会議録（令和3年8月2日）" in page  # {日付} in the title prints 和暦
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    calendar = (site / "meetings.ics").read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "会議: 狛江市個人情報保護審議会（令和3年8月2日(月)" in feed  # named by its date once (main's feed wording)
    assert "SUMMARY:狛江市個人情報保護審議会 令和3年10月18日" in calendar
    assert "報告事項イ アンケート案件(狛江市人権に関する市民意識調査)の報告について" in calendar
    word = dict(output_texts(komae / "docx" / "meetings"))
    document = next(t for p, t in word.items() if str(p).endswith("2021-10-18.docx/word/document.xml"))
    assert "狛江市個人情報保護審議会 会議録（令和3年10月18日）" in document


def test_a_new_meeting_of_the_council_starts_with_its_date_and_kind(tmp_path):
    """`new meeting` for a council without numbers writes the date (from a dated file name) and each item's kind."""
    import shutil

    from fugi.cli import main

    content = tmp_path / "content"
    shutil.copytree(KOMAE, content)
    (content / "agendas").mkdir(exist_ok=True)  # git keeps no empty folder
    assert main(["new", "meeting", "2021-12-06", "--content", str(content)]) == 0
    made = (content / "meetings" / "2021-12-06.md").read_text(encoding="utf-8")
    assert "日付: 2021-12-06\n" in made and "    事項の別: 諮問事項  # 諮問事項 / 報告事項\n" in made
    assert main(["check", "--content", str(content)]) == 0  # placeholders are warnings while it is not public


def test_the_record_is_laid_out_as_the_forms_say(komae):
    """1 日時, 2 場所, 3 出席者 (one line per role), 4 資料, 5 議題 ((1)諮問事項, (2)報告事項 ア イ ウ), 6 会議の結果
    (each item with 【説明】 and 【質疑】, the speakers as （委員）), in the site page and the Word file alike."""
    page = html_unescape((komae / "site" / "meetings" / "2021-08-02" / "index.html").read_text(encoding="utf-8"))
    text = re.sub(r"<[^>]+>", "", page)
    order = ["1 日時", "令和3年8月2日(月) 午後1時15分~午後2時45分", "2 場所", "防災センター402・403会議室", "3 出席者",
             "【会長】石川 慶一郎", "【委員】鳥塚 鈴子、上村 信彰、小川 かをり", "【事務局】企画財政部長、政策室長",
             "4 資料", "令和3年8月2日個人情報保護審議会資料", "5 議題", "(1)諮問事項",
             "AI-OCRにおける全庁的な読込項目情報の外部提供", "(2)報告事項", "ア 関東近県自治体に対する保有個人情報の提供について",
             "イ 生活応援プレミアム商品券", "ウ アンケート案件(前期基本計画)の報告について", "6 会議の結果", "(1)諮問事項",
             "【説明】", "（担当課）", "《資料による説明》", "【質疑】", "（委員）", "清掃課での実証実験", "(2)報告事項"]
    at = 0
    for piece in order:
        found = text.find(piece, at)
        assert found >= 0, (piece, text[at:at + 200])
        at = found + len(piece)
    assert "欠席者" not in text  # a section without a value is not printed (and the numbers stay 1, 2, 3 …)
    word = dict(output_texts(komae / "docx" / "meetings"))
    document = next(t for p, t in word.items() if str(p).endswith("2021-08-02.docx/word/document.xml"))
    paragraphs = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<w:p[ >].*?</w:p>", document)]
    at = 0
    for piece in order:
        index = next((i for i in range(at, len(paragraphs)) if piece in paragraphs[i]), None)
        assert index is not None, (piece, paragraphs[at:at + 5])
        at = index + 1  # each piece is a paragraph of its own, in this order
    assert "【委員】鳥塚 鈴子、上村 信彰、小川 かをり" in paragraphs


def test_an_item_without_a_cover(tmp_path):
    """Without 議題.表紙の表題 an item has no cover (Word: the overview first, no page break before it; site: no cover
    box); without 表紙の本文 and 根拠の印 the cover prints neither."""
    import shutil

    from fugi.cli import main

    content = tmp_path / "content"
    shutil.copytree(COUNCILS / "tsubasa", content)
    forms = content / "forms.yml"
    forms.write_text(forms.read_text(encoding="utf-8").replace("  表紙の表題: 個人情報保護審議会　諮問事項\n", ""),
                     encoding="utf-8")
    assert main(["docx", "--content", str(content), "--out", str(tmp_path / "out")]) == 0
    word = dict(output_texts(tmp_path / "out" / "agendas"))
    document = next(t for p, t in word.items() if str(p).endswith("toshokan-itaku.docx/word/document.xml"))
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", document)
    assert "個人情報保護審議会" not in document and "◇第5条第2項" not in document
    overview = next(p for p in paragraphs if ">概要<" in p)
    assert "pageBreakBefore" not in overview and paragraphs.index(overview) == 1  # right under the number


def test_a_field_added_to_the_items_is_read_from_the_meeting_file(tmp_path, capsys):
    """A field the forms add to a meeting's items (without a role) is accepted in the meeting file, not refused
    as 「知らない項目「担当」です — 「担当」の誤りではありませんか」."""
    import shutil

    from fugi.cli import main
    from fugi.pipeline import load_archive

    content = tmp_path / "content"
    shutil.copytree(COUNCILS / "tsubasa", content)
    forms = content / "forms.yml"
    forms.write_text(forms.read_text(encoding="utf-8").replace(
        "        - {キー: 付帯意見, 役割: conditions, 必須: false}\n",
        "        - {キー: 付帯意見, 役割: conditions, 必須: false}\n        - {キー: 担当, 必須: false}\n"), encoding="utf-8")
    meeting = content / "meetings" / "2026-01.md"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "    案件の別: 報告案件\n", "    案件の別: 報告案件\n    担当: 戸籍住民課\n"), encoding="utf-8")
    assert main(["check", "--content", str(content)]) == 0, capsys.readouterr().out
    archive, _ = load_archive(content)
    item = archive.meetings[0].items[1]
    assert item.own == (("担当", ("戸籍住民課",)),)


# ---------------------------------------------------------------------------
# A broken definition: every mistake at its line, in Japanese, all at once, no traceback

#: (what the forms maintainer did: the line as it is -> as they wrote it, the expected problem without path:line)
MISTAKES = {
    "unknown-kind": ("      - {キー: 結合の開始時期と期間, 種類: 期間}", "      - {キー: 結合の開始時期と期間, 種類: 期限}",
                     "区分[2].項目[7].種類: 種類「期限」はありません — 「期間」の誤りではありませんか"),
    "duplicate-field": ("      - {キー: 委託理由}", "      - {キー: 委託理由}\n      - {キー: 委託理由}",
                        "区分[3].項目[7].キー: 「委託理由」の項目が2つあります"),
    "missing-catalog": ("    標準: densan-shori.yml", "    標準: densan.yml",
                        "区分[1].標準: 標準のファイル「densan.yml」が content/checklists/ にありません — "
                        "content/checklists/ にあるファイル名を書くか、新しく作ってください"),
    "unknown-role": ("    - {キー: 件名, 役割: title}", "    - {キー: 件名, 役割: titel}",
                     "議題.項目[1].役割: 役割「titel」はありません — 「title」の誤りではありませんか"),
    "missing-role": ("    - {キー: 資料番号, 役割: number}\n", "",
                     "議題.項目: 役割「number」の項目がありません — `- {キー: …, 役割: number}` を項目に加えてください"),
    "unknown-parent": ("    親: 業務委託", "    親: 業務依託", "区分[4].親: 親の区分「業務依託」がありません — 「業務委託」の誤りではありませんか"),
    "unknown-vocabulary": ("役割: status, 語彙: 状態}", "役割: status, 語彙: 状況}",
                           "議題.項目[3].語彙: 語彙「状況」がありません — 「状態」の誤りではありませんか"),
    "joined-wrongly": ("      - {キー: 委託先, 種類: 相手先, 説明: 業務委託の委託先}",
                       "      - {キー: 委託先, 種類: 相手先, 説明: 業務委託の委託先, 次と併記: 委託先ほか}",
                       "区分[3].委託先: 次と併記は、相手先の項目の次に相手先の項目があるときだけ書けます — 次と併記の行を消すか、項目の順を確かめてください"),
    "unknown-section": ("会議体:", "会議帯:\n  名称: x\n会議体:", "会議帯: 知らない項目「会議帯」です — 「会議」の誤りではありませんか（使えるもの: 会議体・サイト・議題・区分・会議・語彙・対策表・用語集）"),
    "broken-yaml": ("  名称: 新宿区個人情報保護管理運営会議", "  名称: [新宿区個人情報保護管理運営会議", "YAML: YAMLの書き方に誤りがあります"),
    "status-meanings": ("    - {名称: 下書き, 扱い: draft}", "    - {名称: 下書き}",
                        "語彙.状態: 語彙「状態」に 扱い: draft・submitted・decided が1つずつ必要です"),
    "condition-rule": ("    - {名称: 条件付承認, 但し書き: required}", "    - {名称: 条件付承認, 但し書き: always}",
                       "語彙.決定[2].但し書き: 「always」は使えません — 次のいずれかを書いてください: required・refused・optional"),
    "pending-status": ("    - {名称: 提出済, 扱い: submitted}", "    - {名称: 提出済, 扱い: submitted}\n    - {名称: 保留, 扱い: pending}",
                       "語彙.状態[3].扱い: 語彙「状態」の言葉には 扱い: pending を書けません — 扱い: pending は語彙「決定」にだけ書けます"),
    "layout-content": ("  見出し:                              # 会議概要に印字する見出し",
                       "  構成:\n    節:\n      - {見出し: 日時, 印字: 日付}\n  見出し:",
                       "会議.構成.節[1].印字: 「日付」は使えません — "),
    "kind-numbering": ("      役割: items\n", "      役割: items\n      まとまりの番号: (i)\n",
                       "会議.項目[10].まとまりの番号: 番号の形「(i)」はありません"),
    "column-collision": ("    - {キー: 要綱の根拠, 役割: basis}", "    - {キー: 区分, 役割: basis}",
                         "議題.区分: 「区分」はオープンデータに fugi が作る列の名前です — キーを別の名前にしてください"
                         "（fugi が作る列: id・区分・期間・会議・年度・経過・注記・URL・標準と異なる行・個人情報の種類）"),
    "column-twice": ("    - {キー: 資料番号, 役割: number}", "    - {キー: 資料番号, ラベル: 件名, 役割: number}",
                     "議題.資料番号: 「件名」はオープンデータの列として57行目の項目と同じ名前です — どちらかのラベルを別の名前にしてください"),
    "title-placeholder": ('表題: "{会議名}(第{回}回)概要"', '表題: "{会議名}(第{回数}回)概要"',
                          "会議.表題: 表題の {回数} は項目にありません — {…} には、会議の書類の項目のキーを書いてください"),
    "title-attribute": ('表題: "{会議名}(第{回}回)概要"', '表題: "{回.__class__.__mro__}"',
                        "会議.表題: 表題の {回.__class__.__mro__} は項目にありません"),
    "title-unclosed": ('表題: "{会議名}(第{回}回)概要"', '表題: "{会議名(第{回}回)概要"',
                       "会議.表題: 表題の「{」（1文字目）が } で閉じていません"),
    "title-position": ('表題: "{会議名}(第{回}回)概要"', '表題: "{0}(第{回}回)概要"', "会議.表題: 表題の {0} は項目にありません"),
    "title-list": ('表題: "{会議名}(第{回}回)概要"', '表題: "{会議名}(第{回}回)概要 {出席者}"',
                   "会議.表題: 表題の {出席者} は1行の値ではないので表題に入れられません"),
    "title-conversion": ('表題: "{会議名}(第{回}回)概要"', '表題: "{会議名}(第{回:d}回)概要"',
                         "会議.表題: 表題の {回:d} は項目にありません"),
    "licence": ("  ライセンス: 公共データ利用規約", "  ライセンス: CC BY",
                "サイト.ライセンス: 「CC BY」はオープンデータのライセンスとして選べません — "
                "CC BY 4.0・公共データ利用規約 のどれかを書いてください"),
}


#: How many lines below the replaced line the mistake is (it is written on a later line of the replacement).
AT_LINE = {"layout-content": 2}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_broken_definition_is_reported_at_its_line(tmp_path, monkeypatch, capsys, mistake):
    import shutil

    from fugi.cli import main

    before, after, expected = MISTAKES[mistake]
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    text = (content / "forms.yml").read_text(encoding="utf-8")
    assert text.count(before) >= 1, before
    where = text[: text.index(before)].count("\n") + 1
    (content / "forms.yml").write_text(text.replace(before, after, 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--content", "content"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "何も書き出していません" in err
    lines = [line for line in out.splitlines() if line.startswith("content/forms.yml:")]
    assert lines, out
    line, message = lines[0].split(":", 2)[1:]
    assert message.strip().startswith(expected), lines
    assert len(lines) == 1, lines  # no second problem caused by the first
    if mistake not in ("missing-role", "unknown-section", "status-meanings"):
        where += AT_LINE.get(mistake, 0)
        assert int(line) in (where, where + 1), (where, lines)


# ---------------------------------------------------------------------------
# A council without checklists: the checklists role, 対策表 and 標準 are optional


def without_checklists(content: Path) -> None:
    """content/ as a council without checklists sets it up: no checklists field, no 対策表, no 標準, no catalog."""
    import shutil

    forms = content / "forms.yml"
    text = forms.read_text(encoding="utf-8")
    text = text.replace("\n    - {キー: チェックリスト, 役割: checklists, 必須: false}", "")
    text = re.sub(r"\n    標準: [a-z-]+\.yml", "", text)
    forms.write_text(text[: text.index("# 対策表:")], encoding="utf-8")
    shutil.rmtree(content / "checklists")
    for item in (content / "agendas").glob("*.md"):
        head, body = item.read_text(encoding="utf-8").split("\n---\n", 1)
        head = re.sub(r"\nチェックリスト:\n(?:[ \t].*\n?|\n)*", "\n", head + "\n").rstrip("\n")
        item.write_text(head + "\n---\n" + body, encoding="utf-8")


def test_a_council_without_checklists_checks_builds_and_reviews(tmp_path, monkeypatch, capsys):
    import json
    import shutil

    from fugi.cli import main

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    without_checklists(content)
    assert "チェックリスト:" not in "".join(p.read_text(encoding="utf-8") for p in (content / "agendas").glob("*.md"))
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--content", "content"]) == 0
    assert capsys.readouterr().out.strip().endswith("OK: 付議事項 4 件、会議概要 1 件")
    assert main(["--content", "content", "--out", "out", "--no-pdf"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert len(list((tmp_path / "out" / "docx").rglob("*.docx"))) == 5
    site = tmp_path / "out" / "site"
    assert not (site / "catalog").exists() and "catalog/" not in (site / "index.html").read_text(encoding="utf-8")
    columns = next(iter(json.loads((site / "data" / "decisions.json").read_text(encoding="utf-8"))["records"]))
    assert "標準と異なる行" not in columns and "個人情報の種類" in columns
    assert main(["review", "--content", "content"]) == 0
    assert "Traceback" not in "".join(capsys.readouterr())


def test_checklists_without_the_checklist_form_are_reported_at_their_lines(tmp_path, monkeypatch, capsys):
    import shutil

    from fugi.cli import main

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    text = (content / "forms.yml").read_text(encoding="utf-8")
    (content / "forms.yml").write_text(text[: text.index("# 対策表:")], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--content", "content"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = [line for line in out.splitlines() if line.startswith("content/forms.yml:")]
    where = {one: text[: text.index(one)].count("\n") + 1
             for one in ("役割: checklists", "標準: densan-shori.yml", "標準: gaibu-ketsugo.yml", "標準: gyomu-itaku.yml")}
    hint = "対策表がありません — `対策表:` に 半分・グループ・印 を書いてください（対策表を使わない会議体なら、この行は要りません）"
    assert lines == [f"content/forms.yml:{where['役割: checklists']}: 議題.チェックリスト: {hint}",
                     *[f"content/forms.yml:{where['標準: ' + f]}: 区分[{i}].標準: {hint}"
                       for i, f in enumerate(("densan-shori.yml", "gaibu-ketsugo.yml", "gyomu-itaku.yml"), start=1)]]


def test_removing_the_optional_checklists_line_reports_the_items_that_still_have_one(tmp_path, monkeypatch, capsys):
    """The trial's step (FORMS.md: optional lines may be removed): no traceback; each item's チェックリスト: is then
    an unknown key, at its line."""
    import shutil

    from fugi.cli import main

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    forms = content / "forms.yml"
    forms.write_text(forms.read_text(encoding="utf-8").replace(
        "\n    - {キー: チェックリスト, 役割: checklists, 必須: false}", ""), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--content", "content"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    found = [line.split(" — ")[0] for line in out.splitlines() if line.startswith("content/")]
    expected = []
    for item in sorted((content / "agendas").glob("*.md")):
        line = item.read_text(encoding="utf-8").split("\n").index("チェックリスト:") + 1
        expected.append(f"content/agendas/{item.name}:{line}: チェックリスト: 知らない項目「チェックリスト」です")
    assert found == expected
