"""The secretariat's review of agenda items: where each departs from the standard checklist, how the council
treated the same rows and the same partners before (with its experts' advice), and what personal data it handles.

Made from the whole archive (the review is for the secretariat); a cited item or meeting the public archive does
not show gets no site link, only its file.  What the public sees of it is public_review(), for decided items.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from fugi import model as m
from fugi.views import printed as v
from fugi.review.sensitivity import Sensitivity, sensitivity

CITE_LIMIT = 10  # items cited per row or partner (newest first); the rest are counted
ADVICE_LIMIT = 3  # meetings whose advice is quoted


@dataclass
class Cite:
    """An earlier item as the review cites it: where to read it, and what the council decided."""

    id: str
    number_text: str
    title: str
    path: str  # its file under content/
    url: str  # its page on the site (relative unless the forms give the site's URL); empty when not public
    decision: str
    conditions: tuple = ()
    meeting: str = ""  # 第5回（令和7年9月1日(月)）
    role: str = ""  # the partner role it shares (partner precedent)


@dataclass
class RowPrecedent:
    compared: int  # earlier items with a checklist of this 区分
    marks: list  # [(mark, meaning, count)] in the order of the forms
    reworded: int  # … of which worded this row unlike the catalog
    same: list  # [Cite] that departed from the standard the same way, newest first
    more: int = 0  # how many more did, not cited


@dataclass
class Deviation:
    """A checklist row unlike the catalog: marked otherwise, worded otherwise, or added."""

    category: str
    checklist: str  # 4 外部結合にかかる個人情報保護対策チェックリスト
    half: str  # the half's key (区 / 相手方)
    group: str
    label: str  # 区が行う情報保護対策【運用上の対策】
    position: int
    state: str  # differs / added / not-needed
    mark: str
    meaning: str
    text: str
    standard: Optional[str]
    reason: str
    deviates: bool  # marked otherwise than the default
    precedent: Optional[RowPrecedent] = None


@dataclass
class PartnerPrecedent:
    role: str
    name: str
    cites: list
    more: int = 0


@dataclass
class AdviceCite:
    """A meeting that deliberated similar items, and the advice its experts gave."""

    meeting_id: str
    title: str
    date: str
    path: str
    url: str
    heading: str
    intro: str
    advice: str  # Markdown
    why: list = field(default_factory=list)  # what makes it similar: [(label, names)]


@dataclass
class Hearing:
    """A meeting that already heard this very item (継続審議 …): its decision, what was said about the item there,
    and the advice its experts gave."""

    meeting_id: str
    title: str
    date: str
    path: str
    url: str
    item_number: int
    decision: str
    conditions: tuple
    remarks: list  # [(speaker, text)] said about this item at that meeting
    heading: str
    intro: str
    advice: str  # Markdown


@dataclass
class ItemReview:
    agenda: m.Agenda
    view: v.AgendaView
    deviations: list
    partners: list
    advice: list
    advice_more: int
    compared: int  # earlier deliberated items the precedent was drawn from
    sensitivity: Optional[Sensitivity]
    hearings: list = field(default_factory=list)  # [Hearing] of the meetings that heard this item, oldest first


# ---------------------------------------------------------------------------
# Choosing items


def decided(agenda: m.Agenda) -> bool:
    """The item's status says it is decided (the forms' 扱い: decided)."""
    return agenda.status == "decided"


def deliberated(agenda: m.Agenda) -> bool:
    """Decided, or given a decision by a meeting (継続審議 included): a precedent."""
    return decided(agenda) or agenda.decision is not None


def pending(archive: m.Archive) -> list:
    """Every item not yet decided, by paper number: what `review` looks at when no item is named."""
    return sorted((a for a in archive.agendas if not decided(a)), key=number_order)


def number_order(agenda: m.Agenda):
    return (int(agenda.number) if agenda.number.isdigit() else 0, agenda.id)


def newest_first(agendas) -> list:
    """Latest meeting first; within a meeting by paper number; items of no known meeting last."""
    def when(agenda):
        meeting = agenda.meeting
        return m.meeting_chronology(meeting) if meeting else (False, None, 0)

    return sorted(sorted(agendas, key=number_order), key=when, reverse=True)


def earlier(archive: m.Archive, target: m.Agenda) -> list:
    """The items deliberated before the target, newest first.  For an item not yet decided that is every
    deliberated item; for a decided one, those decided at meetings dated before its own."""
    meeting = target.meeting
    when = meeting.date if decided(target) and meeting is not None else None
    pool = [a for a in archive.agendas if a is not target and deliberated(a)]
    if when is not None:
        pool = [a for a in pool if a.meeting is not None and a.meeting.date is not None and a.meeting.date < when]
    return newest_first(pool)


# ---------------------------------------------------------------------------
# Citing


def link(kind: str, ident: str, site_url: str = "") -> str:
    """agendas/<id>/ — the page's address, relative to the site's top unless the forms give the site's URL."""
    path = f"{kind}/{ident}/"
    return site_url.rstrip("/") + "/" + path if site_url else path


