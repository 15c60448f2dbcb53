"""Raw front matter -> typed model, driven by the form definition, reporting every problem with its line and field."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from fugi import model as m
from fugi.forms.checklists import parse_catalog
from fugi.forms.definition import meeting_title
from fugi.forms.registry import KINDS
from fugi.validate.placeholders import report_placeholders
from fugi.source.reader import Context, Reader
from fugi.views.wareki import date_ja


@dataclass
class Env:
    """What reading one file needs besides the file: the forms, the catalog, content/, the file, what was read."""

    forms: object
    catalog: dict
    content_root: Optional[Path]
    src: object = None
    values: dict = field(default_factory=dict)


def read_document(reader: Reader, form, env: Env) -> dict:
    """Every field of a document form, read by its kind: {role or key: value}; unknown keys flagged."""
    env.values = {}
    allowed = []
    for one in form.fields:
        env.values[one.role or one.key] = KINDS[one.kind].read(reader, one, env)
        allowed += [c.name for c in env.forms.categories] if one.role == "sheets" else [one.key]
    reader.finish(allowed)
    return env.values


def parse_agenda(src, env: Env, problems) -> Optional[m.Agenda]:
    ctx = Context(src.path_display, problems)
    env.src = src
    forms = env.forms
    v = read_document(Reader(ctx, src.meta), forms.agenda, env)
    public, status = forms.agenda.role("public").key, forms.agenda.role("status").key
    overview = forms.agenda.role("overview")
    report_placeholders(src, ctx, v.get("public") is True and forms.status_meaning(v.get("status") or "") not in ("draft", ""),
                        overview.options.get("本文", overview.key),
                        f"{public}: true で{status}が{forms.status_word('draft')}でない")
    if any(v.get(role) is None for role in ("title", "number", "status", "public", "overview", "basis")):
        return None
    return m.Agenda(id=src.stem, path=src.path_display, title=v["title"], number=str(v["number"]),
                    status=forms.status_meaning(v["status"]), status_word=v["status"], public=v["public"],
                    basis=v["basis"], article=v.get("article") or forms.council["根拠の条項"],
                    departments=v.get("departments") or (), overview=v["overview"], sheets=v.get("sheets") or (),
                    checklists=v.get("checklists") or (), info_items=v.get("info_items"), data_flow=v.get("flow"),
                    lines=ctx.lines)


def parse_meeting(src, env: Env, problems) -> Optional[m.Meeting]:
    ctx = Context(src.path_display, problems)
    env.src = src
    forms = env.forms
    reader = Reader(ctx, src.meta)
    v = read_document(reader, forms.meeting, env)
    advice, public = forms.meeting.role("advice"), forms.meeting.role("public").key
    report_placeholders(src, ctx, v.get("public") is True, advice.key if advice else "-", f"{public}: true な")
    start, end = v.get("start"), v.get("end")
    if start and end and end < start:
        end_key = forms.meeting.role("end").key
        start_key = forms.meeting.role("start").key
        reader.error(end_key, f"{end_key}（{end}）が{start_key}（{start}）より前です",
                     f"{start_key}と{end_key}の時刻を確かめてください")
    number, date = forms.meeting.role("number"), forms.meeting.role("date")
    if number is not None and number.required and v.get("number") is None:
        return None  # a council that numbers every meeting: the missing 回 is reported as a required field
    if v.get("number") is None:  # a meeting may have no number (or its council numbers none): its date names it
        keys = [one.key for one in (number, date) if one is not None]
        unreadable = any(p.path == ctx.path and p.field in keys for p in problems.errors)
        if v.get("date") is None and not unreadable:
            if number is not None:
                what = f"{number.label}も{date.label}も" if date else f"{number.label}が"
                how = (f"`{number.key}: 5`（第何回か）か `{date.key}: 2025-09-01` を書いてください（{number.label}がなければ"
                       f"{date.label}で名前を付けます）" if date else f"`{number.key}: 5`（第何回か）を書いてください")
            else:
                what, how = f"{date.label}が", f"`{date.key}: 2025-09-01` を書いてください（{date.label}で名前を付けます）"
            ctx.error(reader.map.line, keys[0] if keys else "", f"{what}ありません", how)
        if v.get("date") is None or unreadable:
            return None
    if any(v.get(role) is None for role in ("public", "items")):
        return None
    council = v.get("council") or forms.council["名称"]
    advice_title, advice_intro = v.get("advice") or ("", "")
    values = {one.key: v.get(one.role) for one in forms.meeting.fields}
    values[forms.meeting.role("council").key if forms.meeting.role("council") else ""] = council
    title = meeting_title(forms.meeting, values, numbered=v.get("number") is not None)
    return m.Meeting(id=src.stem, path=src.path_display, council=council, number=v.get("number"), date=v.get("date"),
                     start=start, end=end, place=v.get("place") or "", attendees=v.get("attendees") or (),
                     basis_text=v.get("basis_text") or forms.council["審議の根拠"], items=v["items"],
                     advice_title=advice_title, advice=src.body.strip("\n"), advice_intro=advice_intro,
                     remarks=v.get("remarks") or (), public=v["public"],
                     body_line=src.body_line + len(src.body) - len(src.body.lstrip("\n")), title=title,
                     lines=ctx.lines, own=tuple((f.key, v.get(f.key)) for f in forms.meeting.fields if not f.role))
