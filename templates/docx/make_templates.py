#!/usr/bin/env python3
"""Generate the Word templates (付議事項.docx, 会議概要.docx, 次第.docx) from code.

The committed .docx files are the source a clerk edits: open one in Word, change a font, a border,
a margin or a style, save, and rebuild — every document changes. This script only exists to make
the first version reviewable and to rebuild it on purpose:

    python templates/docx/make_templates.py           # write both templates (overwrites clerks' edits!)
    python templates/docx/make_templates.py --check   # exit 1 if the committed templates differ from the code

The templates hold docxtpl tags (Jinja inside the document): `{{ … }}` values, `{%p … %}` / `{%tr … %}`
loops that repeat a paragraph / a table row, `{% vm %}` to merge a cell down the rows of a loop, and
`{{p … }}` for a block of paragraphs made by fugi/word/markdown_docx.py (事業内容, the expert advice).
Styles are looked up by name, so Word may rename their ids freely; keep the style names.
"""
from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Twips
from lxml import etree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from fugi.word.docx_files import write_package  # noqa: E402
from fugi.word.ooxml import A4, CHAR, TEXT_WIDTH, twips  # noqa: E402

AGENDA = HERE / "付議事項.docx"
MEETING = HERE / "会議概要.docx"
ORDER = HERE / "次第.docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MINCHO = "ＭＳ 明朝"
GOTHIC = "ＭＳ ゴシック"

# The page geometry lives in fugi/word/ooxml.py (A4 portrait, 上30mm 下25mm, 左30mm for binding, 右20mm: text 160 × 242mm);
# fugi reads it back from the templates when it renders.
PAGE = {name: Twips(value) for name, value in A4.items()}


# ---------------------------------------------------------------------------
# Styles: (styleId, name, basedOn, pPr children, rPr children).  The names are what clerks see and
# what fugi looks up; Word may rewrite the ids.

def _font(name):
    return f'<w:rFonts w:ascii="{name}" w:eastAsia="{name}" w:hAnsi="{name}"/>'


def _size(half_points):
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def _ind(left=0, first=0, hanging=0, right=0):
    parts = [f'w:left="{left}"'] if left else ['w:left="0"']
    if right:
        parts.append(f'w:right="{right}"')
    if first:
        parts.append(f'w:firstLine="{first}"')
    if hanging:
        parts.append(f'w:hanging="{hanging}"')
    return f"<w:ind {' '.join(parts)}/>"


def _spacing(before=0, after=0):
    return f'<w:spacing w:before="{before}" w:after="{after}"/>'


KEEP = "<w:keepNext/>"
LINE = 300  # line height of the body text: at least 15pt for 10.5pt characters
SMALL_LINE = '<w:spacing w:line="220" w:lineRule="atLeast"/>'  # for 7–8pt table text
CENTER = '<w:jc w:val="center"/>'
RIGHT = '<w:jc w:val="right"/>'
LEFT = '<w:jc w:val="left"/>'

