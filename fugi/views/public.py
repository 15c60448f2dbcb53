"""The public view: the one place that decides what may be published, and how a withheld item reads."""
from __future__ import annotations

import dataclasses

from fugi import model as m


def hidden_title(forms) -> str:
    """How a deliberated item reads in public when its agenda item is a draft or not public: （非公開の付議事項）."""
    return f"（非{forms.agenda.role('public').label}の{forms.agenda.name}）"


def withheld_notice(forms) -> str:
    """What the public reads in place of what a meeting withholds about an item: 非公開の付議事項のため掲載していません."""
    return f"非{forms.agenda.role('public').label}の{forms.agenda.name}のため掲載していません"


def public_archive(archive: m.Archive) -> m.Archive:
    """A copy of the archive holding only what may be published: every public artefact is made from it.

    Published items (public and not a draft) and public meetings only.  A public meeting's item about an
    unpublished agenda item, or one the meeting withholds (非公開: true), keeps its number and decision, loses its
    link, its conditions and the remarks about it, and shows hidden_title() instead of its title.  An item's
    history (and so its meeting and decision) is made of public meetings only.
    """
    agendas = {a.id: a.copy(meeting=None, decision=None, history=[])
               for a in archive.agendas if a.published}
    meetings = []
    for meeting in archive.meetings:
        if meeting.public:
            copy = dataclasses.replace(meeting)
            copy.items = tuple(_deliberation(item, agendas, archive.forms) for item in meeting.items)
            withheld = {item.number for item in copy.items if item.withheld}
            copy.remarks = tuple(m.RemarkGroup(g.item_number, (), withheld_notice(archive.forms))
                                 if g.item_number in withheld else g for g in meeting.remarks)
            meetings.append(copy)
    m.record_history(meetings)
    return m.Archive(list(agendas.values()), meetings, archive.catalog, archive.forms, archive.vocabulary,
                     readings=archive.readings)


def _deliberation(item: m.Deliberation, published: dict, forms) -> m.Deliberation:
    hidden = hidden_title(forms)
    notice = withheld_notice(forms) if item.conditions else ""
    if item.withheld:
        return dataclasses.replace(item, title=hidden, agenda=None, agenda_id=None, conditions=(), notice=notice, own=())
    if not item.agenda_id:
        return item
    agenda = published.get(item.agenda_id)
    if agenda is not None:
        return dataclasses.replace(item, agenda=agenda)
    title = item.title
    if item.agenda is not None and (not title or title == item.agenda.title):
        title = hidden
    return dataclasses.replace(item, title=title, agenda=None, agenda_id=None, conditions=(), withheld=True,
                               notice=notice, own=())
