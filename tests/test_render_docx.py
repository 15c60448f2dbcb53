"""Word documents: golden outlines, every seed sentence in order, typography, escaping, determinism.

The golden outlines in tests/golden/ are regenerated with

    python -m tests.golden

(from the repository root); review the diff before committing.  The documents of content/ are built
once per module (a fraction of a second); the fixture tests/fixtures/docx/ holds content that looks
like markup or template code, a draft, a meeting and a data-flow image.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from fugi import resources
from fugi.word import ooxml
from fugi.word import render_docx
from fugi.word.docx_files import EPOCH
from fugi.word.docx_outline import outline, plain_text
from fugi.pipeline import build, load_archive
from fugi.problems import ContentError
from fugi.build.documents import write_documents
from fugi.word.render_docx import numbered_rows

try:
    from contents import fixture_copy
    from test_seeds import SEEDS, normalise, seed_file, seed_sentences
except ImportError:  # tests/ imported as a package
    from tests.contents import fixture_copy
    from tests.test_seeds import SEEDS, normalise, seed_file, seed_sentences

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
GOLDEN = ROOT / "tests" / "golden"
FIXTURE = fixture_copy("docx")  # tests/fixtures/docx with the forms and catalog of content/
TEMPLATES = ROOT / "templates" / "docx"
AGENDA_TEMPLATE = TEMPLATES / "付議事項.docx"
MEETING_TEMPLATE = TEMPLATES / "会議概要.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
STRICT = etree.XMLParser(resolve_entities=False)  # no recovery: a broken document fails here


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def edited_templates(folder: Path, monkeypatch, change) -> Path:
    """A copy of templates/docx/ where change(part name, bytes) -> bytes is applied to the agenda template;
    the renderer is pointed at it.  Returns the edited template's path."""
    folder.mkdir()
    shutil.copy(MEETING_TEMPLATE, folder / MEETING_TEMPLATE.name)
    edited = folder / AGENDA_TEMPLATE.name
    with zipfile.ZipFile(AGENDA_TEMPLATE) as src, zipfile.ZipFile(edited, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, change(info.filename, src.read(info)))
    monkeypatch.setattr(resources, "DOCX_TEMPLATES", folder)
    return edited


def archive_of(content: Path):
    archive, problems = load_archive(content)
    assert not problems.errors, "\n".join(str(p) for p in problems.errors)
    return archive


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """content/ built once: {'agendas/<id>' or 'meetings/<id>': path}."""
    out = tmp_path_factory.mktemp("docx")
    paths = write_documents(archive_of(CONTENT), out, CONTENT)
    return {f"{p.parent.name}/{p.stem}": p for p in paths}


@pytest.fixture(scope="module")
def fixture_docs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("fixture-docx")
    paths = write_documents(archive_of(FIXTURE), out, FIXTURE)
    return {f"{p.parent.name}/{p.stem}": p for p in paths}


def part(path: Path, name: str = "word/document.xml") -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read(name)


def body(path: Path):
    return etree.fromstring(part(path), STRICT).find("w:body", NS)


def seed_doc(built, number: str) -> Path:
    kind, stem = SEEDS[number]
    return built[f"{kind}s/{stem}"]


# ---------------------------------------------------------------------------
# Golden outlines and the seeds' text


def golden_files():
    return sorted(GOLDEN.glob("*.txt"))


def test_every_document_has_a_golden_outline(built):
    names = {f"{key.replace('/', '-')}.txt" for key in built}
    assert names == {p.name for p in golden_files()}, "run `python -m tests.golden` and review the diff"


@pytest.mark.parametrize("golden", golden_files(), ids=lambda p: p.stem)
def test_golden_outline(built, golden):
    key = golden.stem.replace("-", "/", 1)
    assert key in built, f"{golden.name}: no such document any more — run `python -m tests.golden`"
    actual = outline(built[key])
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        import difflib

        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "built", n=1))
        pytest.fail(f"{golden.name} differs (if intended: python -m tests.golden)\n{diff[:6000]}")


