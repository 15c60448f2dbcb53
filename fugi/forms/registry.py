"""Every field kind, in one explicit ordered registry built here (and nowhere else): the kinds a maintainer declares
with 種類: (fugi.forms.kinds), the kinds a role implies (fugi.forms.role_kinds) and the checklists
(fugi.forms.checklists).  Importing a module never adds a kind; a new kind is one more line below."""
from __future__ import annotations

from fugi.forms.checklists import Checklists
from fugi.forms.kinds import Bool, Choice, Date, Line, Names, Number, Partners, Periods, Text, Time
from fugi.forms.role_kinds import (Advice, Categories, Deliberations, Departments, Flow, InfoItems, Remarks, Roster, Sheets,
                                   Table, Unfinished)

#: Every kind, by id, in this order.
KINDS: dict = {kind.id: kind for kind in (
    # declared with 種類:
    Line(), Text(), Number(), Bool(), Date(), Time(), Choice(), Names(), Partners(), Periods(),
    # set by a role (departments, sheets, the meeting's parts …)
    Categories(), Departments(), Table(), Sheets(), Flow(), InfoItems(), Roster(), Deliberations(), Advice(), Remarks(),
    Unfinished(),
    # the checklists and their catalog
    Checklists(),
)}


def by_name() -> dict:
    """{name a maintainer writes in 種類: → kind}: the kinds a field may be declared with."""
    return {k.name: k for k in KINDS.values() if k.name}
