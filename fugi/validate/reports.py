"""Conditions followed until reported: a condition may ask for a report (審議事項 報告の期限: a date, or the forms'
後の会議 word), and a later meeting records the report (審議事項 報告: the file name of the meeting that set the
condition).  Here: each field on its own (per document), then each report against the meeting it names (across
files).  Every word — the fields' keys and labels, 後の会議 — is the forms'."""
from __future__ import annotations

import datetime as dt
import re

from fugi import model as m

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def due_date(text: str):
    """The date of a 報告の期限, or None (the forms' 後の会議 word, or nothing)."""
    if not ISO_DATE.match(text or ""):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_follow_up(item, parts: dict, line: int, conditions, due: str, reports: str, forms) -> None:
    """報告の期限 needs conditions and is a date or 後の会議; 報告 and 報告の期限 are not both on one item."""
    due_part, report_part = parts.get("report_due"), parts.get("report")
    later = (forms.follow or {}).get("次回以降の表示", "")
    if due_part is not None and due:
        conditions_part = parts.get("conditions")
        if not conditions and conditions_part is not None:
            item.error(due_part.key, f"{conditions_part.label}がないので{due_part.label}は書けません",
                       f"`{conditions_part.key}:` に報告を求める{conditions_part.label}を書くか、`{due_part.key}:` を消してください")
        elif due != later and due_date(due) is None:
            item.error(due_part.key, f"「{due}」は{due_part.label}に書けません",
                       "期限の日付を 2026-03-31 の形で書いてください"
                       + (f"（日付を決めず、のちの会議で報告を受けるなら「{later}」）" if later else ""))
    if report_part is not None and reports and due_part is not None and due:
        items = forms.meeting.role("items").label
        item.error(report_part.key, f"{report_part.label}を受けた{items}に{due_part.label}は書けません",
                   f"{due_part.label}は、{conditions_label(parts)}を付けた会議の{items}に書いてください")


def conditions_label(parts: dict) -> str:
    return parts["conditions"].label if parts.get("conditions") is not None else ""


def check_reports(archive: m.Archive, problems) -> None:
    """Each report names an earlier meeting that heard the same item (the same file, or the same title) with
    conditions asking for a report; reported at the line of 報告 with the meetings it could mean."""
    forms = archive.forms
    report_part = forms.meeting.part("items", "report")
    due_part = forms.meeting.part("items", "report_due")
    if report_part is None:
        return
    items = forms.meeting.role("items")
    by_id = {mt.id: mt for mt in archive.meetings}
    for meeting in archive.meetings:
        for item in meeting.items:
            if not item.reports:
                continue
            field = f"{items.key}[{item.number}].{report_part.key}"
            line = meeting.lines.get(field, item.line)
            earlier = by_id.get(item.reports)
            asked = [mt.id for mt, one in asking(archive) if same_item(one, item)
                     and m.meeting_chronology(mt) < m.meeting_chronology(meeting)]
            choices = f"（この{items.label}に報告を求めた{forms.meeting.name}: {'・'.join(asked)}）" if asked else ""
            if earlier is None:
                problems.error(meeting.path, line, field, f"{forms.meeting.name}「{item.reports}」がありません",
                               f"{report_part.label}を求めた{forms.meeting.name}のファイル名（.md なし）を書いてください{choices}")
            elif not m.meeting_chronology(earlier) < m.meeting_chronology(meeting):
                problems.error(meeting.path, line, field, f"{forms.meeting.name}「{item.reports}」はこの会議より前ではありません",
                               f"{report_part.label}は、{conditions_label_of(forms)}を付けた前の会議を指してください{choices}")
            elif item.reports not in asked:
                due = due_part.key if due_part else ""
                problems.error(meeting.path, line, field,
                               f"{forms.meeting.name}「{item.reports}」は、この{items.label}に{report_part.label}を求めていません",
                               f"その会議の同じ{items.label}に `{due}:` を書くか、{report_part.label}を求めた会議を書いてください{choices}")


def conditions_label_of(forms) -> str:
    part = forms.meeting.part("items", "conditions")
    return part.label if part else ""


def asking(archive: m.Archive):
    """(meeting, item) of every deliberation whose conditions ask for a report."""
    return [(mt, one) for mt in archive.meetings for one in mt.items if one.report_due and one.conditions]


def same_item(one: m.Deliberation, other: m.Deliberation) -> bool:
    """The same case: the same agenda file, or (for items known by title only) the same title."""
    if one.agenda_id or other.agenda_id:
        return one.agenda_id == other.agenda_id
    return bool(one.title) and one.title == other.title
