"""The council's paperwork as typed objects: agenda items, meetings, the checklist catalog. No I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

# ---------------------------------------------------------------------------
# Vocabulary

#: Categories that can be the basis of an item (要綱の根拠) and that have a checklist.
BASIS_CATEGORIES = ("電算処理", "外部結合", "業務委託")
#: Every sheet category, in the order of the originals.  再委託 falls under the 業務委託 basis.
SHEET_CATEGORIES = ("電算処理", "外部結合", "業務委託", "再委託")
STATUSES = {"下書き": "draft", "提出済": "submitted", "決定": "decided"}
DECISIONS = ("承認", "条件付承認", "継続審議", "不承認", "取下げ")
MARKS = ("○", "－")
GROUPS = ("運用上の対策", "システム上の対策")
HALVES = ("区", "相手方")
PERIOD_PARTS = ("上旬", "中旬", "下旬")
DEFAULT_BASIS_ARTICLE = "第3条第1項第3号"
DEFAULT_COUNCIL = "新宿区個人情報保護管理運営会議"
SEE_CHECKLIST = "別紙チェックリストのとおり"


# ---------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, or only to the month (optionally 上旬/中旬/下旬)."""

    year: int
    month: int
    day: Optional[int] = None
    part: Optional[str] = None

    def iso(self) -> str:
        text = f"{self.year:04d}-{self.month:02d}"
        if self.day is not None:
            return f"{text}-{self.day:02d}"
        return f"{text} {self.part}" if self.part else text

    def sort_key(self):
        day = self.day if self.day is not None else {None: 1, "上旬": 1, "中旬": 11, "下旬": 21}[self.part]
        return (self.year, self.month, day)


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
# Sheets (別紙): declared once, used by validation, Word, the site and the JSON Schema


@dataclass(frozen=True)
class FieldSpec:
    key: str  # the front-matter key (a short form of the label)
    label: str  # the label printed on the form
    kind: str = "text"  # text | partners | periods | names
    required: bool = True
    default: Optional[str] = None
    alternatives: tuple[str, ...] = ()  # other accepted keys that are printed as themselves


_OWNER = FieldSpec("保有課", "保有課(担当課)", "names")
_JOB = FieldSpec("登録業務の名称", "登録業務の名称")

SHEET_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "電算処理": (
        _OWNER,
        _JOB,
        FieldSpec("記録される情報項目", "記録される情報項目(だれの、どのような項目が、どこのコンピュータに記録されるのか)"),
        FieldSpec("新規開発・追加・変更の理由", "新規開発・追加・変更の理由"),
        FieldSpec("新規開発・追加・変更の内容", "新規開発・追加・変更の内容"),
        FieldSpec("開発等を委託する場合における個人情報保護対策", "開発等を委託する場合における個人情報保護対策",
                  default=SEE_CHECKLIST),
        FieldSpec("新規開発・追加・変更の時期", "新規開発・追加・変更の時期", "periods"),
    ),
    "外部結合": (
        _OWNER,
        _JOB,
        FieldSpec("結合される情報項目", "結合される情報項目(だれの、どのような項目か)"),
        FieldSpec("結合の相手方", "結合の相手方", "partners"),
        FieldSpec("結合する理由", "結合する理由"),
        FieldSpec("結合の形態", "結合の形態"),
        FieldSpec("結合の開始時期と期間", "結合の開始時期と期間", "periods"),
        FieldSpec("情報保護対策", "情報保護対策", default=SEE_CHECKLIST),
    ),
    "業務委託": (
        _OWNER,
        _JOB,
        FieldSpec("委託先", "委託先", "partners"),
        FieldSpec("委託に伴い事業者処理させる情報項目", "委託に伴い事業者処理させる情報項目(だれの、どのような項目か)"),
        FieldSpec("処理させる情報項目の記録媒体", "処理させる情報項目の記録媒体"),
        FieldSpec("委託理由", "委託理由"),
        FieldSpec("委託の内容", "委託の内容"),
        FieldSpec("委託の開始時期及び期限", "委託の開始時期及び期限", "periods"),
        FieldSpec("委託にあたり区が行う情報保護対策", "委託にあたり区が行う情報保護対策", default=SEE_CHECKLIST),
        FieldSpec("受託事業者に行わせる情報保護対策", "受託事業者に行わせる情報保護対策", default=SEE_CHECKLIST),
    ),
    "再委託": (
        _OWNER,
        _JOB,
        # 委託先 is optional: when given, the row prints as 委託先(再委託先) with 【委託先】/【再委託先】.
        FieldSpec("委託先", "委託先", "partners", required=False),
        FieldSpec("再委託先", "再委託先", "partners"),
        FieldSpec("再委託に伴い事業者処理させる情報項目", "再委託に伴い事業者処理させる情報項目(だれの、どのような項目か)"),
        FieldSpec("処理させる情報項目の記録媒体", "処理させる情報項目の記録媒体"),
        FieldSpec("再委託理由", "再委託理由"),
        FieldSpec("再委託の内容", "再委託の内容"),
        FieldSpec("再委託の開始時期及び期限", "再委託の開始時期及び期限", "periods"),
        FieldSpec("委託にあたり区が行う情報保護対策", "委託にあたり区が行う情報保護対策", default=SEE_CHECKLIST),
        FieldSpec("再委託事業者に行わせる情報保護対策", "再委託事業者に行わせる情報保護対策", default=SEE_CHECKLIST,
                  alternatives=("受託事業者に行わせる情報保護対策",)),
    ),
}