@pytest.mark.parametrize("number", sorted(SEEDS))
def test_every_seed_sentence_in_order(built, number):
    """Each sentence of the seed is found in the document's text, after the previous one."""
    text = normalise(plain_text(seed_doc(built, number)))
    sentences = seed_sentences(number, seed_file(number).read_text(encoding="utf-8"))
    assert len(sentences) > 20
    position = 0
    for index, sentence in enumerate(sentences):
        found = text.find(sentence, position)
        if found < 0:
            where = "earlier in the document (out of order)" if sentence in text else "nowhere in the document"
            pytest.fail(f"seed {number}, sentence {index + 1}/{len(sentences)} found {where}:\n{sentence}\n"
                        f"document text here: …{text[position:position + 200]}…")
        position = found + len(sentence)


# ---------------------------------------------------------------------------
# Form structure


def tables(path: Path):
    return body(path).findall("w:tbl", NS)


def cells_text(row) -> list[str]:
    return ["".join(t.text or "" for t in cell.iter(q("t"))) for cell in row.findall("w:tc", NS)]


def test_shiryo_numbers_at_the_top_right_of_their_pages(built):
    doc = built["agendas/kaigo-hoken-hyojunka"]
    paragraphs = body(doc).findall("w:p", NS)
    assert "".join(t.text for t in paragraphs[0].iter(q("t"))) == "資料56"
    ids = ooxml.read_style_ids(doc.read_bytes())
    style_id = ids["書類番号"]
    numbers = [p for p in paragraphs if p.find("w:pPr/w:pStyle", NS) is not None
               and p.find("w:pPr/w:pStyle", NS).get(q("val")) == style_id]
    assert ["".join(t.text for t in p.iter(q("t"))) for p in numbers] == ["資料56", "資料56-1", "資料56-2"]
    assert [p.find("w:pPr/w:pageBreakBefore", NS) is not None for p in numbers] == [False, True, True]
    styles = etree.fromstring(part(doc, "word/styles.xml"))
    style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
    assert style.find("w:pPr/w:jc", NS).get(q("val")) == "right"


def test_numbered_items_in_four_column_pairs(built):
    table = next(t for t in tables(built["agendas/kaigo-hoken-hyojunka"]) if len(t.findall("w:tblGrid/w:gridCol", NS)) == 8)
    rows = table.findall("w:tr", NS)
    header = rows[0]
    assert header.find("w:trPr/w:tblHeader", NS) is not None
    assert header.find("w:tc/w:tcPr/w:gridSpan", NS).get(q("val")) == "8"
    assert cells_text(header) == ["介護保険システム記録項目"]
    assert len(rows) == 1 + 41
    assert cells_text(rows[1]) == ["1", "住民情報", "42", "適用除外施設入所者情報", "83", "特定入所者介護サービス費負担限度額情報",
                                   "124", "意見書詳細情報"]
    assert cells_text(rows[-1]) == ["41", "証交付情報", "82", "特定入所者介護サービス費基準費用額情報", "123", "意見書情報", "", ""]


def test_numbered_rows_fill_column_wise():
    rows = numbered_rows([f"n{i}" for i in range(1, 10)], pairs=4)  # 3 per column
    assert [[c["n"] for c in row] for row in rows] == [["1", "4", "7", ""], ["2", "5", "8", ""], ["3", "6", "9", ""]]
    assert numbered_rows([], pairs=4) == []


