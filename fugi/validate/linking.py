"""The items a meeting deliberated: their decisions and conditions, repeats, links to agenda items, an item's
history across meetings, and what a public meeting may say about an item that is not published."""
from __future__ import annotations

import dataclasses
import difflib
import unicodedata

from fugi import model as m


def check_item(item, parts: dict, line: int, decision, conditions, forms) -> None:
    """A decision word says whether the item's conditions are required, refused or optional (但し書き)."""
    part = parts.get("conditions")
    if not decision or part is None:
        return
    rule = forms.condition_rule(decision)
    if rule == "required" and not conditions:
        item.ctx.error(line, item.name(part.key), f"{decision}には{part.label}が必要です",
                       f"`{part.key}:` に{part.label}を書いてください（いくつもあるなら `- ` で始まる行の並び）")
    elif rule == "refused" and conditions:
        needing = "・".join(f"「{w}」" for w in forms.decision_words("required"))
        hint = f"{part.label}を付けた{parts['decision'].label}なら「{decision}」を{needing}に直してください。" if needing else ""
        item.error(part.key, f"{decision}には{part.label}を書けません", f"{hint}{part.label}がなければ `{part.key}:` を消してください")


def check_repeated(item, parts: dict, items_key: str, number: int, ref, title, seen: dict) -> None:
    """The same agenda file (or, for items known by title only, the same title) twice in one meeting."""
    for role, value in (("agenda", ref), ("title", "" if ref else title)):
        if not value:
            continue
        first = seen.setdefault((role, value), number)
        if first != number:
            key = parts[role].key
            item.error(key, f"{key}「{value}」は{items_key}({first})と同じです",
                       "同じ会議で同じ案件は1つにまとめてください（2つ目に書いたことは1つ目へ移してください。別の案件なら、"
                       "その案件を指すように書き直してください）")


def link_meetings(archive: m.Archive, problems) -> None:
    """Each deliberated item that names an agenda file must find it; the agenda learns its history across meetings
    (its latest meeting and decision are its meeting and decision)."""
    forms = archive.forms
    items = forms.meeting.role("items")
    agenda_key = forms.meeting.part("items", "agenda").key
    status = forms.agenda.role("status")
    by_id = {a.id: a for a in archive.agendas}
    for meeting in sorted(archive.meetings, key=m.meeting_chronology):
        linked = []
        for item in meeting.items:
            field = f"{items.key}[{item.number}].{agenda_key}"
            line = meeting.lines.get(field, item.line)
            agenda = by_id.get(item.agenda_id) if item.agenda_id else None
            if item.agenda_id and agenda is None and ("agendas", item.agenda_id) not in archive.unread:
                guess = difflib.get_close_matches(item.agenda_id, list(by_id), n=1, cutoff=0.4)
                hint = f"「{guess[0]}」の誤りではありませんか" if guess else "content/agendas/ にあるファイル名（.md なし）を書いてください"
                problems.error(meeting.path, item.line, field, f"{forms.agenda.name}「{item.agenda_id}」がありません", hint)
            if agenda is not None and agenda.status == "draft":
                problems.error(meeting.path, line, field, f"{forms.agenda.name}「{agenda.id}」は{agenda.status_word}です",
                               f"{agenda.path} の{status.label}を{forms.status_word('submitted')}か{forms.status_word('decided')}にしてください")
            elif agenda is not None:
                check_publication(meeting, item, agenda, forms, problems)
            linked.append(dataclasses.replace(item, title=item.title or (agenda.title if agenda else ""), agenda=agenda))
        meeting.items = tuple(linked)
        check_advice(meeting, forms, problems)
    m.record_history(archive.meetings)
    follow_record(archive, problems)
    from fugi.validate.reports import check_reports

    check_reports(archive, problems)


