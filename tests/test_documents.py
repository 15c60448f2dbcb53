"""Word and PDF files from the cache: a key changes exactly when something the document is made from changes,
and a PDF is the same bytes for the same Word file."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from fugi.build.cache import Cache
from fugi.build.documents import render_word
from fugi.build.keys import Keys
from fugi.word.pdf import normalize_pdf
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
    first = render_word(archive, REPO / "content", cache, Keys(archive, REPO / "content"), workers=1)
    again = render_word(archive, REPO / "content", cache, Keys(archive, REPO / "content"), workers=1)
    fresh = render_word(archive, REPO / "content", Cache(None), Keys(archive, REPO / "content"), workers=2)
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


# ---------------------------------------------------------------------------
# PDFs on the site (issue 9): the default build makes them, `pdf` agrees, a non-public item has none

import hashlib  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

from fugi.word.pdf import soffice_path  # noqa: E402

needs_soffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice がありません（CI は入れます）")


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """content/ with the planted draft, non-public item and meetings, built by `pdf` and by the default command."""
    import sitebuild

    root = tmp_path_factory.mktemp("pdfs")
    shutil.copytree(REPO / "content", root / "content")
    sitebuild.plant(root / "content")
    for args in (("pdf", "--out", "clerks"), ("--out", "both")):
        done = subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=root, capture_output=True, text=True,
                              env=dict(os.environ))
        assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.mark.slow
@needs_soffice
def test_pdf_and_the_default_build_agree(built):
    assert snapshot(built / "clerks") == snapshot(built / "both" / "docx")
    assert (built / "clerks" / "agendas" / "zz-draft-item.pdf").is_file()  # the clerks' folder has every document


@needs_soffice
def test_every_public_page_links_its_word_and_pdf_with_sizes_and_nothing_else_has_one(built):
    site = built / "both" / "site"
    made = sorted(p.relative_to(site / "downloads").as_posix() for p in (site / "downloads").rglob("*.pdf"))
    assert "agendas/aircon-josei.pdf" in made and "meetings/2025-05.pdf" in made
    assert not [name for name in made if "zz-draft" in name or "zz-private" in name]
    page = (site / "agendas" / "aircon-josei" / "index.html").read_text(encoding="utf-8")
    assert "aircon-josei.pdf" in page and "aircon-josei.docx" in page
    size = (site / "downloads" / "agendas" / "aircon-josei.pdf").stat().st_size
    assert f"PDF（{size / 1024:.0f} KB）" in page


@needs_soffice
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils がありません")
def test_the_sites_pdfs_embed_their_japanese_font(built):
    fonts = subprocess.run(["pdffonts", str(built / "both" / "site" / "downloads" / "agendas" / "aircon-josei.pdf")],
                           capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and any("IPAex" in row[0] for row in rows)
    assert all("yes" == row[-5] for row in rows)  # the "emb" column


@needs_soffice
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() or shutil.which("pdftotext") is None,
                    reason="chromium か poppler-utils がありません")
def test_a_reader_follows_the_pdf_link_and_gets_the_item(built):
    from playwright.sync_api import sync_playwright

    from browsing import launch, serve

    server = serve(built / "both" / "site")
    root = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page()
            page.goto(f"{root}/agendas/aircon-josei/")
            href = page.locator("a[href$='.pdf']").first.get_attribute("href")
            response = page.request.get(page.url + href)
            assert response.ok
            body = response.body()
            assert body[:5] == b"%PDF-"
            assert page.request.get(f"{root}/downloads/agendas/zz-private-item.pdf").status == 404
            browser.close()
    finally:
        server.shutdown()
    pdf = built / "fetched.pdf"
    pdf.write_bytes(body)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "エアコン購入費助成事業" in text.replace("\n", "").replace(" ", "")


def test_a_document_whose_sources_changed_but_not_what_it_prints_is_not_rendered_again(tmp_path, monkeypatch):
    """A remark added to a meeting changes the key of each item it decided (keys are made from files), not
    what the item's Word file prints: its bytes come from the cache of printed views, the same as a fresh render."""
    import fugi.build.documents as documents

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    cache = Cache(tmp_path / "cache")
    archive, _ = load_archive(content)
    render_word(archive, content, cache, Keys(archive, content), workers=1)
    before = Keys(archive, content, "all").agenda("kyoju-support-system")
    meeting = content / "meetings" / "2025-05.md"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("債権回収業務を", "債権回収の業務を", 1), encoding="utf-8")  # what the meeting prints
    rendered = []
    for kind, name in (("agendas", "agenda_docx"), ("meetings", "meeting_docx")):
        real = getattr(documents, name)
        monkeypatch.setattr(documents, name, lambda document, *rest, kind=kind, real=real:
                            rendered.append((kind, document.id)) or real(document, *rest))
    edited, _ = load_archive(content)
    keys = Keys(edited, content, "all")
    assert keys.agenda("kyoju-support-system") != before
    word = render_word(edited, content, cache, keys, workers=1)
    assert rendered == [("meetings", "2025-05")]  # the meeting's own file changed: it is rendered again
    assert word == render_word(edited, content, Cache(None), keys, workers=1)


