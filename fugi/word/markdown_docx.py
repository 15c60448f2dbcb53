"""Markdown (事業内容, the expert advice) -> WordprocessingML paragraphs, one method per token type.

The clerk's text is parsed with markdown-it-py's `js-default` preset (CommonMark + tables +
strikethrough, raw HTML off), and each token is handled by the method named after its type, as in
markdown-it's own HTML renderer. The result is a block of `<w:p>` / `<w:tbl>` XML that a docxtpl
template places with `{{p … }}`; every paragraph names a style of the template (looked up by the
style's *name*, so a clerk may restyle or Word may rename ids), so the layout stays in the template.

The numbers of the originals are written by the clerk (`## 1 概要`, `### (1) 外部結合`), so headings
print their text as written; Word's automatic numbering is not used. A soft line break next to a
Japanese character becomes nothing (a space would show in the middle of a sentence).
"""
from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markupsafe import Markup

#: Logical role -> style name in the Word template.
STYLE_NAMES = {
    "heading1": "本文見出し 1",
    "heading2": "本文見出し 2",
    "heading3": "本文見出し 3",
    "body1": "本文 1",
    "body2": "本文 2",
    "body3": "本文 3",
    "list1": "箇条書き 1",
    "list2": "箇条書き 2",
    "list3": "箇条書き 3",
    "more1": "箇条書き続き 1",
    "more2": "箇条書き続き 2",
    "more3": "箇条書き続き 3",
    "quote": "引用文",
    "code": "コード",
    "rule": "区切り線",
    "cell": "表文字",
    "table": "Table Grid",
}
CODE_FONT = "ＭＳ ゴシック"
BULLET = "・"
#: A list item that starts with one of these already has its mark (① …, ※ …): no ・ is added.
OWN_MARKS = set("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳・※○〇●◎■□◆◇▪▫★☆")
DEFAULT_WIDTH = 9071  # twips: the text width of the templates' A4 page (160mm)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PARSER = MarkdownIt("js-default")


