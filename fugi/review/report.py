"""The review as the secretariat reads it: plain text for a terminal, or Markdown to attach to the meeting papers."""
from __future__ import annotations

import re
from types import SimpleNamespace

from fugi.views import printed as v
from fugi.review.findings import ItemReview
from fugi.review.data_items import VOCABULARY_FILE

NO_REASON = "理由の記載なし"
RULE = "═" * 60
SHOWN = 30  # ordinary items listed in the terminal before 「ほか N件」


def words(forms) -> SimpleNamespace:
    """Every label the report prints that the forms decide (the rest are fugi's own words)."""
    labels = v.labels(forms)
    conditions = forms.meeting.part("items", "conditions")
    advice = forms.meeting.role("advice")
    return SimpleNamespace(L=labels, conditions=conditions.label if conditions else "",
                           advice=advice.label if advice else "", reason="理由")


def decision_text(cite, w) -> str:
    text = f"⇒ {cite.decision}"
    if cite.conditions:
        text += f"（{w.conditions}: {' '.join(cite.conditions)}）"
    return text


def where_text(cite) -> str:
    return cite.url or f"{cite.path}（サイト非掲載）"


def state_text(deviation, w) -> str:
    parts = []
    if deviation.state == "differs":
        parts.append("文言が標準と異なる")
    elif deviation.state == "added":
        parts.append("標準にない行")
    if deviation.deviates:
        parts.append(f"「{deviation.mark}」{deviation.meaning}")
    return "・".join(parts)


def marks_text(precedent) -> str:
    return "・".join(f"{mark} {n}件" for mark, _, n in precedent.marks)


def same_heading(deviation) -> str:
    if deviation.state == "added":
        return "同じ行を加えたもの"
    if deviation.deviates:
        return f"同じく「{deviation.mark}」としたもの"
    return "同じく文言を変えたもの"


def row_name(deviation) -> str:
    where = f"{deviation.label} {deviation.position}"
    return f"{deviation.label}（追加）" if deviation.state == "added" else where


def class_summary(item_review: ItemReview) -> list:
    """[(class, [items], suffix)] with 「…を含む」 for the classes the site marks."""
    found = item_review.sensitivity
    return [(c, items, "を含む" if c.sensitive else "") for c, items in found.by_class()] if found else []


def match_text(item, data_class) -> str:
    names = []
    for mt in item.matches_of(data_class):
        label = mt.entry.kind or mt.entry.name
        shown = label if mt.entry.name == label else f"{label}（{mt.entry.name}）"
        if shown not in names:
            names.append(shown)
    return "、".join(names)


def notes_of(item, data_class) -> list:
    return list(dict.fromkeys(mt.entry.note for mt in item.matches_of(data_class) if mt.entry.note))


# ---------------------------------------------------------------------------
# Text


def text_report(reviews: list, forms) -> str:
    w = words(forms)
    if not reviews:
        return f"確認する{w.L.agenda}はありません（すべて{forms.status_word('decided')}済みです）。\n"
    return "\n".join(text_item(r, forms, w) for r in reviews)


def text_item(r: ItemReview, forms, w) -> str:
    view, out = r.view, []
    add = out.append
    add(RULE)
    add(f"{view.number_text} {view.title}")
    add(f"  {r.agenda.id}（{r.agenda.path}）")
    facts = [f"{w.L.status}: {view.status}", f"区分: {'・'.join(view.categories)}",
             f"{w.L.sections}: {'・'.join(view.sections)}"]
    facts += [f"{role}: {'・'.join(names)}" for role, names in view.partners]
    add("  " + " ｜ ".join(facts))
    add(f"  先例として比べた{w.L.agenda}: これまでに審議した {r.compared}件")
    add("")
    if r.hearings:
        add(f"■ この{w.L.agenda}を審議した会議（{len(r.hearings)}回）")
        for h in r.hearings:
            add(f"  {h.title}（{h.date}） {w.L.items}({h.item_number}) {decision_text(h, w)}  {h.url or h.path}")
            for speaker, said in h.remarks:
                add(f"    {w.L.meeting_remarks}: {speaker}: {said}")
            if h.advice.strip():
                add(f"    {h.heading}" if h.heading else f"    {w.advice}")
                for line in h.advice.splitlines():
                    add(f"    {line}" if line.strip() else "")
        add("")
    add(f"■ 標準との違い（{len(r.deviations)}行）")
    if not r.deviations:
        add(f"  すべての行が標準の{w.L.checklists}のとおりです。")
    for number, d in enumerate(r.deviations, start=1):
        add(f"  {number}. {d.checklist}")
        add(f"     {row_name(d)}  {state_text(d, w)}")
        if d.state == "differs":
            add(f"       この{w.L.agenda}: {d.text}")
            add(f"       標準の文言:     {d.standard}")
        else:
            add(f"       文言: {d.text}" + ("（標準の文言のまま）" if d.state != "added" else ""))
        add(f"       {w.reason}: {d.reason or NO_REASON}")
        p = d.precedent
        if not p.compared:
            add(f"       先例: これまでに審議した{w.L.agenda}に{d.category}の{w.L.checklists}はありません")
            continue
        add(f"       先例: {d.category}の{w.L.checklists}がある {p.compared}件 — {marks_text(p)}、"
            f"文言が標準と異なる {p.reworded}件")
        add(f"         {same_heading(d)}: " + ("なし" if not p.same else f"{len(p.same) + p.more}件"))
        for c in p.same:
            add(f"         - {c.number_text} {c.title} {c.meeting} {decision_text(c, w)}  {where_text(c)}")
        if p.more:
            add(f"         - ほか {p.more}件")
    add("")
    add(f"■ 同じ{w.L.partners}の先例")
    if not r.partners:
        add(f"  {w.L.partners}はありません。")
    for p in r.partners:
        add(f"  {p.name}（{p.role}）: " + ("これまでの審議なし" if not p.cites else f"{len(p.cites) + p.more}件"))
        for c in p.cites:
            add(f"    - {c.number_text} {c.title}（{c.role}） {c.meeting} {decision_text(c, w)}  {where_text(c)}")
        if p.more:
            add(f"    - ほか {p.more}件")
    add("")
    add(f"■ 似た{w.L.agenda}を審議した会議の{w.advice}（同じ区分・同じ{w.L.partners}）")
    if not r.advice:
        add(f"  {w.advice}の記録がある会議はありません。")
    for a in r.advice:
        why = "、".join(f"{label}: {'・'.join(names)}" for label, names in a.why)
        add(f"  {a.title}（{a.date}） {a.url or a.path}")
        add(f"    似ている点: {why}")
        if a.heading:
            add(f"    {a.heading}")
        for line in a.advice.splitlines():
            add(f"    {line}" if line.strip() else "")
    if r.advice_more:
        add(f"  ほか {r.advice_more}回の会議")
    add("")
    out += text_sensitivity(r, forms, w)
    return "\n".join(out) + "\n"


