"""View -> Word: every agenda item (drafts too) and every meeting as a .docx made from templates/docx/.

The layout lives in the two Word templates (付議事項.docx, 会議概要.docx): docxtpl tags inside real Word
files.  This module only turns the view model (fugi.views.printed, shared with the site) into the templates' context
— Markdown as Word paragraphs, the flow image, the numbered items laid out in column groups — and renders it
with autoescape: content is data, never template, so `&`, `<script>` and `{{ x }}` print as typed.
Files are written with a fixed zip layout and core properties from content (fugi.word.docx_files).
"""
from __future__ import annotations

import io
import math
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.shared import Inches
from docx.image.image import Image
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, TemplateError
from lxml import etree

from fugi import model as m
from fugi.word import ooxml
from fugi.word.docx_files import document_bytes, set_core_properties
from fugi.word.flow_picture import DPI, picture
from fugi.word.markdown_docx import STYLE_NAMES, WordRenderer
from fugi.problems import ContentError, Problems
from fugi.views.printed import agenda_view, labels, meeting_view
from fugi.resources import Templates

#: Tags each template must keep: without them a document would silently lose a part.
REQUIRED_TAGS = {
    "agenda": ("{{ title }}", "{{ basis_text }}", "{{ departments_text }}", "for row in overview_rows",
                           "{{p body }}", "for sheet in sheets", "for row in sheet.rows", "if flow", "if items",
                           "for checklist in checklists", "for row in group.rows"),
    "meeting": ("{{ title }}", "{{ when_place }}", "{{ attendees }}", "{{ basis_text }}", "for item in",
                            "{{p advice }}", "for group in remarks"),
    "order": ("{{ title }}", "{{ when_place }}", "{{ words.open }}", "{{ words.items }}", "for item in items",
              "{{ item.paper }}", "{{ words.other }}", "{{ words.close }}"),
}


class TemplateProblem(Exception):
    """A Word template that cannot be used (a broken tag, a missing style, a missing part): which, and why."""

    def __init__(self, message: str, path=None):
        super().__init__(message)
        self.path = path


def template_line_of(trace) -> int:
    """The template's line (a paragraph: docxtpl puts each on a line) of the innermost frame Jinja ran, or 0."""
    line = 0
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