PARAGRAPH_STYLES = [
    # Forms
    ("FugiDocTitle", "文書表題", "Normal", KEEP + _spacing(0, 360) + CENTER + '<w:outlineLvl w:val="0"/>', _size(32)),
    ("FugiDocNumber", "書類番号", "Normal", _spacing(0, 240) + RIGHT, _size(24)),
    ("FugiLead", "案内文", "Normal", _spacing(480, 480) + CENTER, _size(24)),
    ("FugiLabel", "項目ラベル", "Normal", KEEP + _spacing(240, 60), ""),
    ("FugiValue", "項目値", "Normal", _ind(left=CHAR * 2), ""),
    ("FugiDepartments", "担当表示", "Normal", _spacing(240, 0) + RIGHT, ""),
    ("FugiSection", "大見出し", "Normal", KEEP + _spacing(0, 240) + CENTER + '<w:outlineLvl w:val="0"/>', _size(28)),
    ("FugiSheetTitle", "別紙件名", "Normal", KEEP + _spacing(0, 120) + '<w:outlineLvl w:val="1"/>', _size(22)),
    ("FugiAttachTitle", "資料表題", "Normal", KEEP + _spacing(0, 240) + CENTER + '<w:outlineLvl w:val="1"/>', _size(24)),
    ("FugiFigure", "図", "Normal", CENTER, ""),
    ("FugiItemHeading", "項目見出し", "Normal", KEEP + _spacing(180, 0), ""),
    ("FugiItemText", "項目本文", "Normal", _ind(left=CHAR), ""),
    ("FugiNote", "注記", "Normal", _spacing(180, 0) + _ind(left=CHAR, hanging=CHAR), ""),
    ("FugiChecklistTitle", "対策表の表題", "Normal", KEEP + _spacing(0, 60) + '<w:outlineLvl w:val="1"/>', _size(24)),
    ("FugiChecklistSubtitle", "対策表の副題", "Normal", KEEP + _spacing(0, 120), ""),
    # Table text
    ("FugiCell", "表文字", "Normal", LEFT, ""),
    ("FugiCellLabel", "表ラベル", "Normal", LEFT, ""),
    ("FugiCellCenter", "表中央", "Normal", CENTER, ""),
    ("FugiCellSmall", "表小文字", "Normal", SMALL_LINE + LEFT, _size(16)),
    ("FugiCellSmallCenter", "表小文字中央", "Normal", SMALL_LINE + CENTER, _size(16)),
    ("FugiChecklistText", "対策文", "Normal", '<w:spacing w:line="280" w:lineRule="atLeast"/>' + LEFT, _size(20)),
    ("FugiLegend", "凡例", "Normal", SMALL_LINE + LEFT, _size(16)),
    ("FugiChecklistReason", "対策の理由", "Normal", SMALL_LINE + LEFT, _size(18)),
    # Markdown bodies (fugi/word/markdown_docx.py)
    ("FugiMdHeading1", "本文見出し 1", "Normal", KEEP + _spacing(60, 0), ""),
    ("FugiMdHeading2", "本文見出し 2", "Normal", KEEP + _spacing(60, 0) + _ind(left=CHAR), ""),
    ("FugiMdHeading3", "本文見出し 3", "Normal", KEEP + _ind(left=CHAR * 2), ""),
    ("FugiMdBody1", "本文 1", "Normal", _ind(left=CHAR, first=CHAR), ""),
    ("FugiMdBody2", "本文 2", "Normal", _ind(left=CHAR * 2, first=CHAR), ""),
    ("FugiMdBody3", "本文 3", "Normal", _ind(left=CHAR * 3, first=CHAR), ""),
    ("FugiMdList1", "箇条書き 1", "Normal", _ind(left=CHAR * 2, hanging=CHAR), ""),
    ("FugiMdList2", "箇条書き 2", "Normal", _ind(left=CHAR * 3, hanging=CHAR), ""),
    ("FugiMdList3", "箇条書き 3", "Normal", _ind(left=CHAR * 4, hanging=CHAR), ""),
    ("FugiMdListMore1", "箇条書き続き 1", "Normal", _ind(left=CHAR * 2), ""),
    ("FugiMdListMore2", "箇条書き続き 2", "Normal", _ind(left=CHAR * 3), ""),
    ("FugiMdListMore3", "箇条書き続き 3", "Normal", _ind(left=CHAR * 4), ""),
    ("FugiMdQuote", "引用文", "Normal", _ind(left=CHAR * 2, right=CHAR * 2), ""),
    ("FugiMdCode", "コード", "Normal", _ind(left=CHAR) + LEFT, _font(GOTHIC) + _size(18)),
    ("FugiMdRule", "区切り線", "Normal",
     '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="auto"/></w:pBdr>' + _spacing(0, 120), ""),
    # 会議概要
    ("FugiMeetingHeading", "会議見出し", "Normal", KEEP + _spacing(240, 60), ""),
    ("FugiMeetingText", "会議本文", "Normal", _ind(left=CHAR), ""),
    ("FugiDeliberation", "議事項目", "Normal", KEEP + _ind(left=CHAR * 3, hanging=CHAR * 2), ""),
    ("FugiDecision", "決定", "Normal", _spacing(0, 60) + _ind(left=CHAR * 4), ""),
    ("FugiDecisionNote", "決定の付記", "Normal", _spacing(0, 60) + _ind(left=CHAR * 5), ""),
    ("FugiRemarkHeading", "発言見出し", "Normal", KEEP + _spacing(120, 0) + _ind(left=CHAR), ""),
    ("FugiRemark", "発言", "Normal", _ind(left=CHAR * 3, hanging=CHAR), ""),
    ("FugiRemarkMore", "発言続き", "Normal", _ind(left=CHAR * 3, first=CHAR), ""),
]


