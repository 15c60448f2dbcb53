"""The members' packet as one PDF: the 次第's PDF, then each item's PDF in the order of the meeting, with a
bookmark per part and page numbers through the whole packet.

pypdf joins the PDFs (LibreOffice made each, fonts embedded) and writes the bookmarks; reportlab draws the page
numbers on an overlay in an embedded Japanese font (IPAex, as the Word files print on Linux), merged onto each page.
Everything that would come from the clock or at random is fixed: reportlab runs in its invariant mode, the
document's dates are the meeting's date and its file identifier is the hash of the parts, so the same parts give
the same bytes."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

#: Where the page-number font is looked for (Debian: fonts-ipaexfont, which the PDFs of the Word files use too).
FONT_FILES = ("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf", "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf",
              "/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf")
FONT_NAME = "FugiPageNumber"
NUMBER_SIZE = 10.5  # points, like the body text
NUMBER_BOTTOM = 12 * 72 / 25.4  # the number's baseline 12 mm above the page's bottom edge


class PacketError(Exception):
    """The packet cannot be assembled (no font for the page numbers, a part that is not a PDF)."""


def font_file() -> Path:
    for candidate in FONT_FILES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise PacketError("ページ番号に使う日本語フォント（IPAex明朝）が見つかりません")


def page_number_text(number: int, total: int) -> str:
    """- 3 - : the number alone, as the ward's papers print it."""
    return f"- {number} -"


def number_overlay(sizes: list[tuple[float, float]]) -> bytes:
    """One page per page of the packet, each with its number centred at the bottom (invariant: no dates, no random)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_file())))
    out = io.BytesIO()
    sheet = canvas.Canvas(out, invariant=1, pageCompression=1, initialFontName=FONT_NAME, initialFontSize=NUMBER_SIZE)
    total = len(sizes)
    for number, (width, height) in enumerate(sizes, start=1):
        sheet.setPageSize((width, height))
        sheet.setFont(FONT_NAME, NUMBER_SIZE)
        sheet.drawCentredString(width / 2, NUMBER_BOTTOM, page_number_text(number, total))
        sheet.showPage()
    sheet.save()
    return out.getvalue()


def pdf_date(when) -> str:
    """D:YYYYMMDD000000Z of a date (the meeting's), or the zip epoch when it is unknown."""
    return f"D:{when:%Y%m%d}000000Z" if when is not None else "D:19800101000000Z"


def assemble(parts: list[tuple[str, bytes]], title: str, author: str = "", when=None) -> bytes:
    """One PDF of `parts` [(bookmark, PDF bytes)] in order: a bookmark at each part's first page, every page numbered."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter()
    starts = []
    for mark, data in parts:
        try:
            reader = PdfReader(io.BytesIO(data))
            starts.append((mark, len(writer.pages)))
            writer.append(reader, import_outline=False)
        except (PdfReadError, ValueError) as err:
            raise PacketError(f"「{mark}」の PDF を読めません: {err}") from err
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in writer.pages]
    overlay = PdfReader(io.BytesIO(number_overlay(sizes)))
    for page, numbers in zip(writer.pages, overlay.pages):
        page.merge_page(numbers)
    for mark, start in starts:
        writer.add_outline_item(title=mark, page_number=start)
    writer.page_mode = "/UseOutlines"  # the bookmarks open beside the pages
    stamp = pdf_date(when)
    writer.add_metadata({"/Title": title, "/Author": author, "/Producer": "fugi", "/Creator": "fugi",
                         "/CreationDate": stamp, "/ModDate": stamp})
    seed = hashlib.sha256(b"".join(hashlib.sha256(data).digest() for _, data in parts) + title.encode()).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(seed), ByteStringObject(seed)])  # noqa: SLF001 - pypdf has no setter
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
