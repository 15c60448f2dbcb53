"""ISO dates and times printed the Japanese way: 令和7年9月1日(月), 午前9時30分."""
from __future__ import annotations

import datetime as dt

ERAS = (  # (first day, name)
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1912, 7, 30), "大正"),
    (dt.date(1868, 10, 23), "明治"),  # dates before 1873 (the Gregorian calendar) are refused by check (fugi.source.reader)
)
WEEKDAYS = "月火水木金土日"


def era_year(year: int, month: int = 12, day: int = 31) -> str:
    """令和7年 for 2025; the first year of an era reads 元年."""
    when = dt.date(year, month, day)
    for start, name in ERAS:
        if when >= start:
            number = year - start.year + 1
            return f"{name}{'元' if number == 1 else number}年"
    return f"{year}年"


def date_ja(when: dt.date, weekday: bool = False) -> str:
    """2025-09-01 -> 令和7年9月1日, with (月) when weekday is asked for."""
    text = f"{era_year(when.year, when.month, when.day)}{when.month}月{when.day}日"
    return f"{text}({WEEKDAYS[when.weekday()]})" if weekday else text


def partial_date_ja(value) -> str:
    """A PartialDate -> 令和8年4月6日 / 令和8年4月 / 令和8年4月中旬."""
    if value.day is not None:
        return date_ja(dt.date(value.year, value.month, value.day))
    last_day = 28 if value.month == 2 else 30
    return f"{era_year(value.year, value.month, last_day)}{value.month}月{value.part or ''}"


def time_ja(text: str) -> str:
    """'09:30' -> 午前9時30分, '13:00' -> 午後1時00分, '12:00' -> 正午."""
    hour, minute = (int(part) for part in text.split(":"))
    if hour == 12 and minute == 0:
        return "正午"
    half = "午前" if hour < 12 else "午後"
    return f"{half}{hour if hour <= 12 else hour - 12}時{minute:02d}分"


def fiscal_year(when: dt.date) -> int:
    """The 年度 (April to March) a date falls in, as the Western year it starts in."""
    return when.year if when.month >= 4 else when.year - 1


def fiscal_year_ja(year: int) -> str:
    """2025 -> 令和7年度."""
    return era_year(year, 4, 1).replace("年", "年度")
