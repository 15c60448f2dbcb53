"""資料N-1 個人情報の流れ (issue 29): the drawing made from an item's sheets and declared flows (fugi.views.flow), rendered
by Graphviz (fugi.word.flow_picture) into the Word file and the site, with a table saying the same thing."""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from fugi.pipeline import check, load_archive
from fugi.views.flow import flow_graph, flow_rows
from fugi.word import flow_picture
from fugi.word.render_docx import agenda_docx

try:
    from contents import CONTENT, REPO, edit
except ImportError:  # tests/ imported as a package
    from tests.contents import CONTENT, REPO, edit

STOCK = ["aircon-josei", "kaigo-hoken-hyojunka", "kyoju-support-system", "nyuji-tsuen-shien"]
TSUBASA = REPO / "tests" / "fixtures" / "councils" / "tsubasa"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def stock():
    archive, problems = load_archive(CONTENT)
    assert not problems.errors
    return archive


def agenda(archive, ident):
    return next(a for a in archive.agendas if a.id == ident)


def svg_node_texts(svg: bytes) -> list:
    """The words of each box of a drawing, its lines joined (a long name is wrapped over lines)."""
    root = etree.fromstring(svg)
    return ["".join(t.text or "" for t in g.iter(f"{SVG}text"))
            for g in root.iter(f"{SVG}g") if g.get("class") == "node"]


def test_the_stock_flows_follow_the_sheets(stock):
    """From the sheets: the 区 with its 課, 委託先 → 再委託先 through the 親 chain, 結合の相手方, the 区's 電算処理,
    each arrow with its items and its medium or line under the labels of the forms' fields."""
    rows = {ident: [(r["from"], r["to"]) for r in flow_rows(flow_graph(agenda(stock, ident), stock.forms))]
            for ident in STOCK}
    assert rows["aircon-josei"] == [
        ("新宿区 地域福祉課", "株式会社 Box Japan（結合の相手方）"),
        ("新宿区 地域福祉課", "アルティウスリンク株式会社（委託先）"),
        ("アルティウスリンク株式会社（委託先）", "テプコ・ソリューション・アドバンス株式会社（再委託先）")]
    assert rows["kaigo-hoken-hyojunka"] == [
        ("新宿区 介護保険課", "電算処理"), ("新宿区 介護保険課", "デジタル庁（結合の相手方）"),
        ("新宿区 介護保険課", "富士通 Japan 株式会社（委託先）"),
        *[("富士通 Japan 株式会社（委託先）", f"{name}（再委託先）")
          for name in ("ちばぎんコンピュータサービス株式会社", "シンポー情報システム株式会社", "ファースト株式会社")]]
    assert rows["kyoju-support-system"] == [("新宿区 高齢者支援課 住宅課", "国土交通省（結合の相手方）")]
    (only,) = flow_rows(flow_graph(agenda(stock, "aircon-josei"), stock.forms))[2:]
    assert only["lines"][0] == "【再委託に伴い事業者処理させる情報項目(だれの、どのような項目か)】"
    assert only["lines"][-2:] == ["【処理させる情報項目の記録媒体】", "紙及び電磁的媒体(再委託先のPC・及びDVD等)"]


@needs_dot
@pytest.mark.parametrize("ident", STOCK)
def test_each_stock_drawing_names_every_partner_its_sheets_name(stock, ident):
    """Every partner the item's sheets name is a box of its drawing (SVG for the site, PNG for Word)."""
    item = agenda(stock, ident)
    graph = flow_graph(item, stock.forms)
    svg = flow_picture.picture(graph, "svg")
    boxes = svg_node_texts(svg)
    names = {name for _, name in item.partners}
    assert names and all(any(name.replace(" ", "") in box.replace(" ", "") for box in boxes) for name in names), boxes
    assert any("新宿区" in box for box in boxes)
    assert flow_picture.picture(graph, "png").startswith(flow_picture.PNG)


@needs_dot
@pytest.mark.parametrize("ident", STOCK)
def test_each_stock_word_file_carries_its_drawing_on_its_flow_page(stock, ident):
    """Issue 29: 資料N-1 was a page with a title and nothing under it; now the drawing follows its title."""
    item = agenda(stock, ident)
    data = agenda_docx(item, stock.forms, CONTENT)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    paragraphs = list(body.iter(f"{w}p"))
    texts = ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in paragraphs]
    start = texts.index(f"資料{item.number}-1")
    following = paragraphs[start + 1:start + 4]
    assert any(p.findall(f".//{w}drawing") for p in following), texts[start:start + 4]
    assert len(media) == 1 and media[0].endswith(".png")
    assert agenda_docx(item, stock.forms, CONTENT) == data  # the same bytes again


