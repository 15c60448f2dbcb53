"""The view model: every printed string of an item, a meeting and a catalog, made once for Word and the site alike."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Optional

from fugi import model as m
from fugi.forms import numbering
from fugi.forms.definition import title_pieces
from fugi.forms.kinds import SEP, partner_text, period_text  # noqa: F401  (printed forms of values, re-exported)
from fugi.forms.registry import KINDS
from fugi.views.flow import flow_graph, flow_rows
from fugi.views.wareki import date_ja, fiscal_year, fiscal_year_ja, time_ja

YEAR = "年度"  # the fiscal year of a meeting (April to March): a heading, a filter and a column
UNKNOWN_YEAR = "年度不明"  # a meeting whose date is not known
UNKNOWN_DATE = "日付不明"
GENERIC_DECIDED = "審議した"  # the verb of a decision where the forms give none (会議.結論の述語)


def not_heard(forms) -> str:
    """What an item no meeting has heard yet shows for its meeting and 年度: the forms' 未審議の表示 (語彙:), or else
    the status word of a submitted item."""
    return forms.not_heard or forms.status_word("submitted")


def labels(forms) -> SimpleNamespace:
    """Every label a template prints, from the form definition (Word and site templates share these).

    A namespace, not a dict: in Jinja `labels.items` of a dict would be the dict's method."""
    agenda, meeting = forms.agenda, forms.meeting

    def label(form, role, default=""):
        one = form.role(role)
        return one.label if one else default

    overview = agenda.role("overview")
    departments = agenda.role("departments")
    items = meeting.role("items")
    decision = meeting.part("items", "decision")
    headings = meeting.texts.get("見出し", {})
    return SimpleNamespace(**{
        "agenda": agenda.name, "meeting": meeting.name, "paper": agenda.texts["番号の接頭語"], "partners": agenda.texts["相手先の総称"],
        "cover_title": agenda.texts.get("表紙の表題", ""), "cover_text": agenda.texts.get("表紙の本文", ""),
        "sheet_word": agenda.texts.get("区分の見出し", ""),
        "decided": meeting.texts.get("結論の述語") or GENERIC_DECIDED, "has_checklists": forms.has_checklists,
        "kinds": list(forms.kinds()), "kind": meeting.part("items", "kind").label if meeting.part("items", "kind") else "",
        **{role: label(agenda, role) for role in ("title", "number", "status", "public", "basis", "departments",
                                                   "flow", "info_items", "checklists")},
        "sections": departments.options.get("課のラベル", departments.label) if departments else "",
        "overview": overview.label, "body": overview.options.get("本文", ""),
        "sheet_title": agenda.role("sheets").options.get("表題のキー", ""),
        "items": items.label, "decision": decision.label if decision else "",
        "conditions": meeting.part("items", "conditions").label if meeting.part("items", "conditions") else "",
        "report": meeting.part("items", "report").label if meeting.part("items", "report") else "",
        "report_due": meeting.part("items", "report_due").label if meeting.part("items", "report_due") else "",
        **{f"meeting_{role}": label(meeting, role) for role in ("number", "date", "place", "attendees", "basis_text",
                                                                 "advice", "remarks")},
        "when": headings.get("日時", label(meeting, "date")), "summary": headings.get("議事", ""),
        "undecided": forms.undecided, "not_heard": not_heard(forms), "draft": forms.status_word("draft"), "council": forms.council["名称"], "ward": forms.council["自治体"],
        "council_short": forms.council["略称"] or forms.council["名称"],
        "site": forms.site["名称"], "partner_roles": list(forms.partner_roles),
        "categories": [c.name for c in forms.categories], "marks": list(forms.marks),
    })


# ---------------------------------------------------------------------------
# Sheets and tables


def row_lines(row: m.SheetRow) -> list:
    """A field's value as printed lines (paragraphs), by its kind."""
    return KINDS[row.kind].lines(row.value, row.field)


