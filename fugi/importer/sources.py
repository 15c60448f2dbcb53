"""Each source (a .docx, a PDF, the text export of a PDF) as one representation: paragraphs and table rows in reading order."""
from __future__ import annotations

import errno
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree


class Unreadable(Exception):
    """A file that is not a form fugi can read: its message says why, in Japanese."""


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufeff]")


def clean_text(text: str) -> str:
    """Control characters a document may hold (YAML cannot store them) dropped; a line separator is a line break."""
    return CONTROL.sub(lambda m: "\n" if m.group(0) in "\u2028\u2029" else "", text)


@dataclass
class Para:
    """One paragraph: its text and a generic style hint (h1-h3 a heading, li1-li3 a list item, more1-3 its next paragraph)."""

    text: str
    style: str = ""

    def __post_init__(self):
        self.text = clean_text(self.text)


@dataclass
class Block:
    """A paragraph (cells == [[para]]) or a table row (one list of paragraphs per cell), with where it was."""

    kind: str  # "p" or "row"
    cells: list
    where: str
    style: str = ""  # the source's own style name of a paragraph (Word), for headings and attachment numbers

    @property
    def text(self) -> str:
        return "\n".join(p.text for cell in self.cells for p in cell)

    def cell_texts(self) -> list:
        return ["\n".join(p.text for p in cell) for cell in self.cells]


@dataclass
class Source:
    """A read source: its blocks and how it was read (flat: paragraph breaks inside cells may be lost)."""

    path: Path
    kind: str  # docx / pdf / text
    blocks: list = field(default_factory=list)
    flat: bool = False


# ---------------------------------------------------------------------------
# Recognising a file by its bytes


#: An old Word document (.doc) and every other file of the Office 97-2003 formats start with these bytes.
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Encodings a text export may come in: UTF-8 (with or without a BOM), UTF-16 with its BOM, Windows' Shift_JIS.
ENCODINGS = ("utf-8-sig", "cp932")


def sniff(data: bytes) -> str:
    """docx / pdf / doc / text / "" (none of them)."""
    if data.lstrip()[:5].startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(OLE):
        return "doc"
    if decode(data) is None:
        return ""
    return "text"


def decode(data: bytes):
    """The text of a text file, or None when it is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:4096]:
        return None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


#: The largest file read (bytes): a published PDF of one item is a few MB; a larger file is not one document.
MAX_BYTES = 100 * 1024 * 1024

#: The largest body of a Word file once unpacked (bytes): fugi's form of a 1,000-row item is a few MB of XML.
MAX_XML_BYTES = 200 * 1024 * 1024

#: Images a scan may come as (sometimes renamed .pdf): their first bytes and the format's name.
IMAGES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
          (b"GIF8", "GIF"), (b"BM", "BMP"))

#: Why a file could not be opened, in the clerk's words (the system's own text is English).
OS_REASONS = {errno.EACCES: "読む権限がありません。ファイルの持ち主か管理者に読めるようにしてもらってください",
              errno.EPERM: "読む権限がありません。ファイルの持ち主か管理者に読めるようにしてもらってください",
              errno.EISDIR: "フォルダです", errno.ENOENT: "ファイルがなくなりました（取り込みの途中で移されたか消されました）"}


def read_bytes(path: Path) -> bytes:
    """The file's bytes; Unreadable (in Japanese) for a file that cannot be opened, is empty or is too large."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise Unreadable(f"ファイルが大きすぎます（{size / 1024 / 1024:,.0f} MB。{MAX_BYTES // 1024 // 1024} MB まで）。"
                                 "書類を1件ずつのファイルで指定してください")
            data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        reason = OS_REASONS.get(err.errno, f"{err.strerror or type(err).__name__}")
        raise Unreadable(f"ファイルを読めません（{reason}）")
    if len(data) > MAX_BYTES:
        raise Unreadable(f"ファイルが大きすぎます（{MAX_BYTES // 1024 // 1024} MB まで）。"
                         "書類を1件ずつのファイルで指定してください")
    if not data.strip(b" \t\r\n\x00"):
        raise Unreadable("ファイルが空です（中身がありません）。元の文書をもう一度受け取ってください")
    return data


