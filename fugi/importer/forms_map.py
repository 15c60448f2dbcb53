"""The printed form back to front matter and body, driven by the form definition (labels, keys, aliases, catalog)."""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..forms import meeting_title
from ..kinds import KINDS, NO_END, SEP, TODO
from ..wareki import ERAS
from .sources import Block, Para, Source


class NotAForm(Exception):
    """A readable file that is not one of the forms (a letter, an empty document): the message says so."""


# ---------------------------------------------------------------------------
# Text helpers


def norm(text: str) -> str:
    """For matching labels and sentences: width folded (NFKC), no spaces, the dashes and dots of one kind."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"\s+", "", text)
    return re.sub("[‐－―−-]", "-", text.replace("·", "・"))


def tidy(text: str) -> str:
    """A value as a clerk types it: lines joined, runs of spaces made one."""
    return re.sub(r"[ \t\u3000]+", lambda m: " " if m.group(0) != "\u3000" else "\u3000", (text or "").replace("\n", " ")).strip()


def undouble(text: str) -> str:
    """A title wrapped by the extraction repeats the words at the break (「…事業に係る 係る外部結合…」): once."""
    return re.sub(r"(\S{2,6})[ \u3000\n]+\1", r"\1", text)


def split_top(text: str, sep: str = SEP) -> list:
    """Split on `sep` outside brackets: 「法人の役員（商号、名称）、住所」 -> two items."""
    out, depth, current = [], 0, ""
    for char in text:
        if char in "（(「【『［[":
            depth += 1
        elif char in "）)」】』］]" and depth:
            depth -= 1
        if char == sep and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        out.append(current.strip())
    return out


def trailing_note(text: str) -> tuple:
    """「名称（注記）」 / 「名称 (注記)」 -> (名称, 注記); a name without a bracketed end -> (name, "")."""
    text = text.strip()
    if not text or text[-1] not in "）)":
        return text, ""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in "）)":
            depth += 1
        elif char in "（(":
            depth -= 1
            if depth == 0:
                name = text[:index].strip()
                return (name, text[index + 1:-1].strip()) if name else (text, "")
    return text, ""


# ---------------------------------------------------------------------------
# 和暦 dates and periods

ERA_NAMES = "|".join(name for _, name in ERAS)
DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def era_to_year(era: str, number: str) -> Optional[int]:
    for start, name in ERAS:
        if name == era:
            return start.year + (1 if number == "元" else int(number)) - 1
    return None


def date_pattern(parts) -> str:
    names = "|".join(re.escape(p) for p in parts) or "(?!)"
    return rf"(?:({ERA_NAMES})\s*(元|\d+)\s*年\s*(\d+)\s*月\s*(?:(\d+)\s*日|({names}))?)"


def iso_partial(groups) -> Optional[str]:
    era, number, month, day, part = groups
    year = era_to_year(era, number)
    if year is None or not 1 <= int(month) <= 12:
        return None
    if day:
        try:
            return dt.date(year, int(month), int(day)).isoformat()
        except ValueError:
            return None
    return f"{year:04d}-{int(month):02d}" + (f" {part}" if part else "")


def parse_periods(text: str, parts) -> Optional[list]:
    """令和8年4月中旬から令和8年10月31日まで(次年度以降も…) -> [{開始, 終了, 備考}] (several periods in one text too).

    None when some of the text is not a period (the caller keeps it as a note)."""
    date = date_pattern(parts)
    one = re.compile(rf"\s*{date}\s*(?:(から)\s*(?:{date}\s*まで)?)?\s*(\(\s*予定\s*\))?\s*(?:\(([^()]*(?:\([^()]*\)[^()]*)*)\))?"
                     rf"(?:\s+([^\s(][^(]*?))?\s*(?={date}|$)")
    flat = unicodedata.normalize("NFKC", text.replace("\n", " ")).translate(DIGITS)
    periods, at = [], 0
    while at < len(flat.rstrip()):
        match = one.match(flat, at)
        if not match or match.end() == at:
            return None
        g = match.groups()
        start = iso_partial(g[0:5])
        if start is None:
            return None
        period = {"開始": start}
        if g[6] is not None:  # … まで
            end = iso_partial((g[6], g[7], g[8], g[9], g[10]))
            if end is None:
                return None
            period["終了"] = end
        elif g[5]:  # から with no end
            period["終了"] = NO_END
        if g[11]:
            period["予定"] = True
        if g[12]:
            period["備考"] = g[12].strip()
        if g[13]:
            period["名称"] = g[13].strip()
        periods.append(period)
        at = match.end()
    # the content's key order
    order = ("開始", "終了", "予定", "名称", "備考")
    return [{k: p[k] for k in order if k in p} for p in periods] or None


def parse_when(text: str):
    """令和7年9月1日(月) 午前9時30分~午前10時00分 場所 -> (date, start, end, place)."""
    flat = unicodedata.normalize("NFKC", text.replace("\n", " ")).translate(DIGITS)
    match = re.match(rf"\s*({ERA_NAMES})\s*(元|\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日\s*(?:\([^)]*\))?\s*(.*)$", flat)
    if not match:
        return None
    year = era_to_year(match.group(1), match.group(2))
    try:
        day = dt.date(year, int(match.group(3)), int(match.group(4)))
    except (TypeError, ValueError):
        return None
    rest = match.group(5)
    times = []
    clock = re.compile(r"\s*(午前|午後)?\s*(\d+)\s*時\s*(?:(\d+)\s*分|半)?|\s*(正午)")
    position = 0
    for _ in range(2):
        found = clock.match(rest, position)
        if not found or not (found.group(2) or found.group(4)):
            break
        if found.group(4):
            times.append("12:00")
        else:
            hour = int(found.group(2)) + (12 if found.group(1) == "午後" and int(found.group(2)) < 12 else 0)
            minute = int(found.group(3) or (30 if "半" in found.group(0) else 0))
            times.append(f"{hour:02d}:{minute:02d}")
        position = found.end()
        dash = re.match(r"\s*[~〜～\-ー－]\s*", rest[position:])
        if not dash:
            break
        position += dash.end()
    place = rest[position:].strip()
    return day, (times[0] if times else None), (times[1] if len(times) > 1 else None), place


# ---------------------------------------------------------------------------
# The result of mapping one source


@dataclass
class Note:
    """Text that could not be placed: where it came from (the source's page/table/row) and near which field."""

    where: str
    near: str
    text: str


@dataclass
class Imported:
    kind: str  # agenda / meeting
    meta: dict
    body: str
    notes: list = field(default_factory=list)
    title: str = ""
    unfilled: list = field(default_factory=list)  # required fields written as placeholders (the file is a draft)


class Raw:
    """Lines of YAML for one field, written as they are (the placeholder lines `build.py new` writes)."""

    def __init__(self, lines):
        self.lines = list(lines)


# ---------------------------------------------------------------------------
# Labels of the forms


class Labels:
    """norm(label) -> field, for a list of field declarations (ラベル, キー and 別名 all match)."""

    def __init__(self, fields):
        self.map = {}
        for one in fields:
            for name in (one.label, one.key, *one.aliases):
                if name:
                    self.map.setdefault(norm(name), one)

    def get(self, label: str):
        return self.map.get(norm(label))


def fixed_texts(forms) -> set:
    """The literal texts of the forms' Word templates (「内容は別紙のとおり」 …): printed by every document, no value."""
    from ..render_docx import template_path
    from .sources import read_docx

    out = set()
    for form in (forms.agenda, forms.meeting):
        try:
            path = template_path(form)
            source = read_docx(path, Path(path).read_bytes())
        except Exception:  # noqa: BLE001 - a missing template only means no fixed texts
            continue
        for block in source.blocks:
            for text in block.cell_texts():
                if text and "{" not in text and "%" not in text:
                    out.add(norm(text))
    return out


class FormsMap:
    """What the mapping needs of the forms, made once per import: labels, patterns, the catalog."""

    def __init__(self, forms, catalog: dict):
        self.forms, self.catalog = forms, catalog
        agenda, meeting = forms.agenda, forms.meeting
        self.cover_title = norm(agenda.texts["表紙の表題"])
        self.prefix = agenda.texts["番号の接頭語"]
        self.title_field = agenda.role("title")
        overview = agenda.role("overview")
        self.overview = overview
        self.overview_labels = Labels(overview.parts)
        self.body_label = norm(overview.options.get("本文", ""))
        self.sheet_title_key = agenda.role("sheets").options.get("表題のキー", "")
        self.departments = agenda.role("departments")
        self.basis = agenda.role("basis")
        self.flow = agenda.role("flow")
        self.info = agenda.role("info_items")
        self.checklists_field = agenda.role("checklists")
        self.category_labels = {c.name: Labels(c.fields) for c in forms.categories}
        self.joined = {c.name: {norm(f.joined_label): f for f in c.fields if f.joined_label} for c in forms.categories}
        self.fixed = fixed_texts(forms) | {norm(agenda.texts["表紙の表題"]), norm(self.basis.label)}
        self.checklist_headings = {norm(f"{e.number} {e.title}"): e for e in catalog.values()}
        # a PDF line can hold the heading and its subtitle side by side
        self.checklist_headings.update({norm(f"{e.number} {e.title}{e.subtitle}"): e for e in catalog.values() if e.subtitle})
        self.marks = {norm(m["印"]): m["印"] for m in forms.marks}
        template = meeting.texts["表題"]
        pattern, names = "", []
        for piece in re.split(r"(\{[^{}]+\})", template):
            if piece.startswith("{") and piece.endswith("}"):
                names.append(piece[1:-1])
                pattern += r"(\d+)" if meeting.role("number") and piece[1:-1] == meeting.role("number").key else "(.+?)"
            else:
                pattern += re.escape(norm(piece))
        self.meeting_title = re.compile(f"^{pattern}$")
        self.meeting_title_names = names


# ---------------------------------------------------------------------------
# Body text -> Markdown

SENTENCE_END = ("。", "）", ")", "」", "』", "】", "：", ":")
NUMBERED_HEADING = re.compile(r"^\d+[ \u3000]+\S")
SUB_HEADING = re.compile(r"^[（(]\d+[）)]\s*\S")


def heading_level(text: str) -> int:
    """A flat source's heading: 「1 概要」 -> 2, 「（1）外部結合」 -> 3 (short, no sentence end), else 0."""
    if "。" in text or len(text) > 40:
        return 0
    if NUMBERED_HEADING.match(text):
        return 2
    if SUB_HEADING.match(text):
        return 3
    return 0


def markdown(paras: list, flat: bool) -> str:
    """Paragraphs of a body cell as Markdown: headings, list items and paragraphs, a blank line between blocks."""
    out = []
    for para in paras:
        text = para.text.strip()
        if not text:
            continue
        style = para.style
        if style.startswith("h"):
            out.append("#" * (int(style[1:]) + 1) + " " + text)
        elif style.startswith("li"):
            pad = "  " * (int(style[2:]) - 1)
            ordered = re.match(r"^(\d+)([.)])\s+(.*)$", text, re.S)
            if ordered:  # the renderer's number of an ordered list item
                out.append(f"{pad}{ordered.group(1)}{ordered.group(2)} {literal(ordered.group(3))}")
            else:
                out.append(pad + "- " + literal(text[1:].strip() if text[:1] == "・" else text))
        elif style.startswith("more"):
            out.append("  " * int(style[4:]) + literal(text))
        elif flat and heading_level(text):
            out.append("#" * heading_level(text) + " " + text)
        else:
            out.append(literal(text))
    return "\n\n".join(out)


#: What would make a paragraph's first characters Markdown syntax (a heading, a list, a quote, a rule, a code block).
BLOCK_START = re.compile(r"^(?:#{1,6}(?:\s|$)|[-+*](?:\s|$)|>|\d{1,9}[.)](?:\s|$)|(?:[-*_]\s*){3,}$|`{3,}|~{3,}|=+\s*$)")


def literal(text: str) -> str:
    """A paragraph's text as Markdown that prints it as it is: a leading mark escaped, HTML-like < and & kept."""
    lines = text.split("\n")
    out = []
    for line in lines:
        stripped = line.lstrip()
        number = re.match(r"^(\d{1,9})([.)])(\s|$)", stripped)
        if number:  # 「1. …」: the delimiter escaped (a backslash before a digit would print)
            line = f"{number.group(1)}\\{stripped[len(number.group(1)):]}"
        elif BLOCK_START.match(stripped):
            line = "\\" + stripped
        out.append(re.sub(r"(?<!\\)([*_`])", r"\\\1", line))  # no emphasis or code the original did not have
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Values by kind


def unflatten(paras: list, flat: bool) -> list:
    """A flat source loses the breaks between numbered sub-items: 「1 対象者 … 2 情報項目 …」 -> two paragraphs."""
    texts = [p.text.strip() for p in paras if p.text.strip()]
    if not flat:
        return texts
    out = []
    for text in texts:
        if re.match(r"^1[ \u3000]", text) and re.search(r"[ \u3000]2[ \u3000]", text):
            pieces, number = [], 2
            rest = text
            while True:
                found = re.search(rf"[ \u3000]{number}[ \u3000]", rest)
                if not found:
                    break
                pieces.append(rest[:found.start()].strip())
                rest = rest[found.start():].strip()
                number += 1
            out += pieces + [rest]
            continue
        labelled = list(re.finditer(r"(?:^|[ \u3000])([^\s:：、。]{1,10})[:：][ \u3000]", text))
        if len(labelled) > 1 and labelled[0].start() == 0:
            cuts = [m.start() for m in labelled] + [len(text)]
            out += [text[a:b].strip() for a, b in zip(cuts, cuts[1:])]
            continue
        out.append(text)
    return out


def text_value(texts: list):
    return texts[0] if len(texts) == 1 else list(texts)


class Mapper:
    """One source mapped to one document: the front matter (in the forms' order), the body and the notes."""

    def __init__(self, fm: FormsMap, source: Source):
        self.fm, self.forms, self.source = fm, fm.forms, source
        self.notes: list = []
        self.unfilled: list = []  # required fields the source lacks, written as placeholders
        self.near = ""

    def note(self, block_or_where, text: str, near: str = "") -> None:
        where = block_or_where.where if isinstance(block_or_where, Block) else str(block_or_where)
        if text.strip():
            self.notes.append(Note(where, near or self.near, tidy(text)))

    # -- values -------------------------------------------------------------

    def value(self, one, paras: list, block: Block):
        """A field's printed lines -> its front-matter value, by the field's kind (None: nothing to write)."""
        kind = one.kind
        texts = [p.text.strip() for p in paras if p.text.strip()]
        if not texts:
            return None
        if kind == "names":
            names = [n for t in texts for n in split_top(tidy(t)) if n]
            return names
        if kind == "line":
            return tidy(" ".join(texts))
        if kind == "partners":
            return self.partners(texts)
        if kind == "periods":
            found = parse_periods("\n".join(texts), self.forms.period_parts)
            if found is None:
                lines = texts if not self.source.flat else [" ".join(texts)]
                found = []
                for line in lines:
                    one_line = parse_periods(line, self.forms.period_parts)
                    if one_line is None:
                        self.note(block, line, f"{self.near}.{one.key}")
                        continue
                    found += one_line
            return found or None
        if kind == "date":
            when = parse_when(texts[0])
            return when[0] if when else None
        if kind == "number":
            digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", texts[0]))
            return int(digits) if digits else None
        return text_value(unflatten(paras, self.source.flat))

    def partners(self, texts: list):
        lines = []
        for text in texts:
            text = text.strip()
            if self.source.flat and text.count("・") > 1 and text.startswith("・"):
                lines += ["・" + piece.strip() for piece in re.split(r"\s・", text[1:])]
            else:
                lines.append(text)
        if any(line.startswith("・") for line in lines):  # a bulleted list: a line without its mark goes on
            joined = []
            for line in lines:
                if joined and not line.startswith(("・", "※")) and not joined[-1].startswith("※"):
                    joined[-1] = joined[-1] + line
                else:
                    joined.append(line)
            lines = joined
        items, remark, bullets = [], "", False
        for line in lines:
            if line.startswith("※"):
                remark = (remark + " " + line).strip() if remark else line
                continue
            if line.startswith("・"):
                bullets = True
                line = line[1:].strip()
            name, note = trailing_note(tidy(line))
            items.append({"名称": name, "注記": note} if note else {"名称": name})
        if not items:
            return None
        if bullets or remark:
            value = {"一覧": items}
            if bullets:
                value["箇条書き"] = True
            if remark:
                value["備考"] = remark
            return value
        return items

    # -- headings and rows --------------------------------------------------

    def is_checklist_heading(self, block: Block):
        return self.fm.checklist_headings.get(norm(block.text)) if block.kind == "p" else None

    def number_paragraph(self, block: Block):
        if block.kind != "p":
            return None
        match = re.match(rf"^{re.escape(self.fm.prefix)}\s*(\d+)(?:\s*[-－‐]\s*(\d+))?$", unicodedata.normalize("NFKC", block.text.strip()))
        return (match.group(1), match.group(2)) if match else None

    def sheet_heading(self, block: Block):
        if block.kind != "p":
            return None
        key = norm(self.fm.sheet_title_key)
        text = block.text.strip()
        if norm(text).startswith(key) and len(norm(text)) > len(key):
            spaced = r"\s*".join(map(re.escape, self.fm.sheet_title_key))
            rest = re.sub("^" + spaced, "", text).strip()
            return tidy(rest)
        return None


# ---------------------------------------------------------------------------
# Agenda items


class AgendaMapper(Mapper):
    def run(self) -> Imported:
        fm, forms = self.fm, self.forms
        agenda = forms.agenda
        blocks = self.source.blocks
        values: dict = {}
        overview: dict = {}
        body_paras: list = []
        sheets: list = []  # (title, block, rows)
        flow: Optional[dict] = None
        info: dict = {}
        checklists: list = []  # (entry, [(block, cells)], subtitle seen)
        number = None
        branch = None
        phase = "cover"
        i = 0
        while i < len(blocks):
            block = blocks[i]
            i += 1
            text = block.text.strip()
            n = norm(text)
            entry = self.is_checklist_heading(block)
            if entry is not None:
                phase = "checklist"
                if checklists and checklists[-1][0] is entry and not checklists[-1][1]:
                    continue
                checklists.append((entry, [], block))
                self.near = f"{fm.checklists_field.key}.{entry.category}"
                continue
            numbered = self.number_paragraph(block)
            if numbered:
                if numbered[1] is None:
                    number = number or numbered[0]
                else:
                    number = number or numbered[0]
                    branch = numbered[1]
                    if phase != "checklist":
                        phase = "attach"
                        if fm.flow and branch == str(fm.flow.options.get("枝番")):
                            flow = flow if flow is not None else {}
                            self.near = fm.flow.key
                        elif fm.info and branch == str(fm.info.options.get("枝番")):
                            self.near = fm.info.key
                continue
            if block.kind == "p" and n in fm.fixed:
                if phase == "cover" and overview:
                    phase = "overview"
                continue
            title = self.sheet_heading(block)
            if title and phase in ("cover", "overview", "body", "sheet", "attach") and values.get("title"):
                rows = []
                while i < len(blocks) and blocks[i].kind == "row":
                    rows.append(blocks[i])
                    i += 1
                # a title the extraction wrapped onto a second paragraph before the rows
                title = undouble(title)
                while not rows and i < len(blocks) and blocks[i].kind == "p" and not self.sheet_heading(blocks[i]) \
                        and not self.is_checklist_heading(blocks[i]) and i + 1 < len(blocks) and blocks[i + 1].kind == "row":
                    title = f"{title}{blocks[i].text.strip()}"
                    i += 1
                    while i < len(blocks) and blocks[i].kind == "row":
                        rows.append(blocks[i])
                        i += 1
                sheets.append((title, block, rows))
                phase = "sheet"
                continue
            if phase == "checklist":
                if block.kind == "row":
                    checklists[-1][1].append(block)
                elif norm(checklists[-1][0].subtitle) and n == norm(checklists[-1][0].subtitle):
                    continue
                else:
                    self.note(block, text)
                continue
            if block.kind == "row":
                cells = block.cells
                label = norm(" ".join(p.text for p in cells[0]))
                if phase == "body" and not label and len(cells) > 1:  # the body's row goes on over a page break
                    more = [p for c in cells[1:] for p in c if p.text.strip()]
                    last = body_paras[-1].text.strip() if body_paras else ""
                    if more and last and self.source.flat and not last.endswith(SENTENCE_END) and not heading_level(last):
                        body_paras[-1] = Para(last + more.pop(0).text.strip(), body_paras[-1].style)  # a broken paragraph
                    body_paras += more
                    continue
                if phase == "cover" and label == norm(fm.title_field.label) and len(cells) > 1:
                    values["title"] = tidy(" ".join(p.text for c in cells[1:] for p in c))
                    continue
                one = fm.overview_labels.get(label)
                if one is not None and len(cells) > 1 and phase in ("cover", "overview"):
                    phase = "overview"
                    value = self.value(one, cells[1], block)
                    if value is not None:
                        overview[one.key] = value
                    continue
                if label == fm.body_label and fm.body_label and phase in ("cover", "overview"):
                    phase = "body"
                    body_paras += [p for c in cells[1:] for p in c]
                    continue
                if phase == "attach" or (phase == "sheet" and fm.info):
                    phase = "attach"
                    self.info_row(block, info)
                    continue
                self.note(block, text)
                continue
            # paragraphs
            if phase == "cover":
                if text.startswith("◇"):
                    values["basis"] = self.basis(text, block)
                    continue
                departments = self.departments(text)
                if departments is not None:
                    values["departments"] = departments
                    continue
                if n == norm(fm.overview.label):
                    phase = "overview"
                    continue
                self.note(block, text, "表紙")
                continue
            if phase == "body":
                body_paras.append(block.cells[0][0])
                continue
            if phase in ("sheet", "attach"):
                if fm.flow and n.endswith(norm(fm.flow.label)) and "info_started" not in info:
                    flow = {"表題": tidy(text)}
                    phase = "attach"
                    continue
                if fm.info:
                    phase = "attach"
                    self.info_paragraph(block, info)
                    continue
            self.note(block, text)
        if not values.get("title") and not sheets and not checklists:
            raise NotAForm(f"{agenda.name}の様式として読める欄がありません（{fm.title_field.label}・別紙・{fm.checklists_field.label}が見つかりません）")
        body = markdown(body_paras, self.source.flat)
        return self.assemble(values, overview, body, sheets, flow, info, checklists, number)

    # -- cover --------------------------------------------------------------

    def basis(self, text: str, block: Block):
        match = re.match(r"^◇\s*(.*?)\s*[（(](.*)[）)]\s*$", text)
        if not match:
            self.note(block, text, self.fm.basis.key)
            return None
        self.article = match.group(1)
        names = split_top(match.group(2))
        known = [c.name for c in self.forms.basis_categories]
        good = [name for name in names if name in known]
        for name in names:
            if name not in known:
                self.note(block, name, self.fm.basis.key)
        return good

    def departments(self, text: str):
        label = self.fm.departments.label
        match = re.match(rf"^[（(]\s*{re.escape(label)}\s*[:：]\s*(.*?)\s*[）)]$", text, re.S)
        if not match:
            return None
        pieces = [p.strip() for p in re.split(r"[、\n]", match.group(1)) if p.strip()]
        result = []
        for piece in pieces:
            found = re.match(r"^(.+?(?:部|局|室|本部))(.+)$", piece)
            if found and found.group(2).strip():
                result.append({"部": found.group(1), "課": [found.group(2).strip()]})
            elif result:
                result[-1]["課"].append(piece)
            else:
                result.append({"部": piece, "課": [piece]})
        return result

    # -- attachments --------------------------------------------------------

    def info_paragraph(self, block: Block, info: dict) -> None:
        text = block.text.strip()
        info["info_started"] = True
        if text.startswith("※"):
            info.setdefault("注記", []).append(text)
            return
        groups = info.setdefault("グループ", [])
        if groups and groups[-1].get("項目") is None:
            groups[-1]["項目"] = split_top(tidy(text))
            return
        groups.append({"見出し": tidy(text), "項目": None, "where": block})

    def info_row(self, block: Block, info: dict) -> None:
        cells = [tidy(t) for t in block.cell_texts()]
        info["info_started"] = True
        filled = [c for c in cells if c]
        if len(filled) == 1 and info.get("表題") and norm(filled[0]) == norm(info["表題"]):
            return  # the table's heading row, repeated on the next page
        if len(filled) == 1 and not re.match(r"^\d+$", filled[0]) and "一覧" not in info:
            info["表題"] = filled[0]
            return
        numbered = info.setdefault("一覧", {})
        index = 0
        while index < len(cells) - 1:
            if re.match(r"^\d+$", cells[index]) and cells[index + 1]:
                numbered[int(cells[index])] = cells[index + 1]
                index += 2
            else:
                if cells[index]:
                    self.note(block, cells[index], self.fm.info.key)
                index += 1

    # -- checklists ---------------------------------------------------------

    def checklist(self, entry, rows: list) -> tuple:
        """(override mapping for the item's checklist, …) from the printed rows, matched to the catalog row by row."""
        forms = self.forms
        halves = {h: entry.halves[h] for h in forms.halves}
        collected = {h: {g: [] for g in forms.groups} for h in forms.halves}
        legends = {}
        current = None  # (half, group)
        pending_legend = None
        for block in rows:
            cells = block.cells
            texts = [" ".join(p.text.strip() for p in c if p.text.strip()) for c in cells]
            at = next((k for k, t in enumerate(texts) if norm(t) in self.fm.marks), None)
            if at is None:
                if any(norm(entry.column) == norm(t) for t in texts):
                    legend_cell = next((t for t in texts[:-1][::-1] if t), "")
                    pending_legend = legend_cell
                else:
                    self.note(block, " ".join(texts), self.near)
                continue
            if at > 0 and texts[at - 1]:
                found = self.group_of(texts[at - 1], halves)
                if found is None:
                    self.note(block, texts[at - 1], self.near)
                else:
                    current = found
                    if pending_legend is not None:
                        legends[found[0]] = pending_legend
                        pending_legend = None
            if current is None:
                self.note(block, " ".join(texts), self.near)
                continue
            mark = self.fm.marks[norm(texts[at])]
            cell = cells[at + 1] if at + 1 < len(cells) else [Para("")]
            paras = [p.text.strip() for p in cell if p.text.strip()]
            if not paras:
                self.note(block, f"文のない行の印「{mark}」", self.near)
                continue
            sentence, reasons = paras[0], paras[1:]
            sentences = [sentence]
            if self.source.flat:
                sentences = [s for s in re.split(r"(?<=。)[ \u3000]+", sentence) if s]
                last = re.match(r"^(.*?)[（(]理由[:：]\s*(.*)[）)]$", sentences[-1])
                if last:
                    sentences[-1], reasons = last.group(1).strip(), [last.group(2)] + reasons
            reason = "\n".join(re.sub(r"^[（(]理由[:：]\s*(.*)[）)]$", r"\1", r) for r in reasons)
            for k, one in enumerate(sentences):
                collected[current[0]][current[1]].append((mark, one, reason if k == len(sentences) - 1 else "", block))
        result = {}
        for half in forms.halves:
            half_out = {}
            legend = legends.get(half)
            if legend and re.sub(r"\s+", "", legend) != re.sub(r"\s+", "", entry.legend):
                half_out["凡例"] = tidy(legend)
            for group in forms.groups:
                standard = list(halves[half].groups.get(group, ()))
                group_out = self.align(collected[half][group], standard, f"{self.near}.{half}.{group}")
                if group_out:
                    half_out[group] = group_out
            if half_out:
                result[half] = half_out
        return result

    def group_of(self, label: str, halves: dict):
        """区が行う情報保護対策 【運用上の対策】 -> (half key, group)."""
        match = re.search(r"【([^】]+)】", label)
        if not match:
            return None
        group = next((g for g in self.forms.groups if norm(g) == norm(match.group(1))), None)
        heading = norm(label[:match.start()] + label[match.end():])
        half = next((h for h, one in halves.items() if norm(one.heading) == heading), None)
        if half is None:  # the heading worded differently: the closest one
            scored = sorted(((difflib.SequenceMatcher(None, norm(one.heading), heading).ratio(), h)
                             for h, one in halves.items()), reverse=True)
            half = scored[0][1] if scored and scored[0][0] > 0.6 else None
        return (half, group) if half and group else None

    def align(self, rows: list, standard: list, near: str) -> dict:
        default = self.forms.default_mark
        out, added = {}, []
        last = -1
        for mark, text, reason, block in rows:
            target = norm(text)
            best, best_score = None, 0.0
            for j in range(last + 1, len(standard)):
                if norm(standard[j]) == target:
                    best, best_score = j, 1.0
                    break
                matcher = difflib.SequenceMatcher(None, norm(standard[j]), target)
                if matcher.quick_ratio() < 0.6:
                    continue
                score = matcher.ratio()
                if score > best_score:
                    best, best_score = j, score
            entry = {}
            if mark != default:
                entry["印"] = mark
            if best is None or best_score < 0.6:
                added.append({"印": mark, "文言": text, **({"理由": reason} if reason else {}), "原本どおり": True})
                continue
            for skipped in range(last + 1, best):
                self.note(block, f"標準の{skipped + 1}行目「{standard[skipped]}」が原本にありません", near)
            last = best
            if text != standard[best]:
                entry["文言"] = text
            if reason:
                entry["理由"] = reason
            if "文言" in entry or (mark != default and not reason):
                entry["原本どおり"] = True
            if entry:
                out[best + 1] = entry if list(entry) != ["印"] else mark
        if added:
            out["追加"] = added
        return out

    # -- putting it together ------------------------------------------------

    def sheet(self, title: str, block: Block, rows: list, used: set):
        """(category, mapping) of one sheet: the category whose labels its rows match best."""
        fm = self.fm
        labels = [norm(" ".join(p.text for p in r.cells[0])) for r in rows]
        best, score = None, -1
        for category in self.forms.categories:
            if category.name in used:
                continue
            hits = sum(1 for lb in labels if fm.category_labels[category.name].get(lb) or lb in fm.joined[category.name])
            if hits > score:
                best, score = category, hits
        if best is None or score <= 0:
            self.note(block, f"{fm.sheet_title_key} {title}")
            for r in rows:
                self.note(r, r.text)
            return None, None
        self.near = best.name
        out = {fm.sheet_title_key: title}
        found = {}
        for row, label in zip(rows, labels):
            one = fm.category_labels[best.name].get(label)
            cells = row.cells[1:] if len(row.cells) > 1 else []
            paras = [p for c in cells for p in c]
            if one is None and label in fm.joined[best.name]:
                first = fm.joined[best.name][label]
                following = best.fields[best.fields.index(first) + 1]
                split = self.joined_value(paras, first, following)
                for part, value_paras in split:
                    value = self.value(part, value_paras, row)
                    if value is not None:
                        found[part.key] = value
                continue
            if one is None:
                self.note(row, row.text, best.name)
                continue
            value = self.value(one, paras, row)
            if value is not None:
                key = one.key if norm(one.label) == label or norm(one.key) == label else next(
                    (a for a in one.aliases if norm(a) == label), one.key)
                found[key] = value
        for one in best.fields:
            for key in (one.key, *one.aliases):
                if key in found:
                    out[key] = found[key]
            if not any(key in found for key in (one.key, *one.aliases)):
                self.missing(out, one, f"{best.name}.")
        return best.name, out

    def missing(self, out: dict, one, where: str = "") -> None:
        """A required field the source does not have: the placeholder `build.py new` writes, to be filled in."""
        if one.required and one.default is None:
            out[one.key] = Raw(KINDS[one.kind].scaffold(one, self.forms))
            self.unfilled.append(where + one.key)

    def joined_value(self, paras: list, first, following) -> list:
        """「【委託先】 A 【再委託先】 B」 -> [(委託先, [A]), (再委託先, [B])]."""
        text = "\n".join(p.text for p in paras)
        marks = list(re.finditer(r"【([^】]+)】", text))
        out = []
        for k, found in enumerate(marks):
            part = next((f for f in (first, following) if norm(f.label) == norm(found.group(1))), None)
            chunk = text[found.end(): marks[k + 1].start() if k + 1 < len(marks) else len(text)]
            lines = [Para(line.strip()) for line in chunk.split("\n") if line.strip()]
            if part is not None:
                out.append((part, lines))
        return out

    def assemble(self, values, overview, body, sheets, flow, info, checklists, number) -> Imported:
        fm, forms = self.fm, self.forms
        meta: dict = {}
        sheet_out, used = {}, set()
        for title, block, rows in sheets:
            name, mapping = self.sheet(title, block, rows, used)
            if name:
                used.add(name)
                sheet_out[name] = mapping
        check_out = {}
        for entry, rows, block in checklists:
            self.near = f"{fm.checklists_field.key}.{entry.category}"
            found = self.checklist(entry, rows)
            if entry.category in check_out:
                for half, groups in found.items():
                    check_out[entry.category].setdefault(half, {}).update(groups)
            else:
                check_out[entry.category] = found
        for category in forms.categories:  # a sheet whose checklist the source lacks: the standard one, to be confirmed
            if category.name in sheet_out and category.name in self.fm.catalog and category.name not in check_out:
                check_out[category.name] = {}
                self.note("", f"原本に{category.name}の{fm.checklists_field.label}がありません（標準どおりとしました）",
                          f"{fm.checklists_field.key}.{category.name}")
        if number is None:
            refs = re.findall(rf"{re.escape(fm.prefix)}\s*(\d+)\s*[-－‐]\s*\d+", body + " " + repr(sheet_out))
            number = max(set(refs), key=refs.count) if refs else None
        basis = values.get("basis")
        if not basis:
            basis = [c.name for c in forms.basis_categories if c.name in sheet_out or c.name in check_out]
            parents = {c.name: c.parent for c in forms.categories}
            basis = basis or sorted({parents.get(n) or n for n in sheet_out}, key=[c.name for c in forms.categories].index)
        for one in forms.agenda.fields:
            role = one.role
            if role == "title":
                meta[one.key] = values.get("title") or next(iter(t for t, _, _ in sheets), "")
            elif role == "number":
                if number is None:
                    self.note("表紙", f"{fm.prefix}の番号が原本にありません（仮に 1 としました）", one.key)
                meta[one.key] = int(number) if number else 1
            elif role == "status":
                meta[one.key] = forms.status_word("submitted")
            elif role == "public":
                meta[one.key] = True
            elif role == "basis":
                meta[one.key] = basis
            elif role == "article":
                article = getattr(self, "article", "")
                if article and article != forms.council["根拠の条項"]:
                    meta[one.key] = article
            elif role == "departments":
                if values.get("departments"):
                    meta[one.key] = values["departments"]
                else:
                    self.missing(meta, one)
            elif role == "overview":
                meta[one.key] = {p.key: overview[p.key] for p in one.parts if p.key in overview}
                for part in one.parts:
                    if part.key not in overview:
                        self.missing(meta[one.key], part, f"{one.key}.")
            elif role == "sheets":
                for category in forms.categories:
                    if category.name in sheet_out:
                        meta[category.name] = sheet_out[category.name]
                    elif category.name in (basis or ()):  # asked for, but the source has no sheet for it
                        meta[category.name] = Raw(KINDS["sheets"].scaffold(one, forms, chosen=[category.name]))
                        self.unfilled.append(category.name)
            elif role == "flow":
                if flow is not None or re.search(rf"{re.escape(fm.prefix)}\s*{number}\s*-\s*{one.options.get('枝番')}(?!\d)", body):
                    meta[one.key] = flow or {}
            elif role == "info_items":
                found = self.info_out(info)
                if found:
                    meta[one.key] = found
            elif role == "checklists":
                if check_out:
                    meta[one.key] = {c.name: check_out[c.name] for c in forms.categories if c.name in check_out}
        if not body.strip():
            body = TODO
            self.unfilled.append(fm.overview.options.get("本文", ""))
        if not meta.get(fm.title_field.key):
            meta[fm.title_field.key] = TODO
            self.unfilled.append(fm.title_field.key)
        if self.unfilled:  # a draft until a clerk has filled in what the source lacks (check warns, not fails)
            meta[forms.agenda.role("status").key] = forms.status_word("draft")
        return Imported("agenda", meta, body, self.notes, meta.get(fm.title_field.key, ""), list(self.unfilled))

    def info_out(self, info: dict) -> dict:
        out = {}
        if info.get("表題"):
            out["表題"] = info["表題"]
        groups = []
        for group in info.get("グループ", []):
            if group.get("項目"):
                groups.append({"見出し": group["見出し"], "項目": group["項目"]})
            else:
                self.note(group["where"], group["見出し"], self.fm.info.key)
        if groups:
            out["グループ"] = groups
        numbered = info.get("一覧") or {}
        if numbered:
            out["一覧"] = [numbered[k] for k in sorted(numbered)]
        if info.get("注記") and (groups or numbered):
            out["注記"] = info["注記"]
        elif info.get("注記"):
            for text in info["注記"]:
                self.note("", text, self.fm.info.key)
        if not groups and not numbered:
            return {}
        return out


# ---------------------------------------------------------------------------
# Meetings


class MeetingMapper(Mapper):
    def run(self, title_match) -> Imported:
        fm, forms = self.fm, self.forms
        meeting = forms.meeting
        roles = {one.role: one for one in meeting.fields}
        items_field, remarks_field = roles.get("items"), roles.get("remarks")
        parts = {p.role: p for p in items_field.parts}
        rparts = {p.role: p for p in remarks_field.parts} if remarks_field else {}
        headings = meeting.texts.get("見出し", {})
        values = dict(zip(fm.meeting_title_names, title_match.groups()))
        blocks = [b for b in self.source.blocks]
        known = {norm(headings.get("日時", "")): "when", norm(headings.get("議事", "")): "summary"}
        for role in ("attendees", "basis_text"):
            if roles.get(role):
                known[norm(roles[role].label)] = role
        items_label, remarks_label = norm(f"【{items_field.label}】"), norm(f"【{remarks_field.label}】") if remarks_field else None
        section, items, advice_title, advice_intro, advice, remarks = None, [], "", "", [], []
        when = attendees = basis_text = None
        started = False
        for block in blocks:
            text = block.text.strip()
            n = norm(text)
            if not started:
                started = bool(fm.meeting_title.match(n))
                if not started:
                    self.note(block, text, "表題")
                continue
            bare = re.sub(r"^\d+", "", n)
            if n in known or bare in known:
                section = known.get(n) or known.get(bare)
                continue
            if n == items_label:
                section = "items"
                continue
            if remarks_label and n == remarks_label:
                section = "remarks"
                continue
            if re.match(r"^【[^】]+】$", n) and section in ("items", "basis_text", "advice"):
                section, advice_title = "advice", text.strip()[1:-1].strip()
                continue
            line = re.sub(r"^[-‐]\s+", "", text).strip()
            if section == "when" and when is None:
                when = parse_when(line)
                if when is None:
                    self.note(block, line, headings.get("日時", ""))
                continue
            if section == "attendees" and attendees is None:
                attendees = []
                for piece in split_top(tidy(line)):
                    name, role = trailing_note(piece)
                    attendees.append({"職名": name, "役割": role} if role else name)
                continue
            if section == "basis_text" and basis_text is None:
                basis_text = tidy(line)
                continue
            if section == "items":
                self.item_line(line, items, block, parts)
                continue
            if section == "advice":
                if not advice_intro and not advice and not line.startswith(("・", "-")):
                    advice_intro = tidy(line)
                else:
                    advice.append((text, block))
                continue
            if section == "remarks":
                self.remark_line(text, remarks, block)
                continue
            self.note(block, text)
        if not items:
            raise NotAForm(f"{meeting.name}の{items_field.label}が見つかりません")
        meta: dict = {}
        for one in meeting.fields:
            role = one.role
            if role == "council":
                council = values.get(one.key, "")
                if council and norm(council) != norm(forms.council["名称"]):
                    meta[one.key] = council
            elif role == "number":
                meta[one.key] = int(values.get(one.key) or 0) or 1
            elif role == "date" and when:
                meta[one.key] = when[0]
            elif role == "start" and when and when[1]:
                meta[one.key] = when[1]
            elif role == "end" and when and when[2]:
                meta[one.key] = when[2]
            elif role == "place" and when and when[3]:
                meta[one.key] = when[3]
            elif role == "public":
                meta[one.key] = True
            elif role == "attendees" and attendees:
                meta[one.key] = attendees
            elif role == "basis_text" and basis_text:
                meta[one.key] = forms.council["審議の根拠"] if norm(basis_text) == norm(forms.council["審議の根拠"]) else basis_text
            elif role == "items":
                conditions_key = parts["conditions"].key if "conditions" in parts else None
                for item in items:
                    if item.get("_c") and conditions_key:
                        if forms.condition_rule(item.get(parts["decision"].key, "")) == "refused":
                            for text in item["_c"]:  # this decision takes no conditions: the lines are kept as notes
                                self.note(f"({item.get('_n', '')})", text, f"{one.key}.{conditions_key}")
                        else:
                            item[conditions_key] = text_value(item["_c"])
                meta[one.key] = [{k: v for k, v in item.items() if not k.startswith("_")} for item in items]
            elif role == "advice" and advice_title:
                meta[one.key] = {"表題": advice_title, **({"前文": advice_intro} if advice_intro else {})}
            elif role == "remarks" and remarks:
                items_key = items_field.key
                meta[one.key] = [{items_key: number, one.key: [{rparts["speaker"].key: s, rparts["text"].key: t[0] if len(t) == 1 else t}
                                                             for s, t in group]} for number, group in remarks]
        body = self.advice_markdown(advice)
        shown = {one.key: meta.get(one.key, "") for one in meeting.fields}
        if roles.get("council"):
            shown[roles["council"].key] = meta.get(roles["council"].key) or forms.council["名称"]
        try:
            title = meeting_title(meeting, shown)
        except (KeyError, ValueError, IndexError, AttributeError):
            title = f"{meeting.name} {meta.get(roles['number'].key)}"
        return Imported("meeting", meta, body, self.notes, title)

    def item_line(self, line: str, items: list, block: Block, parts: dict) -> None:
        """「(3) 件名 ⇒ 承認」, or the title, 「⇒ 承認」 and the conditions on lines of their own."""
        decisions = self.forms.words(parts["decision"].vocabulary)
        title_key, decision_key = parts["title"].key, parts["decision"].key
        conditions_key = parts["conditions"].key if "conditions" in parts else None
        arrow = re.search(r"⇒\s*(\S+)\s*$", line)
        head = line[:arrow.start()].strip() if arrow else line
        numbered = re.match(r"^[（(](\d+)[）)]\s*(.*)$", head)
        last = items[-1] if items else None
        decided = last is not None and decision_key in last
        if numbered and decided and conditions_key and not arrow:
            # after the decision a numbered line is the next item, unless it goes on the conditions' numbering
            listed = last.get("_c", [])
            if last.get("_cn", 0) + 1 == int(numbered.group(1)) and (listed or int(numbered.group(1)) != len(items) + 1):
                last.setdefault("_c", []).append(tidy(numbered.group(2)))
                last["_cn"] = int(numbered.group(1))
                return
        if numbered:
            items.append({title_key: tidy(numbered.group(2)), "_n": int(numbered.group(1))})
        elif head and decided and conditions_key:
            last.setdefault("_c", []).append(tidy(head))
        elif head and items and not arrow:
            last[title_key] = tidy(last[title_key] + " " + head)
        elif head:
            self.note(block, head, title_key)
        if arrow and items:
            word = arrow.group(1)
            if word not in decisions:
                self.note(block, f"⇒ {word}", decision_key)
            items[-1][decision_key] = word

    def remark_line(self, text: str, remarks: list, block: Block) -> None:
        line = re.sub(r"^[-‐]\s+", "", text).strip()
        bullet = line.startswith("・")
        line = line.lstrip("・").strip()
        items_key = self.forms.meeting.role("items").label
        group = re.match(rf"^{re.escape(items_key)}\s*[（(](\d+)[）)]\s*について$", line)
        if group:
            remarks.append((int(group.group(1)), []))
            return
        said = re.match(r"^([^:：]{1,30}?)\s*[:：]\s*(.*)$", line) if bullet or text.startswith("-") else None
        if said and remarks:
            remarks[-1][1].append((tidy(said.group(1)), [tidy(said.group(2))]))
            return
        if remarks and remarks[-1][1]:
            remarks[-1][1][-1][1].append(tidy(line))
            return
        self.note(block, text)

    def advice_markdown(self, advice: list) -> str:
        out = []
        for text, block in advice:
            line = text.strip()
            if self.source.flat and out and not out[-1].rstrip().endswith(("。", ")", "）")) and \
                    not line.startswith(("・", "-", "①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨")):
                out[-1] = out[-1].rstrip() + line
                continue
            hint = block.cells[0][0].style
            top = re.match(r"^(?:-\s+)?・\s*(.*)$", line)
            sub = re.match(r"^-\s+(.*)$", line)
            if hint.startswith("li"):
                level = int(hint[2:])
                item = line[1:].strip() if line.startswith("・") else line
                out.append("  " * (level - 1) + "- " + item)
            elif hint.startswith("more"):
                out.append("  " * int(hint[4:]) + line)
            elif top:
                out.append("- " + top.group(1))
            elif sub and out:
                out.append("  - " + sub.group(1))
            elif re.match(r"^[①-⑳]", line) and out and (out[-1].startswith("- ") or out[-1].startswith("  ")):
                out.append("  - " + line)
            elif out and out[-1].lstrip().startswith("- "):
                out.append("  " + line)
            else:
                out.append(line)
        text = ""
        for k, line in enumerate(out):  # nested list items follow each other; other blocks are a blank line apart
            text += ("\n" if line.startswith("  - ") and out[k - 1].startswith("  - ") else "\n\n") if k else ""
            text += line
        return text


# ---------------------------------------------------------------------------


def split_numbers(fm: FormsMap, source: Source) -> None:
    """A PDF line holding the paper number and the title beside it (「資料27 個人情報保護管理運営会議 付議事項」): two paragraphs."""
    pattern = re.compile(rf"^({re.escape(fm.prefix)}\s*\d+(?:\s*[-－‐]\s*\d+)?)\s*(.+)$")
    out = []
    for block in source.blocks:
        match = pattern.match(block.text.strip()) if block.kind == "p" else None
        if match and norm(match.group(2)) in fm.fixed:
            out.append(Block("p", [[Para(match.group(1))]], block.where))
            out.append(Block("p", [[Para(match.group(2))]], block.where))
        else:
            out.append(block)
    source.blocks = out


def map_source(fm: FormsMap, source: Source) -> Imported:
    """The document a source holds, or NotAForm."""
    split_numbers(fm, source)
    head = [norm(b.text) for b in source.blocks[:12]]
    if any(text == fm.cover_title for text in head):
        return AgendaMapper(fm, source).run()
    for block in source.blocks[:12]:
        match = fm.meeting_title.match(norm(block.text))
        if match:
            return MeetingMapper(fm, source).run(match)
    if any(AgendaMapper(fm, source).sheet_heading(b) for b in source.blocks[:40]) or \
            any(fm.checklist_headings.get(norm(b.text)) for b in source.blocks):
        return AgendaMapper(fm, source).run()
    raise NotAForm(f"{fm.forms.agenda.name}・{fm.forms.meeting.name}の様式ではありません"
                   f"（「{fm.forms.agenda.texts['表紙の表題']}」や{fm.forms.meeting.name}の表題が見つかりません）")