def table_rows(rows) -> list:
    """(label, lines) of a sheet or table; a field marked 次と併記 prints with the next one under 【label】 heads."""
    result, skip = [], False
    for index, row in enumerate(rows):
        if skip:
            skip = False
            continue
        joined = row.field.joined_label if row.field is not None else ""
        following = rows[index + 1] if index + 1 < len(rows) else None
        if joined and following is not None and following.kind == "partners":
            result.append((joined, [f"【{row.label}】", *row_lines(row), f"【{following.label}】", *row_lines(following)]))
            skip = True
        else:
            result.append((row.label, row_lines(row)))
    return result


@dataclass
class SheetView:
    category: str
    id: str
    title: str
    rows: list  # (label, lines)


@dataclass
class AttachmentView:
    number: str  # 27-1
    number_text: str  # 資料27-1
    label: str  # 個人情報の流れ
    title: str
    image: Optional[str] = None  # path relative to content/ (the flow)
    graph: object = None  # fugi.views.flow.FlowGraph drawn from the sheets when no image is given (the flow)
    rows: list = field(default_factory=list)  # the drawing as text: [{from, to, lines}] (the flow)
    groups: list = field(default_factory=list)  # [{heading, text}] (information items)
    numbered: list = field(default_factory=list)
    notes: list = field(default_factory=list)


# ---------------------------------------------------------------------------
# Checklists


@dataclass
class RowView:
    mark: str
    meaning: str  # what the mark means, for a screen reader (対策あり)
    text: str
    standard: Optional[str]
    position: int
    state: str  # standard / differs / added / not-needed / noted (as the standard, with a reason)
    deviates: bool  # the mark is not the default one
    reason: str = ""  # why the row deviates (理由)


@dataclass
class GroupView:
    name: str
    label: str  # 区が行う情報保護対策【運用上の対策】
    rows: list


@dataclass
class HalfView:
    key: str
    heading: str
    legend: str
    groups: list


@dataclass
class ChecklistView:
    category: str
    id: str
    heading: str  # 4 外部結合にかかる個人情報保護対策チェックリスト
    subtitle: str
    column: str
    legend: str
    halves: list
    deviations: dict  # state -> count
    deviation_total: int


def group_label(heading: str, group_name: str) -> str:
    """区が行う情報保護対策【運用上の対策】 (an item's checklist half, or the catalog's)."""
    return f"{heading}【{group_name}】"


def checklist_heading(checklist) -> str:
    """4 外部結合にかかる個人情報保護対策チェックリスト (an item's checklist, or the catalog's)."""
    return f"{checklist.number} {checklist.title}"


def row_state(row: m.ChecklistRow, default_mark: str) -> str:
    if row.added:
        return "added"
    if row.differs:
        return "differs"
    if row.mark != default_mark:
        return "not-needed"
    return "standard"


def checklist_view(checklist: m.Checklist, forms) -> ChecklistView:
    default = forms.default_mark
    halves, tally = [], {}
    for half in checklist.halves:
        groups = []
        for group in half.groups:
            rows = []
            for row in group.rows:
                state = row_state(row, default)
                if state != "standard":
                    tally[state] = tally.get(state, 0) + 1
                elif row.reason:
                    state = "noted"  # as the standard, with a note: shown (and searchable), not folded or counted
                if row.mark != default and state != "not-needed":
                    tally["not-needed"] = tally.get("not-needed", 0) + 1
                rows.append(RowView(row.mark, forms.mark_meaning(row.mark), row.text, row.standard, row.position, state,
                                    row.mark != default, row.reason))
            groups.append(GroupView(group.name, group_label(half.heading, group.name), rows))
        halves.append(HalfView(half.key, half.heading, checklist.legend_of(half), groups))
    category = forms.category(checklist.category)
    return ChecklistView(checklist.category, category.id if category else "", checklist_heading(checklist),
                         checklist.subtitle, checklist.column, checklist.legend, halves, tally, sum(tally.values()))


