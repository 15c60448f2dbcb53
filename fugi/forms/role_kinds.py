"""The kinds a role implies: departments, the summary table, sheets, attachments, and a meeting's parts."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path, PurePosixPath

from fugi import model as m
from fugi.validate.linking import check_item, check_repeated
from fugi.validate.reports import check_follow_up
from fugi.forms.kinds import TODO, Kind, closed, q
from fugi.source.reader import Reader, clean, hint_choices

ANY_TEXT = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


def _kinds() -> dict:
    """The registry (fugi.forms.registry, which lists the kinds of this module: looked up when used)."""
    from fugi.forms.registry import KINDS

    return KINDS


def read_row(reader: Reader, field, env):
    """A declared field's value as a SheetRow (None when absent or wrong)."""
    key, label = field.key, field.label
    for alias in field.aliases:
        if reader.has(alias):
            if reader.has(key):
                reader.error(alias, f"「{key}」と「{alias}」は同じ欄です", "どちらか一方だけを書いてください")
            key = label = alias
    one = field if key == field.key else dataclasses.replace(field, key=key, label=label)
    value = _kinds()[field.kind].read(reader, one, env)
    return None if value is None else m.SheetRow(key, label, field.kind, value, field)


def field_schema(field, forms) -> dict:
    return dict(_kinds()[field.kind].schema(field, forms), description=field.label)


def fields_schema(fields, forms, extra: dict | None = None, required_extra=()) -> dict:
    props, required = dict(extra or {}), list(required_extra)
    for field in fields:
        for key in (field.key, *field.aliases):
            props[key] = field_schema(field, forms)
        if field.required and field.default is None:
            required.append(field.key)
    return closed(props, required)


def indent(lines, by="  ") -> list:
    return [by + line for line in lines]


class Categories(Kind):
    """The categories an item asks the council to approve: `[外部結合, 業務委託]`."""

    id = "categories"

    def read(self, reader, field, env):
        value = reader.names(field.key, field.required)
        if value is None:
            return None
        allowed = [c.name for c in env.forms.basis_categories]
        good = []
        for name in value:
            category = env.forms.category(name)
            if category is not None and category.basis:
                good.append(name)
            elif category is not None:
                reader.error(field.key, f"{name}は{field.label}に書きません",
                             f"{name}は{category.parent}の根拠に含まれます。「{category.parent}」と書き、{env.forms.sheet_word}は `{name}:` に書いてください")
            else:
                reader.error(field.key, f"「{name}」は区分ではありません", hint_choices(name, allowed))
        return tuple(c for c in allowed if c in good)

    def schema(self, field, forms):
        return {"type": "array", "items": {"enum": [c.name for c in forms.basis_categories]}, "minItems": 1}

    def scaffold(self, field, forms, chosen=()):
        return [f"{field.key}: [{', '.join(c for c in chosen)}]"]


class Departments(Kind):
    """部 and its 課: `- {部: 福祉部, 課: [高齢者支援課]}`."""

    id = "departments"

    def read(self, reader, field, env):
        result = []
        for item, line in reader.items(field.key, field.required):
            if not isinstance(item, Reader):
                reader.ctx.error(line, field.key, "部と課に分けて書いてください", "`- 部: 〇〇部` の下に `課: [〇〇課]` と書いてください")
                continue
            bu, ka = item.string("部"), item.names("課")
            item.finish(["部", "課"])
            if bu and ka:
                result.append(m.Department(bu, ka))
        return tuple(result)

    def schema(self, field, forms):
        return {"type": "array", "items": closed({"部": {"type": "string"}, "課": ANY_TEXT}, ["部", "課"])}

    def scaffold(self, field, forms):
        return [f"{field.key}:", f"  - 部: {q(TODO + '部')}", f"    課: [{q(TODO + '課')}]"]


