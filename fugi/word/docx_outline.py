"""A .docx as a readable outline: one line per paragraph (style: text), tables as rows of cells.

Used by the golden tests (tests/golden/*.txt) to compare the structure of generated documents —
never their bytes — and handy for review:

    python -m fugi.word.docx_outline build/docx/agendas/kaigo-hoken-hyojunka.docx

Marks: `[改ページ]` a paragraph that starts a page; a table is `表 N列 (幅 … mm)` followed by its rows,
one line each, cells separated by ` | `; `[見出し行]` a header row repeated on every page,
`[行分割可]` a row allowed to break across pages; in a cell, `[縦結合開始]` / `[縦結合]` a cell merged
down the rows, `[横結合×N]` a cell spanning N columns, ` ¶ ` between paragraphs, `[style]` before a
paragraph whose style is not a plain table-text style; in text, `⏎` a line break, `[図 name]` an image.
"""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
#: Table-text styles that are not named in the outline (every other style in a cell is).
PLAIN_CELL_STYLES = {"Normal", "表文字", "表ラベル", "表中央", "表小文字", "表小文字中央", "対策文", "凡例"}


def q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


class Styles:
    def __init__(self, styles_xml: bytes | None):
        self.names, self.breaks = {}, set()
        if styles_xml is None:
            return
        for style in etree.fromstring(styles_xml).iter(q("w:style")):
            style_id = style.get(q("w:styleId"))
            name = style.find("w:name", NS)
            self.names[style_id] = name.get(q("w:val")) if name is not None else style_id
            if style.find("w:pPr/w:pageBreakBefore", NS) is not None:
                self.breaks.add(style_id)

    def of(self, paragraph) -> tuple[str, bool]:
        """(style name, starts a page) of a paragraph."""
        style = paragraph.find("w:pPr/w:pStyle", NS)
        style_id = style.get(q("w:val")) if style is not None else "Normal"
        direct = paragraph.find("w:pPr/w:pageBreakBefore", NS)
        breaks = style_id in self.breaks if direct is None else direct.get(q("w:val"), "true") not in ("0", "false")
        return self.names.get(style_id, style_id), breaks


def paragraph_text(paragraph, plain: bool = False) -> str:
    """A paragraph's text; marks (⏎ → [図]) unless plain, where a line break is \n and a tab \t."""
    out = []
    for node in paragraph.iter(q("w:t"), q("w:br"), q("w:tab"), q("wp:docPr")):
        if node.tag == q("w:t"):
            out.append(node.text or "")
        elif node.tag == q("w:br"):
            out.append("\n" if plain else "[改ページ]" if node.get(q("w:type")) == "page" else "⏎")
        elif node.tag == q("w:tab"):
            out.append("\t" if plain else "→")
        elif not plain:
            out.append(f"[図 {node.get('name', '')}]")
    return "".join(out)


def cell_text(cell, styles: Styles) -> str:
    marks = []
    props = cell.find("w:tcPr", NS)
    if props is not None:
        merge = props.find("w:vMerge", NS)
        if merge is not None:
            marks.append("[縦結合開始]" if merge.get(q("w:val")) == "restart" else "[縦結合]")
        span = props.find("w:gridSpan", NS)
        if span is not None and span.get(q("w:val")) != "1":
            marks.append(f"[横結合×{span.get(q('w:val'))}]")
    parts = []
    for child in cell:
        if child.tag == q("w:p"):
            name, _ = styles.of(child)
            text = paragraph_text(child)
            parts.append(text if name in PLAIN_CELL_STYLES else f"[{name}] {text}")
        elif child.tag == q("w:tbl"):
            parts.append("[表] " + " / ".join(" | ".join(cell_text(c, styles) for c in row.iterfind("w:tc", NS))
                                               for row in child.iterfind("w:tr", NS)))
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return " ".join(marks + [" ¶ ".join(parts)]).strip()


def table_lines(table, styles: Styles) -> list[str]:
    widths = [int(col.get(q("w:w"), "0")) for col in table.iterfind("w:tblGrid/w:gridCol", NS)]
    mm = "/".join(f"{w * 25.4 / 1440:.0f}" for w in widths)
    lines = [f"表 {len(widths)}列 (幅 {mm} mm)"]
    for row in table.iterfind("w:tr", NS):
        flags = []
        if row.find("w:trPr/w:tblHeader", NS) is not None:
            flags.append("[見出し行]")
        if row.find("w:trPr/w:cantSplit", NS) is None:
            flags.append("[行分割可]")
        cells = " | ".join(cell_text(cell, styles) for cell in row.iterfind("w:tc", NS))
        lines.append(f"  {''.join(flags) + ' ' if flags else ''}| {cells} |")
    return lines


def section_line(sect) -> str:
    size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)

    def mm(node, attr):
        return f"{int(node.get(q('w:' + attr))) * 25.4 / 1440:.0f}" if node is not None else "?"

    orient = size.get(q("w:orient"), "portrait") if size is not None else "?"
    return (f"用紙 {mm(size, 'w')}×{mm(size, 'h')}mm {orient} 余白 上{mm(margins, 'top')} 下{mm(margins, 'bottom')} "
            f"左{mm(margins, 'left')} 右{mm(margins, 'right')}")


def outline(docx) -> str:
    """The outline of a .docx given as bytes or a path."""
    data = Path(docx).read_bytes() if isinstance(docx, (str, Path)) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml")).find("w:body", NS)
        names = package.namelist()
        styles = Styles(package.read("word/styles.xml") if "word/styles.xml" in names else None)
    lines = []
    for child in body:
        if child.tag == q("w:p"):
            name, breaks = styles.of(child)
            lines.append(f"{'[改ページ] ' if breaks else ''}{name}: {paragraph_text(child)}".rstrip())
        elif child.tag == q("w:tbl"):
            lines += table_lines(child, styles)
        elif child.tag == q("w:sectPr"):
            lines.append(section_line(child))
    return "\n".join(lines) + "\n"


def plain_text(docx) -> str:
    """The text of a .docx in reading order: paragraphs on lines, table cells separated by tabs."""
    data = Path(docx).read_bytes() if isinstance(docx, (str, Path)) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml")).find("w:body", NS)

    def blocks(parent) -> str:
        return "\n".join(block(child) for child in parent if child.tag in (q("w:p"), q("w:tbl")))

    def block(node) -> str:
        if node.tag == q("w:p"):
            return paragraph_text(node, plain=True)
        return "\n".join("\t".join(blocks(cell) for cell in row.iterfind("w:tc", NS))
                         for row in node.iterfind("w:tr", NS))

    return blocks(body)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        sys.stdout.write(outline(arg))
