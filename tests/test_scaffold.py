"""`build.py new` writes files that validate as written, with the catalog's checklists all ○."""
import shutil
from pathlib import Path

import pytest

from fugi.cli import main
from fugi.pipeline import load_archive

REPO = Path(__file__).parent.parent


def content_copy(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    return content


def test_new_agenda_validates_with_catalog_checklists(tmp_path, capsys):
    content = content_copy(tmp_path)
    code = main(["new", "agenda", "new-item", "-c", "外部結合", "-c", "再委託", "--title", "新しい事業の委託について",
                 "--number", "99", "--content", str(content)])
    assert code == 0
    out = capsys.readouterr().out
    assert "【要記入】" in out
    archive, problems = load_archive(content)
    assert not problems.errors, [str(p) for p in problems.errors]
    item = next(a for a in archive.agendas if a.id == "new-item")
    assert item.basis == ("外部結合", "業務委託")
    assert item.sheet_categories == ("外部結合", "業務委託", "再委託")
    assert item.status == "draft" and not item.published
    rows = [row for checklist in item.checklists for _, _, row in checklist.rows]
    assert len(rows) == (5 + 11) * 2 + (13 + 11) * 2
    assert all(row.mark == "○" and not row.differs for row in rows)
    unfilled = [p for p in problems.warnings if p.path.endswith("new-item.md")]
    assert {p.message for p in unfilled} == {"「【要記入】」のままの箇所があります"}
    # every line of the file that holds the placeholder is reported, at that line, once (a draft: warnings)
    lines = (content / "agendas" / "new-item.md").read_text(encoding="utf-8").split("\n")
    assert sorted(p.line for p in unfilled) == [n for n, text in enumerate(lines, 1) if "【要記入】" in text]
    fields = {p.line: p.field for p in unfilled}
    assert fields[lines.index("担当部課:") + 2] == "担当部課[1].部" and fields[max(fields)] == "事業内容"


def test_new_meeting_validates(tmp_path):
    content = content_copy(tmp_path)
    assert main(["new", "meeting", "2026-01", "--number", "6", "--date", "2026-05-11", "--content", str(content)]) == 0
    archive, problems = load_archive(content)
    assert not problems.errors, [str(p) for p in problems.errors]
    meeting = next(m for m in archive.meetings if m.id == "2026-01")
    assert meeting.number == 6 and str(meeting.date) == "2026-05-11" and not meeting.public


def test_new_refuses_bad_requests_and_never_overwrites(tmp_path, capsys):
    content = content_copy(tmp_path)
    before = (content / "agendas" / "aircon-josei.md").read_bytes()
    assert main(["new", "agenda", "aircon-josei", "-c", "外部決合", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert "aircon-josei.md:1: name: すでにあります" in out
    assert "--category: 「外部決合」は区分ではありません" in out
    assert (content / "agendas" / "aircon-josei.md").read_bytes() == before


def test_new_checks_its_options_before_writing(tmp_path, capsys):
    """A date is checked (a newline can't inject a key), a 資料番号 already used is refused with the next free one."""
    content = content_copy(tmp_path)
    assert main(["new", "meeting", "2026-02", "--number", "7", "--date", "2026-05-11\n公開: true",
                 "--content", str(content)]) == 1
    assert main(["new", "meeting", "2026-03", "--number", "7", "--date", "2026-02-30", "--content", str(content)]) == 1
    assert main(["new", "agenda", "used-number", "-c", "外部結合", "--number", "27", "--content", str(content)]) == 1
    assert main(["new", "agenda", "index", "-c", "外部結合", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert "--date: 「2026-05-11 公開: true」は日付として読めません — YYYY-MM-DD の形で書いてください（例: 2025-09-01）" in out
    assert "--date: 「2026-02-30」は存在しない日付です" in out
    assert "--number: 資料27 はすでに使われています — 空いている番号は 61 です" in out
    assert "name: 「index」はファイル名に使えません — 「index」は一覧ページの名前なので使えません" in out
    assert sorted(p.name for p in (content / "meetings").iterdir()) == ["2025-05.md"]
    assert not (content / "agendas" / "used-number.md").exists() and not (content / "agendas" / "index.md").exists()


@pytest.mark.parametrize("title, expected", [
    ("一行目\n二行目", "--title: 改行が入っています — --title は1行で書いてください（長い表題は印字のときに折り返されます）"),
    ("ベル\a入り", "--title: 制御文字（U+0007）が入っています"),
], ids=["line-break", "control"])
def test_new_refuses_a_title_check_would_refuse(tmp_path, capsys, title, expected):
    """Before: `new --title` with a line break wrote a file that check then rejected, exit 0."""
    content = content_copy(tmp_path)
    assert main(["new", "agenda", "two-lines", "-c", "外部結合", "--title", title, "--content", str(content)]) == 1
    assert expected in capsys.readouterr().out
    assert not (content / "agendas" / "two-lines.md").exists()


def test_new_agenda_without_a_number_takes_the_next_free_one(tmp_path):
    content = content_copy(tmp_path)
    assert main(["new", "agenda", "next-item", "-c", "業務委託", "--content", str(content)]) == 0
    text = (content / "agendas" / "next-item.md").read_text(encoding="utf-8")
    assert "資料番号: 61  # 空いている番号です。" in text and "※個人情報の流れは、資料61-1のとおり" in text
