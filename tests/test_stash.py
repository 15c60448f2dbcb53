"""Raw HTML blocks kept out of Python-Markdown: every generated page converts to exactly the same HTML with the
stash as without it, hostile text included, and the stash takes the big tables out."""
from __future__ import annotations

import shutil

import markdown
import pytest

import sitebuild
from fugi.pipeline import checked_archive
from fugi.site.pages import generate_docs
from fugi.site.speed.stash import Stash

EXTENSIONS = ["attr_list", "md_in_html", "tables", "toc"]  # mkdocs.yml's markdown_extensions


def convert(source: str) -> str:
    body = source.split("---\n", 2)[2] if source.startswith("---\n") else source
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs={"toc": {"permalink": False}}).convert(body)


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    """The pages of the planted content (drafts, hostile text), generated without and with the stash."""
    root = tmp_path_factory.mktemp("stash")
    content = root / "content"
    shutil.copytree(sitebuild.CONTENT, content)
    sitebuild.plant(content)
    archive = checked_archive(content, report=lambda line: None)
    plain, stashed, stash = root / "plain", root / "stashed", Stash()
    for folder, one in ((plain, None), (stashed, stash)):
        folder.mkdir()
        generate_docs(archive, folder, content, None, stash=one)
    return plain, stashed, stash


def test_every_page_converts_to_the_same_html_with_the_stash(docs):
    plain, stashed, stash = docs
    pages = sorted(p.relative_to(plain) for p in plain.rglob("*.md"))
    assert len(pages) > 10
    for rel in pages:
        before = convert((plain / rel).read_text(encoding="utf-8"))
        after = stash.restore(convert((stashed / rel).read_text(encoding="utf-8")))
        assert after == before, rel


def test_the_tables_of_an_item_page_skip_markdown(docs):
    _, stashed, stash = docs
    page = (stashed / "agendas" / "kaigo-hoken-hyojunka.md").read_text(encoding="utf-8")
    assert "<table" not in page and "<tr" not in page
    assert page.count('data-fugi-html="') >= 8
    assert "## " in page  # headings stay Markdown: the table of contents and anchors come from them
    assert any("<table" in block for block in stash.blocks.values())


def test_blocks_marked_markdown_stay_markdown_and_a_block_without_a_blank_line_after_it_is_left_alone():
    stash = Stash()
    page = ('<div class="a" markdown>\n\n- [x](y.md)\n\n</div>\n\n<table>\n<tr><td>1</td></tr>\n</table>\n\n'
            '<p>open\ntext</p>\nnot a block end\n\n<div markdown="0">\n<p>raw</p>\n</div>\n')
    taken = stash.take(page)
    assert '<div class="a" markdown>\n\n- [x](y.md)\n\n</div>' in taken
    assert "<table>" not in taken and '<div markdown="0">' not in taken
    assert "<p>open\ntext</p>\nnot a block end" in taken
    assert stash.restore(taken) == page
