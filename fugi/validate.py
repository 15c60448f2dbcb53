"""Raw front matter -> typed model, reporting every problem with its file, line and field."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path, PurePosixPath
from typing import Optional

from . import model as m
from .load import LList, LMap

ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:\s*(上旬|中旬|下旬))?$")
TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def suggest(word, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.4)
    return f"「{close[0]}」の誤りではありませんか" if close else ""


def hint_choices(word, choices) -> str:
    guess = suggest(word, choices)
    listed = "・".join(str(c) for c in choices)
    return f"{guess}（使えるもの: {listed}）" if guess else f"次のいずれかを書いてください: {listed}"


class Fields:
    """Reads typed values out of one YAML mapping, recording problems and flagging unknown keys."""

    def __init__(self, ctx: "Context", mapping: LMap, prefix: str = ""):
        self.ctx, self.map, self.prefix, self.used = ctx, mapping, prefix, set()
        for key, line in getattr(mapping, "duplicates", []):
            ctx.error(line, self.name(key), "同じ項目が2回書かれています", "どちらか一方を消してください")

    def name(self, key) -> str:
        return f"{self.prefix}.{key}" if self.prefix else str(key)

    def line(self, key) -> int:
        return self.map.line_of(key) if isinstance(self.map, LMap) else 1

    def has(self, key) -> bool:
        return key in self.map

    def raw(self, key, required=True, what="値"):
        self.used.add(key)
        value = self.map.get(key)
        if key in self.map:
            self.ctx.lines[self.name(key)] = self.line(key)
        if value is None or value == "" or value == [] or value == {}:
            if required:
                if key in self.map:
                    self.ctx.error(self.line(key), self.name(key), f"{what}が空です", f"`{key}:` の後に{what}を書いてください")
                else:
                    self.ctx.error(self.map.line, self.name(key), "必須の項目がありません",
                                   f"`{key}: …` を追加してください")
            return None
        return value

    def string(self, key, required=True, default=None) -> Optional[str]:
        value = self.raw(key, required and default is None)
        if value is None:
            return default
        if isinstance(value, (dict, list)):
            self.ctx.error(self.line(key), self.name(key), "文字列で書いてください",
                           "1行の文章を書いてください（箇条書きや入れ子にはできません）")
            return default
        return clean(value)

    def text(self, key, required=True, default=None) -> Optional[m.Text]:
        """A string, or a list of strings (paragraphs, numbered sub-items)."""
        value = self.raw(key, required and default is None)
        if value is None:
            return (default,) if default else None
        if isinstance(value, list):
            out = []
            for index, item in enumerate(value):
                if isinstance(item, (dict, list)) or item is None:
                    self.ctx.error(value.line_of(index), f"{self.name(key)}[{index + 1}]", "段落は文字列で書いてください",
                                   "`- 文章` の形で1段落ずつ書いてください")
                else:
                    out.append(clean(item))
            return tuple(out)
        if isinstance(value, dict):
            self.ctx.error(self.line(key), self.name(key), "文章か、文章の箇条書きで書いてください",
                           "`項目: 文章` または `- 文章` の並びにしてください")
            return None
        return (clean(value),)

    def names(self, key, required=True) -> Optional[tuple]:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, str):
            return tuple(part.strip() for part in re.split("[、,]", value) if part.strip())
        if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            return tuple(clean(v) for v in value)
        self.ctx.error(self.line(key), self.name(key), "名前の並びとして読めません", "`[高齢者支援課, 住宅課]` のように書いてください")
        return None

    def boolean(self, key) -> Optional[bool]:
        value = self.raw(key, True)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.ctx.error(self.line(key), self.name(key), f"「{value}」は true / false ではありません",
                           "公開するなら true、しないなら false と書いてください")
            return None
        return value

    def integer(self, key, required=True) -> Optional[int]:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.ctx.error(self.line(key), self.name(key), f"「{value}」は正の整数ではありません", "数字だけを書いてください（例: 27）")
            return None
        return value

    def choice(self, key, choices, required=True) -> Optional[str]:
        value = self.raw(key, required)
        if value is None:
            return None
        if value not in choices:
            self.ctx.error(self.line(key), self.name(key), f"「{value}」は使えません", hint_choices(value, choices))
            return None
        return value

    def mapping(self, key, required=True) -> Optional["Fields"]:
        value = self.raw(key, required)
        if value is None and key in self.map and isinstance(self.map[key], dict):
            value = self.map[key]  # `{}` is a valid, empty mapping
        if value is None:
            return None
        if not isinstance(value, LMap):
            self.ctx.error(self.line(key), self.name(key), "「項目: 値」の形で書いてください",
                           f"`{key}:` の下に字下げして項目を書いてください")
            return None
        return Fields(self.ctx, value, self.name(key))

    def items(self, key, required=True) -> list:
        """A list of mappings: returns [(Fields, line)]."""
        value = self.raw(key, required)
        if value is None:
            return []
        if not isinstance(value, LList):
            self.ctx.error(self.line(key), self.name(key), "箇条書き（- で始まる行の並び）で書いてください",
                           f"`{key}:` の下に `- ` で始まる行を並べてください")
            return []
        return [(Fields(self.ctx, item, f"{self.name(key)}[{i + 1}]") if isinstance(item, LMap) else item,
                 value.line_of(i)) for i, item in enumerate(value)]

    def finish(self, allowed=None):
        """Flag every key that was not read."""
        allowed = list(allowed or self.used)
        for key in self.map:
            if key not in self.used:
                self.ctx.error(self.line(key), self.name(key), f"知らない項目「{key}」です", hint_choices(key, allowed))


class Context:
    """The file being validated: where problems go and the lines of its fields."""

    def __init__(self, path: str, problems):
        self.path, self.problems, self.lines = path, problems, {}

    def error(self, line, field, message, hint=""):
        self.problems.error(self.path, line, field, message, hint)

    def warn(self, line, field, message, hint=""):
        self.problems.warn(self.path, line, field, message, hint)


def clean(value) -> str:
    return str(value).strip()


# ---------------------------------------------------------------------------
# Dates, times, periods, partners


def parse_date(ctx, value, line, field, partial=False):
    """ISO date (or, when partial, 2026-04 / '2026-04 中旬') -> date / PartialDate, reporting impossible ones."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return m.PartialDate(value.year, value.month, value.day) if partial else value
    match = ISO_DATE.match(str(value).strip())
    example = "2025-09-01、2026-04、2026-04 中旬" if partial else "2025-09-01"
    if not match or (not partial and (match.group(3) is None or match.group(4))):
        ctx.error(line, field, f"「{value}」は日付として読めません", f"YYYY-MM-DD の形で書いてください（例: {example}）")
        return None
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else None
    if match.group(3) and match.group(4):
        ctx.error(line, field, f"「{value}」は日と上旬・中旬・下旬が両方あります", "どちらか一方にしてください")
        return None
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        ctx.error(line, field, f"「{value}」は存在しない日付です", "暦にある日付を書いてください（月は1〜12、日はその月の日数まで）")
        return None
    if not partial:
        return dt.date(year, month, day)
    return m.PartialDate(year, month, day, match.group(4))