def read_source(path: Path) -> Source:
    """The file as a Source; raises Unreadable with a Japanese message for anything else."""
    data = read_bytes(Path(path))
    for magic, name in IMAGES:
        if data.startswith(magic):
            raise Unreadable(f"画像（{name}）のファイルです。文字のない画像は読めません。文字を含む PDF か Word 文書を使ってください"
                             "（紙をスキャンしたものなら、文字認識（OCR）をかけた PDF にしてください）")
    kind = sniff(data)
    if kind == "docx":
        return read_docx(path, data)
    if kind == "pdf":
        return read_pdf(path, data)
    if kind == "text":
        return read_text(path, decode(data))
    if kind == "doc":
        office = {".xls": "Excel", ".ppt": "PowerPoint"}.get(Path(path).suffix.lower())
        if office:
            raise Unreadable(f"古い形式の {office} のファイルです。取り込む書類は Word 文書か PDF で指定してください")
        raise Unreadable("古い形式の Word 文書（.doc）は読めません。Word で開いて「Word 文書（*.docx）」として保存し直してください")
    raise Unreadable("Word 文書（.docx）・PDF・テキストのどれでもありません")


# ---------------------------------------------------------------------------
# Text export of a PDF (tab-separated cells, <p> paragraphs)

TAG = re.compile(r"</?(?:p|li|ol|ul)\b[^>]*>")
RULE = re.compile(r"^(?:-{3,}[\t ]*)+$")
OPEN, CLOSE = "（(", "）)"


def cell_paragraphs(text: str) -> list:
    parts = [p.strip() for p in TAG.split(text)] if TAG.search(text) else [text.strip()]
    return [Para(p) for p in parts if p] or [Para("")]


def unbalanced(text: str) -> bool:
    return sum(text.count(c) for c in OPEN) > sum(text.count(c) for c in CLOSE)


def read_text(path: Path, text: str) -> Source:
    source = Source(Path(path), "text", flat=True)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    pending = None  # a paragraph still open: (text, first line, bold)
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip(" \r\u3000")
        if pending is not None:
            joined, first, bold = pending
            if line.strip():
                joined = f"{joined}\n{line.strip()}"
            still_open = (bold and joined.count("**") % 2 == 1) or (not bold and unbalanced(joined))
            if still_open and line.strip() and number - first < 4:
                pending = (joined, first, bold)
                continue
            pending = None
            add_paragraph(source, joined, first)
            continue
        if not line.strip() or RULE.match(line.strip()):
            continue
        if "\t" in line:
            cells = [cell_paragraphs(cell) for cell in line.split("\t")]
            while len(cells) > 1 and not any(p.text for p in cells[-1]):
                cells.pop()
            source.blocks.append(Block("row", cells, f"{number}行目"))
            continue
        stripped = line.strip()
        bold = stripped.count("**") % 2 == 1
        if bold or unbalanced(stripped):
            pending = (stripped, number, bold)
            continue
        add_paragraph(source, stripped, number)
    if pending is not None:
        add_paragraph(source, pending[0], pending[1])
    return source


def add_paragraph(source: Source, text: str, number: int) -> None:
    text = re.sub(r"^#+\s*", "", text.replace("**", "")).strip()
    for part in TAG.split(text) if TAG.search(text) else [text]:
        if part.strip():
            source.blocks.append(Block("p", [[Para(part.strip())]], f"{number}行目"))


# ---------------------------------------------------------------------------
# Word

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def q(name: str) -> str:
    return f"{{{W}}}{name}"