def text_sensitivity(r: ItemReview, forms, w) -> list:
    found = r.sensitivity
    if found is None:
        return ["■ 個人情報の種類", f"  語彙のファイル（content/{VOCABULARY_FILE.as_posix()}）がないため、照合していません。"]
    out = [f"■ 個人情報の種類（{w.L.info_items} {len(found.items)}件）"]
    groups = {c.name: (items, suffix) for c, items, suffix in class_summary(r)}
    for data_class in sorted(found.vocabulary.classes, key=lambda c: c.rank):
        items, suffix = groups.get(data_class.name, ([], ""))
        if not items:
            if data_class.sensitive:
                out.append(f"  {data_class.name}: 該当なし")
            continue
        if data_class.treatment == "ordinary":
            names = [i.name for i in items]
            rest = f" ほか {len(names) - SHOWN}件（--format md ですべて）" if len(names) > SHOWN else ""
            out.append(f"  {data_class.name}（{len(items)}件）: {'、'.join(names[:SHOWN])}{rest}")
            continue
        out.append(f"  {data_class.name}{suffix}（{len(items)}件）")
        noted = set()
        for item in items:
            out.append(f"    ・{item.name} — {match_text(item, data_class)}  [{' / '.join(str(p) for p in item.places)}]")
            out += [f"        備考: {note}" for note in notes_of(item, data_class) if note not in noted]
            noted.update(notes_of(item, data_class))
    unknown = found.unknown
    if unknown:
        out.append(f"  語彙にない項目（{len(unknown)}件）: {'、'.join(i.name for i in unknown)}")
        out.append(f"    → {found.vocabulary.path} の項目の 別名: に加えるか、新しい項目を作ってください")
    return out


# ---------------------------------------------------------------------------
# Markdown


MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text) -> str:
    """Clerk text as Markdown text: special characters escaped, on one line."""
    return MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_link(text: str, url: str) -> str:
    return f"[{md(text)}]({url})" if url else md(text)


def md_report(reviews: list, forms) -> str:
    w = words(forms)
    out = [f"# {w.L.agenda}の確認（{len(reviews)}件）", ""]
    if not reviews:
        out.append(f"確認する{w.L.agenda}はありません。")
    for r in reviews:
        out += md_item(r, forms, w)
    return "\n".join(out).rstrip("\n") + "\n"


def md_cite(c, w, role=False) -> str:
    title = md_link(f"{c.number_text} {c.title}", c.url)
    where = "" if c.url else f"（`{c.path}`、サイト非掲載）"
    extra = f"（{md(c.role)}）" if role and c.role else ""
    return f"- {title}{extra}{where} {md(c.meeting)} {md(decision_text(c, w))}"


