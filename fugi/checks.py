"""Cross-file checks: meeting references, categories vs sheets and checklists, 資料 numbering, catalog drift."""
from __future__ import annotations

import dataclasses
import difflib
import re
from collections import defaultdict

from . import model as m
from .wareki import fiscal_year

REFERENCE = re.compile(r"資料(\d+)(?:-(\d+))?")


def cross_check(archive: m.Archive, problems) -> None:
    """Run every check; link meetings and agenda items both ways."""
    for agenda in archive.agendas:
        check_categories(agenda, archive.catalog, problems)
        check_subcontract(agenda, problems)
        check_references(agenda, problems)
        report_drift(agenda, problems)
    link_meetings(archive, problems)
    check_numbers(archive, problems)
    for document in [*archive.agendas, *archive.meetings]:
        check_unfilled(document, problems)


def check_categories(agenda: m.Agenda, catalog: dict, problems) -> None:
    """要綱の根拠 must match the sheets present and the checklists present."""
    line = agenda.lines.get("要綱の根拠", 1)
    sheets = set(agenda.sheet_categories)
    for category in agenda.basis:
        if category not in sheets:
            problems.error(agenda.path, line, "要綱の根拠", f"「{category}」の別紙がありません",
                           f"`{category}:` の別紙を書くか、要綱の根拠から「{category}」を外してください")
        if category in catalog and category not in {c.category for c in agenda.checklists}:
            problems.error(agenda.path, agenda.lines.get("チェックリスト") or line, "チェックリスト",
                           f"「{category}」のチェックリストがありません",
                           f"`チェックリスト:` の下に `{category}: {{}}`（標準どおりすべて○）を書いてください")
    for category in sheets - set(agenda.basis) - {"再委託"}:
        problems.error(agenda.path, agenda.lines.get(f"{category}.件名", line), category,
                       f"要綱の根拠に「{category}」がないのに別紙があります",
                       f"要綱の根拠に「{category}」を加えるか、この別紙を消してください")
    if "再委託" in sheets and "業務委託" not in agenda.basis:
        problems.error(agenda.path, agenda.lines.get("再委託.件名", line), "再委託",
                       "再委託は業務委託の根拠がないと付議できません", "要綱の根拠に「業務委託」を加えてください")
    for checklist in agenda.checklists:
        if checklist.category not in agenda.basis:
            problems.error(agenda.path, agenda.lines.get("チェックリスト", line), f"チェックリスト.{checklist.category}",
                           f"要綱の根拠に「{checklist.category}」がないのにチェックリストがあります",
                           "要綱の根拠に加えるか、このチェックリストを消してください")


def check_subcontract(agenda: m.Agenda, problems) -> None:
    """A 再委託 hangs from a 委託先 of the 業務委託 sheet."""
    sub, main = agenda.sheet("再委託"), agenda.sheet("業務委託")
    if sub is None:
        return
    line = agenda.lines.get("再委託.委託先", agenda.lines.get("再委託.件名", 1))
    if main is None:
        problems.error(agenda.path, line, "再委託", "再委託の元になる業務委託の別紙がありません",
                       "`業務委託:` の別紙に委託先を書いてください")
        return
    known = [p.name for p in main.get("委託先").items] if main.get("委託先") else []
    claimed = sub.get("委託先")
    for partner in claimed.items if claimed else ():
        if partner.name not in known:
            guess = difflib.get_close_matches(partner.name, known, n=1, cutoff=0.4)
            hint = f"業務委託の委託先「{guess[0]}」と同じ名称にしてください" if guess else "業務委託の別紙の委託先と同じ名称を書いてください"
            problems.error(agenda.path, line, "再委託.委託先", f"「{partner.name}」は業務委託の委託先にありません", hint)


def check_references(agenda: m.Agenda, problems) -> None:
    """資料N-1 / 資料N-2 mentioned in the text must be attachments this item has."""
    present = {"1": agenda.data_flow is not None, "2": agenda.info_items is not None}
    names = {"1": "個人情報の流れ", "2": "情報項目"}
    for field, text, line in texts_with_lines(agenda):
        for match in REFERENCE.finditer(text):
            number, sub = match.groups()
            if number != agenda.number:
                problems.error(agenda.path, line, field, f"「{match.group(0)}」はこの付議事項の資料番号（{agenda.number}）と違います",
                               f"資料番号を確かめてください（この付議事項は 資料{agenda.number}）")
            elif sub in present and not present[sub]:
                problems.error(agenda.path, line, field, f"「{match.group(0)}」を参照していますが、その資料がありません",
                               f"`{names[sub]}:` を書いてください")


