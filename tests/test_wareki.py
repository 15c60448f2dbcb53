"""和暦 dates and times as the forms print them."""
import datetime as dt

import pytest

from fugi.views.wareki import date_ja, era_year, fiscal_year, fiscal_year_ja, partial_date_ja, time_ja
from fugi.model import PartialDate


@pytest.mark.parametrize("when, text", [
    (dt.date(2025, 9, 1), "令和7年9月1日(月)"),
    (dt.date(2019, 5, 1), "令和元年5月1日(水)"),
    (dt.date(2019, 4, 30), "平成31年4月30日(火)"),
    (dt.date(1926, 12, 24), "大正15年12月24日(金)"),
    (dt.date(1912, 7, 29), "明治45年7月29日(月)"),
    (dt.date(1873, 1, 1), "明治6年1月1日(水)"),
])
def test_date_with_weekday(when, text):
    assert date_ja(when, weekday=True) == text


@pytest.mark.parametrize("clock, text", [("09:30", "午前9時30分"), ("10:00", "午前10時00分"),
                                         ("12:00", "正午"), ("13:05", "午後1時05分")])
def test_time(clock, text):
    assert time_ja(clock) == text


def test_partial_dates():
    assert partial_date_ja(PartialDate(2026, 4, 6)) == "令和8年4月6日"
    assert partial_date_ja(PartialDate(2026, 4)) == "令和8年4月"
    assert partial_date_ja(PartialDate(2026, 4, None, "中旬")) == "令和8年4月中旬"


def test_fiscal_year():
    assert fiscal_year(dt.date(2026, 3, 31)) == 2025
    assert fiscal_year(dt.date(2026, 4, 1)) == 2026
    assert fiscal_year_ja(2025) == "令和7年度"
    assert era_year(1989, 1, 7) == "昭和64年"