#: Style names of fugi's Word templates -> generic hints (a department's own styles read as plain paragraphs).
STYLE_HINTS = [(re.compile(r"^本文見出し\s*(\d)$"), "h"), (re.compile(r"^箇条書き続き\s*(\d)$"), "more"),
               (re.compile(r"^箇条書き\s*(\d)$"), "li"), (re.compile(r"^(?:Heading|見出し)\s*(\d)$"), "h"),
               (re.compile(r"^List (?:Bullet|Number)\s*(\d)?$"), "li")]


def style_hint(name: str) -> str:
    for pattern, hint in STYLE_HINTS:
        match = pattern.match(name or "")
        if match:
            return f"{hint}{match.group(1) or 1}"
    return ""


def docx_text(node) -> str:
    out = []
    for child in node.iter(q("t"), q("br"), q("tab"), q("cr")):
        if child.tag == q("t"):
            out.append(child.text or "")
        elif child.tag == q("tab"):
            out.append("\t")
        elif child.get(q("type")) != "page":
            out.append("\n")
    return "".join(out)


def not_word(names: list) -> str:
    """Why a zip that is not a Word document was refused: an Excel or PowerPoint file, or a zip of documents."""
    if "xl/workbook.xml" in names:
        return "Excel のブックです。取り込む書類は Word 文書か PDF で指定してください"
    if "ppt/presentation.xml" in names:
        return "PowerPoint のファイルです。取り込む書類は Word 文書か PDF で指定してください"
    if "[Content_Types].xml" not in names:
        return "ZIP の圧縮ファイルです。展開して、できたフォルダを指定してください"
    return "Word 文書ではありません（.docx の中に本文 word/document.xml がありません）"


def read_docx(path: Path, data: bytes) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            if "word/document.xml" not in names:
                raise Unreadable(not_word(names))
            unpacked = sum(package.getinfo(n).file_size for n in ("word/document.xml", "word/styles.xml") if n in names)
            if unpacked > MAX_XML_BYTES:  # a few MB in a file, gigabytes unpacked: read, it would fill the memory
                raise Unreadable(f"Word 文書の本文が大きすぎます（展開すると {unpacked / 1024 / 1024:,.0f} MB。"
                                 f"{MAX_XML_BYTES // 1024 // 1024} MB まで）。書類を1件ずつの文書で指定してください")
            document = package.read("word/document.xml")
            styles_xml = package.read("word/styles.xml") if "word/styles.xml" in names else None
        body = etree.fromstring(document).find("w:body", NS)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, OSError, EOFError, ValueError):
        raise Unreadable("Word 文書が壊れていて開けません（保存し直すか、元の文書をもう一度受け取ってください）")
    if body is None:
        raise Unreadable("Word 文書に本文がありません")
    names = {}
    if styles_xml is not None:
        try:
            for style in etree.fromstring(styles_xml).iter(q("style")):
                name = style.find("w:name", NS)
                names[style.get(q("styleId"))] = name.get(q("val")) if name is not None else style.get(q("styleId"))
        except etree.XMLSyntaxError:
            names = {}

    def style_of(paragraph) -> str:
        node = paragraph.find("w:pPr/w:pStyle", NS)
        return names.get(node.get(q("val")), node.get(q("val"))) if node is not None else ""

    def paras(cell) -> list:
        out = []
        for child in cell:
            if child.tag == q("p"):
                out.append(Para(docx_text(child).strip(), style_hint(style_of(child))))
            elif child.tag == q("tbl"):  # a table inside a cell: its rows as lines
                for row in child.iterfind("w:tr", NS):
                    out.append(Para(" ".join(" ".join(p.text for p in paras(c)) for c in row.iterfind("w:tc", NS))))
            elif child.tag == q("sdt"):
                content = child.find("w:sdtContent", NS)
                if content is not None:
                    out += paras(content)
        while len(out) > 1 and not out[-1].text:
            out.pop()
        return out or [Para("")]

    source = Source(Path(path), "docx")
    tables = paragraphs = 0

    def walk(parent):
        nonlocal tables, paragraphs
        for child in parent:
            if child.tag == q("p"):
                paragraphs += 1
                text = docx_text(child).strip()
                if text:
                    style = style_of(child)
                    source.blocks.append(Block("p", [[Para(text, style_hint(style))]], f"段落{paragraphs}", style))
            elif child.tag == q("tbl"):
                tables += 1
                for index, row in enumerate(child.iterfind("w:tr", NS), start=1):
                    cells = [paras(cell) for cell in row.iterfind("w:tc", NS)]
                    if any(p.text for cell in cells for p in cell):
                        source.blocks.append(Block("row", cells, f"表{tables} 行{index}"))
            elif child.tag == q("sdt"):
                content = child.find("w:sdtContent", NS)
                if content is not None:
                    walk(content)

    walk(body)
    return source


