"""Word -> PDF with LibreOffice: every generated document converts, A4, with a Japanese font embedded.

All documents go through ONE soffice run (LibreOffice takes seconds to start).  These tests need
LibreOffice; CI installs `libreoffice-writer-nogui` and `fonts-ipaexfont` (see test.sh), so there they
always run — the skip only applies to a developer machine without LibreOffice.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fugi.word import pdf
from fugi.pipeline import load_archive
from fugi.problems import ContentError
from fugi.build.documents import write_documents

pytestmark = pytest.mark.slow  # the slow tier (pytest -m slow); the quick tier leaves it out

try:
    from contents import fixture_copy
except ImportError:  # tests/ imported as a package
    from tests.contents import fixture_copy

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FIXTURE = fixture_copy("docx")  # tests/fixtures/docx with the forms and catalog of content/

needs_soffice = pytest.mark.skipif(
    pdf.soffice_path() is None,
    reason="LibreOffice (soffice) is not installed on this machine; CI installs libreoffice-writer-nogui and "
           "fonts-ipaexfont, so the PDF tests run there")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """Every document of content/ and of the fixture, converted in one soffice run (on a machine set to New York
    time: the PDFs must not know it)."""
    monkey = pytest.MonkeyPatch()
    monkey.setenv("TZ", "America/New_York")
    docs = []
    for name, content in (("content", CONTENT), ("fixture", FIXTURE)):
        archive, problems = load_archive(content)
        assert not problems.errors
        docs += write_documents(archive, tmp_path_factory.mktemp(name), content)
    made = pdf.convert(docs)
    monkey.undo()
    return {f"{p.parent.parent.name}/{p.parent.name}/{p.stem}": p for p in made} | {"_docs": docs}


@needs_soffice
def test_every_document_converts(pdfs):
    docs = pdfs["_docs"]
    assert len(docs) >= 8
    for doc in docs:
        made = doc.with_suffix(".pdf")
        assert made.is_file(), f"no PDF for {doc}"
        assert made.read_bytes()[:5] == b"%PDF-"


@needs_soffice
@pytest.mark.skipif(shutil.which("pdffonts") is None or shutil.which("pdfinfo") is None,
                    reason="poppler-utils (pdffonts, pdfinfo) not installed; CI installs them")
def test_japanese_fonts_are_embedded_and_pages_are_a4(pdfs):
    for doc in pdfs["_docs"]:
        made = doc.with_suffix(".pdf")
        fonts = subprocess.run(["pdffonts", str(made)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
        assert rows, f"{made.name}: no fonts"
        assert any("IPAexMincho" in row[0] for row in rows), f"{made.name}: 明朝 not mapped to IPAexMincho:\n{fonts}"
        for row in rows:
            emb = row[-5]
            assert emb == "yes", f"{made.name}: font not embedded:\n{fonts}"
        info = subprocess.run(["pdfinfo", str(made)], capture_output=True, text=True, check=True).stdout
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        assert size and abs(float(size.group(1)) - 595.3) < 1 and abs(float(size.group(2)) - 841.9) < 1, info


@needs_soffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
def test_pdf_text_is_the_documents_text(pdfs):
    made = next(d for d in pdfs["_docs"] if d.stem == "kaigo-hoken-hyojunka").with_suffix(".pdf")
    text = subprocess.run(["pdftotext", str(made), "-"], capture_output=True, text=True, check=True).stdout
    compact = re.sub(r"\s+", "", text)
    for expected in ("資料56", "個人情報保護管理運営会議", "付議事項", "介護保険システム記録項目", "原案作成委託料支払業務情報",
                     "3電算処理にかかる個人情報保護対策チェックリスト"):
        assert expected in compact, expected


def test_pdf_without_libreoffice_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    archive, _ = load_archive(FIXTURE)
    with pytest.raises(ContentError):
        write_documents(archive, tmp_path, FIXTURE, pdf=True)
    err = capsys.readouterr().err
    assert "LibreOffice" in err and "apt-get install libreoffice-writer-nogui" in err
    assert not list(tmp_path.rglob("*.docx"))  # nothing half-done


def test_fonts_conf_maps_ms_fonts_to_ipaex():
    conf = pdf.FONTS_CONF.read_text(encoding="utf-8")
    assert "<family>ＭＳ 明朝</family>" in conf and "<family>IPAexMincho</family>" in conf
    assert "<family>ＭＳ ゴシック</family>" in conf and "<family>IPAexGothic</family>" in conf
    assert pdf.environment()["FONTCONFIG_FILE"] == str(pdf.FONTS_CONF)


@needs_soffice
def test_the_dates_in_a_pdf_do_not_depend_on_the_machines_time_zone(pdfs):
    """A PDF's dates are the document's, written in UTC whatever the builder's zone (here New York): the same
    content gives the same bytes on every machine, and a cached PDF is the one a clean build makes."""
    for doc in pdfs["_docs"]:
        dates = re.findall(rb"/(?:CreationDate|ModDate)\s*\(D:(\d{14})([^)]*)\)", doc.with_suffix(".pdf").read_bytes())
        assert dates and all(zone == b"Z'" or zone == b"Z" for _, zone in dates), (doc.name, dates)


@needs_soffice
def test_pdfs_are_tagged_and_declare_japanese(pdfs):
    """Issue 31: a screen reader needs a structure tree (tagged PDF) and the document language, ja-JP (LibreOffice
    wrote /Lang(en-US), the Latin-text language of the Word file)."""
    for doc in pdfs["_docs"]:
        data = pdf.normalize_pdf(doc.with_suffix(".pdf").read_bytes(), doc.read_bytes())
        assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", data), f"{doc.name}: not a tagged PDF"
        assert b"/StructTreeRoot" in data, f"{doc.name}: no structure tree"
        langs = set(re.findall(rb"/Lang\(([^)]*)\)", data))
        assert langs == {b"ja-JP"}, f"{doc.name}: languages {langs}"
