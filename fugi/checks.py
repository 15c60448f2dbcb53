"""Cross-file checks: meeting references, categories vs sheets and checklists, numbering, catalog drift."""
from __future__ import annotations

import dataclasses
import difflib
import re
from collections import defaultdict

from . import model as m
from .wareki import fiscal_year

TODO = "【要記入】"


def cross_check(archive: m.Archive, problems) -> None:
    """Run every check; link meetings and agenda items both ways."""
    forms = archive.forms
    for agenda in archive.agendas:
        check_categories(agenda, archive.catalog, forms, problems)
        check_parents(agenda, forms, problems)
        check_references(agenda, forms, problems)
        report_drift(agenda, forms, problems)
    link_meetings(archive, problems)
    check_numbers(archive, problems)
    for document in [*archive.agendas, *archive.meetings]:
        check_unfilled(document, problems)


def check_categories(agenda: m.Agenda, catalog: dict, forms, problems) -> None:
    """The basis must match the sheets present and the checklists present."""
    basis = forms.agenda.role("basis")
    checklists = forms.agenda.role("checklists")
    checklists_key = checklists.key if checklists else ""
    line = agenda.lines.get(basis.key, 1)
    sheets = set(agenda.sheet_categories)
    listed = {c.category for c in agenda.checklists}
    for category in agenda.basis:
        if category not in sheets:
            problems.error(agenda.path, line, basis.key, f"「{category}」の別紙がありません",
                           f"`{category}:` の別紙を書くか、{basis.label}から「{category}」を外してください")
        if category in catalog and category not in listed:
            problems.error(agenda.path, agenda.lines.get(checklists_key) or line, checklists_key,
                           f"「{category}」の{checklists.label}がありません",
                           f"`{checklists_key}:` の下に `{category}: {{}}`（標準どおりすべて{forms.default_mark}）を書いてください")
    for name in (c.name for c in forms.categories if c.name in sheets and c.basis and c.name not in agenda.basis):
        problems.error(agenda.path, agenda.lines.get(sheet_title(forms, name), line), name,
                       f"{basis.label}に「{name}」がないのに別紙があります",
                       f"{basis.label}に「{name}」を加えるか、この別紙を消してください")
    for checklist in agenda.checklists:
        if checklist.category not in agenda.basis:
            problems.error(agenda.path, agenda.lines.get(checklists_key, line), f"{checklists_key}.{checklist.category}",
                           f"{basis.label}に「{checklist.category}」がないのに{checklists.label}があります",
                           f"{basis.label}に加えるか、この{checklists.label}を消してください")


def sheet_title(forms, category: str) -> str:
    """The field path of a sheet's title (where a sheet's problems are reported)."""
    return f"{category}.{forms.agenda.role('sheets').options.get('表題のキー', '')}"


def check_parents(agenda: m.Agenda, forms, problems) -> None:
    """A sheet of a category with a parent (再委託 under 業務委託) needs the parent in the basis and its sheet;
    a partners field marked 親と同じ names partners of the parent sheet."""
    basis = forms.agenda.role("basis")
    for sheet in agenda.sheets:
        category = forms.category(sheet.category)
        if not category.parent:
            continue
        parent = agenda.sheet(category.parent)
        line = agenda.lines.get(sheet_title(forms, sheet.category), 1)
        if category.parent not in agenda.basis:
            problems.error(agenda.path, line, sheet.category,
                           f"{sheet.category}は{category.parent}の根拠がないと付議できません",
                           f"{basis.label}に「{category.parent}」を加えてください")
        for row in (r for r in sheet.rows if r.field is not None and r.field.same_as_parent):
            field = f"{sheet.category}.{row.key}"
            where = agenda.lines.get(field, line)
            if parent is None:
                problems.error(agenda.path, where, sheet.category, f"{sheet.category}の元になる{category.parent}の別紙がありません",
                               f"`{category.parent}:` の別紙に{row.key}を書いてください")
                continue
            known = [p.name for p in parent.get(row.key).items] if parent.get(row.key) else []
            for partner in row.value.items:
                if partner.name not in known:
                    guess = difflib.get_close_matches(partner.name, known, n=1, cutoff=0.4)
                    hint = (f"{category.parent}の{row.key}「{guess[0]}」と同じ名称にしてください" if guess
                            else f"{category.parent}の別紙の{row.key}と同じ名称を書いてください")
                    problems.error(agenda.path, where, field, f"「{partner.name}」は{category.parent}の{row.key}にありません", hint)


def check_references(agenda: m.Agenda, forms, problems) -> None:
    """資料N-1 / 資料N-2 mentioned in the text must be attachments this item has."""
    word = forms.agenda.texts["番号の接頭語"]
    number_label = forms.agenda.role("number").label
    attachments = {str(f.options.get("枝番")): f for f in forms.agenda.fields if f.options.get("枝番")}
    present = {branch: getattr(agenda, {"flow": "data_flow"}.get(f.role, f.role)) is not None
               for branch, f in attachments.items()}
    reference = re.compile(re.escape(word) + r"(\d+)(?:-(\d+))?")
    for field, text, line in texts_with_lines(agenda, forms):
        for match in reference.finditer(text):
            number, sub = match.groups()
            if number != agenda.number:
                problems.error(agenda.path, line, field, f"「{match.group(0)}」はこの{forms.agenda.name}の{number_label}（{agenda.number}）と違います",
                               f"{number_label}を確かめてください（この{forms.agenda.name}は {word}{agenda.number}）")
            elif sub in present and not present[sub]:
                problems.error(agenda.path, line, field, f"「{match.group(0)}」を参照していますが、その{word}がありません",
                               f"`{attachments[sub].key}:` を書いてください")