def escape(text: str) -> str:
    """&, < and > as XML entities (xml.sax.saxutils.escape, whose module imports urllib, http and ssl)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def xml_text(text: str) -> str:
    """Text for a <w:t>: XML-escaped, characters XML cannot hold removed."""
    return escape(_INVALID_XML.sub("", text))


def attr(value: str) -> str:
    """A value for an XML attribute."""
    return escape(value).replace('"', "&quot;")


def is_wide(char: str) -> bool:
    """A Japanese (East Asian wide / full-width) character."""
    return unicodedata.east_asian_width(char) in ("W", "F")


class Paragraph:
    """A paragraph being built: its style and its runs (text with bold/italic/… flags)."""

    def __init__(self, style: str | None, marker: str = ""):
        self.style = style
        self.runs: list[tuple[tuple, str]] = []  # (format, text); format is a tuple of flags
        self.pending_break = False
        self.marker = marker  # a list item's mark, written before the first text

    def add_marker(self, text: str) -> None:
        marker, self.marker = self.marker, ""
        if marker == BULLET and text[:1] in OWN_MARKS:
            return
        self.runs.append(((), marker))

    def last_char(self) -> str:
        for _, text in reversed(self.runs):
            if text and text != "\n":
                return text[-1]
        return ""

    def add(self, text: str, fmt: tuple) -> None:
        if not text:
            return
        if self.marker:
            self.add_marker(text)
        if self.pending_break:
            # A soft line break: nothing next to a Japanese character, a space between Latin words.
            self.pending_break = False
            before = self.last_char()
            if before and not is_wide(before) and not is_wide(text[0]):
                self.add(" ", fmt)
        if self.runs and self.runs[-1][0] == fmt and self.runs[-1][1] != "\n" and text != "\n":
            self.runs[-1] = (fmt, self.runs[-1][1] + text)
        else:
            self.runs.append((fmt, text))

    def xml(self) -> str:
        ppr = f'<w:pPr><w:pStyle w:val="{attr(self.style)}"/></w:pPr>' if self.style else ""
        runs = "".join(run_xml(fmt, text) for fmt, text in self.runs)
        return f"<w:p>{ppr}{runs}</w:p>"


def run_xml(fmt: tuple, text: str) -> str:
    props = []
    if "code" in fmt:
        props.append(f'<w:rFonts w:ascii="{CODE_FONT}" w:eastAsia="{CODE_FONT}" w:hAnsi="{CODE_FONT}"/>')
    if "strong" in fmt:
        props.append("<w:b/>")
    if "em" in fmt:
        props.append("<w:i/>")
    if "s" in fmt:
        props.append("<w:strike/>")
    if "link" in fmt:
        props.append('<w:u w:val="single"/>')
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    if text == "\n":
        return f"<w:r>{rpr}<w:br/></w:r>"
    return f'<w:r>{rpr}<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>'


class WordRenderer:
    """Renders markdown-it tokens to WordprocessingML; `render(text)` returns the XML of the blocks.

    Block tokens adjust the current context (heading depth, lists, quotes, tables) and open or close
    paragraphs; inline tokens add runs to the open paragraph.
    """

    def __init__(self, style_ids: dict[str, str] | None = None, width: int = DEFAULT_WIDTH):
        """style_ids: style name -> styleId in the template (missing names fall back to the name);
        width: the width (twips) of where the blocks go, for tables (a page, or a table cell)."""
        ids = style_ids or {}
        self.width = width
        self.styles = {role: ids.get(name, name) for role, name in STYLE_NAMES.items()}

    # -- entry points -------------------------------------------------------

    def render(self, text: str) -> Markup:
        tokens = _PARSER.parse(text or "")
        self.blocks: list[str] = []
        self.para: Paragraph | None = None
        self.fmt: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.lists: list[dict] = []
        self.quote = 0
        self.depth = 0  # heading depth of the current section (1 = the shallowest heading level used)
        self.top = min((int(t.tag[1]) for t in tokens if t.type == "heading_open"), default=1)
        self.table: list | None = None
        self.render_tokens(tokens)
        if not self.blocks or self.blocks[-1].startswith("<w:tbl"):
            self.blocks.append(Paragraph(self.styles["body1"]).xml())  # a cell must end with a paragraph
        return Markup("".join(self.blocks))

    def render_tokens(self, tokens) -> None:
        for index, token in enumerate(tokens):
            getattr(self, token.type, self.unknown)(tokens, index)

    def unknown(self, tokens, idx):
        """A token type this renderer does not know (a future markdown-it rule): its text, as text."""
        if tokens[idx].content and not tokens[idx].children:
            self.add_text(tokens[idx].content)
        elif tokens[idx].children:
            self.render_tokens(tokens[idx].children)

    # -- helpers ------------------------------------------------------------

    def style(self, role: str, level: int) -> str:
        return self.styles[f"{role}{max(1, min(level, 3))}"]

    def open_paragraph(self, style: str) -> None:
        self.para = Paragraph(style)

    def open_body_paragraph(self) -> None:
        """A paragraph of running text: in a list item, the first one carries the item's mark."""
        if self.quote:
            self.para = Paragraph(self.styles["quote"])
            return
        if not self.lists:
            self.para = Paragraph(self.style("body", self.depth))
            return
        current = self.lists[-1]
        level = max(1, min(self.depth, 3)) + len(self.lists) - 1  # a list sits at its section's indent
        if current["marked"]:
            self.para = Paragraph(self.style("more", level))
        else:
            current["marked"] = True
            self.para = Paragraph(self.style("list", level), current["marker"])

    def close_paragraph(self) -> None:
        if self.para is None:
            return
        if self.table is not None:
            self.table[-1][-1].append(self.para.xml())
        else:
            self.blocks.append(self.para.xml())
        self.para = None

    def add_text(self, text: str) -> None:
        if self.para is None:  # text outside a paragraph
            self.open_body_paragraph()
        self.para.add(text, tuple(self.fmt))

    # -- block tokens -------------------------------------------------------

    def heading_open(self, tokens, idx):
        self.depth = int(tokens[idx].tag[1]) - self.top + 1
        self.open_paragraph(self.style("heading", self.depth))

    def heading_close(self, tokens, idx):
        self.close_paragraph()

    def paragraph_open(self, tokens, idx):
        self.open_body_paragraph()

    def paragraph_close(self, tokens, idx):
        self.close_paragraph()

    def bullet_list_open(self, tokens, idx):
        self.lists.append({"ordered": False, "number": 0, "marker": "", "marked": True})

    def bullet_list_close(self, tokens, idx):
        self.lists.pop()

    def ordered_list_open(self, tokens, idx):
        start = int(tokens[idx].attrs.get("start", 1))
        self.lists.append({"ordered": True, "number": start - 1, "marker": "", "marked": True})

    def ordered_list_close(self, tokens, idx):
        self.lists.pop()

    def list_item_open(self, tokens, idx):
        current = self.lists[-1]
        if current["ordered"]:
            current["number"] += 1
            current["marker"] = f"{current['number']}{tokens[idx].markup or '.'} "
        else:
            current["marker"] = BULLET
        current["marked"] = False

    def list_item_close(self, tokens, idx):
        self.close_paragraph()

    def blockquote_open(self, tokens, idx):
        self.quote += 1

    def blockquote_close(self, tokens, idx):
        self.quote -= 1

    def hr(self, tokens, idx):
        self.blocks.append(Paragraph(self.styles["rule"]).xml())

    def fence(self, tokens, idx):
        paragraph = Paragraph(self.styles["code"])
        lines = tokens[idx].content.rstrip("\n").split("\n")
        for number, line in enumerate(lines):
            if number:
                paragraph.add("\n", ())
            paragraph.add(line, ())
        self.blocks.append(paragraph.xml())

    code_block = fence

    def html_block(self, tokens, idx):  # raw HTML is off in js-default; printed as text if it ever comes
        self.open_body_paragraph()
        self.para.add(tokens[idx].content.strip("\n"), ())
        self.close_paragraph()

    def table_open(self, tokens, idx):
        self.table = []  # rows of cells of paragraph XML

    def table_close(self, tokens, idx):
        rows, self.table = self.table, None
        self.blocks.append(table_xml(rows, self.styles["table"], self.width))

    def thead_open(self, tokens, idx):
        pass

    def thead_close(self, tokens, idx):
        pass

    def tbody_open(self, tokens, idx):
        pass

    def tbody_close(self, tokens, idx):
        pass

    def tr_open(self, tokens, idx):
        self.table.append([])

    def tr_close(self, tokens, idx):
        pass

    def th_open(self, tokens, idx):
        self.table[-1].append(["header"])
        self.fmt.append("strong")
        self.open_paragraph(self.styles["cell"])

    def th_close(self, tokens, idx):
        self.close_paragraph()
        self.fmt.remove("strong")

    def td_open(self, tokens, idx):
        self.table[-1].append([])
        self.open_paragraph(self.styles["cell"])

    def td_close(self, tokens, idx):
        self.close_paragraph()

    def inline(self, tokens, idx):
        self.render_tokens(tokens[idx].children or [])

    # -- inline tokens ------------------------------------------------------

    def text(self, tokens, idx):
        self.add_text(tokens[idx].content)

    def softbreak(self, tokens, idx):
        if self.para is not None:
            self.para.pending_break = True

    def hardbreak(self, tokens, idx):
        self.add_text("\n")

    def strong_open(self, tokens, idx):
        self.fmt.append("strong")

    def strong_close(self, tokens, idx):
        self.fmt.remove("strong")

    def em_open(self, tokens, idx):
        self.fmt.append("em")

    def em_close(self, tokens, idx):
        self.fmt.remove("em")

    def s_open(self, tokens, idx):
        self.fmt.append("s")

    def s_close(self, tokens, idx):
        self.fmt.remove("s")

    def code_inline(self, tokens, idx):
        self.fmt.append("code")
        self.add_text(tokens[idx].content)
        self.fmt.remove("code")

    def link_open(self, tokens, idx):
        self.fmt.append("link")
        start = len("".join(t for _, t in self.para.runs)) if self.para else 0
        self.links.append((str(tokens[idx].attrs.get("href", "")), start))

    def link_close(self, tokens, idx):
        self.fmt.remove("link")
        href, start = self.links.pop()
        label = "".join(t for _, t in self.para.runs)[start:] if self.para else ""
        if href and href != label and f"mailto:{label}" != href:
            self.add_text(f"（{href}）")  # a printed form cannot be clicked: show where the link goes

    def image(self, tokens, idx):
        alt = tokens[idx].content or "".join(child.content for child in tokens[idx].children or [])
        if alt:
            self.add_text(f"［{alt}］")

    def html_inline(self, tokens, idx):
        self.add_text(tokens[idx].content)


def table_xml(rows: list, style: str, width: int = DEFAULT_WIDTH) -> str:
    """A Markdown table as a full-grid Word table of the given width, equal columns, header row repeated."""
    columns = max((len(row) for row in rows), default=1)
    grid = "".join(f'<w:gridCol w:w="{width // columns}"/>' for _ in range(columns))
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{attr(style)}"/><w:tblW w:w="{width // columns * columns}" w:type="dxa"/>'
           f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"]
    for row in rows:
        header = any(cell[:1] == ["header"] for cell in row)
        trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
        cells = []
        for cell in row + [[]] * (columns - len(row)):
            paragraphs = [p for p in cell if p != "header"] or ["<w:p/>"]
            cells.append(f"<w:tc>{''.join(paragraphs)}</w:tc>")
        out.append(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def render_markdown(text: str, style_ids: dict[str, str] | None = None, width: int = DEFAULT_WIDTH) -> Markup:
    """Markdown text -> Markup holding WordprocessingML blocks (for `{{p … }}` in a docxtpl template)."""
    return WordRenderer(style_ids, width).render(text)
