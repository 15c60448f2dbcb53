"""The view model: the printed strings Word and the site share, checked against the seed originals."""
from pathlib import Path

import pytest

from fugi.views import printed as view
from fugi.model import PartialDate, Period
from fugi.pipeline import load_archive


@pytest.fixture(scope="module")
def archive():
    archive, problems = load_archive(Path(__file__).parent.parent / "content")
    assert not problems.errors, [str(p) for p in problems.errors]
    return archive


@pytest.mark.parametrize("period, text", [
    (Period(PartialDate(2025, 10, 1), PartialDate(2026, 3, 31), note="次年度以降も、同様の外部結合を行う。"),
     "令和7年10月1日から令和8年3月31日まで(次年度以降も、同様の外部結合を行う。)"),
    (Period(PartialDate(2026, 4, 6), PartialDate(2027, 1, 11), planned=True, label="移行期間"),
     "令和8年4月6日から令和9年1月11日まで(予定) 移行期間"),
    (Period(PartialDate(2027, 1, 12), open_ended=True, planned=True, label="本稼働"), "令和9年1月12日から(予定) 本稼働"),
    (Period(PartialDate(2026, 4), planned=True, note="次年度以降も、同様の外部結合を行う。"),
     "令和8年4月(予定)(次年度以降も、同様の外部結合を行う。)"),
    (Period(PartialDate(2026, 4, None, "中旬", 11), PartialDate(2026, 10, 31)), "令和8年4月中旬から令和8年10月31日まで"),
])
def test_period_text(period, text):
    assert view.period_text(period) == text


def test_cover_lines(archive):
    item = next(a for a in archive.agendas if a.id == "kyoju-support-system")
    assert view.basis_text(item, archive.forms) == "◇第3条第1項第3号（外部結合）"
    assert view.departments_text(item, archive.forms) == "（担当部課：福祉部高齢者支援課、都市計画部住宅課）"


def test_meeting_lines(archive):
    (meeting,) = archive.meetings
    assert view.meeting_when(meeting) == "令和7年9月1日(月) 午前9時30分~午前10時00分"
    assert view.attendees_text(meeting).startswith("寺田副区長(会長)、総合政策部長(副会長)、総務部長")
    assert meeting.title == "新宿区個人情報保護管理運営会議(第5回)概要"


def test_subcontract_row_folds_outsourcer(archive):
    item = next(a for a in archive.agendas if a.id == "aircon-josei")
    rows = dict(view.table_rows(item.sheet("再委託").rows))
    assert rows["委託先(再委託先)"][0] == "【委託先】"
    assert "【再委託先】" in rows["委託先(再委託先)"]


def test_an_undecided_item_shows_the_forms_word(archive):
    """An item no meeting has decided shows 未定の表示 of the forms (審議中), never 「不明」."""
    item = next(a for a in archive.agendas if a.id == "kaigo-hoken-hyojunka")
    assert archive.forms.undecided == "審議中"
    assert view.agenda_view(item, archive.forms).decision == "審議中"


def test_a_meeting_item_without_a_decision_prints_the_forms_word_in_word_and_site(archive):
    """`決定:` left out (as `build.py new meeting` writes it): the meeting's view, which the Word file prints,
    says 未定の表示 of the forms, like the site."""
    import dataclasses

    meeting = archive.meetings[0]
    undecided = dataclasses.replace(meeting, items=(dataclasses.replace(meeting.items[0], decision=""), *meeting.items[1:]))
    items = view.meeting_view(undecided, archive.forms).items
    assert [item["decision"] for item in items[:2]] == ["審議中", "承認"]


def test_an_items_history_across_meetings():
    """継続審議 at the 6th meeting, 条件付承認 with two conditions at the 7th: the history in date order, the
    latest meeting is the item's, and each meeting links to the other."""
    try:
        from contents import fixture_copy
    except ImportError:
        from tests.contents import fixture_copy

    archive, problems = load_archive(fixture_copy("record"))
    assert not problems, [str(p) for p in problems]
    item = archive.agendas[0]
    printed = view.agenda_view(item, archive.forms)
    assert [(h["meeting"]["number"], h["item_number"], h["decision"], h["pending"]) for h in printed.history] == [
        (6, 1, "継続審議", True), (7, 2, "条件付承認", False)]
    assert item.meeting.number == 7 and printed.decision == "条件付承認" and printed.item_number == 2
    assert printed.conditions == ["(1) 年に1回、運用状況を報告すること。", "(2) 相手方のシステムの変更があれば、事前に報告すること。"]
    sixth, seventh = sorted(archive.meetings, key=lambda mt: mt.number)
    (pending,) = view.meeting_view(sixth, archive.forms).items
    assert pending["later"]["meeting"]["id"] == "2026-07" and pending["later"]["item_number"] == 2 and pending["earlier"] is None
    single, decided = view.meeting_view(seventh, archive.forms).items
    assert decided["earlier"]["meeting"]["id"] == "2026-06" and decided["earlier"]["decision"] == "継続審議"
    assert single["conditions"] == ["印刷の終了後、データを消去した証明書を提出させること。"]  # one: not numbered
    reason = [r for c in printed.checklists for h in c.halves for g in h.groups for r in g.rows if r.reason]
    assert [(r.mark, r.reason) for r in reason] == [("－", "区のシステムに接続しないため")]


def test_a_standard_row_with_a_reason_is_noted_not_counted(archive):
    """A ○ row may carry a reason too: it is shown with its note (never folded away), not counted as a deviation."""
    from fugi import model as m

    rows = (m.ChecklistRow("○", "標準の文。", "標準の文。", 1, reason="確認済みのため"), m.ChecklistRow("○", "次の文。", "次の文。", 2))
    half = m.ChecklistHalf("区", "区が行う情報保護対策", (m.ChecklistGroup("運用上の対策", rows),))
    printed = view.checklist_view(m.Checklist("外部結合", 4, "題", "", "列", "凡例", (half,)), archive.forms)
    noted, plain = printed.halves[0].groups[0].rows
    assert (noted.state, noted.reason, plain.state) == ("noted", "確認済みのため", "standard")
    assert printed.deviation_total == 0
