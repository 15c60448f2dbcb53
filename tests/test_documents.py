"""Word and PDF files from the cache: a key changes exactly when something the document is made from changes,
and a PDF is the same bytes for the same Word file."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from fugi.cache import Cache
from fugi.documents import Keys, render_word
from fugi.pdf import normalize_pdf
from fugi.pipeline import load_archive

REPO = Path(__file__).resolve().parent.parent


def keys_of(content: Path) -> dict:
    archive, problems = load_archive(content)
    assert not problems.errors
    keys = Keys(archive, content, "all")
    return {("agendas", a.id): keys.agenda(a.id) for a in archive.agendas} | {
        ("meetings", mt.id): keys.meeting(mt.id) for mt in archive.meetings}


def test_an_edit_changes_the_keys_of_the_item_and_of_its_meeting_only(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    before = keys_of(content)
    item = content / "agendas" / "kyoju-support-system.md"  # decided at meeting 2025-05
    item.write_text(item.read_text(encoding="utf-8").replace("件名: ", "件名: 改", 1), encoding="utf-8")
    after = keys_of(content)
    assert {doc for doc in before if before[doc] != after[doc]} == {("agendas", "kyoju-support-system"),
                                                                    ("meetings", "2025-05")}
    (content / "forms.yml").write_text((content / "forms.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert all(keys_of(content)[doc] != after[doc] for doc in after)  # the forms: every document


def test_cached_word_files_are_the_rendered_ones(tmp_path):
    archive, _ = load_archive(REPO / "content")
    cache = Cache(tmp_path / "cache")
    first = render_word(archive, REPO / "content", cache, "all", workers=1)
    again = render_word(archive, REPO / "content", cache, "all", workers=1)
    fresh = render_word(archive, REPO / "content", Cache(None), "all", workers=2)
    assert first == again == fresh and cache.hits == len(first)


def test_a_pdf_gets_its_date_and_identifier_from_its_word_file():
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as package:
        package.writestr("docProps/core.xml", '<cp:coreProperties><dcterms:modified xsi:type="dcterms:W3CDTF">'
                                              "2025-09-01T00:00:00Z</dcterms:modified></cp:coreProperties>")
    pdf = (b"%PDF-1.7\n/CreationDate(D:20261123213450Z')>>\n/ID [ <A80741E9B9E475C1ECE0468AAE095169>\n"
           b"<A80741E9B9E475C1ECE0468AAE095169> ]\n/DocChecksum /AC89F7AA2BE7C9D04CA1BE1B8D7A72BD\n")
    other = pdf.replace(b"20261123213450", b"20270101000000").replace(b"A807", b"FFFF")
    one, two = normalize_pdf(pdf, docx.getvalue()), normalize_pdf(other, docx.getvalue())
    assert one == two and len(one) == len(pdf)  # same length: the cross-reference offsets stay right
    assert b"/CreationDate(D:20250901000000Z')" in one