def parse_time(ctx, value, line, field):
    match = TIME.match(str(value).strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        ctx.error(line, field, f"「{value}」は時刻として読めません", '24時間制で "09:30" のように引用符で囲んで書いてください')
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_periods(fields: Fields, key, required=True):
    periods = []
    for item, line in fields.items(key, required):
        if not isinstance(item, Fields):
            fields.ctx.error(line, fields.name(key), "期間は「開始: 日付」を含む項目で書いてください",
                             "`- 開始: 2026-04-06` の下に `終了: 2027-03-31` などを書いてください")
            continue
        period = parse_period(item)
        if period:
            periods.append(period)
    return tuple(periods)


def parse_period(item: Fields) -> Optional[m.Period]:
    ctx = item.ctx
    start_raw = item.raw("開始")
    start = parse_date(ctx, start_raw, item.line("開始"), item.name("開始"), partial=True) if start_raw is not None else None
    end, open_ended = None, False
    end_raw = item.raw("終了", required=False)
    if end_raw == "なし":
        open_ended = True
    elif end_raw is not None:
        end = parse_date(ctx, end_raw, item.line("終了"), item.name("終了"), partial=True)
    planned = item.raw("予定", required=False)
    if planned is not None and not isinstance(planned, bool):
        ctx.error(item.line("予定"), item.name("予定"), f"「{planned}」は true / false ではありません", "予定なら true と書いてください")
    label = item.string("名称", required=False, default="")
    note = item.string("備考", required=False, default="")
    item.finish(["開始", "終了", "予定", "名称", "備考"])
    if start is None:
        return None
    if end is not None and start.sort_key() > end.sort_key():
        ctx.error(item.line("終了"), item.name("終了"), f"終了（{end.iso()}）が開始（{start.iso()}）より前です",
                  "開始と終了の日付を確かめてください")
        return None
    return m.Period(start, end, open_ended, bool(planned), label, note)


def parse_partner(ctx, item, line, field):
    if isinstance(item, (str, int)):
        return m.Partner(clean(item))
    if isinstance(item, Fields):
        name = item.string("名称")
        note = item.string("注記", required=False, default="")
        item.finish(["名称", "注記"])
        return m.Partner(name, note) if name else None
    ctx.error(line, field, "相手先は名称か「名称: …」で書いてください", "`- 名称: 株式会社○○` のように書いてください")
    return None


def parse_partners(fields: Fields, key, required=True):
    raw = fields.map.get(key)
    if isinstance(raw, LMap):
        inner = fields.mapping(key, required)
        listed = [parse_partner(fields.ctx, it, ln, inner.name("一覧")) for it, ln in inner.items("一覧")]
        bullets = inner.raw("箇条書き", required=False)
        remark = inner.string("備考", required=False, default="")
        inner.finish(["一覧", "箇条書き", "備考"])
        return m.Partners(tuple(p for p in listed if p), remark, bool(bullets))
    listed = [parse_partner(fields.ctx, it, ln, fields.name(key)) for it, ln in fields.items(key, required)]
    if not listed:
        return None
    return m.Partners(tuple(p for p in listed if p))


# ---------------------------------------------------------------------------
# Sheets, attachments, checklists


def parse_sheet(fields: Fields, category: str) -> Optional[m.Sheet]:
    title = fields.string("件名")
    rows = []
    for spec in m.SHEET_FIELDS[category]:
        key, label = spec.key, spec.label
        for alt in spec.alternatives:
            if fields.has(alt):
                if fields.has(key):
                    fields.ctx.error(fields.line(alt), fields.name(alt), f"「{key}」と「{alt}」は同じ欄です", "どちらか一方だけを書いてください")
                key = label = alt
        if spec.kind == "text":
            value = fields.text(key, spec.required, spec.default)
        elif spec.kind == "names":
            value = fields.names(key, spec.required)
        elif spec.kind == "partners":
            value = parse_partners(fields, key, spec.required)
        else:
            value = parse_periods(fields, key, spec.required) or None
        if value is not None:
            rows.append(m.SheetRow(key, label, spec.kind, value))
    allowed = ["件名"] + [s.key for s in m.SHEET_FIELDS[category]] + [a for s in m.SHEET_FIELDS[category] for a in s.alternatives]
    fields.finish(allowed)
    return m.Sheet(category, title or "", tuple(rows))


def parse_info_items(fields: Fields) -> m.InfoItems:
    title = fields.string("表題", required=False, default="")
    groups = []
    for item, line in fields.items("グループ", required=False):
        if not isinstance(item, Fields):
            fields.ctx.error(line, fields.name("グループ"), "グループは「見出し」と「項目」で書いてください",
                             "`- 見出し: 【賃貸人（法人）】` の下に `項目: [氏名, 住所]` を書いてください")
            continue
        heading = item.string("見出し")
        names = item.names("項目")
        item.finish(["見出し", "項目"])
        if heading and names:
            groups.append(m.ItemGroup(heading, names))
    numbered = fields.names("一覧", required=False) or ()
    notes = fields.text("注記", required=False) or ()
    fields.finish(["表題", "グループ", "一覧", "注記"])
    if not groups and not numbered:
        fields.ctx.error(fields.map.line, fields.prefix, "情報項目が1つもありません",
                         "`グループ:`（見出しごとの並び）か `一覧:`（番号付きの表）を書いてください")
    return m.InfoItems(title, tuple(groups), tuple(numbered), notes)


def parse_flow(fields: Fields, content_root) -> m.DataFlow:
    title = fields.string("表題", required=False, default="")
    image = fields.string("図", required=False)
    fields.finish(["表題", "図"])
    if image:
        problem = image_problem(image, content_root)
        if problem:
            fields.ctx.error(fields.line("図"), fields.name("図"), *problem)
            image = None
    return m.DataFlow(title, image)


#: Image files a page and a Word file can show, by extension, with the bytes such a file starts with.
IMAGE_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
               ".gif": (b"GIF87a", b"GIF89a")}