class Table(Kind):
    """A table of declared fields, closed by the file's Markdown body as its last row (the 事業の概要)."""

    id = "table"

    def read(self, reader, field, env):
        sub = reader.mapping(field.key, field.required)
        if sub is None:
            return None
        rows = [row for part in field.parts if (row := read_row(sub, part, env))]
        sub.finish([part.key for part in field.parts])
        body_label = field.options.get("本文", "")
        if body_label and not env.src.body.strip():
            reader.ctx.error(env.src.body_line, body_label, f"本文（{body_label}）がありません",
                             f"フロントマターの `---` の後に{body_label}を Markdown で書いてください（例: 「## 1 …」）")
        present = {row.field for row in rows}
        if any(p.required and p.default is None and p not in present for p in field.parts):
            return None
        body = env.src.body
        return m.Overview(tuple(rows), body.strip("\n"), env.src.body_line + len(body) - len(body.lstrip("\n")))

    def schema(self, field, forms):
        return fields_schema(field.parts, forms)

    def scaffold(self, field, forms):
        return [f"{field.key}:", *indent(line for part in field.parts for line in _kinds()[part.kind].scaffold(part, forms))]


class Sheets(Kind):
    """The sheets (別紙): one mapping per category, keyed by the category's name, in the order of the forms."""

    id = "sheets"

    def read(self, reader, field, env):
        title_key = field.options.get("表題のキー", "")
        sheets = []
        for category in env.forms.categories:
            if not reader.has(category.name):
                continue
            sub = reader.mapping(category.name, required=False)
            if sub is None:
                continue
            title = sub.string(title_key)
            rows = [row for one in category.fields if (row := read_row(sub, one, env))]
            sub.finish([title_key] + [f.key for f in category.fields] + [a for f in category.fields for a in f.aliases])
            sheets.append(m.Sheet(category.name, title or "", tuple(rows)))
        return tuple(sheets)

    def schema(self, field, forms):
        title = field.options.get("表題のキー", "")
        return {c.name: dict(fields_schema(c.fields, forms, {title: {"type": "string"}}, [title]),
                             description=f"{c.name}の{forms.sheet_word}") for c in forms.categories}

    def scaffold(self, field, forms, chosen=(), title=""):
        lines = []
        for category in forms.categories:
            if category.name in chosen:
                lines += [f"{category.name}:", f"  {field.options.get('表題のキー', '')}: {q(title or TODO)}"]
                lines += indent(line for one in category.fields for line in _kinds()[one.kind].scaffold(one, forms))
        return lines


class Flow(Kind):
    """The data-flow attachment: {表題, 図, 流れ} (図: an image file inside content/; 流れ: flows a clerk declares)."""

    id = "flow"
    keys = ("表題", "図", "流れ")
    flow_keys = ("元", "先", "項目", "手段")  # from, to, the items, the medium or line

    def read(self, reader, field, env):
        sub = reader.mapping(field.key, field.required) if reader.has(field.key) else None
        if sub is None:
            return None
        title = sub.string("表題", required=False, default="")
        image = sub.string("図", required=False)
        flows = self.flows(sub, env)
        sub.finish(list(self.keys))
        if image:
            problem = image_problem(image, env.content_root)
            if problem:
                sub.error("図", *problem)
                image = None
        return m.DataFlow(title, image, flows)

    def flows(self, sub, env) -> tuple:
        """The declared flows: `- {元: 本人, 先: 区, 項目: 申請書, 手段: 郵送}`."""
        source_key, target_key, items_key, means_key = self.flow_keys
        result = []
        for index, (item, line) in enumerate(sub.items("流れ", required=False), start=1):
            if not isinstance(item, Reader):
                sub.ctx.error(line, f"{sub.name('流れ')}[{index}]", "流れは「元」「先」「項目」「手段」で書いてください",
                              "例: `- {元: 本人, 先: 区, 項目: 申請書, 手段: 郵送}`")
                continue
            source, target = item.string(source_key), item.string(target_key)
            items = item.text(items_key, required=False) or ()
            means = item.text(means_key, required=False) or ()
            item.finish(list(self.flow_keys))
            if source and target and source == target:
                item.error(target_key, f"元と先が同じ「{source}」です", "どこからどこへ渡るのか、違う名前を書いてください")
            elif source and target:
                result.append(m.DeclaredFlow(source, target, items, means))
        return tuple(result)

    def schema(self, field, forms):
        one = closed({"元": {"type": "string"}, "先": {"type": "string"}, "項目": ANY_TEXT, "手段": ANY_TEXT}, ["元", "先"])
        return closed({"表題": {"type": "string"}, "図": {"type": "string"}, "流れ": {"type": "array", "items": one}})

    def scaffold(self, field, forms):
        return [f"{field.key}: {{}}  # 図は区分の欄から作ります。足す流れは 流れ: [{{元: 本人, 先: 区, 項目: 申請書}}]（content/README.md）"]


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
    return broken_image(image, resolved)