class Template(DocxTemplate):
    """A docxtpl template rendered many times: the patched XML and the compiled Jinja are kept.

    docxtpl's render() re-reads the .docx, re-runs its regular-expression patching and recompiles the
    whole document as a Jinja template for every document; here those happen once.  Two docxtpl
    conveniences are left out on purpose: its `{_{` → `{{` replacement and its "listing" handling of
    \\n, \\t, \\a, \\f in the rendered text — both would change content text; line breaks are done in
    `ooxml.finalize` instead.  Core properties are not templated: they are set from content.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.data = self.path.read_bytes()
        super().__init__(io.BytesIO(self.data))
        self.env = Environment(autoescape=True, finalize=ooxml.finalize, undefined=StrictUndefined)
        self.env.filters["spaced"] = ooxml.spaced
        self._patched: dict[str, str] = {}
        self._compiled: dict[str, object] = {}
        self.style_ids = ooxml.read_style_ids(self.data)
        self.geometry = ooxml.read_geometry(self.data)
        self.text = ooxml.template_text(self.data)

    def init_docx(self, reload: bool = True):
        if not self.docx or (self.is_rendered and reload):
            self.docx = Document(io.BytesIO(self.data))
            self.is_rendered = False

    def patch_xml(self, src_xml):
        patched = self._patched.get(src_xml)
        if patched is None:
            # a text the template marks xml:space="default" (make_templates.plain_text) prints as a plain <w:t>
            patched = self._patched[src_xml] = super().patch_xml(src_xml).replace('<w:t xml:space="default">', "<w:t>")
        return patched

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        template = self._compiled.get(src_xml)
        if template is None:
            # one paragraph per line, so a Jinja error points near the paragraph that holds the tag
            template = self._compiled[src_xml] = (jinja_env or self.env).from_string(
                re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml))
        self.current_rendering_part = part
        return re.sub(r"\n<w:p([ >])", r"<w:p\1", template.render(context))

    def render_properties(self, context, jinja_env=None):
        pass

    def fix_tables(self, xml):
        """Parse the rendered body strictly and fit each table's grid to its own rows (see ooxml.fix_tables).

        docxtpl parses with recovery on (a broken document would silently lose text) and counts the rows of
        nested tables as rows of the outer table (a Markdown table inside the body would add a column)."""
        try:
            return ooxml.fix_tables(xml)
        except etree.XMLSyntaxError as err:
            raise TemplateProblem(f"テンプレートから正しい Word の XML ができません: {err}", self.path) from err

    def render_bytes(self, context: dict, title: str, subject: str, when=None, author: str = "") -> bytes:
        try:
            self.render(context, jinja_env=self.env, autoescape=True)
        except TemplateError as err:
            where = f"（{err.lineno} 段落目付近）" if getattr(err, "lineno", None) else ""
            raise TemplateProblem(f"テンプレートのタグを処理できません{where}: {err}", self.path) from err
        except TemplateProblem:
            raise
        except Exception as err:  # noqa: BLE001 - a tag raising while it runs ({{ 1 / 0 }}, {{ x | int(...) }}):
            line = template_line_of(err.__traceback__)  # the template's mistake, reported as one, never a traceback
            where = f"（{line} 段落目付近）" if line else ""
            raise TemplateProblem(f"テンプレートのタグを実行できません{where}: {type(err).__name__}: {err}",
                                  self.path) from err
        set_core_properties(self.docx, title, subject, when, author)
        return document_bytes(self.docx)

    def markdown(self, tag: str) -> WordRenderer:
        """A Markdown renderer for the block placed by `{{p tag }}` (tables fit where the tag stands)."""
        return WordRenderer(self.style_ids, self.geometry.block_widths.get(tag, self.geometry.text_width))


_TEMPLATES: dict[tuple, Template] = {}


def template_path(form, templates: Templates | None = None) -> Path:
    """The Word template of a document form: its `Word:` file under the council's templates/docx/ or the shipped one
    (templates: the build's fugi.resources.Templates; the shipped set when not given)."""
    return (templates or Templates()).docx(form.texts["Word"])


def load_template(path: Path, kind: str) -> Template:
    """The template at `path`, loaded once per content of the file (edit it and the next build sees it)."""
    path = Path(path)
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    template = _TEMPLATES.get(key)
    if template is None:
        try:
            template = Template(path)
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as err:
            raise TemplateProblem(f"Word のテンプレートとして読めません: {err}", path) from err
        missing = [name for name in STYLE_NAMES.values() if name not in template.style_ids]
        if missing:
            raise TemplateProblem("Markdown の本文に使うスタイルがありません: " + "、".join(missing), path)
        lost = [tag for tag in REQUIRED_TAGS[kind] if tag not in template.text]
        if lost:
            raise TemplateProblem("テンプレートに必要なタグがありません（表や段落を消していませんか）: " + "、".join(lost), path)
        _TEMPLATES[key] = template
    return template


# ---------------------------------------------------------------------------
# Contexts: the view plus what only Word needs (Markdown as Word XML, the image, column layout)


def legend_lines(legend: str) -> list[str]:
    """・対策が可能であれば「○」 ・対策の必要がない場合は「-」 -> one line per ・."""
    return [part for part in re.split(r"\s+(?=・)", legend.strip()) if part] or [""]


def checklist_context(checklist) -> dict:
    halves = [{"legend": legend_lines(half.legend),
               "groups": [{"label": g.label, "rows": [{"mark": r.mark, "text": r.text, "reason": r.reason} for r in g.rows]}
                          for g in half.groups if g.rows]}
              for half in checklist.halves]
    return {"heading": checklist.heading, "subtitle": checklist.subtitle, "column": checklist.column, "halves": halves}


def numbered_rows(names, pairs: int) -> list[list[dict]]:
    """Items 1..N laid out column-wise in `pairs` number/name pairs (1–41 down the first pair, 42–82 …)."""
    if not names:
        return []
    per_column = math.ceil(len(names) / pairs)
    rows = []
    for r in range(per_column):
        row = []
        for c in range(pairs):
            index = c * per_column + r
            row.append({"n": str(index + 1), "name": names[index]} if index < len(names) else {"n": "", "name": ""})
        rows.append(row)
    return rows


def figure(template: Template, path) -> InlineImage:
    """The data-flow image (a path, or the PNG drawn from the sheets) as large as its page allows: the text width, or
    less height if it is tall."""
    box_width, box_height = template.geometry.figure_box()
    if isinstance(path, bytes):  # drawn at flow_picture.DPI: shown at that size at most (a small flow is not blown up)
        image = Image.from_blob(path)
        width, height = Inches(image.px_width / DPI), Inches(image.px_height / DPI)
        scale = min(box_width / width, box_height / height, 1.0)
        return InlineImage(template, io.BytesIO(path), width=int(width * scale), height=int(height * scale))
    image = Image.from_file(str(path))
    scale = min(box_width / image.width, box_height / image.height)
    return InlineImage(template, str(path), width=int(image.width * scale), height=int(image.height * scale))


def rows_context(rows) -> list:
    return [{"label": label, "lines": lines or [""]} for label, lines in rows]


def agenda_context(agenda: m.Agenda, forms, template: Template, content_root: Path, view) -> dict:
    flow = info = None
    if view.flow is not None:
        if view.flow.image:
            image = figure(template, Path(content_root) / view.flow.image)
        else:
            drawn = picture(view.flow.graph, "png", content_root) if view.flow.graph is not None else None
            image = figure(template, drawn) if drawn else None
        flow = {"number_text": view.flow.number_text, "title": view.flow.title, "image": image}
    if view.info is not None:
        pairs = template.geometry.column_pairs.get("r", 1)
        table = {"title": view.info.title, "rows": numbered_rows(view.info.numbered, pairs)} if view.info.numbered else None
        info = {"number_text": view.info.number_text, "title": view.info.title, "groups": view.info.groups,
                "table": table, "notes": view.info.notes}
    return {
        "labels": labels(forms),
        "number_text": view.number_text,
        "title": view.title,
        "basis_text": view.basis_text,
        "departments_text": view.departments_text,
        "overview_rows": rows_context(view.overview_rows),
        "body": template.markdown("body").render(view.body),
        "sheets": [{"title": s.title, "rows": rows_context(s.rows)} for s in view.sheets],
        "flow": flow,
        "items": info,
        "checklists": [checklist_context(c) for c in view.checklists],
    }


def item_context(item: dict) -> dict:
    """One deliberated item as the meeting's Word file prints it (its label: (1), or ア within its kind)."""
    return {key: item[key] for key in ("number", "label", "title", "decision", "conditions", "note")}


def meeting_context(meeting: m.Meeting, forms, template: Template, view) -> dict:
    return {
        "labels": labels(forms),
        "title": view.title,
        "when_place": view.when_place,
        "attendees": view.attendees,
        "basis_text": view.basis_text,
        "items": [item_context(i) for i in view.items],  # flat, for a template restyled before the kinds
        "groups": [{"kind": g["kind"], "label": g["label"], "items": [item_context(i) for i in g["items"]]}
                   for g in view.groups] or [{"kind": "", "label": "", "items": [item_context(i) for i in view.items]}],
        "advice_title": f"【{view.advice_title}】" if view.advice_title else "",
        "advice_intro": view.advice_intro,
        "advice": template.markdown("advice").render(view.advice) if view.advice.strip() else None,
        "remarks": [{"number": group["number"], "note": group["note"],
                     "heading": group["ref"] if view.groups else f"{labels(forms).items}({group['number']})",
                     "remarks": [{"speaker": r["speaker"], "first": r["text"][0] if r["text"] else "",
                                  "rest": r["text"][1:]} for r in group["remarks"]]}
                    for group in view.remarks],
        "sections": view.sections,
    }


# ---------------------------------------------------------------------------
# Documents


def agenda_docx(agenda: m.Agenda, forms, content_root: Path, view=None, templates: Templates | None = None) -> bytes:
    """view: the item's agenda_view when the caller has made it already; templates: the build's template set (else
    the one of content_root)."""
    view = view or agenda_view(agenda, forms)
    template = load_template(template_path(forms.agenda, templates or Templates.of(content_root)), "agenda")
    context = agenda_context(agenda, forms, template, content_root, view)
    when = agenda.meeting.date if agenda.meeting and agenda.meeting.date else None
    subject = f"{(forms.agenda.texts.get('表紙の表題') or forms.agenda.name).replace(chr(0x3000), ' ')} {context['number_text']}"
    return template.render_bytes(context, agenda.title, subject, when, view.departments_names)


def meeting_docx(meeting: m.Meeting, forms, view=None, templates: Templates | None = None) -> bytes:
    """view: the meeting's meeting_view when the caller has made it already; templates: the build's template set
    (fugi.resources.Templates.of(content); the shipped set when not given)."""
    view = view or meeting_view(meeting, forms)
    template = load_template(template_path(forms.meeting, templates), "meeting")
    return template.render_bytes(meeting_context(meeting, forms, template, view), meeting.title, forms.meeting.name,
                                 meeting.date, meeting.council)


def order_template_path(forms, templates: Templates | None = None) -> Path:
    """The 次第's Word template (会議.次第.Word under the council's templates/docx/ or the shipped one)."""
    return (templates or Templates()).docx(forms.meeting.texts["次第"]["Word"])


def order_docx(meeting: m.Meeting, forms, view, templates: Templates | None = None) -> bytes:
    """The 次第 of the members' packet (view: fugi.views.order.order_view; templates: the build's template set)."""
    from fugi.views.order import order_context

    template = load_template(order_template_path(forms, templates), "order")
    return template.render_bytes(order_context(view, forms), view.title, view.name,
                                 meeting.date, meeting.council)


def fail(path, message: str, hint: str = ""):
    """Report a problem the clerk can act on (printed as path:line: field: message — hint) and stop."""
    problems = Problems()
    problems.error(path, 1, "", message, hint)
    for problem in problems:
        print(str(problem), file=sys.stderr)
    raise ContentError(problems, printed=True)
