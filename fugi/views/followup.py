"""Conditions followed until reported, as printed: for each deliberation whose conditions ask for a report, its
state — the forms' 報告待ち, or 報告済 with the meeting that received the report — and when it is due.

The item's page and the open data read an item's own history (fugi.model.record_history keeps the report
meetings in it); `review` reads every meeting (items known by title only too) and says which are overdue."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from fugi import model as m
from fugi.validate.reports import asking, due_date, same_item
from fugi.views.printed import condition_lines, meeting_label, meeting_summary
from fugi.views.wareki import date_ja


def words(forms) -> dict:
    return forms.follow or {}


def due_text(item: m.Deliberation, forms) -> str:
    """令和8年3月31日, or the forms' 後の会議 word as written."""
    when = due_date(item.report_due)
    return date_ja(when) if when else item.report_due


def report_shown(item: m.Deliberation, forms) -> str:
    """What a report prints where a decision would: its decision if written, else the forms' 報告の表示."""
    return item.decision or words(forms).get("報告の表示", "") or forms.undecided


def reported_in(meeting: m.Meeting, item: m.Deliberation, history) -> Optional[tuple]:
    """(meeting, item) of the first report on this meeting's conditions among `history` [(meeting, item)], or None."""
    return next(((mt, one) for mt, one in history if one.reports == meeting.id and same_item(item, one)), None)


def follow_entry(meeting: m.Meeting, item: m.Deliberation, history, forms) -> Optional[dict]:
    """The state of a deliberation's conditions that ask for a report (None when they ask for none)."""
    if not item.report_due or not item.conditions:
        return None
    report = reported_in(meeting, item, history)
    w = words(forms)
    return {"meeting": meeting_summary(meeting), "item_number": item.number, "conditions": condition_lines(item.conditions),
            "due": due_text(item, forms), "due_date": item.report_due if due_date(item.report_due) else None,
            "state": w.get("完了の表示", "") if report else w.get("未了の表示", ""), "reported": report is not None,
            "report_meeting": meeting_summary(report[0]) if report else None,
            "report_number": report[1].number if report else None}


def agenda_follow(agenda: m.Agenda, forms) -> list:
    """Every condition of the item that asks for a report, oldest first, from its history."""
    found = [follow_entry(mt, one, agenda.history, forms) for mt, one in agenda.history]
    return [one for one in found if one]


@dataclass
class OpenCondition:
    """A condition not reported yet (for review): which item, which meeting, due when, overdue or not."""

    meeting: m.Meeting
    item: m.Deliberation
    title: str
    paper: str
    due: str  # as printed
    overdue: bool
    report: Optional[tuple] = None  # (meeting, item) that received the report: the condition is reported


def open_conditions(archive: m.Archive, today: dt.date) -> list:
    """The conditions still waiting for their report, the overdue first, then by due date and meeting."""
    return [one for one in followed_conditions(archive, today) if one.report is None]


def followed_conditions(archive: m.Archive, today: dt.date) -> list:
    """Every condition that asks for a report: those waiting (the overdue first, then by due date and meeting),
    then those reported (by meeting)."""
    from fugi.views.printed import paper_number

    heard = sorted(((mt, one) for mt in archive.meetings for one in mt.items), key=lambda p: m.meeting_chronology(p[0]))
    result = []
    for meeting, item in asking(archive):
        later = [(mt, one) for mt, one in heard if m.meeting_chronology(mt) > m.meeting_chronology(meeting)]
        report = reported_in(meeting, item, later)
        when = due_date(item.report_due)
        title = item.title or (item.agenda.title if item.agenda else "")
        paper = paper_number(item.agenda, archive.forms)[1] if item.agenda else ""
        result.append(OpenCondition(meeting, item, title, paper, due_text(item, archive.forms),
                                    bool(when and when < today and report is None), report))
    return sorted(result, key=lambda c: (c.report is not None, not c.overdue, due_date(c.item.report_due) or dt.date.max,
                                         m.meeting_chronology(c.meeting), c.item.number))


def open_condition_line(one: OpenCondition, forms) -> str:
    """資料30 件名 — 第6回(令和8年…) (2) 条件付承認の条件: … 報告の期限: 令和8年3月31日【期限切れ】"""
    items = forms.meeting.role("items").label
    due = forms.meeting.part("items", "report_due")
    w = words(forms)
    if one.report is not None:
        overdue = f"【{w.get('完了の表示', '')}: {meeting_label(one.report[0])} {items}({one.report[1].number})】"
    else:
        overdue = f"【{w.get('未了の表示', '')}・期限切れ】" if one.overdue else f"【{w.get('未了の表示', '')}】"
    conditions = " ".join(condition_lines(one.item.conditions))
    head = f"{one.paper} {one.title}".strip()
    return (f"{overdue}{head} — {meeting_label(one.meeting)} {items}({one.item.number}) {one.item.decision}: {conditions}"
            f" — {due.label if due else ''}: {one.due}")