def image_problem(image: str, content_root) -> tuple | None:
    """(message, hint) when `image` is not an image file inside content/; None when it is.

    Files named in content are published: an absolute path, a path leaving content/ (../) or a symlink
    pointing outside it would publish any file of the machine, so all are refused."""
    inside = "content/ の中に置いた画像を、content/ からの相対パスで書いてください（例: images/flow.png）"
    path = PurePosixPath(image.replace("\\", "/"))
    if path.is_absolute() or re.match(r"^[A-Za-z]:", image) or ".." in path.parts:
        return f"「{image}」は content/ の外を指しています", inside
    suffix = path.suffix.lower()
    if suffix not in IMAGE_MAGIC:
        return f"「{image}」は画像ファイルではありません", "PNG・JPEG・GIF のいずれかを指定してください"
    if content_root is None:
        return None
    root = Path(content_root).resolve()
    target = Path(content_root) / path
    if not target.is_file():
        return f"図のファイル「{image}」がありません", inside
    resolved = target.resolve()
    if root not in resolved.parents:
        return f"「{image}」は content/ の外のファイルを指しています（シンボリックリンク）", inside
    with open(resolved, "rb") as handle:
        head = handle.read(8)
    if not head.startswith(IMAGE_MAGIC[suffix]):
        return (f"「{image}」の中身は{suffix[1:].upper()}画像ではありません",
                "画像を保存し直すか、実際の形式に合った拡張子にしてください")
    return None


