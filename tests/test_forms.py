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

#: Keys of forms.yml whose values are fugi's own words or file names, not the council's vocabulary.
ENGINE_VALUES = {"役割", "種類", "扱い", "但し書き", "ID", "標準", "URL", "Word", "説明", "検索の例",
                 "ライセンス"}  # the name of a licence fugi knows (fugi/forms/licences.py), not a council's word


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
    """The definition language's own words: every key of a mapping in the definition (名称, 表題, 根拠 …)."""
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in keywords(v)}
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
    return {"shinjuku": shinjuku, "tsubasa": tsubasa, "fifth": fifth}


@pytest.mark.parametrize("council", ["shinjuku", "tsubasa", "fifth"])
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
    assert "審議案件(1)について" in meeting and "夜間の受付は誰が行うのか。" in meeting
    item = html_unescape((tmp_path / "out" / "site" / "agendas" / "toshokan-itaku" / "index.html").read_text(encoding="utf-8"))
    assert "諮問3" in item and "受託者(下請け先)" in item and "令和8年4月前半" in item
    word = dict(output_texts(tmp_path / "out" / "docx" / "agendas"))
    document = next(t for p, t in word.items() if str(p).endswith("toshokan-itaku.docx/word/document.xml"))
    assert "個人情報保護審議会　諮問事項" in document and "◇第5条第2項（業務の委託）" in document


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
    "column-collision": ("    - {キー: 要綱の根拠, 役割: basis}", "    - {キー: 区分, 役割: basis}",
                         "議題.区分: 「区分」はオープンデータに fugi が作る列の名前です — キーを別の名前にしてください"
                         "（fugi が作る列: id・区分・期間・会議・年度・経過・注記・URL・標準と異なる行・個人情報の種類）"),
    "column-twice": ("    - {キー: 資料番号, 役割: number}", "    - {キー: 資料番号, ラベル: 件名, 役割: number}",
                     "議題.資料番号: 「件名」はオープンデータの列として54行目の項目と同じ名前です — どちらかのラベルを別の名前にしてください"),
    "title-placeholder": ('表題: "{会議名}(第{回}回)概要"', '表題: "{会議名}(第{回数}回)概要"',
                          "会議.表題: 表題の {回数} は項目にありません — {…} には、会議の書類の項目のキーを書いてください"),
    "title-attribute": ('表題: "{会議名}(第{回}回)概要"', '表題: "{回.__class__.__mro__}"',
                        "会議.表題: 表題の {回.__class__.__mro__} は項目にありません"),
    "title-unclosed": ('表題: "{会議名}(第{回}回)概要"', '表題: "{会議名(第{回}回)概要"',
                       "会議.表題: 表題の「{」（1文字目）が } で閉じていません"),
    "title-position": ('表題: "{会議名}(第{回}回)概要"', '表題: "{0}(第{回}回)概要"', "会議.表題: 表題の {0} は項目にありません"),
    "title-list": ('表題: "{会議名}(第{回}回)概要"', '表題: "{会議名}(第{回}回)概要 {出席者}"',
                   "会議.表題: 表題の {出席者} は1行の値ではないので表題に入れられません"),
    "licence": ("  ライセンス: 公共データ利用規約", "  ライセンス: CC BY",
                "サイト.ライセンス: 「CC BY」はオープンデータのライセンスとして選べません — "
                "CC BY 4.0・公共データ利用規約 のどれかを書いてください"),
    "title-conversion": ('表題: "{会議名}(第{回}回)概要"', '表題: "{会議名}(第{回:d}回)概要"',
                         "会議.表題: 表題の {回:d} は項目にありません"),
}


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
