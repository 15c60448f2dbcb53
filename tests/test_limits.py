"""Limits a build can print within: no control characters, no field so large or table so wide that a build takes
minutes. Each is refused by check at the line where it is written (the tester's 1 MB field made the full build take
465 s and 803 MB; a 5,000-column table 76 s)."""
from __future__ import annotations

import time

from fugi.validate.limits import MAX_BODY, MAX_COLUMNS, MAX_VALUE, text_problems
from fugi.pipeline import load_archive

from test_validate import make_content


def test_a_huge_field_and_a_huge_table_are_refused_by_check_at_their_line_and_fast(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    path = content / "agendas" / "minimal.md"
    text = path.read_text(encoding="utf-8")
    wide = "|" + "|".join(["a"] * 5000) + "|\n|" + "|".join(["-"] * 5000) + "|\n"
    text = text.replace("  目的: テストのため。", "  目的: " + "あ" * 1_000_000, 1).replace("\n---\n", "\n---\n" + wide, 1)
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    _, problems = load_archive(content)
    took = time.perf_counter() - started
    lines = [str(p) for p in problems.sorted() if not p.warning]
    purpose = next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith("  目的:"))
    body = text.split("\n").index("|" + "|".join(["-"] * 5000) + "|") + 1
    assert lines == [
        f"c/agendas/minimal.md:{purpose}: 事業の概要.目的: 長すぎます（1,000,000文字。{MAX_VALUE:,}文字まで） — "
        "文章を短くするか、いくつかに分けて書いてください",
        f"c/agendas/minimal.md:{body}: 本文: 表の列が多すぎます（5,000列。{MAX_COLUMNS}列まで） — 表を縦長に組み替えるか、いくつかの表に分けてください",
    ], lines
    assert took < 10, took


def test_the_limits_leave_real_text_alone():
    """Seed-sized texts, a table as wide as seed 003's, line breaks and tabs pass; a body has its own, larger limit."""
    table = "| 番号 | 項目 | 番号 | 項目 |\n| :-: | --- | :-: | --- |\n| 1 | 氏名 | 2 | 住所 |\n"
    assert text_problems("1 概要\n\n本文。\t続き\n\n" + table + "\n---\n", MAX_VALUE) == []
    assert text_problems("あ" * MAX_VALUE, MAX_VALUE) == [] and text_problems("あ" * (MAX_VALUE + 1), MAX_BODY) == []