def parse_catalog(src, problems) -> Optional[m.CatalogChecklist]:
    ctx = Context(str(src.path_display), problems)
    f = Fields(ctx, src.meta)
    category = f.choice("区分", m.BASIS_CATEGORIES)
    number = f.integer("番号")
    title = f.string("表題")
    subtitle = f.string("副題", required=False, default="")
    column = f.string("列見出し")
    legend = f.string("凡例")
    halves = {}
    for half in m.HALVES:
        hf = f.mapping(half)
        if hf is None:
            continue
        heading = hf.string("見出し")
        groups = {}
        for group in m.GROUPS:
            sentences = hf.text(group)
            if sentences:
                groups[group] = sentences
        hf.finish(["見出し", *m.GROUPS])
        halves[half] = m.CatalogHalf(heading or "", groups)
    f.finish(["区分", "番号", "表題", "副題", "列見出し", "凡例", *m.HALVES])
    if not category or len(halves) < 2:
        return None
    return m.CatalogChecklist(category, number or 0, title or "", subtitle, column or "", legend or "", halves, ctx.path)


def parse_checklist(fields: Fields, entry: m.CatalogChecklist) -> m.Checklist:
    """Apply an item's marks, wording and added rows to the catalog checklist of its category."""
    halves = []
    for half_key in m.HALVES:
        cat_half = entry.halves[half_key]
        hf = fields.mapping(half_key, required=False) if fields.has(half_key) else None
        legend = hf.string("凡例", required=False, default="") if hf else ""
        groups = []
        for group in m.GROUPS:
            gf = hf.mapping(group, required=False) if hf and hf.has(group) else None
            groups.append(m.ChecklistGroup(group, apply_rows(gf, cat_half.groups.get(group, ()))))
        if hf:
            hf.finish(["凡例", *m.GROUPS])
        halves.append((m.ChecklistHalf(half_key, cat_half.heading, tuple(groups)), legend))
    fields.finish(list(m.HALVES))
    legends = {half.key: legend for half, legend in halves if legend}
    return m.Checklist(entry.category, entry.number, entry.title, entry.subtitle, entry.column,
                       entry.legend, tuple(h for h, _ in halves), legends)