def texts_with_lines(agenda: m.Agenda, forms):
    """(field, text, line) for the body and every text value of the sheets."""
    overview = forms.agenda.role("overview")
    body = overview.options.get("本文", overview.key)
    for offset, text in enumerate(agenda.overview.body.split("\n")):
        yield body, text, agenda.overview.body_line + offset
    for sheet in agenda.sheets:
        for row in sheet.rows:
            if row.kind == "text":
                field = f"{sheet.category}.{row.key}"
                for text in row.value:
                    yield field, text, agenda.lines.get(field, 1)


def report_drift(agenda: m.Agenda, forms, problems) -> None:
    """Checklist rows worded unlike the catalog are warnings, with both texts."""
    key = forms.agenda.role("checklists").key
    for checklist in agenda.checklists:
        for half, group, row in checklist.rows:
            if row.differs:
                field = f"{key}.{checklist.category}.{half.key}.{group.name}.{row.position}"
                problems.warn(agenda.path, agenda.lines.get(field, agenda.lines.get(key, 1)), field,
                              f"標準の文言と違います: 「{row.text}」（標準: 「{row.standard}」）",
                              f"原本どおりならそのままで構いません。新しい{forms.agenda.name}なら `文言:` を消して標準の文言にしてください")


def link_meetings(archive: m.Archive, problems) -> None:
    """Each deliberated item that names an agenda file must find it; the agenda learns its meeting and decision."""
    forms = archive.forms
    items = forms.meeting.role("items")
    agenda_key = forms.meeting.part("items", "agenda").key
    status = forms.agenda.role("status")
    by_id = {a.id: a for a in archive.agendas}
    for meeting in sorted(archive.meetings, key=m.meeting_chronology):
        linked = []
        for item in meeting.items:
            field = f"{items.key}[{item.number}].{agenda_key}"
            agenda = by_id.get(item.agenda_id) if item.agenda_id else None
            if item.agenda_id and agenda is None:
                guess = difflib.get_close_matches(item.agenda_id, list(by_id), n=1, cutoff=0.4)
                hint = f"「{guess[0]}」の誤りではありませんか" if guess else "content/agendas/ にあるファイル名（.md なし）を書いてください"
                problems.error(meeting.path, item.line, field, f"{forms.agenda.name}「{item.agenda_id}」がありません", hint)
            if agenda is not None:
                if agenda.status == "draft":
                    problems.error(meeting.path, item.line, field, f"{forms.agenda.name}「{agenda.id}」は{agenda.status_word}です",
                                   f"{agenda.path} の{status.label}を{forms.status_word('submitted')}か{forms.status_word('decided')}にしてください")
                agenda.meeting, agenda.decision = meeting, item.decision or None
            linked.append(dataclasses.replace(item, title=item.title or (agenda.title if agenda else ""), agenda=agenda))
        meeting.items = tuple(linked)
    for agenda in archive.agendas:
        if agenda.status == "decided" and agenda.meeting is None:
            problems.warn(agenda.path, agenda.lines.get(status.key, 1), status.key,
                          f"{agenda.status_word}ですが、この{forms.agenda.name}を審議した{forms.meeting.name}がありません",
                          f"{forms.meeting.name}の{items.label}に `{agenda_key}: {agenda.id}` を加えてください")


def check_numbers(archive: m.Archive, problems) -> None:
    """Item numbers are unique within a 年度; an item whose meeting is not known yet is compared with every item."""
    forms = archive.forms
    number_key, word = forms.agenda.role("number").key, forms.agenda.texts["番号の接頭語"]
    by_number = defaultdict(list)
    for agenda in archive.agendas:
        year = fiscal_year(agenda.meeting.date) if agenda.meeting and agenda.meeting.date else None
        by_number[agenda.number].append((year, agenda))
    for number, entries in by_number.items():
        for index, (year, agenda) in enumerate(entries):
            clash = next((other for other_year, other in entries[:index]
                          if year is None or other_year is None or year == other_year), None)
            if clash:
                problems.error(agenda.path, agenda.lines.get(number_key, 1), number_key,
                               f"{word}{number} は {clash.path} と重複しています", f"年度内で重ならない{forms.agenda.role('number').label}にしてください")
    meeting_number = forms.meeting.role("number").key
    numbers = defaultdict(list)
    for meeting in archive.meetings:
        year = fiscal_year(meeting.date) if meeting.date else None
        numbers[(year, meeting.council, meeting.number)].append(meeting)
    for meetings in numbers.values():
        for meeting in meetings[1:]:
            problems.error(meeting.path, meeting.lines.get(meeting_number, 1), meeting_number,
                           f"第{meeting.number}回 は {meetings[0].path} と重複しています", "回の番号を確かめてください")


def strings(value):
    """Every string inside a model object (dataclasses, tuples, dicts), depth first."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if f.name not in ("meeting", "agenda", "lines", "field"):
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
        report(document.path, 1, "-", f"「{TODO}」のままの箇所があります", f"「{TODO}」を検索して書き込んでください")