def test_checklist_group_label_merged_down_its_rows(built):
    doc = built["agendas/nyuji-tsuen-shien"]
    checklist = [t for t in tables(doc) if len(t.findall("w:tblGrid/w:gridCol", NS)) == 3]
    assert len(checklist) == 2  # the ward's half and the partner's half, each on its own page
    for table in checklist:
        rows = table.findall("w:tr", NS)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        assert cells_text(rows[0])[2] == "情報保護対策"
        labels = []
        for row in rows[1:]:
            first = row.find("w:tc", NS)
            merge = first.find("w:tcPr/w:vMerge", NS)
            assert merge is not None
            if merge.get(q("val")) == "restart":
                labels.append([cells_text(row)[0], 1])
            else:
                assert cells_text(row)[0] == ""  # merge first, then write: continued cells stay empty
                labels[-1][1] += 1
        assert [count for _, count in labels] == [5, 11]
    partner = checklist[1].findall("w:tr", NS)
    assert cells_text(partner[1])[0] == "結合先に行わせる情報保護対策【運用上の対策】"
    assert cells_text(partner[4])[1] == "－"  # seed 004 marks this partner row 「－」
    assert "「－」" in cells_text(partner[0])[1]


def test_checklists_numbered_3_4_5(built):
    doc = built["agendas/kaigo-hoken-hyojunka"]
    titles = [line.split(": ", 1)[1] for line in outline(doc).splitlines() if "対策表の表題:" in line]
    assert titles == ["3 電算処理にかかる個人情報保護対策チェックリスト"] * 2 + \
        ["4 外部結合にかかる個人情報保護対策チェックリスト"] * 2 + ["5 業務委託にかかる個人情報保護対策チェックリスト"] * 2
    assert outline(doc).count("対策表の副題: (電磁的媒体・紙媒体の取扱い)") == 2


def test_markdown_body_becomes_word_paragraphs(built):
    text = outline(built["agendas/kaigo-hoken-hyojunka"])
    assert "[本文見出し 1] 1 概要" in text
    assert "[本文見出し 2] (1) 電算処理" in text
    assert "[本文見出し 1] 3 対象者" in text
    assert "##" not in text and "**" not in text


def test_sheet_on_its_own_page_headed_kenmei(built):
    lines = outline(built["agendas/aircon-josei"]).splitlines()
    heads = [line for line in lines if "別紙件名:" in line]
    assert len(heads) == 3 and all(h.startswith("[改ページ] 別紙件名: 件名 ") for h in heads)
    assert any("| 委託先(再委託先) | 【委託先】 ¶ アルティウスリンク株式会社(プライバシーマーク取得済み) ¶ 【再委託先】" in line
               for line in lines)


def test_meeting_in_wareki_with_decisions(built):
    text = outline(built["meetings/2025-05"])
    assert "会議本文: 令和7年9月1日(月) 午前9時30分~午前10時00分 本庁舎3階 庁議室" in text
    assert text.count("決定: ⇒ 承認") == 5
    assert "発言見出し: 審議事項(3)について" in text


# ---------------------------------------------------------------------------
# Typography


def test_a4_portrait_and_margins(built):
    for doc in built.values():
        sect = body(doc).find("w:sectPr", NS)
        size = sect.find("w:pgSz", NS)
        assert (size.get(q("w")), size.get(q("h"))) == ("11906", "16838")  # 210 × 297 mm
        assert size.get(q("orient")) in (None, "portrait")
        margins = sect.find("w:pgMar", NS)
        assert int(margins.get(q("top"))) >= 1417 and int(margins.get(q("left"))) >= 1417  # ≥ 25mm


def test_mincho_is_the_east_asian_font(built):
    for doc in built.values():
        styles = etree.fromstring(part(doc, "word/styles.xml"))
        fonts = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
        assert fonts.get(q("eastAsia")) == "ＭＳ 明朝"
        assert not styles.xpath("//w:rFonts[@w:eastAsiaTheme or @w:asciiTheme]", namespaces=NS)
        normal = styles.find("w:style[@w:styleId='Normal']/w:rPr/w:rFonts", NS)
        assert normal.get(q("eastAsia")) == "ＭＳ 明朝"