def texts_with_lines(agenda: m.Agenda):
    """(field, text, line) for the body and every sheet value."""
    for offset, text in enumerate(agenda.overview.body.split("\n")):
        yield "事業内容", text, agenda.overview.body_line + offset
    for sheet in agenda.sheets:
        for row in sheet.rows:
            if row.kind == "text":
                field = f"{sheet.category}.{row.key}"
                for text in row.value:
                    yield field, text, agenda.lines.get(field, 1)


def report_drift(agenda: m.Agenda, problems) -> None:
    """Checklist rows worded unlike the catalog are warnings, with both texts."""
    for checklist in agenda.checklists:
        for half, group, row in checklist.rows:
            if row.differs:
                field = f"チェックリスト.{checklist.category}.{half.key}.{group.name}.{row.position}"
                problems.warn(agenda.path, agenda.lines.get(field, agenda.lines.get("チェックリスト", 1)), field,
                              f"標準の文言と違います: 「{row.text}」（標準: 「{row.standard}」）",
                              "原本どおりならそのままで構いません。新しい付議事項なら `文言:` を消して標準の文言にしてください")


def link_meetings(archive: m.Archive, problems) -> None:
    """Each 審議事項 that names an agenda file must find it; the agenda learns its meeting and decision."""
    by_id = {a.id: a for a in archive.agendas}
    for meeting in sorted(archive.meetings, key=m.meeting_chronology):
        linked = []
        for item in meeting.items:
            agenda = by_id.get(item.agenda_id) if item.agenda_id else None
            if item.agenda_id and agenda is None:
                guess = difflib.get_close_matches(item.agenda_id, list(by_id), n=1, cutoff=0.4)
                hint = f"「{guess[0]}」の誤りではありませんか" if guess else "content/agendas/ にあるファイル名（.md なし）を書いてください"
                problems.error(meeting.path, item.line, f"審議事項[{item.number}].付議事項",
                               f"付議事項「{item.agenda_id}」がありません", hint)
            if agenda is not None:
                if agenda.status == "draft":
                    problems.error(meeting.path, item.line, f"審議事項[{item.number}].付議事項",
                                   f"付議事項「{agenda.id}」は下書きです", f"{agenda.path} の状態を提出済か決定にしてください")
                agenda.meeting, agenda.decision = meeting, item.decision or None
            linked.append(m.Deliberation(item.number, item.title or (agenda.title if agenda else ""),
                                         item.decision, item.agenda_id, item.line, agenda))
        meeting.items = tuple(linked)
    for agenda in archive.agendas:
        if agenda.status == "decided" and agenda.meeting is None:
            problems.warn(agenda.path, agenda.lines.get("状態", 1), "状態", "決定済みですが、この付議事項を審議した会議がありません",
                          "会議概要の審議事項に `付議事項: " + agenda.id + "` を加えてください")


def check_numbers(archive: m.Archive, problems) -> None:
    """資料 numbers are unique within a 年度; an item whose meeting is not known yet is compared with every item."""
    by_number = defaultdict(list)
    for agenda in archive.agendas:
        year = fiscal_year(agenda.meeting.date) if agenda.meeting and agenda.meeting.date else None
        by_number[agenda.number].append((year, agenda))
    for number, entries in by_number.items():
        for index, (year, agenda) in enumerate(entries):
            clash = next((other for other_year, other in entries[:index]
                          if year is None or other_year is None or year == other_year), None)
            if clash:
                problems.error(agenda.path, agenda.lines.get("資料番号", 1), "資料番号",
                               f"資料{number} は {clash.path} と重複しています", "年度内で重ならない資料番号にしてください")
    numbers = defaultdict(list)
    for meeting in archive.meetings:
        year = fiscal_year(meeting.date) if meeting.date else None
        numbers[(year, meeting.council, meeting.number)].append(meeting)
    for meetings in numbers.values():
        for meeting in meetings[1:]:
            problems.error(meeting.path, meeting.lines.get("回", 1), "回", f"第{meeting.number}回 は {meetings[0].path} と重複しています",
                           "回の番号を確かめてください")


TODO = "【要記入】"


def strings(value):
    """Every string inside a model object (dataclasses, tuples, dicts), depth first."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if f.name not in ("meeting", "agenda", "lines"):
                yield from strings(getattr(value, f.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from strings(item)


def check_unfilled(document, problems) -> None:
    """A scaffold's 【要記入】 left in a file is a warning (an error for anything not a draft)."""
    if any(TODO in text for text in strings(document)):
        report = problems.warn if getattr(document, "status", "draft") == "draft" else problems.error
        report(document.path, 1, "-", f"「{TODO}」のままの箇所があります", f"「{TODO}」を検索して内容を書いてください")
