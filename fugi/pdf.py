"""Word -> PDF with LibreOffice, Japanese fonts embedded (the ward publishes PDFs).

One `soffice` run converts every file (LibreOffice takes seconds to start).  Each run gets its own
profile (`-env:UserInstallation`), because a profile shared by parallel runs makes LibreOffice fail
silently; the PDFs are checked to exist afterwards.  fugi/fonts.conf maps ＭＳ 明朝 / ＭＳ ゴシック
(the templates' fonts, present on the clerks' Windows machines) to IPAexMincho / IPAexGothic
(Debian: fonts-ipaexfont) through FONTCONFIG_FILE, so no system configuration needs editing.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FONTS_CONF = Path(__file__).resolve().parent / "fonts.conf"
TIMEOUT = 600  # seconds for one conversion run


class PdfError(Exception):
    """LibreOffice did not produce a PDF."""


def soffice_path() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def environment() -> dict:
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env.setdefault("HOME", tempfile.gettempdir())
    env.pop("DISPLAY", None)
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
        inbox, outbox = work / "in", work / "out"
        inbox.mkdir()
        # Files of different folders may share a name (agendas/x.docx, meetings/x.docx): number them.
        staged = []
        for index, document in enumerate(documents):
            copy = inbox / f"{index:04d}.docx"
            shutil.copyfile(document, copy)
            staged.append(copy)
        command = [soffice, "--headless", "--norestore", "--nolockcheck", "--nodefault",
                   f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outbox), *map(str, staged)]
        try:
            result = subprocess.run(command, env=environment(), capture_output=True, text=True, timeout=TIMEOUT)
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