#: The most pixels an image named in content may have: a flow diagram needs far fewer, and every build decodes it.
MAX_PIXELS = 50_000_000
#: The formats Pillow may read an image as (IMAGE_MAGIC's), never another one it also knows.
PILLOW_FORMATS = ("PNG", "JPEG", "GIF")
_CHECKED: dict = {}  # (path, size, time, inode) -> the image's problem or None: an image named twice is decoded once


def broken_image(image: str, path: Path) -> tuple | None:
    """(message, hint) when the image cannot be shown: its header not readable as Word reads it (python-docx), a
    picture of 0 pixels (its size is divided by) or of more than MAX_PIXELS, or data Pillow cannot decode (cut
    short, a chunk's CRC wrong, a header promising pixels the data does not hold); None when it can be placed."""
    try:
        st = path.stat()
        memo = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    except OSError:
        memo = None
    if memo is not None and memo in _CHECKED:
        return _CHECKED[memo]
    problem = _image_problem(image, path)
    if memo is not None:
        _CHECKED[memo] = problem
    return problem


def _image_problem(image: str, path: Path) -> tuple | None:
    from docx.image.image import Image as WordImage
    from PIL import Image

    unreadable = (f"「{image}」は画像として読めません（途中で切れているか、中身が壊れているか、大きさが 0 です）",
                  "画像をもう一度書き出して（保存し直して）から置いてください")
    try:
        read = WordImage.from_file(str(path))
        width, height = read.px_width, read.px_height
        if not (width > 0 and height > 0 and read.width > 0 and read.height > 0):
            return unreadable
    except Exception:  # noqa: BLE001 - python-docx raises many kinds (UnexpectedEndOfFile, struct.error …)
        return unreadable
    if width * height > MAX_PIXELS:
        return _too_large(image, width, height)
    try:
        with Image.open(path, formats=PILLOW_FORMATS) as picture:
            if picture.size[0] * picture.size[1] > MAX_PIXELS:
                return _too_large(image, *picture.size)
            picture.verify()  # the chunks' CRCs (PNG)
        with Image.open(path, formats=PILLOW_FORMATS) as picture:  # verify() leaves the file unusable: open again
            picture.load()  # the data decoded for real: cut short, or fewer pixels than the header says
    except Image.DecompressionBombError:
        return _too_large(image, width, height)
    except Exception:  # noqa: BLE001 - Pillow raises OSError, SyntaxError, ValueError, zlib.error …
        return unreadable
    return None


def _too_large(image: str, width: int, height: int) -> tuple:
    return (f"「{image}」は画像が大きすぎます（{width}×{height} ピクセル。{MAX_PIXELS // 10000}万ピクセルまで）",
            "幅 2000 ピクセルほどの大きさで書き出し直してから置いてください")


class InfoItems(Kind):
    """The information items attachment: grouped lists (グループ) or a numbered table (一覧)."""

    id = "info_items"

    def read(self, reader, field, env):
        sub = reader.mapping(field.key, required=False)
        if sub is None:
            return None
        title = sub.string("表題", required=False, default="")
        groups = []
        for item, line in sub.items("グループ", required=False):
            if not isinstance(item, Reader):
                sub.ctx.error(line, sub.name("グループ"), "グループは「見出し」と「項目」で書いてください",
                              "`- 見出し: 【〇〇】` の下に `項目: [氏名, 住所]` を書いてください")
                continue
            heading, names = item.string("見出し"), item.names("項目")
            item.finish(["見出し", "項目"])
            if heading and names:
                groups.append(m.ItemGroup(heading, names))
        numbered = sub.names("一覧", required=False) or ()
        notes = sub.text("注記", required=False) or ()
        sub.finish(["表題", "グループ", "一覧", "注記"])
        if not groups and not numbered:
            sub.ctx.error(sub.map.line, sub.prefix, f"{field.label}が1つもありません",
                          "`グループ:`（見出しごとの並び）か `一覧:`（番号付きの表）を書いてください")
        return m.InfoItems(title, tuple(groups), tuple(numbered), notes)

    def schema(self, field, forms):
        group = closed({"見出し": {"type": "string"}, "項目": ANY_TEXT}, ["見出し", "項目"])
        return closed({"表題": {"type": "string"}, "グループ": {"type": "array", "items": group},
                       "一覧": {"type": "array", "items": {"type": "string"}}, "注記": ANY_TEXT})

    def scaffold(self, field, forms):
        return []


