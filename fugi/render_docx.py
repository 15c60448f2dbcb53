"""Model -> Word: every agenda item (drafts too) and every meeting as a .docx made from templates/docx/.

The layout lives in the two Word templates (付議事項.docx, 会議概要.docx): docxtpl tags inside real
Word files.  This module only builds the context — every printed value comes from fugi.present, so
Word and the site print the same strings — and renders it with `render(context, autoescape=True)`:
content is data, never template, so `&`, `<script>` and `{{ x }}` in content print as typed.

Rendering is cached per template: docxtpl's XML patching and the Jinja compilation happen once per
template file, not once per document (see Template).  Files are written with a fixed zip layout and
core properties from content (fugi.docx_files), so the same content gives byte-identical files.
"""
from __future__ import annotations

import io
import math
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.image.image import Image
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, TemplateError
from lxml import etree
from markupsafe import Markup, escape

from . import model as m
from . import present
from .docx_files import document_bytes, set_core_properties, write_bytes_atomic
from .markdown_docx import STYLE_NAMES, WordRenderer
from .problems import ContentError, Problems

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "docx"
AGENDA_TEMPLATE = TEMPLATE_DIR / "付議事項.docx"
MEETING_TEMPLATE = TEMPLATE_DIR / "会議概要.docx"

#: The numbered information-item table is laid out in this many number/name column pairs (seed 003).
NUMBERED_PAIRS = 4
#: The largest a data-flow image is printed (the text area of the A4 page, less room for its title).
FIGURE_MAX = (Mm(160), Mm(210))

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


class TemplateProblem(Exception):
    """A Word template that cannot be used (a broken tag, a missing style)."""


def finalize(value):
    """Every `{{ … }}` value: None prints nothing; a line break in text becomes a Word line break."""
    if value is None:
        return ""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        text = _INVALID_XML.sub("", value)
        if "\n" in text or "\t" in text:
            return Markup(str(escape(text)).replace("\r\n", "\n").replace("\n", _BREAK).replace("\t", _TAB))
        return text
    return value


class Template(DocxTemplate):
    """A docxtpl template rendered many times: the patched XML and the compiled Jinja are kept.

    docxtpl's render() re-reads the .docx, re-runs its regular-expression patching and recompiles the
    whole document as a Jinja template for every document; here those happen once.  Two docxtpl
    conveniences are left out on purpose: its `{_{` → `{{` replacement and its "listing" handling of
    \\n, \\t, \\a, \\f in the rendered text — both would change content text; line breaks are done in
    `finalize` instead.  Core properties are not templated: they are set from content.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.data = self.path.read_bytes()
        super().__init__(io.BytesIO(self.data))
        self.env = Environment(autoescape=True, finalize=finalize, undefined=StrictUndefined)
        self._patched: dict[str, str] = {}
        self._compiled: dict[str, object] = {}
        self.style_ids = read_style_ids(self.data)
        self.text_width, self.block_widths = read_block_widths(self.data)

    def init_docx(self, reload: bool = True):
        if not self.docx or (self.is_rendered and reload):
            self.docx = Document(io.BytesIO(self.data))
            self.is_rendered = False

    def patch_xml(self, src_xml):
        patched = self._patched.get(src_xml)
        if patched is None:
            patched = self._patched[src_xml] = super().patch_xml(src_xml)
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
        """Parse the rendered body strictly and fit each table's grid to its own rows.

        docxtpl parses with recovery on (a broken document would silently lose text) and counts the
        rows of nested tables as rows of the outer table (a Markdown table inside 事業内容 would add
        a column to the 事業の概要 table).  Here a parse error is an error, and only a table's own
        rows count; as in docxtpl, columns are added when a row has more cells than the grid
        (`{%tc %}` loops) and removed when no row reaches them, keeping the table's width.
        """
        try:
            tree = etree.fromstring(xml, parser=_STRICT)
        except etree.XMLSyntaxError as err:
            raise TemplateProblem(f"テンプレートから正しい Word の XML ができません: {err}") from err
        for table in tree.iter(f"{W}tbl"):
            fit_grid(table)
        for merge in tree.iter(f"{W}vMerge"):  # docxtpl appends {% vm %}'s vMerge after vAlign: put it in place
            order_cell_properties(merge.getparent())
        return tree

    def render_bytes(self, context: dict, title: str, subject: str, when=None, author: str = "") -> bytes:
        try:
            self.render(context, jinja_env=self.env, autoescape=True)
        except TemplateError as err:
            where = f"（{err.lineno} 段落目付近）" if getattr(err, "lineno", None) else ""
            raise TemplateProblem(f"テンプレートのタグを処理できません{where}: {err}") from err
        set_core_properties(self.docx, title, subject, when, author)
        return document_bytes(self.docx)

    def markdown(self, tag: str) -> WordRenderer:
        """A Markdown renderer for the block placed by `{{p tag }}` (tables fit where the tag stands)."""
        return WordRenderer(self.style_ids, self.block_widths.get(tag, self.text_width))


def read_style_ids(docx_bytes: bytes) -> dict[str, str]:
    """Style name -> styleId of a .docx (Word may rename ids; fugi refers to styles by name)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        root = etree.fromstring(package.read("word/styles.xml"))
    ids = {}
    for style in root.iter(f"{W}style"):
        name = style.find(f"{W}name")
        if name is not None:
            ids[name.get(f"{W}val")] = style.get(f"{W}styleId")
    return ids