def md_item(r: ItemReview, forms, w) -> list:
    view = r.view
    out = [f"## {md(view.number_text)} {md(view.title)}", ""]
    out += [f"| {w.L.status} | 区分 | {w.L.sections} | {w.L.partners} | ファイル |", "| --- | --- | --- | --- | --- |",
            f"| {md(view.status)} | {md('・'.join(view.categories))} | {md('・'.join(view.sections))} | "
            f"{md('、'.join(f'{n}（{role}）' for role, names in view.partners for n in names))} | `{r.agenda.path}` |", ""]
    if r.hearings:
        out += [f"### この{w.L.agenda}を審議した会議（{len(r.hearings)}回）", ""]
        for h in r.hearings:
            where = "" if h.url else f"（`{h.path}`）"
            out += [f"- {md_link(f'{h.title}（{h.date}）', h.url)}{where} {md(w.L.items)}({h.item_number}) "
                    f"{md(decision_text(h, w))}"]
            out += [f"  - {md(w.L.meeting_remarks)}: {md(speaker)}: {md(said)}" for speaker, said in h.remarks]
            if h.advice.strip():
                quoted = ([f"**{md(h.heading)}**", ""] if h.heading else []) + h.advice.splitlines()
                out += [""] + ["  > " + line if line.strip() else "  >" for line in quoted]
        out.append("")
    out += [f"### 標準との違い（{len(r.deviations)}行）", ""]
    if not r.deviations:
        out += [f"すべての行が標準の{w.L.checklists}のとおりです。", ""]
    else:
        out += [f"| # | {w.L.checklists} | 行 | 違い | この{w.L.agenda}の文言 | 標準の文言 | {w.reason} |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for number, d in enumerate(r.deviations, start=1):
            standard = "（標準にない行）" if d.standard is None else ("（同じ）" if d.standard == d.text else d.standard)
            out.append(f"| {number} | {md(d.checklist)} | {md(row_name(d))} | {md(state_text(d, w))} | {md(d.text)} | "
                       f"{md(standard)} | {md(d.reason or NO_REASON)} |")
        out.append("")
        out += [f"#### 先例（これまでに審議した{w.L.agenda} {r.compared}件から）", ""]
        for number, d in enumerate(r.deviations, start=1):
            p = d.precedent
            out.append(f"{number}. {md(row_name(d))} — {md(d.category)}の{w.L.checklists}がある {p.compared}件: "
                       f"{md(marks_text(p))}、文言が標準と異なる {p.reworded}件。{md(same_heading(d))}: "
                       + ("なし" if not p.same else f"{len(p.same) + p.more}件"))
            out += ["   " + md_cite(c, w) for c in p.same]
            if p.more:
                out.append(f"   - ほか {p.more}件")
        out.append("")
    out += [f"### 同じ{w.L.partners}の先例", ""]
    for p in r.partners:
        out.append(f"- **{md(p.name)}**（{md(p.role)}）: " + ("これまでの審議なし" if not p.cites else f"{len(p.cites) + p.more}件"))
        out += ["  " + md_cite(c, w, role=True) for c in p.cites]
        if p.more:
            out.append(f"  - ほか {p.more}件")
    if not r.partners:
        out.append(f"{w.L.partners}はありません。")
    out += ["", f"### 似た{w.L.agenda}を審議した会議の{w.advice}", ""]
    if not r.advice:
        out += [f"{w.advice}の記録がある会議はありません。", ""]
    for a in r.advice:
        why = "、".join(f"{label}: {'・'.join(names)}" for label, names in a.why)
        out += [f"- {md_link(f'{a.title}（{a.date}）', a.url)}{'' if a.url else f'（`{a.path}`）'} — 似ている点: {md(why)}", ""]
        quoted = ([f"**{md(a.heading)}**", ""] if a.heading else []) + a.advice.splitlines()
        out += ["  > " + line if line.strip() else "  >" for line in quoted] + [""]
    if r.advice_more:
        out += [f"ほか {r.advice_more}回の会議。", ""]
    out += md_sensitivity(r, w)
    return out


def md_sensitivity(r: ItemReview, w) -> list:
    found = r.sensitivity
    out = ["### 個人情報の種類", ""]
    if found is None:
        return out + [f"語彙のファイル（`content/{VOCABULARY_FILE.as_posix()}`）がないため、照合していません。", ""]
    marked = [f"**{md(c.name)}{suffix}**" for c, _, suffix in class_summary(r) if c.sensitive]
    out += [f"{w.L.info_items} {len(found.items)}件。" + ("、".join(marked) if marked else "要注意の分類に当たる項目はありません。"), ""]
    rows = [(c, item) for c, items, _ in class_summary(r) if c.treatment != "ordinary" for item in items]
    if rows:
        out += [f"| 分類 | {w.L.info_items} | 当たる語 | 書かれた所 | 備考 |", "| --- | --- | --- | --- | --- |"]
        out += [f"| {md(c.name)} | {md(item.name)} | {md(match_text(item, c))} | "
                f"{md(' / '.join(str(p) for p in item.places))} | {md(' '.join(notes_of(item, c)))} |" for c, item in rows]
        out.append("")
    for c, items, _ in class_summary(r):
        if c.treatment == "ordinary":
            out += [f"{md(c.name)}（{len(items)}件）: {md('、'.join(i.name for i in items))}", ""]
    if found.unknown:
        out += [f"語彙にない項目（{len(found.unknown)}件）: {md('、'.join(i.name for i in found.unknown))} — "
                f"`{found.vocabulary.path}` に加えてください。", ""]
    return out