def follow_record(archive: m.Archive, problems) -> None:
    """An item's state follows the meetings that heard it: decided when its latest meeting decided it (a decision
    that is not pending), submitted otherwise (not heard yet, or heard and not decided).  The record decides: a
    状態 saying decided where the record does not is an error at its line; a submitted item the record decided is
    shown decided.  A draft stays a draft (a meeting may not hear one: link_meetings says so)."""
    forms = archive.forms
    status, items = forms.agenda.role("status"), forms.meeting.role("items")
    agenda_key = forms.meeting.part("items", "agenda").key
    meetings_unread = any(kind == "meetings" for kind, _ in archive.unread)  # the one that heard it, perhaps
    decided, submitted = forms.status_word("decided"), forms.status_word("submitted")
    for agenda in archive.agendas:
        if agenda.status == "draft":
            continue
        state = "decided" if agenda.decision and not forms.pending(agenda.decision) else "submitted"
        if agenda.status == "decided" and state != "decided" and not meetings_unread:
            line = agenda.lines.get(status.key, 1)  # read only here: a cached item's lines are read when first used
            if agenda.meeting is None:
                problems.error(agenda.path, line, status.key,
                               f"{agenda.status_word}ですが、この{forms.agenda.name}を審議した{forms.meeting.name}がありません",
                               f"{status.label}を{submitted}にしてください（{decided}かどうかは{forms.meeting.name}の記録から"
                               f"決まります）。{decided}したなら、その{forms.meeting.name}の{items.label}に"
                               f" `{agenda_key}: {agenda.id}` を加えてください")
            else:
                said = f"「{agenda.decision}」です" if agenda.decision else f"{forms.meeting.part('items', 'decision').label}がありません"
                problems.error(agenda.path, line, status.key,
                               f"{agenda.status_word}ですが、最後の{forms.meeting.name}（{agenda.meeting.path}）では{said}",
                               f"{status.label}を{submitted}にしてください（{decided}かどうかは{forms.meeting.name}の記録から"
                               f"決まります）。{decided}したなら、決めた{forms.meeting.name}を加えてください")
        if not meetings_unread:
            agenda.status, agenda.status_word = state, forms.status_word(state)


def check_publication(meeting: m.Meeting, item: m.Deliberation, agenda: m.Agenda, forms, problems) -> None:
    """A public meeting may name an unpublished agenda item only when it says to withhold it (非公開: true);
    withholding an item that is published contradicts the item."""
    items = forms.meeting.role("items")
    withheld = forms.meeting.part("items", "withheld")
    public = forms.agenda.role("public")
    where = f"{items.key}[{item.number}]"
    if item.withheld and agenda.published:
        problems.error(meeting.path, meeting.lines.get(f"{where}.{withheld.key}", item.line), f"{where}.{withheld.key}",
                       f"{forms.agenda.name}「{agenda.id}」は{public.label}されています",
                       f"`{withheld.key}: true` を消すか、{agenda.path} の{public.label}を false にしてください")
    elif meeting.public and not agenda.published and not item.withheld:
        agenda_key = forms.meeting.part("items", "agenda").key
        how = (f"この{items.label}に `{withheld.key}: true` を書くと、番号と{forms.meeting.part('items', 'decision').label}"
               f"だけを載せます（{withheld_parts(forms)}は載せません）。" if withheld else "")
        problems.error(meeting.path, meeting.lines.get(f"{where}.{agenda_key}", item.line), f"{where}.{agenda_key}",
                       f"{forms.agenda.name}「{agenda.id}」は{public.label}しないものですが、この{forms.meeting.name}は{public.label}されます",
                       f"{how}{public.label}してよいなら {agenda.path} の{public.label}を true にしてください")


def withheld_parts(forms) -> str:
    """What withholding an item leaves out: 件名・条件・発言 (the labels of the forms)."""
    parts = [forms.meeting.part("items", "title"), forms.meeting.part("items", "conditions"), forms.meeting.role("remarks")]
    return "・".join(p.label for p in parts if p is not None)


