"""Word -> PDF with LibreOffice, Japanese fonts embedded (the ward publishes PDFs).

One `soffice` run converts every file (LibreOffice takes seconds to start).  Each run gets its own
profile (`-env:UserInstallation`), because a profile shared by parallel runs makes LibreOffice fail
silently; the PDFs are checked to exist afterwards.  fugi/word/fonts.conf maps ＭＳ 明朝 / ＭＳ ゴシック
(the templates' fonts, present on the clerks' Windows machines) to IPAexMincho / IPAexGothic
(Debian: fonts-ipaexfont) through FONTCONFIG_FILE, so no system configuration needs editing.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

FONTS_CONF = Path(__file__).resolve().parent / "fonts.conf"
TIMEOUT = 600  # seconds for one conversion run


#: What LibreOffice stamps from the clock or at random; replaced by values of the same length (offsets stay valid).
_CREATED = re.compile(rb"/CreationDate\(D:\d{14}")
_IDS = re.compile(rb"/ID \[ <([0-9A-F]{32})>\s*<([0-9A-F]{32})> \]")
_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-F]{32})")
#: LibreOffice writes the language of the Word file's Latin text (w:lang w:val, en-US as Word sets it on a Japanese
#: machine) as the document's language; the forms are Japanese.  Same length, so the cross-reference offsets stay valid.
_LANG = re.compile(rb"/Lang\([a-z]{2}-[A-Z]{2}\)")
#: Tagged PDF (a structure tree a screen reader follows: headings, paragraphs, tables), LibreOffice's JSON filter options.
EXPORT_FILTER = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def normalize_pdf(data: bytes, docx: bytes) -> bytes:
    """The same PDF for the same Word file: the creation time is the Word file's own date (its core properties,
    taken from content), the file identifier and checksum come from the Word file's hash."""
    stamp = _core_date(docx)
    seed = hashlib.sha256(docx).hexdigest().upper()
    data = _CREATED.sub(lambda m: b"/CreationDate(D:" + stamp, data)
    data = _IDS.sub(lambda m: f"/ID [ <{seed[:32]}>\n<{seed[:32]}> ]".encode()
                    if m.group(0).count(b"\n") else f"/ID [ <{seed[:32]}> <{seed[:32]}> ]".encode(), data)
    data = _CHECKSUM.sub(lambda m: b"/DocChecksum /" + seed[32:64].encode(), data)
    return _LANG.sub(b"/Lang(ja-JP)", data)


def _core_date(docx: bytes) -> bytes:
    """YYYYMMDDHHMMSS of the Word file's dcterms:modified, or the zip epoch."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            core = package.read("docProps/core.xml").decode("utf-8")
        found = re.search(r"<dcterms:modified[^>]*>(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})", core)
    except (KeyError, zipfile.BadZipFile):
        found = None
    return "".join(found.groups()).encode() if found else b"19800101000000"


class PdfError(Exception):
    """LibreOffice did not produce a PDF."""


def soffice_path() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def environment(scratch: Path | None = None) -> dict:
    """LibreOffice's environment: fugi's font map; UTC, as a PDF's dates are written in the local time zone (the
    same document would give other bytes on a machine set to another zone); its temporary files in `scratch`."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env["TZ"] = "UTC"
    env.setdefault("HOME", tempfile.gettempdir())
    env.pop("DISPLAY", None)
    if scratch is not None:
        env["TMPDIR"] = str(scratch)  # a killed run's files go with the build's scratch folder, not into /tmp
    return env


def convert(documents: list[Path], work: Path | None = None) -> list[Path]:
    """Write <name>.pdf beside each .docx; returns the PDFs.  Raises PdfError when one is missing.

    LibreOffice's profile and copies live in a temporary folder inside `work` when given (the build's scratch
    folder, cleaned after a killed build), else in the system's temporary folder."""
    documents = [Path(d) for d in documents]
    if not documents:
        return []
    soffice = soffice_path()
    if soffice is None:
        raise PdfError("LibreOffice（soffice）が見つかりません")
    if work is not None:
        Path(work).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fugi-pdf-", dir=work) as scratch:
        work = Path(scratch)
        inbox, outbox, temporary = work / "in", work / "out", work / "tmp"
        inbox.mkdir()
        temporary.mkdir()
        # Files of different folders may share a name (agendas/x.docx, meetings/x.docx): number them.
        staged = []
        for index, document in enumerate(documents):
            copy = inbox / f"{index:04d}.docx"
            shutil.copyfile(document, copy)
            staged.append(copy)
        command = [soffice, "--headless", "--norestore", "--nolockcheck", "--nodefault",
                   f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--convert-to", EXPORT_FILTER, "--outdir", str(outbox), *map(str, staged)]
        try:
            result = subprocess.run(command, env=environment(temporary), capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired as err:
            raise PdfError(f"LibreOffice が {TIMEOUT} 秒で終わりませんでした") from err
        pdfs = []
        missing = []
        for index, document in enumerate(documents):
            made = outbox / f"{index:04d}.pdf"
            if not made.is_file() or made.stat().st_size == 0:
                missing.append(document.name)
                continue
            target = document.with_suffix(".pdf")
            shutil.move(str(made), target)
            pdfs.append(target)
        if missing:
            detail = (result.stderr or result.stdout or "").strip().splitlines()[-3:]
            raise PdfError(f"LibreOffice が PDF を作れませんでした: {'、'.join(missing)}"
                           + (f"（{' / '.join(detail)}）" if detail else ""))
    return pdfs
