"""build.py packet MEETING: the 次第 (Word) and the members' packet (one PDF: the 次第, then every item's PDF in the
order of the meeting, a bookmark per part, page numbers through, fonts embedded, the same bytes every time).

The PDF tests need LibreOffice and poppler's tools (pdfinfo, pdffonts, pdftotext); they are `slow`."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fugi.cli import main
from fugi.pipeline import load_archive
from fugi.views.order import order_view
from fugi.word import pdf

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
STOCK = "2025-05"

needs_tools = pytest.mark.skipif(pdf.soffice_path() is None or shutil.which("pdfinfo") is None,
                                 reason="LibreOffice and poppler-utils are needed (test.sh installs them)")


def poppler(*args) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pages_of(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(path)), re.M).group(1))


def bookmarks(path: Path) -> list:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return [(item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline]


def test_the_order_lists_every_item_of_the_meeting_in_order_with_its_paper_number():
    archive, problems = load_archive(CONTENT)
    assert not problems.errors
    meeting = next(mt for mt in archive.meetings if mt.id == STOCK)
    view = order_view(meeting, archive.forms)
    assert view.title == "新宿区個人情報保護管理運営会議(第5回)次第"
    assert [(i.number, i.paper) for i in view.items] == [(1, "資料なし"), (2, "資料なし"), (3, "資料なし"),
                                                         (4, "資料なし"), (5, "資料27")]
    assert view.items[1].title == "はたちのつどいに係る案内状印刷及び封入封緘作業の委託について"
    assert (view.words.open, view.words.items, view.words.other, view.words.close) == ("開会", "審議事項", "その他", "閉会")
    assert view.unpublished == [] and view.mark == ""


def test_an_unknown_meeting_is_named_with_a_suggestion(tmp_path, capsys):
    assert main(["packet", "2025-5", "--out", str(tmp_path / "p")]) == 1
    out = capsys.readouterr().out
    assert "meetings/2025-5.md:1: packet: 「2025-5」という会議概要はありません — 「2025-05」の誤りではありませんか" in out
    assert not (tmp_path / "p").exists()


def test_forms_without_an_order_cannot_make_a_packet(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    forms = content / "forms.yml"
    text = forms.read_text(encoding="utf-8")
    forms.write_text(re.sub(r"  # 次第: .*?\n  次第:\n(    .*\n)+", "", text), encoding="utf-8")
    assert "次第:" not in forms.read_text(encoding="utf-8")
    assert main(["packet", STOCK, "--content", str(content), "--out", str(tmp_path / "p")]) == 1
    out = capsys.readouterr().out
    assert "forms.yml:1: 会議.次第: 次第の言葉（始め・議事・その他・終わりなど）がありません — forms.yml の `会議:` に `次第:` を書いてください" in out


def test_an_order_title_naming_an_unknown_field_is_reported_at_its_line(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    forms = content / "forms.yml"
    lines = forms.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith('    表題: "{会議名}(第{回}回)次第"'))
    lines[at] = '    表題: "{会議名}(第{号}回)次第"\n'
    forms.write_text("".join(lines), encoding="utf-8")
    assert main(["check", "--content", str(content)]) == 1
    assert (f"forms.yml:{at + 1}: 会議.次第.表題: 表題の {{号}} は項目にありません — {{…}} には、会議の書類の項目のキーを"
            in capsys.readouterr().out)


@pytest.mark.slow
@needs_tools
def test_the_packet_of_the_stock_meeting(tmp_path, capsys):
    out = tmp_path / "packets"
    assert main(["packet", STOCK, "--out", str(out)]) == 0
    said = capsys.readouterr().out
    packet, order = out / STOCK / "会議資料.pdf", out / STOCK / "次第.docx"
    assert packet.is_file() and order.is_file()
    assert "ファイルのない審議事項 4 件は、次第に件名だけを載せています" in said
    # the item's own PDF, as build.py pdf makes it (the same cache keys: not converted again)
    assert main(["pdf", "--out", str(tmp_path / "docx")]) == 0
    own = pages_of(tmp_path / "docx" / "agendas" / "kyoju-support-system.pdf")
    marks = bookmarks(packet)
    assert [title for title, _ in marks] == ["新宿区個人情報保護管理運営会議(第5回)次第",
                                             "資料27 居住サポート住宅情報提供システムとの外部結合について"]
    assert marks[0][1] == 1 and marks[1][1] >= 2
    total = pages_of(packet)
    assert total == marks[1][1] - 1 + own and total >= 1 + own
    first = poppler("pdftotext", "-f", "1", "-l", str(marks[1][1] - 1), str(packet), "-")
    flat = re.sub(r"\s+", "", first)
    for word in ("1開会", "2審議事項", "3その他", "4閉会", "資料27", "資料なし",
                 "はたちのつどいに係る案内状印刷及び封入封緘作業の委託について"):
        assert word in flat, word
    assert flat.index("(4)") < flat.index("(5)居住サポート住宅情報提供システムとの外部結合について")
    for number in (1, marks[1][1], total):  # numbered through the whole packet
        assert re.search(rf"^-\s*{number}\s*-$", poppler("pdftotext", "-f", str(number), "-l", str(number), str(packet), "-"), re.M)
    fonts = poppler("pdffonts", str(packet)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # emb
    assert all("IPAex" in line for line in fonts)
    before = packet.read_bytes(), order.read_bytes()
    assert main(["packet", STOCK, "--out", str(out)]) == 0
    assert (packet.read_bytes(), order.read_bytes()) == before


@pytest.mark.slow
@needs_tools
def test_a_non_public_item_is_in_the_packet_and_the_command_says_so(tmp_path, capsys):
    """The meeting to come (not public yet) with a non-public item: the members get it all, and are told."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    for path, old, new in (("agendas/kyoju-support-system.md", "公開: true", "公開: false"),
                           ("meetings/2025-05.md", "公開: true", "公開: false")):
        text = (content / path).read_text(encoding="utf-8")
        assert old in text
        (content / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    assert main(["packet", STOCK, "--content", str(content), "--out", str(tmp_path / "p")]) == 0
    said = capsys.readouterr().out
    assert "サイトに載せない付議事項も含めています（会員に配るためのものです。外へ出さないでください）: 資料27（公開: false）" in said
    packet = tmp_path / "p" / STOCK / "会議資料.pdf"
    assert "会員限り" in poppler("pdftotext", "-f", "1", "-l", "1", str(packet), "-")
    assert len(bookmarks(packet)) == 2