def test_tables_have_full_grids_and_rows_that_do_not_split(built):
    for doc in built.values():
        styles = etree.fromstring(part(doc, "word/styles.xml"))
        for table in tables(doc):
            style_id = table.find("w:tblPr/w:tblStyle", NS).get(q("val"))
            borders = styles.find(f"w:style[@w:styleId='{style_id}']/w:tblPr/w:tblBorders", NS)
            assert {b.tag.split("}")[1] for b in borders if b.get(q("val")) == "single"} == \
                {"top", "left", "bottom", "right", "insideH", "insideV"}
            for row in table.findall("w:tr", NS):
                props = row.find("w:trPr", NS)
                children = [c.tag.split("}")[1] for c in props] if props is not None else []
                order = ["cantSplit", "trHeight", "tblHeader"]
                assert children == sorted(children, key=order.index)
                if "事業内容" not in cells_text(row):  # the free text may be longer than a page
                    assert "cantSplit" in children, cells_text(row)[:2]


# ---------------------------------------------------------------------------
# Escaping, drafts, determinism, failures


def test_markup_and_template_code_in_content_print_literally(fixture_docs):
    doc = fixture_docs["agendas/escape"]
    etree.fromstring(part(doc), STRICT)  # well-formed without recovery
    text = plain_text(doc)
    for literal in ["A&B <script>alert(1)</script> {{ x }} {% if true %}件名{% endif %}",
                    "{{ config }} & {{ 7*7 }}", "<b>太字ではない</b>", "{%p endfor %}と書いた区民",
                    "<w:p>{{p x }}</w:p> の外部結合について", "{{r y }} と {%tr for %} と {% vm %}",
                    "2 {_{ z }_} と ]]> と \\n", "<株式会社>&Co.({{ note }})", "<流れ> & {{ flow }}",
                    "{{ x }}、&amp;、<i>", "※ {# comment #} は消えない。", "{{ x }} & <y> を追加する。",
                    'A&B <script>alert("x")</script> と {{ x }} と {% if %} と {{p z }} と {#- c -#}。']:
        assert literal in text, literal
    assert "49" not in text  # {{ 7*7 }} was not evaluated
    assert "改行を\n含む値" in text and "タブ\tを含む値" in text
    outline_text = outline(doc)
    assert "改行を⏎含む値" in outline_text and "タブ→を含む値" in outline_text
    meeting = plain_text(fixture_docs["meetings/escape-meeting"])
    for literal in ["本庁舎<3階> & 会議室", "{{ 会長 }}(会長)", "{% raw %}件名だけの案件", "・会員<1>: {{ x }} はどうか。",
                    "【<助言>】", "{{ intro }}", "・助言 <script> & {{ x }}"]:
        assert literal in meeting, literal


def test_soft_line_break_between_japanese_is_nothing(fixture_docs):
    text = plain_text(fixture_docs["agendas/escape"])
    assert "日本語の改行。English words here." in text


def test_markdown_table_inside_a_cell_keeps_the_outer_grid(fixture_docs):
    overview = tables(fixture_docs["agendas/escape"])[1]
    assert [round(int(c.get(q("w"))) * 25.4 / 1440) for c in overview.findall("w:tblGrid/w:gridCol", NS)] == [30, 130]
    nested = overview.find(".//w:tc/w:tbl", NS)
    assert len(nested.findall("w:tblGrid/w:gridCol", NS)) == 3
    assert int(nested.find("w:tblPr/w:tblW", NS).get(q("w"))) <= 7370  # fits its cell (130mm)
    assert cells_text(nested.findall("w:tr", NS)[1]) == ["申請", "1,100", "<見込み> & {{ x }}"]


def test_drafts_get_word_files_too(fixture_docs):
    assert "agendas/draft-item" in fixture_docs


def test_data_flow_image_is_embedded(fixture_docs):
    doc = fixture_docs["agendas/escape"]
    with zipfile.ZipFile(doc) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert media and package.read(media[0]) == (FIXTURE / "images" / "flow.png").read_bytes()
    assert "図: [図 " in outline(doc)