def apply_rows(gf: Optional[Fields], standard: tuple) -> tuple:
    rows = [m.ChecklistRow("○", text, text, i + 1) for i, text in enumerate(standard)]
    if gf is None:
        return tuple(rows)
    for key in list(gf.map):
        if key == "追加":
            continue
        gf.used.add(key)
        if not isinstance(key, int) or not 1 <= key <= len(rows):
            gf.ctx.error(gf.line(key), gf.name(key), f"行番号「{key}」はチェックリストにありません",
                         f"1〜{len(rows)} の行番号を書くか、新しい行は `追加:` に書いてください")
            continue
        mark, text = read_row(gf, key, gf.map[key], need_text=False)
        row = rows[key - 1]
        rows[key - 1] = m.ChecklistRow(mark or row.mark, text or row.text, row.standard, row.position)
        if text and text != row.standard:
            gf.ctx.lines[gf.name(key)] = gf.line(key)
    for item, line in gf.items("追加", required=False):
        value = item.map if isinstance(item, Fields) else item
        mark, text = read_row(gf, "追加", value, need_text=True, line=line)
        if text:
            rows.append(m.ChecklistRow(mark or "○", text, None, len(rows) + 1))
    return tuple(rows)


def read_row(gf: Fields, key, value, need_text, line=None):
    """A row override: a bare mark, or {印, 文言}."""
    line = line or gf.line(key)
    field = gf.name(key)
    if isinstance(value, dict):
        extra = [k for k in value if k not in ("印", "文言")]
        for k in extra:
            gf.ctx.error(value.line_of(k), f"{field}.{k}", f"知らない項目「{k}」です", hint_choices(k, ["印", "文言"]))
        mark, text = value.get("印"), value.get("文言")
        text = clean(text) if text not in (None, "") else None
        if need_text and not text:
            gf.ctx.error(line, field, "追加する行に文言がありません", "`文言: 対策の文章` を書いてください")
    else:
        mark, text = value, None
        if need_text:
            gf.ctx.error(line, field, "追加する行は「印」と「文言」で書いてください", "`- {印: ○, 文言: 対策の文章}` の形にしてください")
    if mark is not None and mark not in m.MARKS:
        gf.ctx.error(line, field, f"印「{mark}」は使えません",
                     "対策をとるなら「○」、必要がないなら全角の「－」を書いてください")
        mark = None
    return mark, text


# ---------------------------------------------------------------------------
# Agenda and meeting


def parse_agenda(src, catalog: dict, problems, content_root=None) -> Optional[m.Agenda]:
    ctx = Context(src.path_display, problems)
    f = Fields(ctx, src.meta)
    title = f.string("件名")
    number = f.integer("資料番号")
    status = f.choice("状態", tuple(m.STATUSES))
    public = f.boolean("公開")
    basis = parse_basis(f)
    article = f.string("要綱の条項", required=False, default=m.DEFAULT_BASIS_ARTICLE)
    departments = parse_departments(f)
    overview = parse_overview(f, src)
    sheets = tuple(parse_sheet(sf, c) for c in m.SHEET_CATEGORIES if (sf := f.mapping(c, required=False)))
    flow = parse_flow(ff, content_root) if f.has("個人情報の流れ") and (ff := f.mapping("個人情報の流れ", False)) else None
    items = parse_info_items(inf) if (inf := f.mapping("情報項目", required=False)) else None
    checklists = parse_checklists(f, catalog)
    allowed = ["件名", "資料番号", "状態", "公開", "要綱の根拠", "要綱の条項", "担当部課", "事業の概要",
               *m.SHEET_CATEGORIES, "個人情報の流れ", "情報項目", "チェックリスト"]
    f.finish(allowed)
    if None in (title, number, status, public, overview) or basis is None:
        return None
    return m.Agenda(id=src.stem, path=src.path_display, title=title, number=str(number), status=m.STATUSES[status],
                    public=public, basis=basis, article=article, departments=departments, overview=overview,
                    sheets=sheets, checklists=checklists, info_items=items, data_flow=flow, lines=ctx.lines)


