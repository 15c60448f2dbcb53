"""Checklists: the standard catalog of each 区分 (content/checklists/) and an item's marks and wording applied to it."""
from __future__ import annotations

from typing import Optional

from fugi import model as m
from fugi.forms.kinds import Kind, closed
from fugi.source.reader import Context, Reader, hint_choices

#: Keys of a catalog file (besides the forms' halves).
CATALOG_KEYS = ("区分", "番号", "表題", "副題", "列見出し", "凡例")
#: Keys of a row override: its mark, its wording, why it deviates, and that it is as the original on purpose.
ROW_KEYS = ("印", "文言", "理由", "原本どおり")


def parse_catalog(src, forms, problems) -> Optional[m.CatalogChecklist]:
    """A catalog file: the standard sentences of one category's checklist, by half and group."""
    ctx = Context(str(src.path_display), problems)
    f = Reader(ctx, src.meta)
    owners = [c.name for c in forms.categories if c.checklist == src.path.name]
    category = f.choice("区分", [c.name for c in forms.categories])
    if category and owners and category not in owners:
        f.error("区分", f"{forms.path} では、このファイルは「{owners[0]}」の標準です",
                f"区分を「{owners[0]}」にするか、{forms.path} の区分の 標準: を直してください")
    number = f.integer("番号")
    title = f.string("表題")
    subtitle = f.string("副題", required=False, default="")
    column = f.string("列見出し")
    legend = f.string("凡例")
    halves = {}
    for half in forms.halves:
        hf = f.mapping(half)
        if hf is None:
            continue
        heading = hf.string("見出し")
        groups = {group: sentences for group in forms.groups if (sentences := hf.text(group))}
        hf.finish(["見出し", *forms.groups])
        halves[half] = m.CatalogHalf(heading or "", groups)
    f.finish([*CATALOG_KEYS, *forms.halves])
    if not category or len(halves) < len(forms.halves):
        return None
    return m.CatalogChecklist(category, number or 0, title or "", subtitle, column or "", legend or "", halves, ctx.path)


def catalog_schema(forms) -> dict:
    half = closed({"見出し": {"type": "string"}, **{g: {"type": "array", "items": {"type": "string"}} for g in forms.groups}},
                  ["見出し"])
    props = {"区分": {"enum": [c.name for c in forms.categories]}, "番号": {"type": "integer"}, "表題": {"type": "string"},
             "副題": {"type": "string"}, "列見出し": {"type": "string"}, "凡例": {"type": "string"},
             **{h: half for h in forms.halves}}
    return closed(props, ["区分", "番号", "表題", "列見出し", "凡例", *forms.halves])


class Checklists(Kind):
    """An item's checklists: per category, only what differs from the catalog (a mark per row number, 文言, 追加)."""

    id = "checklists"

    def read(self, reader, field, env):
        cf = reader.mapping(field.key, required=False)
        if cf is None:
            return ()
        result = []
        for key in list(cf.map):
            category = env.forms.category(key)
            if key in env.catalog:
                cf.used.add(key)
                result.append(apply_catalog(cf.sub(key), env.catalog[key], env.forms))
            elif category is not None and category.checklist:
                cf.used.add(key)
                cf.error(key, f"「{key}」の標準の{field.label}がありません",
                         f"content/checklists/{category.checklist} を確かめてください")
        cf.finish([c.name for c in env.forms.categories if c.checklist])
        order = [c.name for c in env.forms.categories]
        return tuple(sorted(result, key=lambda c: order.index(c.category)))

    def schema(self, field, forms):
        mark = {"enum": [e["印"] for e in forms.marks]}
        keys = {"印": mark, "文言": {"type": "string"}, "理由": {"type": "string", "description": "標準と違う理由"},
                "原本どおり": {"type": "boolean", "description": "文言（と理由のないこと）が原本どおりであること"}}
        row = {"anyOf": [mark, closed(keys)]}
        added = {"type": "array", "items": closed(keys, ["文言"])}
        group = {"type": "object", "properties": {"追加": added}, "patternProperties": {"^[0-9]+$": row},
                 "additionalProperties": False}
        half = closed({"凡例": {"type": "string"}, **{g: group for g in forms.groups}})
        return closed({c.name: closed({h: half for h in forms.halves}) for c in forms.categories if c.checklist})

    def scaffold(self, field, forms, chosen=(), catalog=None):
        lines = [f"{field.key}:"]
        for category in (c for c in forms.categories if c.name in chosen and c.checklist):
            entry = (catalog or {}).get(category.name)
            if entry is None:
                lines.append(f"  {category.name}: {{}}")
                continue
            first, other = forms.marks[0]["印"], forms.marks[1]["印"]
            lines.append(f"  {category.name}:  # 対策が必要ないものは「{other}」に、文言を変えるときは {{印: {first}, 文言: …}}")
            for half_key in forms.halves:
                half = entry.halves[half_key]
                lines.append(f"    {half_key}:  # {half.heading}")
                for group in forms.groups:
                    lines.append(f"      {group}:")
                    lines += [f"        {i}: {first}  # {s}" for i, s in enumerate(half.groups.get(group, ()), start=1)]
        return lines


