"""The council's paperwork as typed objects: agenda items, meetings, the checklist catalog. No I/O."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Optional, Union

# ---------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, or only to the month (optionally a part of it: 上旬/中旬/下旬 of the forms)."""

    year: int
    month: int
    day: Optional[int] = None
    part: Optional[str] = None
    part_day: int = 1  # the first day of the part, for ordering

    def iso(self) -> str:
        text = f"{self.year:04d}-{self.month:02d}"
        if self.day is not None:
            return f"{text}-{self.day:02d}"
        return f"{text} {self.part}" if self.part else text

    def sort_key(self):
        return (self.year, self.month, self.day if self.day is not None else self.part_day)


@dataclass(frozen=True)
class Period:
    """A period of a sheet: start, optional end, 予定, a label (移行期間) and a note (次年度以降も…).

    With no end the start prints alone (令和8年4月); open_ended prints it as 令和9年1月12日から.
    """

    start: PartialDate
    end: Optional[PartialDate] = None
    open_ended: bool = False
    planned: bool = False
    label: str = ""
    note: str = ""


@dataclass(frozen=True)
class Partner:
    """A partner (委託先, 再委託先, 結合の相手方) and its note, e.g. プライバシーマーク取得済み."""

    name: str
    note: str = ""


@dataclass(frozen=True)
class Partners:
    """The partners of one sheet row, with an optional remark printed after the list."""

    items: tuple[Partner, ...]
    remark: str = ""
    bullets: bool = False  # the original lists them as ・ bullets


#: Free text of a sheet row: one string per paragraph (numbered sub-items are paragraphs).
Text = tuple[str, ...]
Value = Union[Text, Partners, tuple[Period, ...]]


# ---------------------------------------------------------------------------
# Sheets (別紙): rows in the order of the forms


@dataclass(frozen=True)
class SheetRow:
    """A field of a sheet or of a table, with its value; `field` is its declaration in the forms."""

    key: str
    label: str
    kind: str
    value: Value
    field: object = None


@dataclass(frozen=True)
class Sheet:
    """One 別紙 of a 区分: its title and its rows in the order of the forms."""

    category: str
    title: str
    rows: tuple[SheetRow, ...]

    def get(self, key: str):
        for row in self.rows:
            if row.key == key:
                return row.value
        return None


# ---------------------------------------------------------------------------
# Attachments


@dataclass(frozen=True)
class ItemGroup:
    heading: str
    items: tuple[str, ...]  # printed joined by 、


@dataclass(frozen=True)
class InfoItems:
    """資料N-2: either grouped lists (seed 000) or a long numbered table (seed 003)."""

    title: str = ""
    groups: tuple[ItemGroup, ...] = ()
    numbered: tuple[str, ...] = ()
    notes: Text = ()


@dataclass(frozen=True)
class DeclaredFlow:
    """A flow a clerk adds or corrects under 個人情報の流れ: from, to, the items and the medium or line."""

    source: str
    target: str
    items: Text = ()
    means: Text = ()


@dataclass(frozen=True)
class DataFlow:
    """資料N-1 個人情報の流れ: a title, an optional image file (path relative to content/) and declared flows."""

    title: str = ""
    image: Optional[str] = None
    flows: tuple[DeclaredFlow, ...] = ()


# ---------------------------------------------------------------------------
# Checklists


@dataclass(frozen=True)
class CatalogHalf:
    heading: str  # 区が行う情報保護対策 / 結合先に行わせる情報保護対策 …
    groups: dict  # group name -> tuple[str, ...] sentences


@dataclass(frozen=True)
class CatalogChecklist:
    """The standard checklist of one category, kept once under content/checklists/."""

    category: str
    number: int
    title: str
    subtitle: str
    column: str  # 情報保護対策 / 個人情報保護対策
    legend: str
    halves: dict  # "区" / "相手方" -> CatalogHalf
    path: str = ""


@dataclass(frozen=True)
class ChecklistRow:
    mark: str
    text: str
    standard: Optional[str]  # the catalog's sentence; None for an added row
    position: int  # 1-based within the group; added rows continue the count
    reason: str = ""  # why the row deviates (理由), printed after the sentence
    intended: bool = False  # the item says its wording (and a missing reason) is as the original on purpose

    @property
    def differs(self) -> bool:
        return self.standard is not None and self.text != self.standard

    @property
    def added(self) -> bool:
        return self.standard is None


