"""The view model: the printed strings Word and the site share, checked against the seed originals."""
from pathlib import Path

import pytest

from fugi import view
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
    assert view.basis_text(item) == "◇第3条第1項第3号（外部結合）"
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
