"""The preview view (build.py serve): every item and meeting, drafts and non-public ones marked; never published.

fugi.views.public decides what may be published; this view only shows the clerk what is not, and why: such an
item's title carries its mark (【下書き】, 【非公開】 — the words of the forms) in every list, and its page
gets a banner (the server adds it).  Nothing made from this view is ever written to the site's folder.
"""
from __future__ import annotations

import dataclasses

from fugi import model as m


def agenda_mark(agenda: m.Agenda, forms) -> str:
    """Why an item is not published: its status word when a draft, 非 + the public field's label when not public."""
    if agenda.status == "draft":
        return agenda.status_word
    if not agenda.public:
        return f"非{forms.agenda.role('public').label}"
    return ""


def meeting_mark(meeting: m.Meeting, forms) -> str:
    role = forms.meeting.role("public")
    return "" if meeting.public else f"非{role.label if role else forms.agenda.role('public').label}"


def preview_archive(archive: m.Archive):
    """(a copy of the archive with marked titles, {page path: banner text}) — e.g. {"agendas/x/": "…"}; "*": the
    banner of every other page when something is marked."""
    forms, banners, marks = archive.forms, {}, set()
    agendas = {}
    for agenda in archive.agendas:
        mark = agenda_mark(agenda, forms)
        agendas[agenda.id] = agenda.copy(title=f"【{mark}】{agenda.title}" if mark else agenda.title)
        if mark:
            marks.add(mark)
            banners[f"agendas/{agenda.id}/"] = (f"この{forms.agenda.name}は「{mark}」です。サイトには載りません"
                                               "（このプレビューにだけ表示しています）。")
    meetings = []
    for meeting in archive.meetings:
        mark = meeting_mark(meeting, forms)
        copy = dataclasses.replace(meeting, title=f"【{mark}】{meeting.title}" if mark else meeting.title)
        copy.items = tuple(_item(item, agendas) for item in meeting.items)
        meetings.append(copy)
        if mark:
            marks.add(mark)
            banners[f"meetings/{meeting.id}/"] = (f"この{forms.meeting.name}は「{mark}」です。サイトには載りません"
                                                 "（このプレビューにだけ表示しています）。")
    if banners:  # every other page: lists, counts and open data here count them too
        shown = "・".join(f"【{mark}】" for mark in sorted(marks))
        banners["*"] = (f"このプレビューの一覧・件数・データには、サイトに載らないもの（{shown}の印付き）も含めています。"
                        "サイトの一覧の数には入りません。")
    by_id = {mt.id: mt for mt in meetings}
    for agenda in agendas.values():
        if agenda.meeting is not None:
            agenda.meeting = by_id.get(agenda.meeting.id)
    return m.Archive(list(agendas.values()), meetings, archive.catalog, forms, archive.vocabulary,
                     readings=archive.readings), banners


def _item(item: m.Deliberation, agendas: dict) -> m.Deliberation:
    agenda = agendas.get(item.agenda_id) if item.agenda_id else None
    if agenda is None:
        return item
    title = agenda.title if item.agenda is not None and item.title == item.agenda.title else item.title
    return dataclasses.replace(item, agenda=agenda, title=title)
