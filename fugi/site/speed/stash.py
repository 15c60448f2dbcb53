"""Raw HTML kept out of Python-Markdown: each top-level HTML block of a page is swapped for a short placeholder
before MkDocs converts the page and put back, unchanged, in `on_page_content`.

Python-Markdown passes a raw HTML block through untouched, but finding where it ends costs it a full
`html.parser` pass (and md_in_html a second one); on an archive of 1,000 items that was most of the site
build (/work/shared/design.md §6).  A block handed over as `<div data-fugi-html="…"></div>` costs nothing,
and the page comes out byte for byte the same.  Blocks marked `markdown` (md_in_html) keep going through
Markdown, so do Markdown headings, lists and tables.  The placeholder names the block by the hash of its
text: a page whose HTML changed has different Markdown, which is what an incremental build compares.
"""
from __future__ import annotations

import hashlib
import re

#: Block-level elements fugi's page templates open at the start of a line.
BLOCK_TAGS = ("table", "div", "ol", "ul", "dl", "p", "section", "figure", "details", "nav", "blockquote",
              "h1", "h2", "h3", "h4", "h5", "h6")
_OPEN = re.compile(r"<(%s)(?=[\s>])([^>]*)>" % "|".join(BLOCK_TAGS))
_MARKDOWN = re.compile(r'\smarkdown(?!="0")(?=[\s=>]|$)')
_ANY_OPEN = re.compile(r"<(?:%s)(?=[\s>])" % "|".join(BLOCK_TAGS))
_ANY_CLOSE = re.compile(r"</(?:%s)>" % "|".join(BLOCK_TAGS))
_PLACEHOLDER = re.compile(r'<div data-fugi-html="([0-9a-f]{40})"></div>')


class Stash:
    """The HTML blocks taken out of the pages of one build, by the hash of their text."""

    def __init__(self):
        self.blocks: dict[str, str] = {}

    def take(self, page: str) -> str:
        """The page with every top-level raw HTML block replaced by a placeholder."""
        text, blocks = self.split(page)
        self.blocks.update(blocks)
        return text

    @classmethod
    def split(cls, page: str) -> tuple[str, dict]:
        """(the page with its raw HTML blocks replaced by placeholders, {placeholder key: block}), stashing nothing:
        what `take` does, in a form a page memo can keep (a page taken from it needs only `blocks.update`)."""
        blocks: dict[str, str] = {}
        lines = page.split("\n")
        out, index = [], 0
        while index < len(lines):
            starts = index == 0 or not lines[index - 1].strip()
            end = cls._block_end(lines, index) if starts else None
            if end is None:
                inner = cls._markdown_end(lines, index) if starts else None  # md_in_html: left whole to Markdown
                stop = index + 1 if inner is None else inner + 1
                out += lines[index:stop]
                index = stop
                continue
            block = "\n".join(lines[index:end + 1])
            key = hashlib.sha1(block.encode("utf-8")).hexdigest()
            blocks[key] = block
            out.append(f'<div data-fugi-html="{key}"></div>')
            index = end + 1
        return "\n".join(out), blocks

    @classmethod
    def _block_end(cls, lines: list, start: int):
        """The last line of the raw HTML block opening at `start`, or None when that line opens none.

        A block opens with a block-level tag at the start of the line (not marked `markdown`), runs over
        elements that follow it line after line, and ends where the last one closes before a blank line,
        as Python-Markdown reads it."""
        match = _OPEN.match(lines[start])
        if match is None or _MARKDOWN.search(match.group(2)):
            return None
        return cls._element_end(lines, start, raw=True)

    @classmethod
    def _markdown_end(cls, lines: list, start: int):
        """The last line of a block marked `markdown` opening at `start` (its inside stays Markdown), else None."""
        match = _OPEN.match(lines[start])
        if match is None or not _MARKDOWN.search(match.group(2)):
            return None
        return cls._element_end(lines, start, raw=False)

    @staticmethod
    def _element_end(lines: list, start: int, raw: bool):
        depth = 0
        for index in range(start, len(lines)):
            line = lines[index]
            depth += len(_ANY_OPEN.findall(line)) - len(_ANY_CLOSE.findall(line))
            if depth < 0:
                return None
            if depth == 0:
                following = lines[index + 1] if index + 1 < len(lines) else ""
                if not line.rstrip().endswith(">"):
                    return None
                if not following.strip():
                    return index
                next_open = _OPEN.match(following)
                if not raw or next_open is None or _MARKDOWN.search(next_open.group(2)):
                    return None if raw else index
        return None

    def restore(self, html: str) -> str:
        """The converted page with every placeholder replaced by its block."""
        return _PLACEHOLDER.sub(lambda m: self.blocks[m.group(1)], html)


class StashPlugin:
    """The MkDocs event that puts the blocks back (added to a loaded config's plugins by fugi.site.mkdocs_site)."""

    def __init__(self, stash: Stash):
        self.stash = stash

    def on_page_content(self, html, page=None, config=None, files=None):
        return self.stash.restore(html)
