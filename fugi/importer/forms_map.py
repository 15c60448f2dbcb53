"""The printed form back to front matter and body, driven by the form definition (labels, keys, aliases, catalog)."""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from fugi.forms.kinds import TODO
from fugi.forms.registry import KINDS
from fugi.importer.sources import Block, Para, Source
from fugi.importer.values import (SENTENCE_END, heading_level, markdown, norm, parse_periods, parse_when, split_top, text_value,
                     tidy, trailing_note, undouble, unflatten)


class NotAForm(Exception):
    """A readable file that is not one of the forms (a letter, an empty document): the message says so."""


# ---------------------------------------------------------------------------
# The result of mapping one source


@dataclass
class Note:
    """Text that could not be placed: where it came from (the source's page/table/row) and near which field."""

    where: str
    near: str
    text: str


#: A label a department writes before the reason it adds in Word (「（理由）…」「理由：…」「【理由】…」): the form prints
#: its own 「（理由: …）」 around the reason, so the label is not part of it.
REASON_LABEL = re.compile(r"^(?:[（(【]理由[）)】]|理由[:：])[ \u3000]*")


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


def fixed_texts(forms, templates=None) -> set:
    """The literal texts of the forms' Word templates (「内容は別紙のとおり」 …): printed by every document, no value.
    templates: the council's fugi.resources.Templates (its templates/docx/ over the shipped one)."""
    from fugi.word.render_docx import template_path
    from fugi.importer.sources import read_docx

    out = set()
    for form in (forms.agenda, forms.meeting):
        try:
            path = template_path(form, templates)
            source = read_docx(path, Path(path).read_bytes())
        except Exception:  # noqa: BLE001 - a missing template only means no fixed texts
            continue
        for block in source.blocks:
            for text in block.cell_texts():
                if text and "{" not in text and "%" not in text:
                    out.add(norm(text))
    if forms.agenda.texts.get("表紙の本文"):  # the cover's fixed sentence comes from the forms, not the template
        out.add(norm(forms.agenda.texts["表紙の本文"]))
    return out


class FormsMap:
    """What the mapping needs of the forms, made once per import: labels, patterns, the catalog."""

    def __init__(self, forms, catalog: dict, templates=None):
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
        self.fixed = fixed_texts(forms, templates) | {norm(agenda.texts["表紙の表題"]), norm(self.basis.label)}
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
            parts = [fm.title_field.label, self.forms.sheet_word or "区分ごとの欄",
                     *([fm.checklists_field.label] if fm.checklists_field else [])]
            raise NotAForm(f"{agenda.name}の様式として読める欄がありません（{'・'.join(parts)}が見つかりません）")
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
            reason = "\n".join(REASON_LABEL.sub("", re.sub(r"^[（(]理由[:：]\s*(.*)[）)]$", r"\1", r)) for r in reasons)
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
            from fugi.importer.meeting_map import MeetingMapper

            return MeetingMapper(fm, source).run(match)
    if any(AgendaMapper(fm, source).sheet_heading(b) for b in source.blocks[:40]) or \
            any(fm.checklist_headings.get(norm(b.text)) for b in source.blocks):
        return AgendaMapper(fm, source).run()
    raise NotAForm(f"{fm.forms.agenda.name}・{fm.forms.meeting.name}の様式ではありません"
                   f"（「{fm.forms.agenda.texts['表紙の表題']}」や{fm.forms.meeting.name}の表題が見つかりません）")