def catalog_view(entry: m.CatalogChecklist, forms) -> ChecklistView:
    """The standard checklist of a category, as the catalog page prints it (rows numbered, all standard)."""
    halves = []
    for key in forms.halves:
        half = entry.halves[key]
        groups = [GroupView(name, group_label(half.heading, name),
                            [RowView(forms.default_mark, forms.mark_meaning(forms.default_mark), s, s, i, "standard", False)
                             for i, s in enumerate(sentences, start=1)])
                  for name, sentences in half.groups.items()]
        halves.append(HalfView(key, half.heading, entry.legend, groups))
    category = forms.category(entry.category)
    return ChecklistView(entry.category, category.id if category else "", checklist_heading(entry), entry.subtitle,
                         entry.column, entry.legend, halves, {}, 0)


# ---------------------------------------------------------------------------
# Agenda items


def basis_text(agenda: m.Agenda, forms) -> str:
    """◇第3条第1項第3号（外部結合、業務委託）: the mark (議題.根拠の印), the article and the categories."""
    return f"{forms.agenda.texts.get('根拠の印', '')}{agenda.article}（{SEP.join(agenda.basis)}）"


def departments_text(agenda: m.Agenda, forms) -> str:
    """（担当部課：福祉部高齢者支援課、都市計画部住宅課）"""
    return f"（{forms.agenda.role('departments').label}：{departments_names(agenda)}）"


def departments_names(agenda: m.Agenda) -> str:
    """福祉部高齢者支援課、都市計画部住宅課"""
    return SEP.join(dep.bu + SEP.join(dep.ka) for dep in agenda.departments)


def section_names(agenda: m.Agenda) -> list:
    """Every 課 of the departments, in order."""
    return list(dict.fromkeys(ka for dep in agenda.departments for ka in dep.ka))


def partners_by_role(agenda: m.Agenda, forms) -> dict:
    """{partner role: [names]} for every role of the forms (empty lists included), then any other role found."""
    result = {role: [] for role in forms.partner_roles}
    for role, name in agenda.partners:
        if name not in result.setdefault(role, []):
            result[role].append(name)
    return result


def paper_number(agenda: m.Agenda, forms, branch=None) -> tuple:
    """("27-1", "資料27-1")"""
    number = f"{agenda.number}-{branch}" if branch else agenda.number
    return number, f"{forms.agenda.texts['番号の接頭語']}{number}"


def attachments(agenda: m.Agenda, forms) -> dict:
    result = {"flow": None, "info": None}
    flow_field, info_field = forms.agenda.role("flow"), forms.agenda.role("info_items")
    if agenda.data_flow is not None and flow_field:
        flow = agenda.data_flow
        graph = None if flow.image else flow_graph(agenda, forms)
        result["flow"] = AttachmentView(*paper_number(agenda, forms, flow_field.options.get("枝番")), flow_field.label,
                                        flow.title, flow.image, graph, flow_rows(graph) if graph else [])
    if agenda.info_items is not None and info_field:
        info = agenda.info_items
        result["info"] = AttachmentView(*paper_number(agenda, forms, info_field.options.get("枝番")), info_field.label,
                                        info.title, groups=[{"heading": g.heading, "text": SEP.join(g.items)}
                                                            for g in info.groups],
                                        numbered=list(info.numbered), notes=list(info.notes))
    return result


@dataclass
class AgendaView:
    """An agenda item as printed."""

    id: str
    title: str
    number: str
    number_text: str
    status: str
    basis_text: str
    departments_text: str
    departments_names: str
    categories: list
    sections: list
    partners: list  # [(role, [names])] of the roles that have names
    overview_rows: list  # (label, lines)
    body: str  # Markdown source of the body
    sheets: list
    flow: Optional[AttachmentView]
    info: Optional[AttachmentView]
    checklists: list
    deviation_total: int
    meeting: Optional[dict]  # {id, title, number, date, year}
    item_number: Optional[int]
    decision: str
    year: str
    conditions: list = field(default_factory=list)  # the conditions of the decision, as printed
    kind: str = ""  # the kind of item its latest meeting deliberated it as (諮問事項 …), where the forms have kinds
    history: list = field(default_factory=list)  # every meeting that deliberated it, oldest first (history_entry)
    follow: list = field(default_factory=list)  # its conditions that ask for a report (fugi.views.followup.follow_entry)