def apply_catalog(fields: Reader, entry: m.CatalogChecklist, forms) -> m.Checklist:
    """Apply an item's marks, wording and added rows to the catalog checklist of its category."""
    halves = []
    for half_key in forms.halves:
        cat_half = entry.halves[half_key]
        hf = fields.mapping(half_key, required=False) if fields.has(half_key) else None
        legend = hf.string("凡例", required=False, default="") if hf else ""
        groups = []
        for group in forms.groups:
            gf = hf.mapping(group, required=False) if hf and hf.has(group) else None
            groups.append(m.ChecklistGroup(group, apply_rows(gf, cat_half.groups.get(group, ()), forms)))
        if hf:
            hf.finish(["凡例", *forms.groups])
        halves.append((m.ChecklistHalf(half_key, cat_half.heading, tuple(groups)), legend))
    fields.finish(list(forms.halves))
    legends = {half.key: legend for half, legend in halves if legend}
    return m.Checklist(entry.category, entry.number, entry.title, entry.subtitle, entry.column,
                       entry.legend, tuple(h for h, _ in halves), legends)


_STANDARD_ROWS: dict = {}


def standard_rows(standard: tuple, default: str) -> tuple:
    """A catalog group's rows as every item starts with them: one tuple of the same row objects for every item
    (a cached model refers to them instead of copying them, see fugi.archive.loader.FormsRefs)."""
    key = (default, tuple(standard))
    rows = _STANDARD_ROWS.get(key)
    if rows is None:
        rows = _STANDARD_ROWS[key] = tuple(m.ChecklistRow(default, text, text, i + 1) for i, text in enumerate(standard))
    return rows


def apply_rows(gf: Optional[Reader], standard: tuple, forms) -> tuple:
    default = forms.default_mark
    if gf is None:
        return standard_rows(standard, default)
    rows = list(standard_rows(standard, default))
    for key in list(gf.map):
        if key == "追加":
            continue
        gf.used.add(key)
        if not isinstance(key, int) or not 1 <= key <= len(rows):
            gf.error(key, f"行番号「{key}」は標準にありません",
                     f"1〜{len(rows)} の行番号を書くか、新しい行は `追加:` に書いてください")
            continue
        mark, text, reason, intended = read_row(gf, key, gf.map[key], forms, need_text=False)
        row = rows[key - 1]
        rows[key - 1] = m.ChecklistRow(mark or row.mark, text or row.text, row.standard, row.position, reason, intended)
        gf.ctx.lines[gf.name(key)] = gf.line(key)
    for index, (item, line) in enumerate(gf.items("追加", required=False)):
        value = item.map if isinstance(item, Reader) else item
        mark, text, reason, intended = read_row(gf, f"追加[{index + 1}]", value, forms, need_text=True, line=line)
        gf.ctx.lines[gf.name(f"追加[{index + 1}]")] = line
        if text:
            rows.append(m.ChecklistRow(mark or default, text, None, len(rows) + 1, reason, intended))
    return tuple(rows)


def read_row(gf: Reader, key, value, forms, need_text, line=None):
    """A row override: a bare mark, or {印, 文言, 理由, 原本どおり} -> (mark, text, reason, intended)."""
    line = line or gf.line(key)
    field = gf.name(key)
    marks = [e["印"] for e in forms.marks]
    reason, intended = "", False
    if isinstance(value, dict):
        row = Reader(gf.ctx, value, field)
        mark, text = value.get("印"), row.text("文言", required=False)
        text = "\n".join(text) if text else None
        reason = "\n".join(row.text("理由", required=False) or ())
        intended = bool(row.boolean("原本どおり", required=False))
        row.used.add("印")
        row.finish(ROW_KEYS)
        if need_text and not text:
            gf.ctx.error(line, field, "追加する行に文言がありません", "`文言: 対策の文章` を書いてください")
    else:
        mark, text = value, None
        if need_text:
            gf.ctx.error(line, field, "追加する行は「印」と「文言」で書いてください",
                         f"`- {{印: {marks[0]}, 文言: 対策の文章}}` の形にしてください")
    if mark is not None and mark not in marks:
        meanings = "、".join(f"{e['意味']}なら「{e['印']}」" for e in forms.marks)
        gf.ctx.error(line, field, f"印「{mark}」は使えません", f"{meanings}を書いてください")
        mark = None
    return mark, text, reason, intended