def style_xml(style_id, name, based_on, ppr, rpr, kind="paragraph"):
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    ppr = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return (f'<w:style w:type="{kind}" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/>{based}'
            f'<w:qFormat/>{ppr}{rpr}</w:style>')


GRID_BORDERS = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                       for side in ("top", "left", "bottom", "right", "insideH", "insideV"))

STYLES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="{MINCHO}" w:eastAsia="{MINCHO}" w:hAnsi="{MINCHO}" w:cs="Times New Roman"/><w:kern w:val="2"/>{_size(21)}<w:lang w:val="en-US" w:eastAsia="ja-JP" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:spacing w:line="{LINE}" w:lineRule="atLeast"/><w:jc w:val="both"/></w:pPr><w:rPr>{_font(MINCHO)}{_size(21)}</w:rPr></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="99" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="99" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:pPr><w:jc w:val="left"/></w:pPr><w:tblPr><w:tblBorders>{GRID_BORDERS}</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="99" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="99" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
{''.join(style_xml(*spec) for spec in PARAGRAPH_STYLES)}
</w:styles>
"""

SETTINGS_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}">
<w:zoom w:percent="100"/>
<w:defaultTabStop w:val="840"/>
<w:characterSpacingControl w:val="compressPunctuation"/>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
<w:themeFontLang w:val="en-US" w:eastAsia="ja-JP"/>
<w:decimalSymbol w:val="."/>
<w:listSeparator w:val=","/>
</w:settings>
"""

FONT_TABLE_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W_NS}">
<w:font w:name="{MINCHO}"><w:altName w:val="MS Mincho"/><w:panose1 w:val="02020609040205080304"/><w:charset w:val="80"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="{GOTHIC}"><w:altName w:val="MS Gothic"/><w:panose1 w:val="020B0609070205080204"/><w:charset w:val="80"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>
</w:fonts>
"""

CONTENT_TYPES_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>
"""

PACKAGE_RELS_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>
"""

DOCUMENT_RELS_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>
</Relationships>
"""

CORE_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>{title}</dc:title><dc:creator>fugi</dc:creator><cp:lastModifiedBy>fugi</cp:lastModifiedBy><cp:revision>1</cp:revision>
<dcterms:created xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z</dcterms:modified>
</cp:coreProperties>
"""

APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>fugi</Application><DocSecurity>0</DocSecurity></Properties>
"""


# ---------------------------------------------------------------------------
# Body helpers (python-docx)


def new_document():
    """A python-docx document carrying our styles, so paragraphs and tables can name them."""
    doc = Document()
    doc.part._styles_part._element = parse_xml(STYLES_XML.encode("utf-8"))
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE["width"], PAGE["height"]
    section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
    section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]
    section.header_distance, section.footer_distance = Mm(15), Mm(15)
    sect = section._sectPr
    for attr in list(sect.attrib):  # drop the default template's rsids
        del sect.attrib[attr]
    grid = sect.find(qn("w:docGrid"))  # no line grid: lines as tall as the font needs, tables stay compact
    grid.set(qn("w:linePitch"), "360")
    return doc


def para(container, text="", style="Normal", page_break_before=False):
    paragraph = container.add_paragraph(text, style=style)
    if page_break_before:
        paragraph.paragraph_format.page_break_before = True
    return paragraph