def agenda_view(agenda: m.Agenda, forms) -> AgendaView:
    """The printed item.  Its meeting is whatever the agenda was linked to: give it the public view for the public."""
    from fugi.views.followup import agenda_follow

    meeting = agenda.meeting
    item = (m.deciding(agenda) or (None, None))[1]
    checklists = [checklist_view(c, forms) for c in agenda.checklists]
    extra = attachments(agenda, forms)
    return AgendaView(
        id=agenda.id, title=agenda.title, number=agenda.number, number_text=paper_number(agenda, forms)[1],
        status=agenda.status_word, basis_text=basis_text(agenda, forms), departments_text=departments_text(agenda, forms),
        departments_names=departments_names(agenda), categories=list(agenda.sheet_categories),
        sections=section_names(agenda),
        partners=[(role, names) for role, names in partners_by_role(agenda, forms).items() if names],
        overview_rows=table_rows(agenda.overview.rows), body=agenda.overview.body,
        sheets=[SheetView(s.category, forms.category(s.category).id, s.title, table_rows(s.rows)) for s in agenda.sheets],
        flow=extra["flow"], info=extra["info"], checklists=checklists,
        deviation_total=sum(c.deviation_total for c in checklists),
        meeting=meeting_summary(meeting), item_number=item.number if item else None,
        decision=agenda.decision or forms.undecided, year=year_of(meeting, forms)[1],
        conditions=condition_lines(item.conditions) if item else [], kind=item.kind if item else "",
        history=[history_entry(mt, one, forms, agenda.history) for mt, one in agenda.history],
        follow=agenda_follow(agenda, forms))


# ---------------------------------------------------------------------------
# Decisions across meetings


def condition_lines(conditions) -> list:
    """The conditions as a ward prints them under the decision: one as written, several numbered (1) (2)."""
    if len(conditions) < 2:
        return list(conditions)
    return [f"({number}) {text}" for number, text in enumerate(conditions, start=1)]


def history_entry(meeting, item, forms, history=()) -> dict:
    """One meeting in an item's history: the meeting, the item's number there, the decision and its conditions
    (a report on earlier conditions prints the forms' 報告の表示; conditions asking for a report, their state)."""
    from fugi.views.followup import follow_entry, report_shown

    return {"meeting": meeting_summary(meeting), "item_number": item.number,
            "decision": report_shown(item, forms) if item.reports else item.decision or forms.undecided,
            "conditions": condition_lines(item.conditions), "pending": forms.pending(item.decision),
            "follow": follow_entry(meeting, item, history, forms)}


def neighbours(meeting, item, forms) -> tuple:
    """(earlier, later): the same agenda item at the meeting before and after this one (history_entry), or None."""
    history = item.agenda.history if item.agenda is not None else []
    index = next((i for i, (mt, one) in enumerate(history) if mt is meeting and one.number == item.number), None)
    if index is None:
        return None, None
    earlier = history_entry(*history[index - 1], forms) if index > 0 else None
    later = history_entry(*history[index + 1], forms) if index + 1 < len(history) else None
    return earlier, later


# ---------------------------------------------------------------------------
# Meetings


NOT_HEARD_KEY = -2  # the sort key of the 年度 of an item no meeting has heard yet (after the unknown year)


def year_of(meeting, forms=None) -> tuple:
    """(sort key, label) of a meeting's 年度; unknown meetings sort last.  An item's year is its meeting's: with no
    meeting (not heard yet) it is the forms' 未審議の表示 (give `forms`)."""
    if meeting is None and forms is not None:
        return (NOT_HEARD_KEY, not_heard(forms))
    if meeting is None or meeting.date is None:
        return (-1, UNKNOWN_YEAR)
    year = fiscal_year(meeting.date)
    return (year, fiscal_year_ja(year))