def parse_basis(f: Fields) -> Optional[tuple]:
    value = f.names("要綱の根拠")
    if value is None:
        return None
    good = []
    for name in value:
        if name in m.BASIS_CATEGORIES:
            good.append(name)
        elif name == "再委託":
            f.ctx.error(f.line("要綱の根拠"), "要綱の根拠", "再委託は要綱の根拠に書きません",
                        "再委託は業務委託の根拠に含まれます。「業務委託」と書き、別紙は `再委託:` に書いてください")
        else:
            f.ctx.error(f.line("要綱の根拠"), "要綱の根拠", f"「{name}」は区分ではありません", hint_choices(name, m.BASIS_CATEGORIES))
    return tuple(c for c in m.BASIS_CATEGORIES if c in good)


def parse_departments(f: Fields) -> tuple:
    result = []
    for item, line in f.items("担当部課"):
        if not isinstance(item, Fields):
            f.ctx.error(line, "担当部課", "部と課に分けて書いてください", "`- 部: 福祉部` の下に `課: [高齢者支援課]` と書いてください")
            continue
        bu, ka = item.string("部"), item.names("課")
        item.finish(["部", "課"])
        if bu and ka:
            result.append(m.Department(bu, ka))
    return tuple(result)


def parse_overview(f: Fields, src) -> Optional[m.Overview]:
    of = f.mapping("事業の概要")
    if of is None:
        return None
    name, sections = of.string("事業名"), of.names("担当課")
    purpose, target = of.string("目的"), of.string("対象者")
    of.finish(["事業名", "担当課", "目的", "対象者"])
    if not src.body.strip():
        f.ctx.error(src.body_line, "事業内容", "本文（事業内容）がありません",
                    "フロントマターの `---` の後に「## 1 概要」などの事業内容を Markdown で書いてください")
    if None in (name, sections, purpose, target):
        return None
    return m.Overview(name, sections, purpose, target, src.body.strip("\n"), src.body_line)


def parse_checklists(f: Fields, catalog: dict) -> tuple:
    cf = f.mapping("チェックリスト", required=False)
    if cf is None:
        return ()
    result = []
    for key in list(cf.map):
        if key in catalog:
            sub = cf.mapping(key, required=False) or Fields(cf.ctx, LMap(), cf.name(key))
            cf.used.add(key)
            result.append(parse_checklist(sub, catalog[key]))
        elif key in m.BASIS_CATEGORIES:
            cf.used.add(key)
            cf.ctx.error(cf.line(key), cf.name(key), f"標準チェックリストに「{key}」がありません",
                         f"content/checklists/ に区分「{key}」の標準チェックリストを置いてください")
    cf.finish(list(m.BASIS_CATEGORIES))
    order = {c: i for i, c in enumerate(m.BASIS_CATEGORIES)}
    return tuple(sorted(result, key=lambda c: order[c.category]))