def plain_text(paragraph):
    """Mark the paragraph's text to print as plain <w:t> (xml:space="default", dropped when rendered): docxtpl
    would otherwise mark a tag's text xml:space="preserve", and a value without spaces to keep reads the same."""
    for t in paragraph._p.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"):
        t.set("{http://www.w3.org/XML/1998/namespace}space", "default")
    return paragraph


def cell_text(cell, text, style="表文字"):
    """Write one paragraph (or several, one per line) into an empty cell."""
    lines = text.split("\n")
    first = cell.paragraphs[0]
    first.style = style
    first.add_run(lines[0]) if lines[0] else None
    for line in lines[1:]:
        cell.add_paragraph(line, style=style)


def grid_table(doc, widths_mm, rows):
    """A full-grid table of fixed column widths; `rows` is the row count."""
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    widths = [twips(w) for w in widths_mm]
    diff = TEXT_WIDTH - sum(widths)
    widths[-1] += diff  # absorb rounding so the table is exactly the text width
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Twips(width)
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        tbl_pr.remove(look)
    return table


def narrow_margins(table, side_twips):
    """Cell margins of this table only (tblCellMar after tblLayout, as the schema orders them)."""
    tbl_pr = table._tbl.tblPr
    margins = parse_xml(
        f'<w:tblCellMar xmlns:w="{W_NS}"><w:top w:w="28" w:type="dxa"/><w:left w:w="{side_twips}" w:type="dxa"/>'
        f'<w:bottom w:w="28" w:type="dxa"/><w:right w:w="{side_twips}" w:type="dxa"/></w:tblCellMar>')
    layout = tbl_pr.find(qn("w:tblLayout"))
    (layout if layout is not None else tbl_pr[-1]).addnext(margins)


def row_props(row, header=False, cant_split=True):
    """trPr children in schema order: cantSplit, trHeight, tblHeader."""
    tr_pr = row._tr.get_or_add_trPr()
    for child in list(tr_pr):
        tr_pr.remove(child)
    if cant_split:
        tr_pr.append(parse_xml(f'<w:cantSplit xmlns:w="{W_NS}"/>'))
    if header:
        tr_pr.append(parse_xml(f'<w:tblHeader xmlns:w="{W_NS}"/>'))


def tag_row(row, tag):
    """A row that holds only a docxtpl row tag ({%tr for … %} / {%tr endfor %}); docxtpl removes the row."""
    cell_text(row.cells[0], tag)


def center(cell):
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


# ---------------------------------------------------------------------------
# 付議事項


