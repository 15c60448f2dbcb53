"""Safe text for the site's pages: every content string is escaped for HTML *and* neutralised for Markdown,
and clerk-written Markdown is rendered with raw HTML off.  Content is never evaluated as a template."""
from __future__ import annotations

import hashlib
import re
from urllib.parse import quote, urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup

from fugi.build.keys import markdown_key

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
# Every other ASCII punctuation character becomes a numeric character reference: Python-Markdown then sees
# no emphasis, link, heading, list, table or attribute syntax, and the browser shows the character itself.
_PUNCT = {c: f"&#{ord(c)};" for c in "!#$%'()*+,-./:;=?@[\\]^_`{|}~"}
_TABLE = str.maketrans({**_HTML, **_PUNCT})


def text(value) -> Markup:
    """A content string as safe inline text for a Markdown page or an HTML block inside it."""
    if isinstance(value, Markup):
        return value
    escaped = str(value).translate(_TABLE)
    return Markup(escaped.replace("\r\n", "\n").replace("\n", "<br>"))


def plain(value) -> str:
    """A content string for a YAML `title:` (shown raw by the theme): HTML-escaped, on one line."""
    return str(value).replace("\n", " ").translate(str.maketrans(_HTML))


def finalize(value):
    """Jinja `finalize`: whatever a template prints is escaped unless it is already Markup."""
    if value is None:
        return Markup("")
    return text(value)


def url(path: str) -> Markup:
    """A link target built from file names: percent-encoded, safe in Markdown and in attributes."""
    return Markup(quote(path, safe="/#.-_~"))


def anchor(name: str, taken: set | None = None) -> str:
    """A stable id for a heading from a name (Japanese kept): 介護保険課 -> 介護保険課, 富士通 Japan 株式会社 -> 富士通-Japan-株式会社."""
    base = re.sub(r"[^\w\-]+", "-", str(name)).strip("-_") or "id-" + hashlib.sha1(str(name).encode()).hexdigest()[:8]
    result, n = base, 2
    while taken is not None and result in taken:
        result, n = f"{base}-{n}", n + 1
    if taken is not None:
        taken.add(result)
    return result


# ---------------------------------------------------------------------------
# Clerk-written Markdown (事業内容, advice) -> HTML, raw HTML off

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _is_cjk(char: str) -> bool:
    return bool(char) and bool(_CJK.match(char))


def _safe_href(href: str) -> bool:
    parts = urlsplit(href)
    return parts.scheme in ("", "http", "https", "mailto") and not href.strip().lower().startswith("javascript:")


class _Renderer:
    def __init__(self, heading_offset: int):
        self.offset = heading_offset
        self.md = MarkdownIt("js-default")  # CommonMark + tables, raw HTML off, javascript: links refused
        self.md.validateLink = _safe_href
        rules = self.md.renderer.rules
        rules["softbreak"] = self.softbreak
        rules["image"] = self.image  # an image from another host would be a request to another host
        rules["heading_open"] = self.heading
        rules["heading_close"] = self.heading

    def softbreak(self, tokens, idx, options, env):
        before = tokens[idx - 1].content[-1:] if idx > 0 else ""
        after = tokens[idx + 1].content[:1] if idx + 1 < len(tokens) else ""
        return "" if _is_cjk(before) and _is_cjk(after) else "\n"

    def image(self, tokens, idx, options, env):
        token = tokens[idx]
        alt = self.md.renderer.renderInlineAsText(token.children or [], options, env)
        label = f"［図: {alt}］" if alt else "［図］"
        return str(Markup('<span class="fugi-image-ref">{}</span>').format(label))

    def heading(self, tokens, idx, options, env):
        token = tokens[idx]
        level = min(6, int(token.tag[1]) + self.offset)
        return f"</h{level}>\n" if token.nesting < 0 else f'<h{level} class="fugi-md-heading">'


def render_markdown(source: str, heading_offset: int = 0, memo=None) -> Markup:
    """Clerk Markdown as an HTML block (Python-Markdown stashes a raw block whole and leaves it alone).
    memo (fugi.site.speed.incremental.PageMemo, or None): rendered Markdown taken from it and kept in it."""
    key = markdown_key(heading_offset, source or "") if memo is not None else None
    html = memo.get(key) if key else None
    if html is None:
        html = _Renderer(heading_offset).md.render(source or "").strip("\n")
        if key:
            memo.put(key, html)
    return Markup(f'<div class="fugi-md" markdown="0">\n{html}\n</div>')