# ---------------------------------------------------------------------------
# PDF (pdfplumber: words with positions, tables from the ruling lines)


def read_pdf(path: Path, data: bytes) -> Source:
    try:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError
    except ImportError:  # pragma: no cover - a dependency of fugi
        raise Unreadable("PDF を読むための pdfplumber が入っていません（pip install -e . で入ります）")
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its notes on odd PDFs are not the clerk's business
    source = Source(Path(path), "pdf", flat=True)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, Exception) as err:  # noqa: BLE001 - pdfminer raises many kinds for a broken file
        raise Unreadable(f"PDF が壊れていて開けません（{type(err).__name__}）")
    with pdf:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                page_blocks(page, number, source)
            except Exception as err:  # noqa: BLE001 - one unreadable page is reported, not a traceback
                raise Unreadable(f"PDF の {number} ページを読めません（{type(err).__name__}）")
    if not any(b.text.strip() for b in source.blocks):
        raise Unreadable("PDF に文字がありません（画像だけの PDF や空の PDF は読めません。文字を含む PDF か Word 文書を使ってください）")
    return source


def join_lines(lines: list) -> str:
    """Lines of one cell or paragraph: wrapped lines join without a space between Japanese characters."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and (wide(out[-1]) or wide(line[0])):
            out += line
        elif out:
            out += " " + line
        else:
            out = line
    return out


def width(text: str) -> int:
    return sum(2 if wide(c) else 1 for c in text)


def cell_paras(text: str) -> list:
    """A table cell's lines as paragraphs: a line much shorter than the cell's longest ends its paragraph."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return [Para("")]
    longest = max(width(line) for line in lines)
    out, current = [], []
    for index, line in enumerate(lines):
        current.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        starts = re.match(r"^(?:[・※【《①-⑳]|\d+[ \u3000]|[^\s:：、。]{1,10}[:：][ \u3000])", following)
        if width(line) < 0.8 * longest or (line.endswith("。") and width(line) < 0.95 * longest) or starts:
            out.append(Para(join_lines(current)))
            current = []
    if current:
        out.append(Para(join_lines(current)))
    return out


def wide(char: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(char) in ("W", "F")


def text_lines(words: list) -> list:
    """Words (pdfplumber) grouped into lines, top to bottom: {top, bottom, x0, x1, text}."""
    lines: list = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1]["top"] - word["top"]) < 3:
            line = lines[-1]
            line["text"] += word["text"]  # a space the PDF has is a character of the word (keep_blank_chars)
            line["x1"] = max(line["x1"], word["x1"])
            line["bottom"] = max(line["bottom"], word["bottom"])
        else:
            lines.append({"top": word["top"], "bottom": word["bottom"], "x0": word["x0"], "x1": word["x1"],
                          "text": word["text"]})
    return [line for line in lines if line["text"].strip()]


PARAGRAPH_START = re.compile(r"^(?:[・※【《①-⑳]|\d+[ \u3000]|[（(]\d+[）)]|[^\s:：、。]{1,10}[:：][ \u3000])")