class Roster(Kind):
    """Attendees: a post, or {職名, 役割}."""

    id = "roster"

    def read(self, reader, field, env):
        result = []
        for item, line in reader.items(field.key, required=False):
            if isinstance(item, Reader):
                name, role = item.string("職名"), item.string("役割", required=False, default="")
                item.finish(["職名", "役割"])
                if name:
                    result.append(m.Attendee(name, role))
            elif isinstance(item, (str, int)):
                result.append(m.Attendee(clean(item)))
        return tuple(result)

    def schema(self, field, forms):
        one = closed({"職名": {"type": "string"}, "役割": {"type": "string"}}, ["職名"])
        return {"type": "array", "items": {"anyOf": [{"type": "string"}, one]}}

    def scaffold(self, field, forms):
        return [f"{field.key}:", f"  - 職名: {q(TODO)}", "    役割: 会長", f"  - {q(TODO)}"]


class Deliberations(Kind):
    """The items a meeting deliberated: each names an agenda file (or, for an item without one, its title)."""

    id = "deliberations"

    def read(self, reader, field, env):
        parts = {p.role: p for p in field.parts}
        result, seen = [], {}
        for index, (item, line) in enumerate(reader.items(field.key, field.required)):
            where = f"{field.key}[{index + 1}]"
            ref_key, title_key = parts["agenda"].key, parts["title"].key
            if not isinstance(item, Reader):
                reader.ctx.error(line, where, f"{field.key}は「{ref_key}」または「{title_key}」と「{parts['decision'].key}」で書いてください",
                                 f"`- {ref_key}: ファイル名（.md なし）` と `{parts['decision'].key}: …` を書いてください")
                continue
            ref = item.string(ref_key, required=False)
            title = item.string(title_key, required=False, default="")
            if not ref and not title:
                reader.ctx.error(line, where, f"{ref_key}のファイル名も{title_key}もありません",
                                 f"`{ref_key}: ファイル名` か、ファイルのない過去の案件なら `{title_key}: …` を書いてください")
            decision = _kinds()["choice"].read(item, parts["decision"], env) if item.has(parts["decision"].key) else None
            conditions = _kinds()["text"].read(item, parts["conditions"], env) if "conditions" in parts else None
            withheld = _kinds()["bool"].read(item, parts["withheld"], env) if "withheld" in parts else None
            due, reports = (item.string(parts[role].key, required=False, default="") if role in parts else ""
                            for role in ("report_due", "report"))
            kind = _kinds()["choice"].read(item, parts["kind"], env) if "kind" in parts else None
            own = tuple((p.key, _kinds()[p.kind].read(item, p, env)) for p in field.parts if not p.role)
            item.finish([p.key for p in field.parts])
            check_item(item, parts, line, decision, conditions, env.forms)
            check_repeated(item, parts, field.key, index + 1, ref, title, seen)
            check_follow_up(item, parts, line, conditions, due, reports, env.forms)
            result.append(m.Deliberation(index + 1, title, decision or "", ref, line, conditions=conditions or (),
                                         withheld=bool(withheld), report_due=due or "", reports=reports or "",
                                         kind=kind or "", own=own))
        return tuple(result)

    def schema(self, field, forms):
        parts = {p.role: p for p in field.parts}
        one = closed({p.key: _kinds()[p.kind].schema(p, forms) for p in field.parts})
        return {"type": "array", "items": one, "minItems": 1}

    def scaffold(self, field, forms):
        parts = {p.role: p for p in field.parts}
        words = forms.words(parts["decision"].vocabulary)
        lines = [f"{field.key}:", f"  - {parts['title'].key}: {q(TODO)}  # ファイルがあれば {parts['agenda'].key}: ファイル名"]
        if "kind" in parts:
            kinds = forms.kinds()
            lines.append(f"    {parts['kind'].key}: {kinds[0]}  # {' / '.join(kinds)}")
        lines.append(f"    # {parts['decision'].key}: {words[0]}  # {' / '.join(words)}")
        needing = forms.decision_words("required")
        if "conditions" in parts and needing:
            lines.append(f"    # {parts['conditions'].key}: …  # {'・'.join(needing)}なら必ず書く（いくつもあれば - の並び）")
        return lines