def read_block_widths(docx_bytes: bytes) -> tuple[int, dict[str, int]]:
    """(text width of the page, {`{{p tag }}` in a table cell: the cell's text width}), in twips."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    sect = root.find(f"{W}body/{W}sectPr")
    text_width = 9071
    if sect is not None and sect.find(f"{W}pgSz") is not None and sect.find(f"{W}pgMar") is not None:
        size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
        text_width = int(size.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))
    widths = {}
    for cell in root.iter(f"{W}tc"):
        text = "".join(t.text or "" for t in cell.iter(f"{W}t"))
        width = cell.find(f"{W}tcPr/{W}tcW")
        for tag in re.findall(r"{{p\s+([^}]+?)\s*}}", text):
            if width is not None and width.get(f"{W}type") == "dxa":
                widths[tag] = int(width.get(f"{W}w")) - 2 * 99  # less the cells' side margins
    return text_width, widths


_STRICT = etree.XMLParser(huge_tree=True, resolve_entities=False)


def fit_grid(table) -> None:
    """Make a table's grid have as many columns as its widest row spans (its own rows only)."""
    grid = table.find(f"{W}tblGrid")
    if grid is None:
        return
    columns = grid.findall(f"{W}gridCol")
    rows = [[int(tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val"))
             if tc.find(f"{W}tcPr/{W}gridSpan") is not None else 1 for tc in tr.iterfind(f"{W}tc")]
            for tr in table.iterfind(f"{W}tr")]
    if not rows:
        return
    needed = max(max(len(r) for r in rows) if rows else 0, 0)
    spanned = max(sum(r) for r in rows)
    widths = [int(float(c.get(f"{W}w", "0"))) for c in columns]
    total = sum(widths)
    if needed > len(columns):  # more cells than columns: rescale, add equal columns
        count = needed
    elif spanned < len(columns):  # columns no row reaches: drop them
        count = spanned
    else:
        return
    for col in columns:
        grid.remove(col)
    for _ in range(count):
        etree.SubElement(grid, f"{W}gridCol", {f"{W}w": str(total // count if total else 0)})


#: The order of a cell's properties in the schema (CT_TcPr); Word may refuse a file that breaks it.
TC_PR_ORDER = {name: index for index, name in enumerate(
    ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection",
     "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange"))}


def order_cell_properties(tc_pr) -> None:
    children = list(tc_pr)
    ordered = sorted(children, key=lambda c: TC_PR_ORDER.get(etree.QName(c).localname, len(TC_PR_ORDER)))
    if ordered != children:
        for child in ordered:
            tc_pr.append(child)  # re-appending moves each child to the end, in order


_TEMPLATES: dict[tuple, Template] = {}


def load_template(path: Path) -> Template:
    """The template at `path`, loaded once per content of the file (edit it and the next build sees it)."""
    path = Path(path)
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    template = _TEMPLATES.get(key)
    if template is None:
        try:
            template = Template(path)
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as err:
            raise TemplateProblem(f"Word のテンプレートとして読めません: {err}") from err
        _TEMPLATES[key] = template
        missing = [name for name in STYLE_NAMES.values() if name not in template.style_ids]
        if missing:
            raise TemplateProblem("Markdown の本文に使うスタイルがありません: " + "、".join(missing))
    return template


# ---------------------------------------------------------------------------
# Contexts: model -> the values the templates print


def legend_lines(legend: str) -> list[str]:
    """・対策が可能であれば「○」 ・対策の必要がない場合は「-」 -> one line per ・."""
    return [part for part in re.split(r"\s+(?=・)", legend.strip()) if part] or [""]


def checklist_context(checklist: m.Checklist) -> dict:
    halves = []
    for half in checklist.halves:
        groups = [{"label": present.group_label(half.heading, group.name),
                   "rows": [{"mark": row.mark, "text": row.text} for row in group.rows]}
                  for group in half.groups if group.rows]
        halves.append({"legend": legend_lines(checklist.legend_of(half)), "groups": groups})
    return {"heading": present.checklist_heading(checklist), "subtitle": checklist.subtitle,
            "column": checklist.column, "halves": halves}


def numbered_rows(names, pairs: int = NUMBERED_PAIRS) -> list[list[dict]]:
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


def items_context(agenda: m.Agenda) -> dict | None:
    info = agenda.info_items
    if info is None:
        return None
    table = None
    if info.numbered:
        table = {"title": info.title, "rows": numbered_rows(info.numbered)}
    return {"number": agenda.items_number, "title": info.title,
            "groups": [{"heading": g.heading, "text": present.SEP.join(g.items)} for g in info.groups],
            "table": table, "notes": list(info.notes)}


def figure(template: Template, path: Path) -> InlineImage:
    """The data-flow image as large as its page allows: the text width, or less height if it is tall."""
    image = Image.from_file(str(path))
    scale = min(FIGURE_MAX[0] / image.width, FIGURE_MAX[1] / image.height)
    return InlineImage(template, str(path), width=int(image.width * scale), height=int(image.height * scale))


def flow_context(agenda: m.Agenda, template: Template, content_root: Path) -> dict | None:
    flow = agenda.data_flow
    if flow is None:
        return None
    image = figure(template, Path(content_root) / flow.image) if flow.image else None
    return {"number": agenda.flow_number, "title": flow.title, "image": image}


def agenda_context(agenda: m.Agenda, template: Template, content_root: Path) -> dict:
    overview = agenda.overview
    return {
        "number": agenda.number,
        "title": agenda.title,
        "basis": present.basis_text(agenda),
        "departments": present.departments_text(agenda),
        "overview": {"name": overview.name, "sections": present.SEP.join(overview.sections),
                     "purpose": overview.purpose, "target": overview.target,
                     "body": template.markdown("overview.body").render(overview.body)},
        "sheets": [{"title": sheet.title,
                    "rows": [{"label": label, "lines": lines or [""]} for label, lines in present.sheet_table(sheet)]}
                   for sheet in agenda.sheets],
        "flow": flow_context(agenda, template, content_root),
        "items": items_context(agenda),
        "checklists": [checklist_context(c) for c in agenda.checklists],
    }


def meeting_context(meeting: m.Meeting, template: Template) -> dict:
    when = present.meeting_when(meeting)
    return {
        "title": meeting.title,
        "when_place": f"{when} {meeting.place}" if meeting.place else when,
        "attendees": present.attendees_text(meeting),
        "basis_text": meeting.basis_text,
        "items": [{"number": item.number, "title": item.title or (item.agenda.title if item.agenda else ""),
                   "decision": item.decision} for item in meeting.items],
        "advice_title": f"【{meeting.advice_title}】" if meeting.advice_title else "",
        "advice_intro": meeting.advice_intro,
        "advice": template.markdown("advice").render(meeting.advice) if meeting.advice.strip() else None,
        "remarks": [{"number": group.item_number,
                     "remarks": [{"speaker": r.speaker, "first": r.text[0] if r.text else "", "rest": list(r.text[1:])}
                                 for r in group.remarks]}
                    for group in meeting.remarks],
    }


# ---------------------------------------------------------------------------
# Documents


def agenda_docx(agenda: m.Agenda, content_root: Path, template_path: Path | None = None) -> bytes:
    template = load_template(template_path or AGENDA_TEMPLATE)
    context = agenda_context(agenda, template, content_root)
    when = agenda.meeting.date if agenda.meeting and agenda.meeting.date else None
    author = present.departments_text(agenda).strip("（）").removeprefix("担当部課：")
    return template.render_bytes(context, agenda.title, f"個人情報保護管理運営会議 付議事項 資料{agenda.number}",
                                 when, author)


def meeting_docx(meeting: m.Meeting, template_path: Path | None = None) -> bytes:
    template = load_template(template_path or MEETING_TEMPLATE)
    return template.render_bytes(meeting_context(meeting, template), meeting.title, "会議概要", meeting.date,
                                 meeting.council)


def fail(path, message: str, hint: str = ""):
    """Report a problem the clerk can act on (printed as path:line: field: message — hint) and stop."""
    problems = Problems()
    problems.error(path, 1, "", message, hint)
    for problem in problems:
        print(str(problem), file=sys.stderr)
    raise ContentError(problems, printed=True)


def write_documents(archive: m.Archive, out_dir: Path, content_root: Path, pdf: bool = False,
                    work: Path | None = None) -> list[Path]:
    """Write agendas/<id>.docx for every agenda item and meetings/<id>.docx for every meeting (and PDFs)."""
    out_dir = Path(out_dir)
    if pdf:
        from .pdf import soffice_path

        if soffice_path() is None:
            fail("build.py pdf", "PDF を作るには LibreOffice（soffice）が必要ですが、見つかりません",
                 "LibreOffice を入れてください（Debian: sudo apt-get install libreoffice-writer-nogui fonts-ipaexfont）。"
                 "Word 文書だけなら `python build.py docx` を使ってください")
    written = []
    current = None
    try:
        for agenda in sorted(archive.agendas, key=lambda a: a.id):
            current = AGENDA_TEMPLATE
            target = out_dir / "agendas" / f"{agenda.id}.docx"
            write_bytes_atomic(target, agenda_docx(agenda, content_root))
            written.append(target)
        for meeting in sorted(archive.meetings, key=lambda mt: mt.id):
            current = MEETING_TEMPLATE
            target = out_dir / "meetings" / f"{meeting.id}.docx"
            write_bytes_atomic(target, meeting_docx(meeting))
            written.append(target)
    except TemplateProblem as err:
        fail(_display(current), str(err), "テンプレートを Word で開き、タグ（{{ }} や {%p %}）とスタイル名を確かめてください。"
             "元に戻すには git で前の版を取り出してください")
    if pdf:
        from .pdf import PdfError, convert

        try:
            written += convert(written, work=work)
        except PdfError as err:
            fail("build.py pdf", str(err), "LibreOffice の出力を確かめてください。Word 文書は作れています")
    return written


def _display(path) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)