def test_no_pdf_deletes_the_pdfs_of_unchanged_word_files(tmp_path, monkeypatch, capsys):
    """Issue 25: `build.py --no-pdf` after a full build deleted every PDF in build/docx/ and site/ (and the pages'
    PDF links) although no Word file changed.  The PDF of an unchanged Word file is still current: it stays (from
    the build cache, here filled as a full build would have); the PDF of a changed one does not."""
    from contents import complete

    from fugi.build.keys import pdf_base, pdf_key
    from fugi.cli import main

    content = tmp_path / "c"
    shutil.copytree(REPO / "tests" / "fixtures" / "base", content)
    complete(content)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FUGI_CACHE", str(tmp_path / "cache"))
    assert main(["--no-pdf", "--content", "c"]) == 0
    docx = tmp_path / "build" / "docx"
    cache = Cache(tmp_path / "cache")
    made = {}
    for word in sorted(docx.rglob("*.docx")) + sorted((tmp_path / "site" / "downloads").rglob("*.docx")):
        made[word] = b"%PDF-1.7 made by a full build " + word.stem.encode()
        cache.put("pdf", pdf_key(pdf_base(), word.read_bytes()), made[word])
    assert main(["--no-pdf", "--content", "c"]) == 0
    for word, pdf in made.items():
        assert word.with_suffix(".pdf").read_bytes() == pdf
    page = (tmp_path / "site" / "agendas" / "minimal" / "index.html").read_text(encoding="utf-8")
    assert "downloads/agendas/minimal.pdf" in page
    item = content / "agendas" / "minimal.md"
    item.write_text(item.read_text(encoding="utf-8").replace("テスト事業", "テスト事業（改）"), encoding="utf-8")
    assert main(["site", "--no-pdf", "--content", "c"]) == 0
    assert not (tmp_path / "site" / "downloads" / "agendas" / "minimal.pdf").exists()  # changed: no longer current
    assert (tmp_path / "site" / "downloads" / "meetings" / "minimal-meeting.pdf").exists()
    capsys.readouterr()


def test_no_pdf_without_a_cache_keeps_the_pdf_beside_an_identical_word_file(tmp_path):
    """Without the build cache (FUGI_CACHE=off) the PDF still current is the one beside an identical Word file in
    the output being replaced; beside a different Word file it is not."""
    from fugi.build.documents import current_pdfs

    previous = tmp_path / "docx"
    (previous / "agendas").mkdir(parents=True)
    for ident, data in (("same", b"word A"), ("changed", b"word B")):
        (previous / "agendas" / f"{ident}.docx").write_bytes(data)
        (previous / "agendas" / f"{ident}.pdf").write_bytes(b"%PDF " + data)
    word = {("agendas", "same"): b"word A", ("agendas", "changed"): b"word B, edited", ("agendas", "new"): b"word C"}
    assert current_pdfs(word, Cache(None), previous) == {("agendas", "same"): b"%PDF word A"}