def meeting_date(meeting) -> str:
    """令和7年9月1日(月), or 日付不明."""
    return date_ja(meeting.date, weekday=True) if meeting.date else UNKNOWN_DATE


def meeting_when(meeting) -> str:
    """令和7年9月1日(月) 午前9時30分~午前10時00分 (unknown parts are left out)."""
    text = meeting_date(meeting)
    if meeting.date and meeting.start:
        text += f" {time_ja(meeting.start)}"
        if meeting.end:
            text += f"~{time_ja(meeting.end)}"
    return text


def attendees_text(meeting) -> str:
    """寺田副区長(会長)、総合政策部長(副会長)、総務部長…"""
    return SEP.join(f"{a.name}({a.role})" if a.role else a.name for a in meeting.attendees)


def meeting_name(meeting) -> str:
    """What names a meeting in a list: 第5回, or its date when it has no number (令和7年9月1日(月))."""
    return f"第{meeting.number}回" if meeting.number is not None else meeting_date(meeting)


def meeting_label(meeting) -> str:
    """第5回（令和7年9月1日(月)）, or the date alone when the meeting has no number."""
    return f"{meeting_name(meeting)}（{meeting_date(meeting)}）" if meeting.number is not None else meeting_date(meeting)


def attendee_lines(meeting, style: str) -> list:
    """The attendees as printed: one line (名前(役割)、…), or one line per role in order of appearance (【会長】名前)."""
    if style != "役割ごと":
        return [attendees_text(meeting)] if meeting.attendees else []
    groups = {}
    for one in meeting.attendees:
        groups.setdefault(one.role, []).append(one.name)
    return [f"【{role}】{SEP.join(names)}" if role else SEP.join(names) for role, names in groups.items()]


def speaker_line(fmt: str, speaker: str) -> str:
    """（委員） from the format 「（{…}）」: every {…} is the speaker (forms text is data: no str.format)."""
    if not fmt:
        return speaker
    try:
        pieces = title_pieces(fmt, "話者の形")
    except ValueError:  # check reports it at its line
        return speaker
    return "".join(speaker if kind == "field" else value for kind, value in pieces)


def own_lines(form_fields, values) -> list:
    """(key, label, lines) of the fields declared without a role, with a value."""
    result = []
    by_key = {f.key: f for f in form_fields}
    for key, value in values:
        one = by_key.get(key)
        if one is not None and value not in (None, "", ()):
            result.append((key, one.label, KINDS[one.kind].lines(value, one)))
    return result