def test_documents_and_templates_are_valid_ooxml(built, fixture_docs):
    """LibreOffice opening a file proves little: check WordprocessingML's schema and rules (what Word checks)."""
    audit = pytest.importorskip("openxml_audit", reason="openxml-audit is in the test extras: pip install -e '.[test]'")
    validator = audit.OpenXmlValidator()
    for doc in [*built.values(), *fixture_docs.values(), AGENDA_TEMPLATE, MEETING_TEMPLATE]:
        result = validator.validate(str(doc))
        assert result.is_valid, f"{doc.name}:\n" + "\n".join(str(e) for e in result.errors[:10])


def test_same_content_same_bytes(built, fixture_docs, tmp_path):
    """Two builds — the second in a fresh process with another hash seed — give byte-identical files."""
    for content, first in ((CONTENT, built), (FIXTURE, fixture_docs)):
        out = tmp_path / content.name
        env = {**os.environ, "PYTHONHASHSEED": "12345"}
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "docx", "--content", str(content), "--out", str(out)],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        again = sorted(out.rglob("*.docx"))
        assert len(again) == len(first)
        for path in again:
            assert path.read_bytes() == first[f"{path.parent.name}/{path.stem}"].read_bytes(), path.name


def test_no_clock_in_the_files(built, fixture_docs):
    for doc in [*built.values(), *fixture_docs.values()]:
        with zipfile.ZipFile(doc) as package:
            infos = package.infolist()
            assert infos[0].filename == "[Content_Types].xml"
            assert all(info.date_time == EPOCH for info in infos)
            core = package.read("docProps/core.xml").decode()
        created = re.search(r"<dcterms:created[^>]*>([^<]*)<", core).group(1)
        assert created in ("1980-01-01T00:00:00Z", "2025-09-01T00:00:00Z", "2026-05-11T00:00:00Z"), created
        assert "<cp:revision>1</cp:revision>" in core


def test_content_error_leaves_earlier_outputs(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "docx"
    build(content, docx_out=out, report=lambda _: None)
    before = {p: p.read_bytes() for p in out.rglob("*.docx")}
    broken = content / "agendas" / "escape.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("資料番号: 7", "資料番号: x"), encoding="utf-8")
    with pytest.raises(ContentError):
        build(content, docx_out=out, report=lambda _: None)
    assert {p: p.read_bytes() for p in out.rglob("*.docx")} == before


def test_broken_template_is_reported_and_leaves_earlier_outputs(tmp_path, monkeypatch, capsys):
    out = tmp_path / "docx"
    build(FIXTURE, docx_out=out, report=lambda _: None)
    before = {p: p.read_bytes() for p in out.rglob("*.docx")}
    edited_templates(tmp_path / "templates", monkeypatch, lambda name, data: data.replace(b"{{ title }}", b"{{ title }", 1)
                     if name == "word/document.xml" else data)
    with pytest.raises(ContentError):
        build(FIXTURE, docx_out=out, report=lambda _: None)
    err = capsys.readouterr().err
    assert "付議事項.docx" in err and "テンプレート" in err
    assert {p: p.read_bytes() for p in out.rglob("*.docx")} == before


def test_a_template_tag_that_raises_while_it_renders_is_reported_not_a_traceback(tmp_path, monkeypatch, capsys):
    """A tag that parses but fails when it runs ({{ 1 / 0 }}): a problem naming the template, earlier outputs kept."""
    out = tmp_path / "docx"
    build(FIXTURE, docx_out=out, report=lambda _: None)
    before = {p: p.read_bytes() for p in out.rglob("*.docx")}
    edited_templates(tmp_path / "templates", monkeypatch, lambda name, data: data.replace(b"{{ title }}", b"{{ title }}{{ 1 / 0 }}", 1)
                     if name == "word/document.xml" else data)
    with pytest.raises(ContentError):
        build(FIXTURE, docx_out=out, report=lambda _: None)
    err = capsys.readouterr().err
    assert "付議事項.docx" in err and "テンプレートのタグを実行できません" in err and "ZeroDivisionError" in err, err
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in out.rglob("*.docx")} == before


