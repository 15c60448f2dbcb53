"""Cross-file checks: meeting references, categories vs sheets and checklists, numbering, catalog drift."""
from __future__ import annotations

import difflib
import re
from collections import defaultdict

from fugi import model as m
from fugi.validate.linking import link_meetings
from fugi.views.wareki import fiscal_year


def check_agenda(agenda: m.Agenda, catalog: dict, forms, problems) -> None:
    """The checks of one item against the forms and the catalog alone (run when its file is read, kept with it)."""
    check_categories(agenda, catalog, forms, problems)
    check_parents(agenda, forms, problems)
    check_references(agenda, forms, problems)
    report_drift(agenda, forms, problems)


def cross_check(archive: m.Archive, problems) -> None:
    """The checks across files (each item's own ran in check_agenda); link meetings and agenda items both ways."""
    link_meetings(archive, problems)
    check_numbers(archive, problems)


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
            problems.error(agenda.path, line, basis.key, f"「{category}」の{forms.sheet_word}がありません",
                           f"`{category}:` の{forms.sheet_word}を書くか、{basis.label}から「{category}」を外してください")
        if checklists is not None and category in catalog and category not in listed:
            problems.error(agenda.path, agenda.lines.get(checklists_key) or line, checklists_key,
                           f"「{category}」の{checklists.label}がありません",
                           f"`{checklists_key}:` の下に `{category}: {{}}`（標準どおりすべて{forms.default_mark}）を書いてください")
    for name in (c.name for c in forms.categories if c.name in sheets and c.basis and c.name not in agenda.basis):
        problems.error(agenda.path, sheet_line(agenda, forms, name, line), name,
                       f"{basis.label}に「{name}」がないのに{forms.sheet_word}があります",
                       f"{basis.label}に「{name}」を加えてください（今回は審議に出さない区分なら、{forms.sheet_word}はこのファイルの"
                       "外へ写して残し、次に審議に出すときに戻してください）")
    for checklist in agenda.checklists:
        if checklist.category not in agenda.basis:
            field = f"{checklists_key}.{checklist.category}"
            problems.error(agenda.path, agenda.lines.get(field) or agenda.lines.get(checklists_key, line), field,
                           f"{basis.label}に「{checklist.category}」がないのに{checklists.label}があります",
                           f"{basis.label}に「{checklist.category}」を加えてください（今回は審議に出さない区分なら、"
                           f"この{checklists.label}はこのファイルの外へ写して残してください）")


def sheet_title(forms, category: str) -> str:
    """The field path of a sheet's title (where a sheet's problems are reported)."""
    return f"{category}.{forms.agenda.role('sheets').options.get('表題のキー', '')}"


def sheet_line(agenda: m.Agenda, forms, category: str, default: int) -> int:
    """The line of a sheet's `区分:` key (its title's line when the key's was not recorded)."""
    return agenda.lines.get(category) or agenda.lines.get(sheet_title(forms, category), default)


def check_parents(agenda: m.Agenda, forms, problems) -> None:
    """A sheet of a category with a parent (再委託 under 業務委託) needs the parent in the basis and its sheet;
    a partners field marked 親と同じ names partners of the parent sheet."""
    basis = forms.agenda.role("basis")
    for sheet in agenda.sheets:
        category = forms.category(sheet.category)
        if not category.parent:
            continue
        parent = agenda.sheet(category.parent)
        line = sheet_line(agenda, forms, sheet.category, 1)
        if category.parent not in agenda.basis:
            problems.error(agenda.path, line, sheet.category,
                           f"{sheet.category}は{category.parent}の根拠がないと書けません",
                           f"{basis.label}に「{category.parent}」を加えてください")
        for row in (r for r in sheet.rows if r.field is not None and r.field.same_as_parent):
            field = f"{sheet.category}.{row.key}"
            where = agenda.lines.get(field, line)
            if parent is None:
                problems.error(agenda.path, where, sheet.category, f"{sheet.category}の元になる{category.parent}の{forms.sheet_word}がありません",
                               f"`{category.parent}:` の{forms.sheet_word}に{row.key}を書いてください")
                continue
            known = [p.name for p in parent.get(row.key).items] if parent.get(row.key) else []
            for partner in row.value.items:
                if partner.name not in known:
                    guess = difflib.get_close_matches(partner.name, known, n=1, cutoff=0.4)
                    hint = (f"{category.parent}の{row.key}「{guess[0]}」と同じ名称にしてください" if guess
                            else f"{category.parent}の{forms.sheet_word}の{row.key}と同じ名称を書いてください")
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
            elif sub in present and attachments[sub].role == "flow" and nothing_to_draw(agenda, forms):
                problems.warn(agenda.path, line, field,
                              f"「{match.group(0)}」を参照していますが、{attachments[sub].label}に描くものがありません"
                              f"（図のファイルも、区分の欄の{forms.agenda.texts['相手先の総称']}や渡す項目も、書き足した流れもありません）",
                              f"`{attachments[sub].key}:` に `流れ:`（例: `- {{元: 本人, 先: 区, 項目: 申請書}}`）か "
                              "`図: images/ファイル名.png` を書いてください")