@needs_dot
def test_the_site_page_shows_the_drawing_and_its_table(stock, tmp_path):
    """Each stock item's page: the SVG (scaled by CSS) with a text alternative, then the table of its arrows."""
    from fugi.site.pages import generate_docs

    generate_docs(stock, tmp_path, CONTENT)
    for ident in STOCK:
        page = (tmp_path / "agendas" / f"{ident}.md").read_text(encoding="utf-8")
        assert f'<img src="../../images/{ident}/flow.svg"' in page  # served at agendas/<id>/ (raw HTML: not rewritten)
        assert "内容は次の表のとおりです" in page and '<table class="fugi-sheet fugi-flow-table">' in page
        assert "（図のファイルは登録されていません）" not in page
        assert (tmp_path / "images" / ident / "flow.svg").read_bytes().startswith(b"<?xml")
        for _, name in agenda(stock, ident).partners:
            assert re.search(rf"<th scope=\"row\">[^<]*→ {re.escape(name)}（", page), name


def test_the_partner_page_says_which_items_reach_it_from_which_section(stock):
    """相手方別: a 再委託先 is reached by the item from its 担当課 through the 委託先."""
    from fugi.site import context as c

    rows = {a.id: {"id": a.id} for a in stock.agendas}
    reach = c.partner_reach(sorted(stock.agendas, key=lambda a: a.id), rows, stock.forms)
    assert reach["テプコ・ソリューション・アドバンス株式会社"] == [
        {"row": {"id": "aircon-josei"}, "sections": ["地域福祉課"], "via": "アルティウスリンク株式会社（委託先）"}]
    assert reach["国土交通省"] == [{"row": {"id": "kyoju-support-system"}, "sections": ["高齢者支援課", "住宅課"], "via": ""}]


def flow_content(tmp_path: Path, declared: str) -> Path:
    """A copy of content/ whose aircon item declares flows under 個人情報の流れ."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    edit(content / "agendas" / "aircon-josei.md",
         "  表題: 低所得世帯・生活保護受給世帯に対するエアコン購入費助成事業の個人情報の流れ\n",
         "  表題: 低所得世帯・生活保護受給世帯に対するエアコン購入費助成事業の個人情報の流れ\n" + declared)
    return content


def test_declared_flows_add_parties_and_correct_arrows(tmp_path):
    """本人 → 区: 申請書 adds a box; 区 → 委託先 (by its role) corrects the medium the sheet gave."""
    content = flow_content(tmp_path, "  流れ:\n"
                                     "    - {元: 本人, 先: 区, 項目: 申請書, 手段: 郵送・窓口}\n"
                                     "    - {元: 区, 先: 委託先, 手段: DVD}\n")
    archive, problems = load_archive(content)
    assert not problems, [str(p) for p in problems]
    rows = flow_rows(flow_graph(agenda(archive, "aircon-josei"), archive.forms))
    assert (rows[3]["from"], rows[3]["to"], rows[3]["lines"]) == ("本人", "新宿区 地域福祉課", ["申請書", "郵送・窓口"])
    corrected = next(r for r in rows if r["to"] == "アルティウスリンク株式会社（委託先）")
    assert corrected["lines"][-2:] == ["【処理させる情報項目の記録媒体】", "DVD"]
    assert len(rows) == 4


@pytest.mark.parametrize("declared, expected", [
    ("  流れ:\n    - {元: 本人, 項目: 申請書}\n",
     "72: 個人情報の流れ.流れ[1].先: 必須の項目がありません — `先: …` を追加してください"),
    ("  流れ:\n    - {元: 区, 先: 区}\n",
     "72: 個人情報の流れ.流れ[1].先: 元と先が同じ「区」です — どこからどこへ渡るのか、違う名前を書いてください"),
    ("  流れ:\n    - 本人から区へ申請書\n",
     "72: 個人情報の流れ.流れ[1]: 流れは「元」「先」「項目」「手段」で書いてください — 例: `- {元: 本人, 先: 区, 項目: 申請書, 手段: 郵送}`"),
])
def test_a_declared_flow_written_wrong_is_reported_at_its_line(tmp_path, monkeypatch, declared, expected):
    monkeypatch.chdir(tmp_path)
    content = flow_content(tmp_path, declared)
    _, problems = load_archive(content)
    found = [str(p).split(":", 1)[1] for p in problems]
    assert len(found) == 1 and found[0].startswith(expected), found


def test_names_reach_dot_escaped(stock):
    """A name with quotes, a backslash or DOT syntax stays text: it cannot end the label or add attributes."""
    from fugi.views.flow import FlowEdge, FlowGraph, FlowNode

    hostile = 'A"];x[color=\\N'
    graph = FlowGraph("新宿区 総務課", (FlowNode("ward", "新宿区 総務課", "ward"), FlowNode("n1", hostile, "declared")),
                      (FlowEdge("ward", "n1", items=("氏名\\l",)),))
    text = flow_picture.dot_text(graph)
    assert 'n1 [label="A\\"];x[color=\\\\N", style' in text
    assert 'label="氏名\\\\l"' in text
    if shutil.which("dot"):
        assert hostile in "".join(svg_node_texts(flow_picture.picture(graph, "svg")))


@needs_dot
def test_pictures_are_the_same_bytes_on_rebuild_and_carry_no_version(stock):
    graph = flow_graph(agenda(stock, "kaigo-hoken-hyojunka"), stock.forms)
    first = {fmt: flow_picture.picture(graph, fmt) for fmt in ("svg", "png")}
    flow_picture._MEMORY.clear()
    texts = [flow_picture.dot_text(graph)] * 2
    for fmt in ("svg", "png"):
        again = flow_picture.run_dot(texts, fmt)  # rendered afresh, twice in one run
        assert again == [first[fmt], first[fmt]]
    assert b"<!--" not in first["svg"] and b"graphviz version" not in first["svg"]


@needs_dot
def test_graphs_drawn_in_chunks_come_back_in_order(stock, monkeypatch):
    """Many drawings are split over several `dot` runs at once: each picture is still its own graph's."""
    texts = [flow_picture.dot_text(flow_graph(a, stock.forms)) for a in sorted(stock.agendas, key=lambda a: a.id)]
    whole = flow_picture.run_dot(texts, "svg")
    monkeypatch.setattr(flow_picture, "CHUNK", 1)
    assert flow_picture.run_dot(texts, "svg") == whole
    assert len(set(whole)) == len(texts)