def agenda_body(doc):
    para(doc, "{{ number_text }}", "書類番号")
    para(doc, "{%p if labels.cover_title %}")  # the cover, where the forms give it a title (議題.表紙の表題)
    para(doc, "{{ labels.cover_title }}", "文書表題")
    cover = grid_table(doc, [25, 135], 1)
    row_props(cover.rows[0])
    label, value = cover.rows[0].cells
    cell_text(label, "{{ labels.title | spaced }}", "表中央")
    center(label)
    cell_text(value, "{{ title }}")
    center(value)
    para(doc, "{%p if labels.cover_text %}")  # the cover's sentence (議題.表紙の本文), where the forms give one
    plain_text(para(doc, "{{ labels.cover_text }}", "案内文"))
    para(doc, "{%p endif %}")
    para(doc, "{{ labels.basis }}", "項目ラベル")
    para(doc, "{{ basis_text }}", "項目値")
    para(doc, "{{ departments_text }}", "担当表示")

    # 事業の概要: the fields of the forms' table, then the Markdown body as the last row (on a page of its own
    # after a cover; first, under the number, without one)
    para(doc, "{{ labels.overview }}", "大見出し", page_break_before=True)
    para(doc, "{%p else %}")
    para(doc, "{{ labels.overview }}", "大見出し")
    para(doc, "{%p endif %}")
    overview = grid_table(doc, [30, 130], 4)
    tag_row(overview.rows[0], "{%tr for row in overview_rows %}")
    row_props(overview.rows[1])
    cell_text(overview.rows[1].cells[0], "{{ row.label }}", "表ラベル")
    center(overview.rows[1].cells[0])
    cell_text(overview.rows[1].cells[1], "{%p for line in row.lines %}\n{{ line }}\n{%p endfor %}")
    tag_row(overview.rows[2], "{%tr endfor %}")
    body = overview.rows[3]
    row_props(body, cant_split=False)  # the body may be longer than a page: that one row is allowed to break
    cell_text(body.cells[0], "{{ labels.body }}", "表ラベル")
    center(body.cells[0])
    cell_text(body.cells[1], "{{p body }}")

    # 別紙: one sheet per category
    para(doc, "{%p for sheet in sheets %}")
    para(doc, "{{ labels.sheet_title }} {{ sheet.title }}", "別紙件名", page_break_before=True)
    sheet = grid_table(doc, [45, 115], 3)
    tag_row(sheet.rows[0], "{%tr for row in sheet.rows %}")
    row_props(sheet.rows[1])
    cell_text(sheet.rows[1].cells[0], "{{ row.label }}", "表ラベル")
    center(sheet.rows[1].cells[0])
    cell_text(sheet.rows[1].cells[1], "{%p for line in row.lines %}\n{{ line }}\n{%p endfor %}")
    tag_row(sheet.rows[2], "{%tr endfor %}")
    para(doc, "{%p endfor %}")

    # 資料N-1 個人情報の流れ
    para(doc, "{%p if flow %}")
    para(doc, "{{ flow.number_text }}", "書類番号", page_break_before=True)
    para(doc, "{%p if flow.title %}")
    para(doc, "{{ flow.title }}", "資料表題")
    para(doc, "{%p endif %}")
    para(doc, "{%p if flow.image %}")
    para(doc, "{{ flow.image }}", "図")
    para(doc, "{%p endif %}")
    para(doc, "{%p endif %}")

    # 資料N-2 情報項目: grouped lists, or a numbered table of number/name column pairs
    para(doc, "{%p if items %}")
    para(doc, "{{ items.number_text }}", "書類番号", page_break_before=True)
    para(doc, "{%p if items.title and not items.table %}")
    para(doc, "{{ items.title }}", "資料表題")
    para(doc, "{%p endif %}")
    para(doc, "{%p for group in items.groups %}")
    para(doc, "{{ group.heading }}", "項目見出し")
    para(doc, "{{ group.text }}", "項目本文")
    para(doc, "{%p endfor %}")
    para(doc, "{%p if items.table %}")
    pairs = 4
    numbered = grid_table(doc, [10, 30] * pairs, 5)
    narrow_margins(numbered, 57)  # 1mm: three-digit numbers stay on one line
    rows = numbered.rows
    tag_row(rows[0], "{%tr if items.table.title %}")
    head = rows[1].cells[0].merge(rows[1].cells[-1])  # merge first, then write
    cell_text(head, "{{ items.table.title }}", "表小文字中央")
    row_props(rows[1], header=True)
    tag_row(rows[2], "{%tr endif %}")
    tag_row(rows[3], "{%tr for r in items.table.rows %}")
    row_props(rows[4])
    for index, cell in enumerate(rows[4].cells):
        pair, is_name = divmod(index, 2)
        if is_name:
            cell_text(cell, f"{{{{ r[{pair}].name }}}}", "表小文字")
        else:
            cell_text(cell, f"{{{{ r[{pair}].n }}}}", "表小文字中央")
        center(cell)
    numbered.add_row()
    tag_row(numbered.rows[5], "{%tr endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p for note in items.notes %}")
    para(doc, "{{ note }}", "注記")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")

    # Checklists 3 / 4 / 5: each half on its own page under the checklist's title
    para(doc, "{%p for checklist in checklists %}")
    para(doc, "{%p for half in checklist.halves %}")
    para(doc, "{{ checklist.heading }}", "対策表の表題", page_break_before=True)
    para(doc, "{%p if checklist.subtitle %}")
    para(doc, "{{ checklist.subtitle }}", "対策表の副題")
    para(doc, "{%p endif %}")
    # A group's rows keep with the next row (all but its last): the merged group label never ends a page
    # without its rows, nor do its rows start a page without it (Word and LibreOffice both honour keepNext here).
    table = grid_table(doc, [30, 26, 104], 10)
    rows = table.rows
    row_props(rows[0], header=True)
    cell_text(rows[0].cells[1], "{%p for line in half.legend %}\n{{ line }}\n{%p endfor %}", "凡例")
    cell_text(rows[0].cells[2], "{{ checklist.column }}", "表中央")
    for cell in rows[0].cells:
        center(cell)
    tag_row(rows[1], "{%tr for group in half.groups %}")
    tag_row(rows[2], "{%tr for row in group.rows %}")
    tag_row(rows[3], "{%tr if not loop.last %}")
    checklist_row(rows[4], keep_with_next=True)
    tag_row(rows[5], "{%tr else %}")
    checklist_row(rows[6], keep_with_next=False)
    tag_row(rows[7], "{%tr endif %}")
    tag_row(rows[8], "{%tr endfor %}")
    tag_row(rows[9], "{%tr endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")