def test_a_template_that_lost_a_table_is_refused(tmp_path, monkeypatch, capsys):
    """A clerk deletes the sheets' table in Word: every document would silently lose its 別紙; refused instead."""
    def drop_sheet_table(name, data):
        if name != "word/document.xml":
            return data
        xml = data.decode("utf-8")
        tables = re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.S)
        sheet = next(t for t in tables if "for row in sheet.rows" in t)
        return xml.replace(sheet, "").encode("utf-8")

    out = tmp_path / "docx"
    build(FIXTURE, docx_out=out, report=lambda _: None)
    before = {p: p.read_bytes() for p in out.rglob("*.docx")}
    edited_templates(tmp_path / "templates", monkeypatch, drop_sheet_table)
    with pytest.raises(ContentError):
        build(FIXTURE, docx_out=out, report=lambda _: None)
    err = capsys.readouterr().err
    assert "テンプレートに必要なタグがありません（表や段落を消していませんか）: for row in sheet.rows" in err
    assert {p: p.read_bytes() for p in out.rglob("*.docx")} == before


def test_restyled_template_changes_every_document(tmp_path, monkeypatch):
    """A clerk changes a font and the grid's borders in Word, and Word renames style ids on saving."""
    def restyle(name, data):
        if name in ("word/styles.xml", "word/document.xml"):
            data = data.replace('"FugiMdBody1"'.encode(), b'"a5"').replace('"FugiCell"'.encode(), b'"a7"')
        if name == "word/styles.xml":
            data = data.replace("ＭＳ 明朝".encode(), "ＭＳ ゴシック".encode()).replace(b'w:sz="4"', b'w:sz="12"')
        return data

    edited_templates(tmp_path / "templates", monkeypatch, restyle)
    docs = write_documents(archive_of(CONTENT), tmp_path / "out", CONTENT)
    agendas = [d for d in docs if d.parent.name == "agendas"]
    assert len(agendas) == 4
    for doc in agendas:
        styles = part(doc, "word/styles.xml").decode()
        assert 'w:eastAsia="ＭＳ ゴシック"' in styles and "ＭＳ 明朝" not in styles
        assert 'w:sz="12"' in styles
        xml = part(doc).decode()
        assert 'w:pStyle w:val="a5"' in xml and "FugiMdBody1" not in xml  # Markdown paragraphs follow the rename
        assert 'w:pStyle w:val="a7"' in xml
    assert outline(agendas[0]).count("[本文 1]") >= 1


def test_cli_docx_command(tmp_path):
    out = tmp_path / "word"
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "docx", "--content", str(FIXTURE), "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.docx")) == \
        ["agendas/draft-item.docx", "agendas/escape.docx", "meetings/escape-meeting.docx"]


# ---------------------------------------------------------------------------
# The templates


def template_tags(data: bytes) -> list[str]:
    """The Jinja tags of a template, in order, as docxtpl sees them after patching the XML."""
    template = render_docx.Template.__new__(render_docx.Template)
    xml = etree.tostring(etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find(q("body")),
                         encoding="unicode")
    patched = render_docx.DocxTemplate.patch_xml(template, xml)
    return re.findall(r"{[{%][^}%]*[}%]}", patched)


def generated_templates():
    sys.path.insert(0, str(TEMPLATES))
    try:
        import make_templates
    finally:
        sys.path.remove(str(TEMPLATES))
    return make_templates.templates()