@dataclass(frozen=True)
class ChecklistGroup:
    name: str  # 運用上の対策 / システム上の対策
    rows: tuple[ChecklistRow, ...]


@dataclass(frozen=True)
class ChecklistHalf:
    key: str  # 区 / 相手方
    heading: str
    groups: tuple[ChecklistGroup, ...]


@dataclass(frozen=True)
class Checklist:
    """An item's checklist of one category: the catalog with the item's marks and wording applied."""

    category: str
    number: int
    title: str
    subtitle: str
    column: str
    legend: str
    halves: tuple[ChecklistHalf, ...]
    legends: dict = field(default_factory=dict)  # half key -> legend where the item's original differs

    def legend_of(self, half: ChecklistHalf) -> str:
        return self.legends.get(half.key, self.legend)

    @property
    def rows(self):
        """(half, group, row) for every row, in order."""
        return [(h, g, r) for h in self.halves for g in h.groups for r in g.rows]


# ---------------------------------------------------------------------------
# Agenda items and meetings


@dataclass(frozen=True)
class Department:
    bu: str  # 部
    ka: tuple[str, ...]  # 課


@dataclass(frozen=True)
class Overview:
    """The item's summary table (its fields in the order of the forms) and the Markdown body of the file."""

    rows: tuple[SheetRow, ...]
    body: str  # Markdown
    body_line: int = 1

    def get(self, key: str):
        return next((row.value for row in self.rows if row.key == key), None)


class Deferred:
    """A model some of whose fields are read only when first used: fugi.archive.loader loads a cached item without them
    (`_later` gives them; the checks across files never read them).  Fields in DEFERRED have no default."""

    DEFERRED: tuple = ()

    def __getattr__(self, name):  # only called for a name the instance lacks
        if name.startswith("__") or "_later" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self.settle()
        return getattr(self, name)

    def settle(self) -> None:
        """The deferred fields put in place, in the fields' order (equal items pickle to equal bytes)."""
        state = dict(self.__dict__)
        for key, value in state.pop("_later")().items():
            state.setdefault(key, value)  # a copy's own change of a deferred field stands
        self.__dict__ = {**{f.name: state.pop(f.name) for f in fields(self) if f.name in state}, **state}

    def __getstate__(self):
        if "_later" in self.__dict__:
            self.settle()
        return self.__dict__

    def __setstate__(self, state):  # defined: unpickling would otherwise look it up through __getattr__
        self.__dict__.update(state)

    def copy(self, **changes):
        """A shallow copy with `changes` (dataclasses.replace, without reading the deferred fields)."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new


@dataclass
class Agenda(Deferred):
    """One agenda item (付議事項)."""

    DEFERRED = ("overview", "sheets", "checklists", "info_items", "lines")

    id: str  # the file stem: stable URLs and references
    path: str
    title: str
    number: str  # its number among the meeting's papers (e.g. "27")
    status: str  # draft / submitted / decided (what the status word means)
    status_word: str  # the status as written (下書き / 提出済 / 決定)
    public: bool
    basis: tuple[str, ...]  # the categories the item asks the council to approve
    article: str
    departments: tuple[Department, ...]
    overview: Overview
    sheets: tuple[Sheet, ...]
    checklists: tuple[Checklist, ...]
    info_items: Optional[InfoItems]  # None: the item lists none (no default: it is deferred)
    data_flow: Optional[DataFlow] = None
    # set by the cross-file checks
    meeting: Optional["Meeting"] = None  # the latest meeting that deliberated it
    decision: Optional[str] = None
    history: list = field(default_factory=list, repr=False)  # [(meeting, deliberation)], oldest first
    lines: dict = field(default_factory=dict, repr=False)  # field path -> source line

    @property
    def published(self) -> bool:
        return self.public and self.status != "draft"

    @property
    def sheet_categories(self) -> tuple[str, ...]:
        return tuple(s.category for s in self.sheets)

    def sheet(self, category: str) -> Optional[Sheet]:
        return next((s for s in self.sheets if s.category == category), None)

    @property
    def partners(self) -> tuple[tuple[str, str], ...]:
        """(role, name) for every partner of every sheet, in order; the role is the partners field's key."""
        result = []
        for sheet in self.sheets:
            for row in sheet.rows:
                if row.kind == "partners":
                    result += [(row.key, p.name) for p in row.value.items]
        return tuple(dict.fromkeys(result))


