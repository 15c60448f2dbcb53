"""Word XML in one place: namespaces, the page geometry read from a template, and fixes to rendered document XML."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree
from markupsafe import Markup, escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS
EMU_PER_TWIP = 635

#: The page a template is made for when it says nothing (A4 portrait, 上30 下25 左30 右20 mm), in twips.
A4 = {"width": 11906, "height": 16838, "top": 1701, "bottom": 1417, "left": 1701, "right": 1134}
#: The text width of that page (160 mm) and one 10.5pt character, in twips: the template generator's units.
TEXT_WIDTH = A4["width"] - A4["left"] - A4["right"]
CHAR = 210
#: Side margin of a table cell (TableGrid style), in twips; a block in a cell is this much narrower on each side.
CELL_MARGIN = 99
#: Room kept under a full-page figure for its number and title, in twips (32 mm).
FIGURE_TITLE_ROOM = 1814

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'
STRICT = etree.XMLParser(huge_tree=True, resolve_entities=False)


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


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


def spaced(label: str) -> str:
    """A two-character label spread over three (件名 -> 件　名), as Japanese forms print short labels."""
    return f"{label[0]}\u3000{label[1]}" if len(label) == 2 else label


@dataclass
class Geometry:
    """A template's page in twips: its text area, the width of each `{{p tag }}` cell, the repeated column groups."""

    text_width: int = TEXT_WIDTH
    text_height: int = A4["height"] - A4["top"] - A4["bottom"]
    block_widths: dict = field(default_factory=dict)
    column_pairs: dict = field(default_factory=dict)  # `r[N]` row variable -> how many column groups a row has

    def figure_box(self) -> tuple:
        """(width, height) in EMU a full-page figure may take: the text area less room for its title."""
        return self.text_width * EMU_PER_TWIP, (self.text_height - FIGURE_TITLE_ROOM) * EMU_PER_TWIP


def read_geometry(docx_bytes: bytes) -> Geometry:
    """The page and the cells of a template, read from its document.xml (so a clerk's Word edits are followed)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    geometry = Geometry()
    sect = root.find(f"{W}body/{W}sectPr")
    size = sect.find(f"{W}pgSz") if sect is not None else None
    margins = sect.find(f"{W}pgMar") if sect is not None else None
    if size is not None and margins is not None:
        geometry.text_width = int(size.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))
        geometry.text_height = int(size.get(f"{W}h")) - int(margins.get(f"{W}top")) - int(margins.get(f"{W}bottom"))
    for cell in root.iter(f"{W}tc"):
        text = "".join(t.text or "" for t in cell.iter(f"{W}t"))
        width = cell.find(f"{W}tcPr/{W}tcW")
        for tag in re.findall(r"{{p\s+([^}]+?)\s*}}", text):
            if width is not None and width.get(f"{W}type") == "dxa":
                geometry.block_widths[tag] = int(width.get(f"{W}w")) - 2 * CELL_MARGIN
    for row in root.iter(f"{W}tr"):
        text = "".join(t.text or "" for t in row.iter(f"{W}t"))
        for variable in set(re.findall(r"{{\s*(\w+)\[\d+\]", text)):
            indexes = {int(n) for n in re.findall(r"{{\s*%s\[(\d+)\]" % variable, text)}
            geometry.column_pairs[variable] = max(geometry.column_pairs.get(variable, 0), max(indexes) + 1)
    return geometry


def read_style_ids(docx_bytes: bytes) -> dict:
    """Style name -> styleId of a .docx (Word may rename ids; fugi refers to styles by name)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        root = etree.fromstring(package.read("word/styles.xml"))
    ids = {}
    for style in root.iter(f"{W}style"):
        name = style.find(f"{W}name")
        if name is not None:
            ids[name.get(f"{W}val")] = style.get(f"{W}styleId")
    return ids


def template_text(docx_bytes: bytes) -> str:
    """All the text of a template's body, tags included (to check that the tags fugi needs are there)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


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
    needed = max(len(r) for r in rows)
    spanned = max(sum(r) for r in rows)
    total = sum(int(float(c.get(f"{W}w", "0"))) for c in columns)
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


def fix_tables(xml: str):
    """Parse rendered body XML strictly and fit each table's grid to its own rows; order merged cells' properties.

    Raises etree.XMLSyntaxError when the XML is broken (docxtpl would recover and silently lose text)."""
    tree = etree.fromstring(xml, parser=STRICT)
    for table in tree.iter(f"{W}tbl"):
        fit_grid(table)
    for merge in tree.iter(f"{W}vMerge"):  # docxtpl appends {% vm %}'s vMerge after vAlign: put it in place
        order_cell_properties(merge.getparent())
    return tree