@dataclass(frozen=True)
class SheetRow:
    key: str
    label: str
    kind: str
    value: Value


@dataclass(frozen=True)
class Sheet:
    """One 別紙 (電算処理 / 外部結合 / 業務委託 / 再委託): its 件名 and its rows in form order."""

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
class DataFlow:
    """資料N-1 個人情報の流れ: a title and an optional image file (path relative to content/)."""

    title: str = ""
    image: Optional[str] = None


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
    """事業の概要; 事業内容 is the Markdown body of the file."""

    name: str
    sections: tuple[str, ...]  # 担当課
    purpose: str
    target: str
    body: str  # Markdown
    body_line: int = 1


@dataclass
class Agenda:
    """One 付議事項."""

    id: str  # the file stem: stable URLs and references
    path: str
    title: str
    number: str  # 資料番号 (e.g. "27")
    status: str  # draft / submitted / decided
    public: bool
    basis: tuple[str, ...]  # 要綱の根拠 categories
    article: str
    departments: tuple[Department, ...]
    overview: Overview
    sheets: tuple[Sheet, ...]
    checklists: tuple[Checklist, ...]
    info_items: Optional[InfoItems] = None
    data_flow: Optional[DataFlow] = None
    # set by the cross-file checks
    meeting: Optional["Meeting"] = None
    decision: Optional[str] = None
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
    def flow_number(self) -> str:
        return f"{self.number}-1"

    @property
    def items_number(self) -> str:
        return f"{self.number}-2"

    @property
    def partners(self) -> tuple[tuple[str, str], ...]:
        """(role, name) for every partner of every sheet, in order."""
        result = []
        for sheet in self.sheets:
            for row in sheet.rows:
                if row.kind == "partners":
                    role = "結合の相手方" if row.key == "結合の相手方" else row.key
                    result += [(role, p.name) for p in row.value.items]
        return tuple(dict.fromkeys(result))


@dataclass(frozen=True)
class Attendee:
    name: str  # 寺田副区長, 総務部長
    role: str = ""  # 会長, 副会長


@dataclass(frozen=True)
class Deliberation:
    """One 審議事項: a reference to an agenda file, or a title for an item known by title only."""

    number: int
    title: str
    decision: str
    agenda_id: Optional[str] = None
    line: int = 1
    agenda: Optional[Agenda] = None


@dataclass(frozen=True)
class Remark:
    speaker: str
    text: Text


@dataclass(frozen=True)
class RemarkGroup:
    item_number: int
    remarks: tuple[Remark, ...]


@dataclass
class Meeting:
    """One 会議概要."""

    id: str
    path: str
    council: str
    number: int  # 第N回
    date: Optional["object"]  # datetime.date or None when unknown
    start: Optional[str]  # "09:30"
    end: Optional[str]
    place: str
    attendees: tuple[Attendee, ...]
    basis_text: str  # 新宿区個人情報保護管理運営会議の組織及び運営に関する要綱第3条第3号に掲げる事項
    items: tuple[Deliberation, ...]
    advice_title: str
    advice: str  # Markdown body
    advice_intro: str
    remarks: tuple[RemarkGroup, ...]
    public: bool = True
    body_line: int = 1
    lines: dict = field(default_factory=dict, repr=False)

    @property
    def title(self) -> str:
        return f"{self.council}(第{self.number}回)概要"


def meeting_chronology(meeting: Meeting):
    """Oldest first; meetings of unknown date before dated ones (an item's latest meeting is its meeting)."""
    return (meeting.date is not None, meeting.date, meeting.number)


@dataclass
class Archive:
    """Everything loaded and validated: the model the views render."""

    agendas: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    catalog: dict = field(default_factory=dict)  # category -> CatalogChecklist

    def public_agendas(self):
        return [a for a in self.agendas if a.published]

    def public_meetings(self):
        return [m for m in self.meetings if m.public]