def test_without_dot_check_and_word_say_so_and_go_on(stock, monkeypatch):
    """No Graphviz: check prints one line saying so, the Word file is made with the page's title and no picture."""
    monkeypatch.setattr(flow_picture, "engine", lambda: None)
    lines = []
    summary = check(CONTENT, report=lines.append)
    assert summary.startswith("OK") and any(line.startswith("Graphviz（dot）が見つからないため") for line in lines)
    data = agenda_docx(agenda(stock, "aircon-josei"), stock.forms, CONTENT)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]


def tsubasa(tmp_path: Path) -> Path:
    content = tmp_path / "tsubasa"
    shutil.copytree(TSUBASA, content)
    return content


def test_another_councils_categories_draw_too(tmp_path):
    """つばさ's forms: 受託者 → 下請け先 through its own 親: chain, with its own role names."""
    archive, problems = load_archive(tsubasa(tmp_path))
    assert not problems.errors, [str(p) for p in problems]
    rows = flow_rows(flow_graph(agenda(archive, "toshokan-itaku"), archive.forms))
    assert [(r["from"], r["to"]) for r in rows] == [
        ("つばさ区 図書館課", "つばさライブラリーサービス株式会社（受託者）"),
        ("つばさライブラリーサービス株式会社（受託者）", "よぞらコールセンター株式会社（下請け先）")]


def test_check_warns_when_the_body_cites_a_blank_flow_page(tmp_path, monkeypatch):
    """Issue 29: a clerk got a blank 資料N-1 and no warning.  A 目的外利用 sheet names no partner and no field of its
    forms lists items: citing 諮問4-1 warns at the line; marking the field as items (個人情報の項目) draws it."""
    monkeypatch.chdir(tmp_path)
    content = tsubasa(tmp_path)
    item = content / "agendas" / "kenshin-mokuteki.md"
    edit(item, "確認表:", "データの流れ: {}\n確認表:")
    item.write_text(item.read_text(encoding="utf-8") + "\n※データの流れは、諮問4-1のとおり\n", encoding="utf-8")
    _, problems = load_archive(content)
    found = [str(p) for p in problems if p.path.endswith("kenshin-mokuteki.md")]
    line = item.read_text(encoding="utf-8").splitlines().index("※データの流れは、諮問4-1のとおり") + 1
    assert found == [f"tsubasa/agendas/kenshin-mokuteki.md:{line}: 内容の詳細: [警告] 「諮問4-1」を参照していますが、"
                     "データの流れに描くものがありません（図のファイルも、区分の欄の委託先等や渡す項目も、書き足した流れもありません） — "
                     "`データの流れ:` に `流れ:`（例: `- {元: 本人, 先: 区, 項目: 申請書}`）か `図: images/ファイル名.png` を書いてください"]
    edit(content / "forms.yml", "- {キー: 利用する項目}", "- {キー: 利用する項目, 個人情報の項目: true}")
    _, problems = load_archive(content)
    assert not [str(p) for p in problems if p.path.endswith("kenshin-mokuteki.md")]