def check_advice(meeting: m.Meeting, forms, problems) -> None:
    """What a public meeting publishes must not name an item it withholds (or whose agenda item is not published):
    its 助言, and every other public field — 場所, 出席者, 審議内容, another item's 件名 and 条件, the 発言 of the
    items it publishes. Each withheld title is reported at the line of the field where it appears, found with spaces
    and line breaks ignored and widths folded on both sides (folded())."""
    if not meeting.public:
        return
    hidden = [item for item in meeting.items if item.withheld or (item.agenda is not None and not item.agenda.published)]
    titles = [(item, title) for item in hidden
              for title in dict.fromkeys(t for t in (item.title, item.agenda.title if item.agenda else "") if t)]
    if not titles:
        return
    folded_titles = [(item, title, folded(title)) for item, title in titles]
    items_label = forms.meeting.role("items").label
    title_label = forms.meeting.part("items", "title").label
    public_label = forms.meeting.role("public").label
    reported = set()
    for line, field, label, text in public_texts(meeting, forms, {item.number for item in hidden}):
        text = folded(text)
        for item, title, fold in folded_titles:
            if fold and fold in text and (field, item.number) not in reported:
                reported.add((field, item.number))
                problems.error(meeting.path, line, field,
                               f"{label}に、載せない{items_label}({item.number})の{title_label}「{title}」があります",
                               f"{public_label}する{forms.meeting.name}の{label}から外してください")


def folded(text: str) -> str:
    """A text as a search for a withheld title compares it: width folded (NFKC: ﾃｽﾄ and テスト, Ｂ and B are the same)
    and every space (ASCII or full-width) and line break removed, so that a title typed with a space in it is found."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def public_texts(meeting: m.Meeting, forms, hidden: set):
    """(line, field, label, text) of every text a public meeting publishes, the hidden items' own parts left out."""
    lines = meeting.lines
    role = forms.meeting.role
    for name, value in (("council", meeting.council), ("place", meeting.place), ("basis_text", meeting.basis_text)):
        field = role(name)
        if field is not None and value and field.key in lines:
            yield lines[field.key], field.key, field.label, value
    attendees = role("attendees")
    for index, person in enumerate(meeting.attendees if attendees else (), start=1):
        where = f"{attendees.key}[{index}]"
        line = lines.get(where, lines.get(attendees.key, 1))
        yield line, where, attendees.label, f"{person.role}\n{person.name}"
    items = role("items")
    title, conditions = forms.meeting.part("items", "title"), forms.meeting.part("items", "conditions")
    for item in meeting.items:
        if item.number in hidden:
            continue
        where = f"{items.key}[{item.number}]"
        if title is not None and item.title:
            key = f"{where}.{title.key}"
            yield lines.get(key, item.line), key, items.label, item.title
        if conditions is not None and item.conditions:
            key = f"{where}.{conditions.key}"
            yield lines.get(key, item.line), key, items.label, "\n".join(item.conditions)
    remarks = role("remarks")
    parts = {p.role: p.key for p in remarks.parts} if remarks else {}
    for group_index, group in enumerate(meeting.remarks if remarks else (), start=1):
        if group.item_number in hidden:
            continue
        prefix = f"{remarks.key}[{group_index}]"
        for index, remark in enumerate(group.remarks, start=1):
            for part, text in (("speaker", remark.speaker), ("text", "\n".join(remark.text))):
                key = next((k for k in lines if k.startswith(prefix + ".") and k.endswith(f"[{index}].{parts.get(part)}")),
                           prefix)
                yield lines.get(key, lines.get(prefix, lines.get(remarks.key, 1))), key, remarks.label, text
    advice = role("advice")
    if advice is not None:
        line = lines.get(advice.key, meeting.body_line)
        yield line, advice.key, advice.label, meeting.advice_title
        yield line, advice.key, advice.label, meeting.advice_intro
        for offset, text in enumerate(meeting.advice.split("\n")):
            yield meeting.body_line + offset, advice.key, advice.label, text