def deliberation(agenda: m.Agenda) -> Optional[m.Deliberation]:
    meeting = agenda.meeting
    return next((d for d in meeting.items if d.agenda_id == agenda.id), None) if meeting else None


def meeting_label(meeting) -> str:
    return v.meeting_label(meeting) if meeting else ""


def cite(agenda: m.Agenda, forms, role: str = "") -> Cite:
    item = deliberation(agenda)
    decision = agenda.decision or (item.decision if item else "") or forms.undecided
    return Cite(agenda.id, v.paper_number(agenda, forms)[1], agenda.title, agenda.path,
                link("agendas", agenda.id, forms.site.get("URL", "")) if agenda.published else "",
                decision, tuple(item.conditions) if item else (), meeting_label(agenda.meeting), role)


# ---------------------------------------------------------------------------
# Deviations and how earlier items answered the same rows


def deviations(agenda: m.Agenda, forms) -> list:
    """Every row of the item's checklists unlike the catalog, in the checklists' order."""
    found = []
    for checklist in agenda.checklists:
        view = v.checklist_view(checklist, forms)
        for half in view.halves:
            for group in half.groups:
                for row in group.rows:
                    if row.state != "standard" or row.deviates:
                        found.append(Deviation(view.category, view.heading, half.key, group.name, group.label,
                                               row.position, row.state, row.mark, row.meaning, row.text, row.standard,
                                               row.reason, row.deviates))
    return found


def row_of(agenda: m.Agenda, deviation: Deviation) -> Optional[m.ChecklistRow]:
    """The same row in another item's checklist: by number for a catalog row, by its words for an added one."""
    checklist = next((c for c in agenda.checklists if c.category == deviation.category), None)
    if checklist is None:
        return None
    for half, group, row in checklist.rows:
        if half.key != deviation.half or group.name != deviation.group:
            continue
        if deviation.state == "added":
            if row.added and same_words(row.text, deviation.text):
                return row
        elif not row.added and row.position == deviation.position:
            return row
    return None


def same_words(a: str, b: str) -> bool:
    return normal(a) == normal(b)


def normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def row_precedent(deviation: Deviation, pool: list, forms) -> RowPrecedent:
    compared = [a for a in pool if any(c.category == deviation.category for c in a.checklists)]
    rows = [(a, row_of(a, deviation)) for a in compared]
    counts = {e["印"]: 0 for e in forms.marks}
    for _, row in rows:
        if row is not None:
            counts[row.mark] = counts.get(row.mark, 0) + 1
    same = [a for a, row in rows if row is not None and (
        (deviation.deviates and row.mark == deviation.mark)
        or (deviation.state == "differs" and row.differs)
        or deviation.state == "added")]
    return RowPrecedent(len(compared), [(mark, forms.mark_meaning(mark), n) for mark, n in counts.items()],
                        sum(1 for _, row in rows if row is not None and row.differs),
                        [cite(a, forms) for a in same[:CITE_LIMIT]], max(0, len(same) - CITE_LIMIT))


# ---------------------------------------------------------------------------
# Partners and advice


def partner_key(name: str) -> str:
    return normal(name)


def partner_precedent(target: m.Agenda, pool: list, forms) -> list:
    """For each partner of the item: the earlier items with a partner of the same name (any role)."""
    result = []
    for role, name in target.partners:
        key = partner_key(name)
        if any(p.name == name for p in result):
            continue
        found = []
        for agenda in pool:
            roles = [r for r, other in agenda.partners if partner_key(other) == key]
            if roles:
                found.append(cite(agenda, forms, "・".join(dict.fromkeys(roles))))
        result.append(PartnerPrecedent(role, name, found[:CITE_LIMIT], max(0, len(found) - CITE_LIMIT)))
    return result


