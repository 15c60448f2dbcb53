"""Cross-file checks: follow-up messages (a sheet or checklist the basis does not name) at the exact line,
with hints that never ask the clerk to delete their work."""
from __future__ import annotations

import re

from fugi.pipeline import load_archive

try:
    from test_validate import make_content
except ImportError:  # tests/ imported as a package
    from tests.test_validate import make_content


def test_follow_up_messages_one_line_off_and_asking_to_delete(tmp_path, monkeypatch):
    """Issue 25: `外部結合:` on line 15 was reported at 16 and `  外部結合: {}` on 27 at 26 (the checklists' line),
    with hints 「この別紙を消してください」."""
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, "sheet-without-basis.md")
    lines = (content / "agendas" / "sheet-without-basis.md").read_text(encoding="utf-8").splitlines()
    _, problems = load_archive(content)
    found = {p.field: p for p in problems if p.field in ("外部結合", "チェックリスト.外部結合")}
    assert lines[found["外部結合"].line - 1] == "外部結合:"
    assert lines[found["チェックリスト.外部結合"].line - 1] == "  外部結合: {}"
    for problem in problems:
        assert not re.search(r"消して|削除して", problem.hint), str(problem)


def test_duplicated_key_hint_keeps_both_values(tmp_path, monkeypatch):
    """A key written twice: the hint asks to merge the two values, not to delete one of them."""
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    path = content / "agendas" / "minimal.md"
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("件名:"))
    path.write_text(text.replace(title, title + "\n" + title, 1), encoding="utf-8")
    _, problems = load_archive(content)
    (problem,) = [p for p in problems if p.field == "件名"]
    assert problem.line == 3 and "まとめて" in problem.hint and "消して" not in problem.hint