@dataclass(frozen=True)
class Attendee:
    name: str  # the post (職名)
    role: str = ""  # the role in the council (会長 …)


@dataclass(frozen=True)
class Deliberation:
    """One item deliberated at a meeting: a reference to an agenda file, or a title for an item known by title only."""

    number: int
    title: str
    decision: str
    agenda_id: Optional[str] = None
    line: int = 1
    agenda: Optional[Agenda] = None
    conditions: Text = ()  # the conditions of a conditional approval, one per paragraph
    withheld: bool = False  # a public meeting publishes its number and decision only (no title, remarks, conditions)
    notice: str = ""  # set by the public view where it left the conditions out
    report_due: str = ""  # the conditions ask for a report: by this ISO date, or the forms' 後の会議 word
    reports: str = ""  # a report on the conditions set at this earlier meeting (its file name): not a decision
    kind: str = ""  # its kind (諮問事項, 報告事項 …) where the forms declare kinds
    own: tuple = ()  # (key, value) of the item's fields the forms declare without a role (説明 …)


@dataclass(frozen=True)
class Remark:
    speaker: str
    text: Text


@dataclass(frozen=True)
class RemarkGroup:
    item_number: int
    remarks: tuple[Remark, ...]
    notice: str = ""  # set by the public view where it left the remarks out (the item is withheld)


@dataclass
class Meeting:
    """One meeting summary."""

    id: str
    path: str
    council: str
    number: Optional[int]  # 第N回; None: the council does not number its meetings (named by their date)
    date: Optional["object"]  # datetime.date or None when unknown
    start: Optional[str]  # "09:30"
    end: Optional[str]
    place: str
    attendees: tuple[Attendee, ...]
    basis_text: str  # the rule's article the council deliberates under
    items: tuple[Deliberation, ...]
    advice_title: str
    advice: str  # Markdown body
    advice_intro: str
    remarks: tuple[RemarkGroup, ...]
    public: bool = True
    body_line: int = 1
    title: str = ""  # made from the forms' title format
    lines: dict = field(default_factory=dict, repr=False)
    own: tuple = ()  # (key, value) of the meeting's fields the forms declare without a role (資料, 欠席者 …)


def meeting_chronology(meeting: Meeting):
    """Oldest first; meetings of unknown date before dated ones (an item's latest meeting is its meeting)."""
    return (meeting.date is not None, meeting.date, meeting.number or 0, meeting.id)


def record_history(meetings) -> None:
    """Every agenda item deliberated at these meetings learns its history (oldest first); the latest meeting is
    its meeting and gives its decision.  Items are those the meetings link (Deliberation.agenda)."""
    seen = set()
    for meeting in sorted(meetings, key=meeting_chronology):
        for item in meeting.items:
            agenda = item.agenda
            if agenda is None:
                continue
            if id(agenda) not in seen:
                seen.add(id(agenda))
                agenda.history = []
            agenda.history.append((meeting, item))
            if not item.reports:  # a report on an earlier meeting's conditions leaves the decision as it was
                agenda.meeting, agenda.decision = meeting, item.decision or None


def deciding(agenda: Agenda):
    """(meeting, deliberation) of the item's latest decision (a report on its conditions is not one), or None."""
    return next(((mt, one) for mt, one in reversed(agenda.history) if not one.reports), None)


@dataclass
class Archive:
    """Everything loaded and validated: the model the views render."""

    agendas: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    catalog: dict = field(default_factory=dict)  # category -> CatalogChecklist
    forms: object = None  # fugi.forms.definition.Forms: the council's form definition
    vocabulary: object = None  # fugi.review.data_items.Vocabulary: the data-item vocabulary (None: the content has none)
    readings: object = None  # fugi.validate.readings.Readings: readings of names for 五十音順 (None: the content has none)
    unread: frozenset = frozenset()  # (folder, name) of files that could not be read: cross-checks don't miss them