def parse_meeting(src, problems) -> Optional[m.Meeting]:
    ctx = Context(src.path_display, problems)
    f = Fields(ctx, src.meta)
    council = f.string("会議名", required=False, default=m.DEFAULT_COUNCIL)
    number = f.integer("回")
    date_raw = f.raw("開催日", required=False)
    date = parse_date(ctx, date_raw, f.line("開催日"), "開催日") if date_raw is not None else None
    start = parse_time(ctx, v, f.line("開始"), "開始") if (v := f.raw("開始", required=False)) is not None else None
    end = parse_time(ctx, v, f.line("終了"), "終了") if (v := f.raw("終了", required=False)) is not None else None
    if start and end and end < start:
        ctx.error(f.line("終了"), "終了", f"終了（{end}）が開始（{start}）より前です", "開始と終了の時刻を確かめてください")
    place = f.string("場所", required=False, default="")
    public = f.boolean("公開")
    attendees = parse_attendees(f)
    basis_text = f.string("審議内容")
    items = parse_deliberations(f)
    advice_title, advice_intro = "", ""
    if af := f.mapping("助言", required=False):
        advice_title = af.string("表題") or ""
        advice_intro = af.string("前文", required=False, default="")
        af.finish(["表題", "前文"])
    remarks = parse_remarks(f, len(items))
    f.finish(["会議名", "回", "開催日", "開始", "終了", "場所", "公開", "出席者", "審議内容", "審議事項", "助言", "発言"])
    if None in (number, public, basis_text):
        return None
    return m.Meeting(id=src.stem, path=src.path_display, council=council, number=number, date=date, start=start,
                     end=end, place=place, attendees=attendees, basis_text=basis_text, items=tuple(items),
                     advice_title=advice_title, advice=src.body.strip("\n"), advice_intro=advice_intro,
                     remarks=remarks, public=public, body_line=src.body_line, lines=ctx.lines)


def parse_attendees(f: Fields) -> tuple:
    result = []
    for item, line in f.items("出席者", required=False):
        if isinstance(item, Fields):
            name, role = item.string("職名"), item.string("役割", required=False, default="")
            item.finish(["職名", "役割"])
            if name:
                result.append(m.Attendee(name, role))
        elif isinstance(item, (str, int)):
            result.append(m.Attendee(clean(item)))
    return tuple(result)


def parse_deliberations(f: Fields) -> list:
    result = []
    for index, (item, line) in enumerate(f.items("審議事項")):
        if not isinstance(item, Fields):
            f.ctx.error(line, f"審議事項[{index + 1}]", "審議事項は「付議事項」または「件名」と「決定」で書いてください",
                        "`- 付議事項: ファイル名（.md なし）` と `決定: 承認` を書いてください")
            continue
        ref = item.string("付議事項", required=False)
        title = item.string("件名", required=False, default="")
        if not ref and not title:
            f.ctx.error(line, f"審議事項[{index + 1}]", "付議事項のファイル名も件名もありません",
                        "`付議事項: ファイル名` か、付議事項ファイルのない過去の案件なら `件名: …` を書いてください")
        decision = item.choice("決定", m.DECISIONS, required=False)
        item.finish(["付議事項", "件名", "決定"])
        result.append(m.Deliberation(index + 1, title, decision or "", ref, line))
    return result


def parse_remarks(f: Fields, item_count: int) -> tuple:
    groups = []
    for item, line in f.items("発言", required=False):
        if not isinstance(item, Fields):
            f.ctx.error(line, "発言", "発言は審議事項ごとに書いてください", "`- 審議事項: 3` の下に `発言:` の並びを書いてください")
            continue
        number = item.integer("審議事項")
        if number and number > item_count:
            f.ctx.error(item.line("審議事項"), item.name("審議事項"), f"審議事項({number})はありません",
                        f"1〜{item_count} の番号を書いてください")
        remarks = []
        for remark, rline in item.items("発言"):
            if not isinstance(remark, Fields):
                f.ctx.error(rline, item.name("発言"), "発言は「発言者」と「内容」で書いてください", "`- 発言者: 会員` と `内容: …` を書いてください")
                continue
            speaker, text = remark.string("発言者"), remark.text("内容")
            remark.finish(["発言者", "内容"])
            if speaker and text:
                remarks.append(m.Remark(speaker, text))
        item.finish(["審議事項", "発言"])
        if number:
            groups.append(m.RemarkGroup(number, tuple(remarks)))
    return tuple(groups)


def validate(agenda_files, meeting_files, catalog_files, problems, content_root=None) -> m.Archive:
    """Every file -> the model; problems collected, never raised."""
    catalog = {}
    for src in catalog_files:
        entry = parse_catalog(src, problems)
        if entry:
            catalog[entry.category] = entry
    agendas = [a for src in agenda_files if (a := parse_agenda(src, catalog, problems, content_root))]
    meetings = [mt for src in meeting_files if (mt := parse_meeting(src, problems))]
    return m.Archive(agendas, meetings, catalog)