def record_sections(meeting, forms, items: list, groups: list) -> list:
    """The meeting record laid out as 会議.構成 says: numbered sections in order, each a list of paragraphs with a
    style (text, group, entry, item, block, speaker) that Word and the site both print.  Empty sections are left
    out (the record of a meeting without absentees has no 欠席者 section)."""
    layout = forms.meeting.texts.get("構成") or {}
    if not layout:
        return []
    own = {key: (label, lines) for key, label, lines in own_lines(forms.meeting.fields, meeting.own)}
    remarks_field = forms.meeting.role("remarks")
    decision, conditions = forms.meeting.part("items", "decision"), forms.meeting.part("items", "conditions")
    said = {g.item_number: g for g in meeting.remarks}
    when = meeting_when(meeting)

    def item_list(style: str) -> list:
        found = []
        for group in groups or [{"kind": "", "label": "", "items": items}]:
            if group["kind"]:
                found.append({"style": "group", "text": f"{group['label']}{group['kind']}"})
            for item in group["items"]:
                found.append({"style": style, "text": f"{item['label']} {item['title']}".strip(), "number": item["number"],
                              "agenda_id": item["agenda_id"], "label": item["label"], "title": item["title"]})
        return found

    def results() -> list:
        found = []
        for one in item_list("item"):
            found.append(one)
            if one["style"] != "item":
                continue
            item = next(i for i in items if i["number"] == one["number"])
            source = next(d for d in meeting.items if d.number == one["number"])
            values = {key: lines for key, _, lines in own_lines(forms.meeting.role("items").parts, source.own)}
            labels_ = {p.key: p.label for p in forms.meeting.role("items").parts}
            for name in layout.get("項目ごとの欄", ()):
                if remarks_field is not None and name == remarks_field.key:
                    group = said.get(one["number"])
                    if group is None or not (group.remarks or group.notice):
                        continue
                    found.append({"style": "block", "text": f"【{remarks_field.label}】"})
                    if group.notice:
                        found.append({"style": "text", "text": group.notice})
                    for remark in group.remarks:
                        found.append({"style": "speaker", "text": speaker_line(layout.get("話者の形", ""), remark.speaker)})
                        found += [{"style": "text", "text": line} for line in remark.text]
                elif decision is not None and name == decision.key:
                    found += [{"style": "block", "text": f"【{decision.label}】"},
                              {"style": "text", "text": item["decision"] or forms.undecided}]
                elif conditions is not None and name == conditions.key:
                    if item["conditions"]:
                        found.append({"style": "block", "text": f"【{conditions.label}】"})
                        found += [{"style": "text", "text": line} for line in item["conditions"]]
                elif values.get(name):
                    found.append({"style": "block", "text": f"【{labels_[name]}】"})
                    found += [{"style": "text", "text": line} for line in values[name]]
            if item["note"]:
                found.append({"style": "text", "text": item["note"]})
        return found

    def content(what: str) -> list:
        if what == "date":
            return [{"style": "text", "text": when}]
        if what == "place":
            return [{"style": "text", "text": meeting.place}] if meeting.place else []
        if what == "date_place":
            return [{"style": "text", "text": f"{when} {meeting.place}" if meeting.place else when}]
        if what == "attendees":
            return [{"style": "text", "text": line} for line in attendee_lines(meeting, layout.get("名簿の形", ""))]
        if what == "basis_text":
            return [{"style": "text", "text": meeting.basis_text}] if meeting.basis_text else []
        if what == "items":
            return item_list("entry")
        if what == "results":
            return results()
        if what == "advice":
            lines = [meeting.advice_intro] if meeting.advice_intro else []
            lines += [p.strip() for p in meeting.advice.split("\n\n") if p.strip()]
            return [{"style": "text", "text": line} for line in lines]
        return [{"style": "text", "text": line} for line in own.get(what, ("", []))[1]]

    sections = []
    for section in layout.get("節", ()):
        paragraphs = content(section["content"])
        if not paragraphs:
            continue
        number = numbering.label(layout.get("番号", "なし"), len(sections) + 1)
        sections.append({"heading": f"{number} {section['heading']}".strip(), "content": section["content"],
                         "paragraphs": paragraphs})
    return sections


def meeting_summary(meeting) -> Optional[dict]:
    if meeting is None:
        return None
    return {"id": meeting.id, "title": meeting.title, "number": meeting.number, "date": meeting_date(meeting),
            "year": year_of(meeting)[1], "name": meeting_name(meeting), "label": meeting_label(meeting)}


@dataclass
class MeetingView:
    id: str
    title: str
    number: Optional[int]
    name: str  # 第5回, or the date of a meeting without a number
    date: str
    year: str
    when: str
    place: str
    when_place: str
    attendees: str
    basis_text: str
    items: list  # [{number, title, decision, conditions, note, agenda_id, agenda_number_text, earlier, later}]
    advice_title: str
    advice_intro: str
    advice: str  # Markdown source
    remarks: list  # [{number, note, remarks: [{speaker, text: [...]}]}]
    groups: list = field(default_factory=list)  # [{kind, label, items}] where the forms declare kinds of item
    sections: list = field(default_factory=list)  # [{heading, paragraphs: [{style, text …}]}] (会議.構成), else []