def test_committed_templates_have_the_generators_tags_and_styles():
    """The templates a clerk edits keep every tag and style fugi needs (restyling does not matter).

    `python templates/docx/make_templates.py --check` compares the bytes, for a template nobody has edited.
    """
    for path, data in generated_templates().items():
        committed = path.read_bytes()
        assert template_tags(committed) == template_tags(data), path.name
        ids = ooxml.read_style_ids(committed)
        needed = set(render_docx.STYLE_NAMES.values()) | set(ooxml.read_style_ids(data))
        assert needed <= set(ids), f"{path.name}: missing styles {sorted(needed - set(ids))}"


def test_template_tags_are_where_docxtpl_needs_them():
    tags = template_tags(AGENDA_TEMPLATE.read_bytes())
    assert "{% for row in sheet.rows %}" in tags and "{{ body }}" in tags
    assert any("loop.first" in tag for tag in tags)  # {% vm %} became a vertical merge
    assert not [t for t in tags if re.match(r"{%\s*(p|tr|tc|r)\s", t)], "a {%p %}/{%tr %} tag shares its paragraph/row"


# ---------------------------------------------------------------------------
# The record: conditions under the decision, reasons under the sentence, group labels kept with their rows

RECORD = fixture_copy("record")  # an item deliberated twice: 継続審議, then 条件付承認 with two conditions


@pytest.fixture(scope="module")
def record_docs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("record-docx")
    paths = write_documents(archive_of(RECORD), out, RECORD)
    return {f"{p.parent.name}/{p.stem}": p for p in paths}


def paragraph_texts(path: Path) -> list[str]:
    """Every paragraph's text of the body (table cells included), in document order."""
    return ["".join(t.text or "" for t in p.iter(q("t"))) for p in body(path).iter(q("p"))]


def test_conditions_print_under_the_decision(record_docs):
    """⇒ 条件付承認, then the condition; several are numbered (1) (2), as a ward writes them."""
    texts = paragraph_texts(record_docs["meetings/2026-07"])
    start = texts.index("(1) 案内状の印刷の委託について")
    assert texts[start:start + 7] == [
        "(1) 案内状の印刷の委託について", "⇒ 条件付承認", "印刷の終了後、データを消去した証明書を提出させること。",
        "(2) 記録のテスト事業に係る外部結合について", "⇒ 条件付承認",
        "(1) 年に1回、運用状況を報告すること。", "(2) 相手方のシステムの変更があれば、事前に報告すること。"]
    styles = {line.split(": ", 1)[1]: line.split(": ", 1)[0] for line in outline(record_docs["meetings/2026-07"]).splitlines()
              if ": " in line}
    assert styles["(1) 年に1回、運用状況を報告すること。"] == "決定の付記"
    assert "⇒ 継続審議" in paragraph_texts(record_docs["meetings/2026-06"])


def test_a_deviation_prints_its_reason_under_the_sentence(record_docs):
    """The original's checklist has no remarks column: the reason follows the sentence in the row's text cell."""
    rows = [row for table in tables(record_docs["agendas/record-item"]) for row in table.findall("w:tr", NS)]
    row = next(r for r in rows if len(r.findall("w:tc", NS)) == 3 and cells_text(r)[1] == "－")
    sentence, reason = ["".join(t.text or "" for t in p.iter(q("t"))) for p in row.findall("w:tc", NS)[2].findall("w:p", NS)]
    assert sentence.startswith("業務開始前に、事故、災害、トラブルに対応できる体制")
    assert reason == "（理由: 区のシステムに接続しないため）"
    others = [r for r in rows if len(r.findall("w:tc", NS)) == 3 and cells_text(r)[1] == "○"]
    assert all(len(r.findall("w:tc", NS)[2].findall("w:p", NS)) == 1 for r in others)  # no empty reason paragraph