def checklist_row(row, keep_with_next):
    """A checklist row: the group label (merged down the group), the mark, the sentence and the row's reason."""
    row_props(row)
    label, mark, text = row.cells
    cell_text(label, "{% vm %}{{ group.label }}", "対策文")
    center(label)
    cell_text(mark, "{{ row.mark }}", "表中央")
    center(mark)
    cell_text(text, "{{ row.text }}", "対策文")
    # the original's checklist has no remarks column: a reason prints under the sentence, in its cell
    for line in ("{%p if row.reason %}", "（理由: {{ row.reason }}）", "{%p endif %}"):
        text.add_paragraph(line, style="対策の理由")
    if keep_with_next:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


# ---------------------------------------------------------------------------
# 会議概要


def meeting_body(doc):
    para(doc, "{{ title }}", "文書表題")
    # the record laid out by the forms (会議.構成): numbered sections of styled paragraphs, the same as the site's
    para(doc, "{%p if sections %}")
    para(doc, "{%p for s in sections %}")
    para(doc, "{{ s.heading }}", "会議見出し")
    para(doc, "{%p for p in s.paragraphs %}")
    para(doc, "{%p if p.style == 'group' %}")
    para(doc, "{{ p.text }}", "発言見出し")
    para(doc, "{%p elif p.style == 'item' or p.style == 'entry' %}")
    para(doc, "{{ p.text }}", "議事項目")
    para(doc, "{%p elif p.style == 'block' %}")
    para(doc, "{{ p.text }}", "発言見出し")
    para(doc, "{%p else %}")
    para(doc, "{{ p.text }}", "会議本文")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p else %}")
    para(doc, "{{ labels.when }}", "会議見出し")
    para(doc, "{{ when_place }}", "会議本文")
    para(doc, "{{ labels.meeting_attendees }}", "会議見出し")
    para(doc, "{{ attendees }}", "会議本文")
    para(doc, "{{ labels.summary }}", "会議見出し")
    para(doc, "1 {{ labels.meeting_basis_text }}", "会議見出し")
    para(doc, "{{ basis_text }}", "会議本文")
    para(doc, "【{{ labels.items }}】", "会議見出し")
    para(doc, "{%p for group in groups %}")  # the items by kind ((1)諮問事項 …), or one group without a heading
    para(doc, "{%p if group.kind %}")
    para(doc, "{{ group.label }}{{ group.kind }}", "発言見出し")
    para(doc, "{%p endif %}")
    para(doc, "{%p for item in group['items'] %}")
    para(doc, "{{ item.label }} {{ item.title }}", "議事項目")
    para(doc, "{%p if item.decision %}")
    para(doc, "⇒ {{ item.decision }}", "決定")
    para(doc, "{%p endif %}")
    para(doc, "{%p for line in item.conditions %}")  # 条件付承認: its conditions under the decision, (1) (2) …
    para(doc, "{{ line }}", "決定の付記")
    para(doc, "{%p endfor %}")
    para(doc, "{%p if item.note %}")
    para(doc, "{{ item.note }}", "決定の付記")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p if advice_title or advice %}")
    para(doc, "{{ advice_title }}", "会議見出し")
    para(doc, "{%p if advice_intro %}")
    para(doc, "{{ advice_intro }}", "会議本文")
    para(doc, "{%p endif %}")
    para(doc, "{%p if advice %}")
    para(doc, "{{p advice }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p if remarks %}")
    para(doc, "【{{ labels.meeting_remarks }}】", "会議見出し")
    para(doc, "{%p for group in remarks %}")
    para(doc, "{{ group.heading }}について", "発言見出し")
    para(doc, "{%p if group.note %}")
    para(doc, "{{ group.note }}", "発言続き")
    para(doc, "{%p endif %}")
    para(doc, "{%p for remark in group.remarks %}")
    para(doc, "・{{ remark.speaker }}: {{ remark.first }}", "発言")
    para(doc, "{%p for text in remark.rest %}")
    para(doc, "{{ text }}", "発言続き")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endif %}")