def paragraphs(lines: list, right: float | None = None) -> list:
    """Lines -> paragraphs.  A PDF keeps no paragraph breaks: a line ends its paragraph when it stops well short of
    the right edge (or a little short after a sentence's end: a Latin word that does not fit leaves a gap too),
    and a line starting with a mark or a number, or after a wider gap, starts one."""
    if not lines:
        return []
    right = right if right is not None else max(line["x1"] for line in lines)
    out: list = []
    previous = None
    for line in lines:
        text = line["text"].strip()
        size = max(4.0, line["bottom"] - line["top"])
        if previous is None:
            starts = True
        else:
            short = right - previous["x1"]
            ended = previous["text"].rstrip().endswith(("。", "）", ")", "」", "』", "】"))
            starts = short > 4 * size or (ended and short > 1.0 * size) \
                or line["top"] - previous["bottom"] > 1.2 * size or bool(PARAGRAPH_START.match(text))
        if starts:
            out.append([text])
        else:
            out[-1].append(text)
        previous = line
    return [join_lines(one) for one in out]


PAGE_NUMBER = re.compile(r"^[-－―‐\s]*\d{1,4}(?:\s*/\s*\d{1,4})?[-－―‐\s]*$")


def page_number(run: list, height: float) -> bool:
    """A page number in the top or bottom margin (「- 3 -」, 「3 / 12」): the printer's, not the document's."""
    line = run[0]
    return len(run) == 1 and bool(PAGE_NUMBER.match(line["text"])) and \
        (line["top"] < 0.08 * height or line["bottom"] > 0.92 * height)


def page_blocks(page, number: int, source: Source) -> None:
    tables = page.find_tables()
    words = page.extract_words(keep_blank_chars=True, use_text_flow=False)
    placed = set()
    items = []  # (top, order, block)

    def inside(word, box) -> bool:
        mid_x, mid_y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        x0, top, x1, bottom = box
        return x0 <= mid_x <= x1 and top <= mid_y <= bottom

    for index, table in enumerate(tables, start=1):
        for r, row in enumerate(table.rows, start=1):
            cells = []
            for box in row.cells:
                if box is None:  # covered by a merged cell
                    cells.append([Para("")])
                    continue
                mine = [w for k, w in enumerate(words) if k not in placed and inside(w, box)]
                placed.update(k for k, w in enumerate(words) if inside(w, box))
                lines = text_lines(mine)
                size = max((line["bottom"] - line["top"] for line in lines), default=10.0)
                # the cell's right edge, less its padding: a cell of short lines has no full line to measure by
                edge = max([box[2] - size] + [line["x1"] for line in lines])
                texts = paragraphs(lines, edge)
                cells.append([Para(t) for t in texts] or [Para("")])
            if not any(p.text for cell in cells for p in cell):
                continue
            items.append((row.bbox[1], r, Block("row", cells, f"{number}ページ 表{index} 行{r}")))
    boxes = [t.bbox for t in tables]
    outside = [w for k, w in enumerate(words) if k not in placed and not any(inside(w, b) for b in boxes)]
    lines = text_lines(outside)
    right = max((line["x1"] for line in lines), default=0)
    # paragraphs outside tables: one run of lines at a time (a heading, a title and a page number stand alone)
    run: list = []
    for line in lines + [None]:
        if line is not None and run and line["top"] - run[-1]["bottom"] < 1.2 * (line["bottom"] - line["top"]) \
                and run[-1]["x1"] >= right - 2 * (line["bottom"] - line["top"]):
            run.append(line)
            continue
        if run and not page_number(run, page.height):
            for text in paragraphs(run, right):
                items.append((run[0]["top"], 0, Block("p", [[Para(text)]], f"{number}ページ")))
        run = [line] if line is not None else []
    items.sort(key=lambda one: (round(one[0]), one[1]))
    source.blocks += [block for _, _, block in items]