def test_a_groups_rows_keep_with_the_next_but_the_last(built):
    """Every row of a checklist group but its last keeps with the next row: Word and LibreOffice move the whole
    group to the next page rather than leave its merged label on one page and rows on the other."""
    for doc in built.values():
        for table in tables(doc):
            rows = [r for r in table.findall("w:tr", NS) if r.find("w:tc/w:tcPr/w:vMerge", NS) is not None]
            for row, following in zip(rows, rows[1:] + [None]):
                last = following is None or following.find("w:tc/w:tcPr/w:vMerge", NS).get(q("val")) == "restart"
                keeps = [p.find("w:pPr/w:keepNext", NS) is not None for p in row.iter(q("p"))]
                assert keeps == [not last] * len(keeps), cells_text(row)


def pdf_pages(pdf: Path):
    """[(x_min, y_min, x_max, text)] of every word, page by page (pdftotext -bbox)."""
    xhtml = "{http://www.w3.org/1999/xhtml}"
    data = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(data, etree.XMLParser(recover=True))
    return [[(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), w.text or "")
             for w in page.iter(xhtml + "word")] for page in root.iter(xhtml + "page")]


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"), reason="LibreOffice and poppler needed")
def test_group_labels_never_split_from_their_rows_across_pages(built, tmp_path):
    """Each seed item's Word file through LibreOffice: on every page, the first checklist row's group label is
    printed whole on that page (the label column is the table's first 30mm; marks sit in the next column)."""
    from fugi.views.printed import checklist_view

    archive = archive_of(CONTENT)
    documents = [built[f"agendas/{a.id}"] for a in archive.agendas]
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *map(str, documents)], capture_output=True, check=True, timeout=300)
    left = (ooxml.A4["left"] + ooxml.twips(30)) / 20  # the left margin plus the label column, in points
    checked = 0
    for agenda in archive.agendas:
        labels = [re.sub(r"\s", "", g.label) for c in agenda.checklists for h in checklist_view(c, archive.forms).halves
                  for g in h.groups for _ in g.rows]
        index = 0
        for number, words in enumerate(pdf_pages(tmp_path / f"{agenda.id}.pdf"), 1):
            legend = [w for w in words if w[3].startswith("・対策")]
            if not legend:
                continue
            top = max(w[1] for w in legend) + 15  # below the repeated header row
            marks = [w for w in words if left < w[0] < left + 75 and w[1] > top and len(w[3]) == 1]
            printed = "".join(w[3] for w in sorted(words, key=lambda w: (w[1], w[0])) if w[2] <= left + 2 and w[1] > top)
            if marks:
                assert labels[index] in re.sub(r"\s", "", printed), (agenda.id, number, labels[index], printed)
                index, checked = index + len(marks), checked + 1
        assert index == len(labels), (agenda.id, index, len(labels))  # every row was found on some page
    assert checked >= 20


def test_a_long_title_and_many_departments_fit_the_word_files_properties(tmp_path):
    """A 件名 of 300 characters and 担当部課 whose names make more than 255 characters: the Word file is made (the
    core properties, limited to 255 characters, end in …), and the document itself prints every character."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    item = content / "agendas" / "aircon-josei.md"
    title = "長い件名" * 75
    departments = "".join(f"  - 部: 第{n}番目のとても長い名前の部\n    課: [第{n}番目のとても長い名前の課]\n" for n in range(30))
    text = item.read_text(encoding="utf-8")
    text = re.sub(r"^件名: .*$", f"件名: {title}", text, count=1, flags=re.M)
    text = re.sub(r"^担当部課:\n(  .*\n)+", "担当部課:\n" + departments, text, count=1, flags=re.M)
    item.write_text(text, encoding="utf-8")
    paths = write_documents(archive_of(content), tmp_path / "out", content)
    docx = next(p for p in paths if p.stem == "aircon-josei")
    with zipfile.ZipFile(docx) as package:
        core = etree.fromstring(package.read("docProps/core.xml"))
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
    assert core.findtext("dc:title", namespaces=ns) == title[:254] + "…"
    creator = core.findtext("dc:creator", namespaces=ns)
    assert len(creator) == 255 and creator.endswith("…") and creator.startswith("第0番目のとても長い名前の")
    assert title in plain_text(docx).replace("\n", "")
