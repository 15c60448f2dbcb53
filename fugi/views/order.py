"""The 次第 (order of business) of a meeting, as printed on the first pages of the members' packet.

Its words (the opening and closing headings, the items' heading, その他, the packet's name) come from forms.yml (会議.次第); the items are the
meeting's 審議事項 in their order, each with its 資料番号, or the forms' ファイルなし when it has no file.
The packet is for the members: draft and non-public items are listed and included, and the view says which."""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from fugi import model as m
from fugi.forms.definition import meeting_title
from fugi.views.printed import labels, meeting_when, paper_number
from fugi.views.wareki import date_ja


@dataclass
class OrderItem:
    number: int
    title: str
    paper: str  # 資料27, or the forms' ファイルなし
    agenda: m.Agenda | None  # the item's file, when it has one


@dataclass
class OrderView:
    id: str
    title: str
    name: str  # the packet's name (一式: 会議資料)
    when_place: str
    words: SimpleNamespace  # open, items, other, close
    items: list  # [OrderItem]
    unpublished: list  # [OrderItem] of draft or non-public items (the packet is for members only)
    mark: str  # 限定の印 when unpublished items are included, else ""


def order_words(forms) -> dict:
    """会議.次第 of the forms (None: the council declares no 次第)."""
    return forms.meeting.texts.get("次第")


def order_title(meeting: m.Meeting, forms) -> str:
    """The 次第's title from its 表題 format: the meeting's own values, filled by the forms' own parser."""
    form = forms.meeting
    values = {}
    for role, value in (("council", meeting.council), ("number", meeting.number), ("place", meeting.place),
                        ("date", date_ja(meeting.date) if meeting.date else ""), ("start", meeting.start),
                        ("end", meeting.end)):
        field = form.role(role)
        if field is not None:
            values[field.key] = value
    return meeting_title(form, values, numbered=meeting.number is not None, text=order_words(forms)["表題"])


def order_view(meeting: m.Meeting, forms) -> OrderView:
    words = order_words(forms)
    items = []
    for item in meeting.items:
        agenda = item.agenda
        title = item.title or (agenda.title if agenda else "")
        paper = paper_number(agenda, forms)[1] if agenda is not None else words.get("ファイルなし", "")
        items.append(OrderItem(item.number, title, paper, agenda))
    unpublished = [one for one in items if one.agenda is not None and not one.agenda.published]
    when = meeting_when(meeting)
    return OrderView(
        id=meeting.id, title=order_title(meeting, forms), name=words["一式"],
        when_place=f"{when} {meeting.place}" if meeting.place else when,
        words=SimpleNamespace(open=words["始め"], items=words["議事"], other=words["その他"], close=words["終わり"]),
        items=items, unpublished=unpublished, mark=words.get("限定の印", "") if unpublished else "")


def order_context(view: OrderView, forms) -> dict:
    """What the Word template 次第.docx prints."""
    return {"labels": labels(forms), "title": view.title, "mark": view.mark, "when_place": view.when_place,
            "words": view.words, "items": [{"number": i.number, "title": i.title, "paper": i.paper} for i in view.items]}