def advice_precedent(target: m.Agenda, pool: list, forms) -> tuple:
    """([AdviceCite], how many more): meetings that deliberated an item of the same 区分 or with the same
    partner and recorded advice; those with a same-partner item first, then the newest."""
    categories = set(target.sheet_categories)
    partners = {partner_key(name): name for _, name in reversed(target.partners)}  # as the target spells them
    partner_label = forms.agenda.texts.get("相手先の総称", "")
    found = {}
    for agenda in pool:
        meeting = agenda.meeting
        if meeting is None or not meeting.advice.strip():
            continue
        shared = [c for c in agenda.sheet_categories if c in categories]
        names = [partners[partner_key(n)] for _, n in agenda.partners if partner_key(n) in partners]
        if not shared and not names:
            continue
        entry = found.setdefault(meeting.id, (meeting, {}, {}))
        for name in names:
            entry[1][name] = True
        for category in shared:
            entry[2].setdefault(category, []).append(v.paper_number(agenda, forms)[1])
    ordered = sorted(found.values(), key=lambda e: (bool(e[1]), m.meeting_chronology(e[0])), reverse=True)
    cites = []
    for meeting, names, shared in ordered[:ADVICE_LIMIT]:
        why = ([(partner_label, list(names))] if names else []) + [(c, papers) for c, papers in shared.items()]
        cites.append(AdviceCite(meeting.id, meeting.title, v.meeting_date(meeting), meeting.path,
                                link("meetings", meeting.id, forms.site.get("URL", "")) if meeting.public else "",
                                meeting.advice_title, meeting.advice_intro, meeting.advice, why))
    return cites, max(0, len(ordered) - ADVICE_LIMIT)


def hearings(target: m.Agenda, forms) -> list:
    """[Hearing] of every meeting that heard the item itself, oldest first (an item back after 継続審議 shows
    the meeting that already heard it before anything else)."""
    found = []
    for meeting, item in target.history:
        said = next((g for g in meeting.remarks if g.item_number == item.number), None)
        found.append(Hearing(meeting.id, meeting.title, v.meeting_date(meeting), meeting.path,
                             link("meetings", meeting.id, forms.site.get("URL", "")) if meeting.public else "",
                             item.number, item.decision or forms.undecided, tuple(item.conditions),
                             [(r.speaker, " ".join(r.text)) for r in said.remarks] if said else [],
                             meeting.advice_title, meeting.advice_intro, meeting.advice))
    return found


# ---------------------------------------------------------------------------
# The review


class UnknownItem(LookupError):
    """An item named on the command line that is not in the archive."""

    def __init__(self, names: list, known: list):
        super().__init__(", ".join(names))
        self.names, self.known = names, known


def review(archive: m.Archive, names=()) -> list:
    """[ItemReview] of the named items (file names without .md), or of every item not yet decided."""
    by_id = {a.id: a for a in archive.agendas}
    missing = [name for name in names if name not in by_id]
    if missing:
        raise UnknownItem(missing, sorted(by_id))
    chosen = [by_id[name] for name in dict.fromkeys(names)] if names else pending(archive)
    return [review_item(archive, agenda) for agenda in chosen]


def review_item(archive: m.Archive, agenda: m.Agenda) -> ItemReview:
    forms = archive.forms
    pool = earlier(archive, agenda)
    found = deviations(agenda, forms)
    for deviation in found:
        deviation.precedent = row_precedent(deviation, pool, forms)
    advice, more = advice_precedent(agenda, pool, forms)
    return ItemReview(agenda, v.agenda_view(agenda, forms), found, partner_precedent(agenda, pool, forms), advice, more,
                      len(pool), sensitivity(agenda, forms, archive.vocabulary), hearings(agenda, forms))


def public_review(agenda: m.Agenda, public: m.Archive) -> Optional[dict]:
    """What the public archive shows of a decided item's review: its deviations with the catalog's wording and
    the sensitive data it handles.  `public` is the public view; None for an item not decided."""
    if not decided(agenda):
        return None
    found = sensitivity(agenda, public.forms, public.vocabulary)
    return {"deviations": deviations(agenda, public.forms), "sensitive": found.sensitive if found else [],
            "sensitivity": found}
