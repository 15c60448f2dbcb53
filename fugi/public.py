"""The public view: the one place that decides what may be published, and how a withheld item reads."""
from __future__ import annotations

import dataclasses

from . import model as m



def hidden_title(forms) -> str:
    """How a deliberated item reads in public when its agenda item is a draft or not public: （非公開の付議事項）."""
    return f"（非{forms.agenda.role('public').label}の{forms.agenda.name}）"


def public_archive(archive: m.Archive) -> m.Archive:
    """A copy of the archive holding only what may be published: every public artefact is made from it.

    Published items (public and not a draft) and public meetings only.  A public meeting's item about an
    unpublished agenda item keeps its number and decision, loses its link, and shows hidden_title() instead of
    the item's own title.  An item decided at a non-public meeting shows no meeting.
    """
    agendas = {a.id: dataclasses.replace(a, meeting=None, decision=None)
               for a in archive.agendas if a.published}
    meetings = []
    for meeting in archive.meetings:
        if meeting.public:
            copy = dataclasses.replace(meeting)
            copy.items = tuple(_deliberation(item, agendas, hidden_title(archive.forms)) for item in meeting.items)
            meetings.append(copy)
    for meeting in sorted(meetings, key=m.meeting_chronology):  # the latest meeting is the item's meeting
        for item in meeting.items:
            if item.agenda is not None:
                item.agenda.meeting, item.agenda.decision = meeting, item.decision or None
    return m.Archive(list(agendas.values()), meetings, archive.catalog, archive.forms, archive.vocabulary,
                     readings=archive.readings)


def _deliberation(item: m.Deliberation, published: dict, hidden: str) -> m.Deliberation:
    agenda = published.get(item.agenda_id) if item.agenda_id else None
    if agenda is not None:
        return dataclasses.replace(item, agenda=agenda)
    title = item.title
    if item.agenda is not None and (not title or title == item.agenda.title):
        title = hidden
    return dataclasses.replace(item, title=title, agenda=None, agenda_id=None)
