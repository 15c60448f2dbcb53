"""Conditions followed until reported (fugi/views/followup.py, fugi/validate/reports.py, review, site, open data, feed).

The fixture year (tests/fixtures/followup): at 第5回 a 条件付承認 of an item without a file asks for a report by
2025-12-26 (never reported: overdue), and the 条件付承認 of kyoju-support-system asks for one at a later meeting;
第6回 receives that report (報告: 2025-05)."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from fugi.cli import main
from fugi.pipeline import load_archive
from fugi.views.followup import followed_conditions, open_conditions
from fugi.views.printed import agenda_view

try:
    from contents import fixture_copy
except ImportError:  # tests/ imported as a package
    from tests.contents import fixture_copy

FIXTURE = fixture_copy("followup")
ITEM = "kyoju-support-system"
CONDITION = "移行完了後に、データ移行の結果と旧システムのデータの消去の状況を報告すること。"


def archive_of(content: Path):
    archive, problems = load_archive(content)
    assert not problems.errors, [str(p) for p in problems]
    return archive


def copy_with(tmp_path: Path, path: str, old: str, new: str) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    text = (content / path).read_text(encoding="utf-8")
    assert old in text, old
    (content / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    return content


def test_the_reported_condition_shows_reported_with_the_meeting_that_received_it():
    archive = archive_of(FIXTURE)
    agenda = next(a for a in archive.agendas if a.id == ITEM)
    assert agenda.decision == "条件付承認" and agenda.meeting.id == "2025-05"  # a report is not a decision
    view = agenda_view(agenda, archive.forms)
    assert view.decision == "条件付承認" and view.conditions == [CONDITION]
    [follow] = view.follow
    assert (follow["state"], follow["due"], follow["report_meeting"]["id"], follow["report_number"]) == \
        ("報告済", "後の会議", "2026-02", 1)
    assert [h["decision"] for h in view.history] == ["条件付承認", "条件の報告"]


def test_an_unreported_condition_past_its_date_is_overdue_and_listed_first():
    archive = archive_of(FIXTURE)
    [waiting] = open_conditions(archive, dt.date(2026, 1, 5))
    assert waiting.overdue and waiting.due == "令和7年12月26日" and waiting.item.number == 1
    assert not open_conditions(archive, dt.date(2025, 12, 26))[0].overdue  # due that day: not yet overdue
    every = followed_conditions(archive, dt.date(2026, 1, 5))
    assert [(c.item.number, c.report is not None) for c in every] == [(1, False), (2, True)]


def test_without_the_report_the_condition_waits(tmp_path):
    content = copy_with(tmp_path, "meetings/2026-02.md", "    条件の報告: 2025-05\n", "    決定: 承認\n")
    archive = archive_of(content)
    agenda = next(a for a in archive.agendas if a.id == ITEM)
    assert agenda.decision == "承認"
    [follow] = agenda_view(agenda, archive.forms).follow
    assert follow["state"] == "報告待ち" and follow["report_meeting"] is None
    assert [c.item.number for c in open_conditions(archive, dt.date(2026, 3, 1))] == [1, 2]


def test_review_lists_open_conditions_first_then_the_reported(capsys):
    assert main(["review", "--content", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("■ 報告待ちの条件（1件。うち報告の期限を過ぎたもの 1件、")
    assert lines[1].startswith("  【報告待ち・期限切れ】債権(経営力強化支援事業補助金返還金)回収に係る督促等業務の委託について — "
                               "第5回（令和7年9月1日(月)） 審議事項(1) 条件付承認: ")
    assert lines[1].endswith("— 報告の期限: 令和7年12月26日")
    assert lines[3] == "■ 報告済の条件（1件）"
    assert lines[4].startswith("  【報告済: 第6回（令和8年2月2日(月)） 審議事項(1)】資料27 居住サポート住宅情報提供システムとの外部結合について")
    assert main(["review", "--content", str(FIXTURE), "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith("# 報告待ちの条件（1件。")


@pytest.mark.parametrize("path, old, new, expected", [
    ("meetings/2026-02.md", "    条件の報告: 2025-05\n", "    条件の報告: 2025-5\n",
     "meetings/2026-02.md:10: 審議事項[1].条件の報告: 会議概要「2025-5」がありません — 条件の報告を求めた会議概要のファイル名（.md なし）を書いてください"
     "（この審議事項に報告を求めた会議概要: 2025-05）"),
    ("meetings/2025-05.md", "    報告の期限: 後の会議\n", "",
     "meetings/2026-02.md:10: 審議事項[1].条件の報告: 会議概要「2025-05」は、この審議事項に条件の報告を求めていません — その会議の同じ審議事項に"
     " `報告の期限:` を書くか、条件の報告を求めた会議を書いてください"),
    ("meetings/2025-05.md", "    報告の期限: 後の会議\n", "    報告の期限: 次の会議\n",
     "meetings/2025-05.md:16: 審議事項[2].報告の期限: 「次の会議」は報告の期限に書けません — 期限の日付を 2026-03-31 の形で"
     "書いてください（日付を決めず、のちの会議で報告を受けるなら「後の会議」）"),
    ("meetings/2025-05.md", "    報告の期限: 2025-12-26\n", "    報告の期限: 2025-12-32\n",
     "meetings/2025-05.md:12: 審議事項[1].報告の期限: 「2025-12-32」は報告の期限に書けません"),
])
def test_a_report_that_does_not_fit_is_reported_at_its_line(tmp_path, capsys, path, old, new, expected):
    content = copy_with(tmp_path, path, old, new)
    assert main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert expected in out.replace(str(content) + "/", ""), out


def test_a_report_due_without_conditions_is_refused(tmp_path, capsys):
    content = copy_with(tmp_path, "meetings/2026-02.md", "    条件の報告: 2025-05\n", "    決定: 承認\n    報告の期限: 2026-03-31\n")
    assert main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out.replace(str(content) + "/", "")
    assert ("meetings/2026-02.md:11: 審議事項[1].報告の期限: 条件がないので報告の期限は書けません — `条件:` に報告を求める条件を"
            "書くか、`報告の期限:` を消してください") in out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("followup") / "site"
    assert main(["site", "--no-pdf", "--content", str(FIXTURE), "--out", str(out)]) == 0
    return out


def text_of(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_the_item_page_shows_the_condition_reported(site):
    text = text_of(site / "agendas" / ITEM / "index.html")
    assert "条件の報告: 報告済（第6回（令和8年2月2日(月)） 審議事項(1)）" in text
    history = text[text.index("審議の経過"):]
    assert f"第5回（令和7年9月1日(月)） 審議事項(2) ⇒ 条件付承認{CONDITION}条件の報告: 報告済（第6回（令和8年2月2日(月)））" in history
    assert "第6回（令和8年2月2日(月)） 審議事項(1) ⇒ 条件の報告" in history


def test_the_open_data_shows_the_state_of_the_condition(site):
    records = json.loads((site / "data" / "decisions.json").read_text(encoding="utf-8"))["records"]
    record = next(r for r in records if r["id"] == ITEM)
    assert record["決定"] == "条件付承認" and record["会議"]["id"] == "2025-05"
    first, second = record["経過"]
    assert first["条件の報告"]["状況"] == "報告済" and first["条件の報告"]["報告の期限"] == "後の会議"
    assert first["条件の報告"]["会議"]["id"] == "2026-02"
    assert second["決定"] == "条件の報告" and second["条件の報告"]["会議"]["id"] == "2025-05"
    assert "（条件の報告: 報告済 第6回（令和8年2月2日(月)））" in first["表示"]


def test_the_feed_announces_the_report_like_a_decision(site):
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    entries = re.findall(r"<entry>.*?</entry>", feed, re.S)
    report = next(e for e in entries if "【条件の報告】居住サポート住宅情報提供システムとの外部結合について" in e)
    assert "<updated>2026-02-02T09:30:00+09:00</updated>" in report
    assert "条件の報告: 第5回（令和7年9月1日(月)）" in report
    assert 'href="meetings/2026-02/#item-1"' in report