def nothing_to_draw(agenda: m.Agenda, forms) -> bool:
    """資料N-1 would be blank: no image, and its drawing (fugi.views.flow) has no arrow."""
    from fugi.views.flow import flow_graph

    return not agenda.data_flow.image and flow_graph(agenda, forms).empty


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


def row_field(forms, checklist, half, group, row) -> str:
    """The field path of a checklist row: チェックリスト.外部結合.相手方.運用上の対策.4 (an added row: …追加[1])."""
    where = f"{forms.agenda.role('checklists').key}.{checklist.category}.{half.key}.{group.name}"
    if row.added:
        return f"{where}.追加[{row.position - sum(1 for r in group.rows if not r.added)}]"
    return f"{where}.{row.position}"


def report_drift(agenda: m.Agenda, forms, problems) -> None:
    """Checklist rows worded unlike the catalog are warnings, with both texts, unless marked 原本どおり; a row whose
    mark is not the default one needs a reason (理由), unless the original gives none (原本どおり)."""
    if not agenda.checklists:
        return
    key = forms.agenda.role("checklists").key
    default = forms.default_mark
    for checklist in agenda.checklists:
        for half, group, row in checklist.rows:
            field = row_field(forms, checklist, half, group, row)
            line = agenda.lines.get(field, agenda.lines.get(key, 1))
            if row.differs and not row.intended:
                problems.warn(agenda.path, line, field, f"標準の文言と違います: 「{row.text}」（標準: 「{row.standard}」）",
                              f"原本どおりなら `原本どおり: true` を書き加えてください。新しい{forms.agenda.name}なら"
                              " `文言:` を消して標準の文言にしてください")
            if row.mark != default and not row.reason and not row.intended:
                example = f"- {{印: {row.mark}, 文言: …, 理由: …}}" if row.added else f"{row.position}: {{印: {row.mark}, 理由: …}}"
                problems.warn(agenda.path, line, field, f"「{row.mark}」（{forms.mark_meaning(row.mark)}）の理由がありません",
                              f"`{example}` のように理由を書いてください"
                              "（原本に理由が書かれていないなら `原本どおり: true`）")
            if row.intended and not row.differs and (row.mark == default or row.reason):
                problems.warn(agenda.path, line, field, "原本どおり: true と書かれていますが、標準と違うところがありません",
                              "`原本どおり: true` を消してください")


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
    meeting_number = forms.meeting.role("number")
    numbers = defaultdict(list)
    for meeting in archive.meetings:
        year = fiscal_year(meeting.date) if meeting.date else None
        # a meeting without a number is named by its date: two of one date would bear one name
        numbers[(year, meeting.council, meeting.number, meeting.date if meeting.number is None else None)].append(meeting)
    for meetings in numbers.values():
        for meeting in meetings[1:]:
            if meeting.number is not None:
                problems.error(meeting.path, meeting.lines.get(meeting_number.key, 1), meeting_number.key,
                               f"第{meeting.number}回 は {meetings[0].path} と重複しています", "回の番号を確かめてください")
                continue
            date = forms.meeting.role("date")
            if meeting_number is None:  # a council that numbers no meeting: one meeting a day
                problems.error(meeting.path, meeting.lines.get(date.key, 1), date.key,
                               f"{date.label}（{meeting.date.isoformat()}）が同じ{forms.meeting.name}が {meetings[0].path} にもあります",
                               f"1日の{forms.meeting.name}は1つのファイルにまとめてください")
                continue
            problems.error(meeting.path, meeting.lines.get(date.key, 1), date.key,
                           f"{meeting_number.label}のない{forms.meeting.name}で{date.label}（{meeting.date.isoformat()}）も同じものが"
                           f" {meetings[0].path} にもあります",
                           f"どちらにも `{meeting_number.key}:`（第何回か）を書いて区別してください")
