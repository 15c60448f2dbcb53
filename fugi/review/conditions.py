"""`review` begins with the conditions still waiting for their report: which item, which meeting, due when, and
whether the date has passed (text for the terminal, Markdown for the meeting's papers).  Words from the forms."""
from __future__ import annotations

import datetime as dt

from fugi.views.followup import followed_conditions, open_condition_line, words


def follow_section(archive, today: dt.date, markdown: bool = False) -> str:
    """The open conditions, the overdue first; "" when the forms ask for no reports or none is open."""
    forms = archive.forms
    due = forms.meeting.part("items", "report_due")
    if due is None:
        return ""
    found = followed_conditions(archive, today)
    if not found:
        return ""
    conditions = forms.meeting.part("items", "conditions")
    label = conditions.label if conditions else ""
    w = words(forms)
    waiting = [one for one in found if one.report is None]
    done = [one for one in found if one.report is not None]
    overdue = sum(1 for one in waiting if one.overdue)
    sections = [(f"{w.get('未了の表示', '')}の{label}（{len(waiting)}件。うち{due.label}を過ぎたもの {overdue}件、"
                 f"{today.isoformat()} 現在）", waiting)]
    if done:
        sections.append((f"{w.get('完了の表示', '')}の{label}（{len(done)}件）", done))
    out = []
    for head, ones in sections:
        if markdown:
            from fugi.review.report import md

            out += [f"# {head}", "", *[f"- {md(open_condition_line(one, forms))}" for one in ones], ""]
        else:
            out += [f"■ {head}", *[f"  {open_condition_line(one, forms)}" for one in ones], ""]
    return "\n".join(out) + "\n"