def item_labels(meeting: m.Meeting, forms) -> dict:
    """{item number: (printed label, reference)}: (3) / 審議事項(3), or by kind ア / 報告事項ア (each kind numbered in
    its own style; a kind with one item unnumbered where the forms say 一つなら番号なし)."""
    field_ = forms.meeting.role("items")
    options = field_.options if field_ else {}
    result = {}
    if not forms.kinds():
        for item in meeting.items:
            text = numbering.label(options.get("番号") or "(1)", item.number)
            result[item.number] = (text, f"{field_.label}{text}")
        return result
    for kind in kind_order(meeting, forms):
        members = [item for item in meeting.items if item.kind == kind]
        alone = len(members) == 1 and options.get("一つなら番号なし") is True
        for index, item in enumerate(members, start=1):
            text = "" if alone else numbering.label(forms.kind_style(kind), index)
            result[item.number] = (text, f"{kind or field_.label}{text}")
    return result


def kind_order(meeting: m.Meeting, forms) -> list:
    """The kinds of this meeting's items in the forms' order (items without a kind last)."""
    present = {item.kind for item in meeting.items}
    return [k for k in (*forms.kinds(), "") if k in present]


def meeting_view(meeting: m.Meeting, forms) -> MeetingView:
    """The printed meeting; give it the public view for the public (titles of unpublished items masked there)."""
    from fugi.views.followup import report_shown

    when = meeting_when(meeting)
    labels_ = item_labels(meeting, forms)
    items = [{"number": item.number, "title": item.title or (item.agenda.title if item.agenda else ""),
              "decision": report_shown(item, forms) if item.reports else item.decision or forms.undecided,
              "conditions": condition_lines(item.conditions), "note": item.notice,
              "agenda_id": item.agenda.id if item.agenda else None, "kind": item.kind,
              "label": labels_[item.number][0], "ref": labels_[item.number][1],
              "agenda_number_text": paper_number(item.agenda, forms)[1] if item.agenda else None,
              **dict(zip(("earlier", "later"), neighbours(meeting, item, forms)))}
             for item in meeting.items]
    groups = []
    if forms.kinds():
        style = (forms.meeting.role("items").options.get("まとまりの番号") or "(1)")
        for index, kind in enumerate(kind_order(meeting, forms), start=1):
            groups.append({"kind": kind, "label": numbering.label(style, index),
                           "items": [i for i in items if i["kind"] == kind]})
    return MeetingView(
        id=meeting.id, title=meeting.title, number=meeting.number, name=meeting_name(meeting), date=meeting_date(meeting),
        year=year_of(meeting)[1], when=when, place=meeting.place,
        when_place=f"{when} {meeting.place}" if meeting.place else when, attendees=attendees_text(meeting),
        basis_text=meeting.basis_text, items=items, advice_title=meeting.advice_title,
        advice_intro=meeting.advice_intro, advice=meeting.advice,
        remarks=[{"number": g.item_number, "note": g.notice, "ref": labels_.get(g.item_number, ("", ""))[1],
                  "remarks": [{"speaker": r.speaker, "text": list(r.text)} for r in g.remarks]} for g in meeting.remarks],
        groups=groups, sections=record_sections(meeting, forms, items, groups))


class Views:
    """One printed view per item and meeting of one archive (one scope: all documents, or the public view), made
    when first asked for and kept for the rest of the build: Word and the site print the same view, made once.

    `ids` holds, beside them, what fugi.build.documents knows each Word file's view by (a digest of its bytes)."""

    def __init__(self, archive: m.Archive):
        self.archive, self.forms = archive, archive.forms
        self.made: dict = {}
        self.ids: dict = {}

    def agenda(self, agenda: m.Agenda) -> AgendaView:
        key = ("agendas", agenda.id)
        if key not in self.made:
            self.made[key] = agenda_view(agenda, self.forms)
        return self.made[key]

    def meeting(self, meeting: m.Meeting) -> MeetingView:
        key = ("meetings", meeting.id)
        if key not in self.made:
            self.made[key] = meeting_view(meeting, self.forms)
        return self.made[key]

    def of(self, kind: str, document):
        return self.agenda(document) if kind == "agendas" else self.meeting(document)