# ---------------------------------------------------------------------------
# 次第 (the first pages of the members' packet: build.py packet)


def order_body(doc):
    para(doc, "{{ mark }}", "書類番号")
    para(doc, "{{ title }}", "文書表題")
    para(doc, "{{ labels.when }}", "会議見出し")
    para(doc, "{{ when_place }}", "会議本文")
    para(doc, "1 {{ words.open }}", "会議見出し")
    para(doc, "2 {{ words.items }}", "会議見出し")
    table = grid_table(doc, [130, 30], 3)
    borders = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    tbl_pr = table._tbl.tblPr  # a list, not a grid: no lines (tblBorders after tblW/jc/tblInd, as the schema orders them)
    before = [tbl_pr.find(qn(f"w:{name}")) for name in ("tblInd", "jc", "tblW")]
    next(e for e in before if e is not None).addnext(parse_xml(f'<w:tblBorders xmlns:w="{W_NS}">{borders}</w:tblBorders>'))
    first, item, last = table.rows
    tag_row(first, "{%tr for item in items %}")
    row_props(item)
    title, paper = item.cells
    cell_text(title, "({{ item.number }}) {{ item.title }}", "議事項目")
    cell_text(paper, "{{ item.paper }}", "表中央")
    tag_row(last, "{%tr endfor %}")
    para(doc, "3 {{ words.other }}", "会議見出し")
    para(doc, "4 {{ words.close }}", "会議見出し")


# ---------------------------------------------------------------------------


def theme_xml() -> bytes:
    """Word expects a theme part; python-docx's default one (the styles above use no theme fonts)."""
    import docx

    with zipfile.ZipFile(Path(docx.__file__).parent / "templates" / "default.docx") as default:
        return default.read("word/theme/theme1.xml")


def package(body, title: str) -> bytes:
    doc = new_document()
    body(doc)
    document_xml = etree.tostring(doc.element, encoding="UTF-8", xml_declaration=True, standalone=True)
    parts = {
        "[Content_Types].xml": CONTENT_TYPES_XML,
        "_rels/.rels": PACKAGE_RELS_XML,
        "docProps/core.xml": CORE_XML.format(title=title),
        "docProps/app.xml": APP_XML,
        "word/_rels/document.xml.rels": DOCUMENT_RELS_XML,
        "word/document.xml": document_xml,
        "word/styles.xml": STYLES_XML,
        "word/settings.xml": SETTINGS_XML,
        "word/fontTable.xml": FONT_TABLE_XML,
        "word/theme/theme1.xml": theme_xml(),
    }
    out = io.BytesIO()
    write_package(out, {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in parts.items()})
    return out.getvalue()


def templates() -> dict[Path, bytes]:
    return {AGENDA: package(agenda_body, "付議事項"), MEETING: package(meeting_body, "会議概要"),
            ORDER: package(order_body, "次第")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed templates; write nothing")
    args = parser.parse_args(argv)
    status = 0
    for path, data in templates().items():
        if args.check:
            same = path.is_file() and path.read_bytes() == data
            print(f"{'OK  ' if same else 'DIFF'} {path.relative_to(ROOT)}")
            status |= not same
        else:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