class Advice(Kind):
    """Expert advice: {表題, 前文}; the advice itself is the Markdown body of the file."""

    id = "advice"

    def read(self, reader, field, env):
        sub = reader.mapping(field.key, required=False)
        if sub is None:
            return None
        title = sub.string("表題") or ""
        intro = sub.string("前文", required=False, default="")
        sub.finish(["表題", "前文"])
        return (title, intro)

    def schema(self, field, forms):
        return closed({"表題": {"type": "string"}, "前文": {"type": "string"}}, ["表題"])

    def scaffold(self, field, forms):
        return []


class Remarks(Kind):
    """Remarks, grouped by the item they were about: `- {<items key>: 3, <this key>: [{<speaker>, <text>}]}`."""

    id = "remarks"

    def read(self, reader, field, env):
        items_key = env.forms.meeting.role("items").key
        parts = {p.role: p for p in field.parts}
        speaker_key, text_key = parts["speaker"].key, parts["text"].key
        count = len(env.values.get("items") or ())
        groups = []
        for item, line in reader.items(field.key, required=False):
            if not isinstance(item, Reader):
                reader.ctx.error(line, field.key, f"{field.key}は{items_key}ごとに書いてください",
                                 f"`- {items_key}: 3` の下に `{field.key}:` の並びを書いてください")
                continue
            number = item.integer(items_key)
            if number and number > count:
                item.error(items_key, f"{items_key}({number})はありません", f"1〜{count} の番号を書いてください")
            remarks = []
            for remark, rline in item.items(field.key):
                if not isinstance(remark, Reader):
                    reader.ctx.error(rline, item.name(field.key), f"{field.key}は「{speaker_key}」と「{text_key}」で書いてください",
                                     f"`- {speaker_key}: 〇〇` と `{text_key}: …` を書いてください")
                    continue
                speaker, text = remark.string(speaker_key), remark.text(text_key)
                remark.finish([speaker_key, text_key])
                if speaker and text:
                    remarks.append(m.Remark(speaker, text))
            item.finish([items_key, field.key])
            if number:
                groups.append(m.RemarkGroup(number, tuple(remarks)))
        return tuple(groups)

    def schema(self, field, forms):
        items_key = forms.meeting.role("items").key
        parts = {p.role: p for p in field.parts}
        speaker, text = parts["speaker"].key, parts["text"].key
        remark = closed({speaker: {"type": "string"}, text: ANY_TEXT}, [speaker, text])
        group = closed({items_key: {"type": "integer"}, field.key: {"type": "array", "items": remark}},
                       [items_key, field.key])
        return {"type": "array", "items": group}

    def scaffold(self, field, forms):
        return []


class Unfinished(Kind):
    """What an import could not place (`build.py import`): `- {出典: 12行目（外部結合）, 文: …}`, each a warning until moved."""

    id = "notes"
    keys = ("出典", "文")

    def read(self, reader, field, env):
        result = []
        for index, (item, line) in enumerate(reader.items(field.key, required=False), start=1):
            where = f"{field.key}[{index}]"
            if isinstance(item, Reader):
                place, text = item.string("出典", required=False, default=""), item.string("文", required=False, default="")
                item.finish(list(self.keys))
            else:
                place, text = "", clean(item)
            if not text:
                continue
            shown = text if len(text) <= 60 else text[:60] + "…"
            origin = f"（元の文書の{place}）" if place else ""
            reader.ctx.warn(line, where, f"取り込みで置き先の決まらなかった文です{origin}: 「{shown}」",
                            f"書かれたことを確かめて正しい欄に書き移し、済んだらこの {field.key} の項目から外してください")
            result.append((place, text))
        return tuple(result)

    def schema(self, field, forms):
        return {"type": "array", "items": {"anyOf": [{"type": "string"},
                                                     closed({k: {"type": "string"} for k in self.keys}, ["文"])]},
                "description": "取り込み（build.py import）で置けなかった文。書き移したら外します"}

    def scaffold(self, field, forms):
        return []

