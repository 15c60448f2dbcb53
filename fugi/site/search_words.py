"""How the search cuts text into words: one set of rules for the index (here) and the query (search.js, terms()).

Pagefind's extended build cuts Japanese with Lindera when indexing, while the browser cuts the query with
Intl.Segmenter; the two disagree on compounds and katakana (クラウドサーバ one word in the index, クラウド alone not
found: Pagefind issue #1237).  So fugi cuts both itself, so that a page is found whenever its text holds what was
searched:

- Japanese, Chinese, Korean, the scripts written without spaces (Thai …) and digits go by character (so
  「令和6年度」 is found as written, not as 令和, 6 and 年度 anywhere on a page): every character
  is a segment of the page's text, and the word at its place is the character with the next one (a bigram), or
  the character alone at the end of a run.  A query of two or more such characters searches the bigrams that
  cover it (Pagefind finds the pages holding every word of a query; search.js keeps those where they stand
  one after another), one character searches the words it begins;
- other letters go by word (a run of them), lower-cased and without accents: Pagefind matches a query word
  with the words it begins, so 「japan」 finds Japan and Japanese.

A character's word is written in ASCII ("_" and four base-36 digits per character): Pagefind's script runs the
query through Intl.Segmenter again before searching, and keeps a run of letters, digits and "_" whole.  The
words never reach the reader: the excerpt is the page's text as it was, its segments joined without spaces.
search.js holds the same rules in JavaScript; tests/test_search_recall.py runs both on the same strings.
"""
from __future__ import annotations

import functools
import re
import unicodedata

#: The ranges of the characters that are searched character by character (the same list is in search.js).
BY_CHARACTER = ((0x0030, 0x0039), (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1100, 0x11FF), (0x1780, 0x17FF),
                (0x3005, 0x3007), (0x303B, 0x303C), (0x3041, 0x3096), (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF),
                (0x3105, 0x312F), (0x3131, 0x318E), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
                (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x20000, 0x323AF))
MARK = "_"
ZWSP = "\u200b"  # Pagefind's excerpt joins a content's segments without spaces when they are cut by this
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def by_character(char: str) -> bool:
    code_point = ord(char)
    return any(low <= code_point <= high for low, high in BY_CHARACTER)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M" or char in "\uff9e\uff9f"


def _is_word(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


@functools.lru_cache(maxsize=None)
def _code_point(char: str) -> str:
    n, digits = ord(char), ""
    for _ in range(4):
        n, d = divmod(n, 36)
        digits = _DIGITS[d] + digits
    return digits


def code(text: str) -> str:
    """A character (its NFKC form) in ASCII: four base-36 digits per code point."""
    return "".join(_code_point(char) for char in text)


def fold(word: str) -> str:
    """A word as it is looked up: lower-cased, accents removed, letters and digits only."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if _is_word(c))


@functools.lru_cache(maxsize=None)
def _unit(unit: str) -> tuple[str, str]:
    """A character with its combining marks: its kind ("c", "w" or "") and its NFKC form."""
    normal = unicodedata.normalize("NFKC", unit)
    first = normal[:1]
    if first and by_character(first):
        return "c", normal
    if first and _is_word(first):
        return "w", normal
    return "", normal


@functools.lru_cache(maxsize=None)
def _mark(char: str) -> bool:
    return _is_mark(char)


def _units(text: str):
    """The characters of a text with their combining marks."""
    start, n = 0, len(text)
    while start < n:
        end = start + 1
        while end < n and _mark(text[end]):
            end += 1
        yield text[start:end]
        start = end


def segments(text: str) -> list[tuple[str, str, str]]:
    """The text cut into segments whose concatenation is the text: (text, kind, key), kind "c" (a character
    searched by character, key its NFKC form), "w" (a word, key folded) or "" (what leads the text and is
    neither).  Whatever is neither (spaces, punctuation) stays at the end of the segment before it."""
    out: list[list[str]] = []
    word_open = False
    for unit in _units(text):
        kind, normal = _unit(unit)
        if kind == "c":
            out.append([unit, "c", normal])
            word_open = False
        elif kind == "w":
            if word_open:
                last = out[-1]
                last[0] += unit
                last[2] += normal
            else:
                out.append([unit, "w", normal])
                word_open = True
        else:
            if out:
                out[-1][0] += unit
            else:
                out.append([unit, "", ""])
            word_open = False
    return [(piece, kind, fold(key) if kind == "w" else key) for piece, kind, key in out]


def words(segs: list[tuple[str, str, str]]) -> list[str | None]:
    """The word indexed at each segment (None: nothing): a character's bigram with the next one when the run
    goes on (the segment is the character alone and the next is one too), else the character alone."""
    out: list[str | None] = []
    last = len(segs) - 1
    for i, (piece, kind, key) in enumerate(segs):
        if kind == "c":
            if i < last and segs[i + 1][1] == "c" and _alone(piece):
                out.append(MARK + code(key) + code(segs[i + 1][2]))
            else:
                out.append(MARK + code(key))
        elif kind == "w" and key:
            out.append(key)
        else:
            out.append(None)
    return out


def _alone(piece: str) -> bool:
    """A character segment with nothing after the character and its marks (no space, no punctuation)."""
    return len(piece) == 1 or all(_mark(char) for char in piece[1:])


def cover(n: int) -> list[int]:
    """Where the pairs that cover a run of n characters start: every other character, and the last pair."""
    offsets = list(range(0, n - 1, 2))
    if n % 2 == 1:
        offsets.append(n - 2)
    return offsets


def query_terms(query: str) -> list[str]:
    """The words a query searches (search.js's terms() does the same): each run of characters by the pairs that
    cover it (one character alone: the words it begins), each word folded; in order, without repeats."""
    segs = segments(query)
    out: list[str] = []
    run: list[str] = []

    def flush():
        if len(run) == 1:
            out.append(MARK + code(run[0]))
        if len(run) > 1:
            out.extend(MARK + code(run[i]) + code(run[i + 1]) for i in cover(len(run)))
        run.clear()

    for piece, kind, key in segs:
        if kind == "c":
            run.append(key)
            if not _alone(piece):  # something (a space, punctuation) ends the run
                flush()
        else:
            flush()
            if kind == "w" and key:
                out.append(key)
    flush()
    return list(dict.fromkeys(out))


def content_places(content: str) -> tuple[str, list[int]]:
    """Pagefind's content of a page: its text (cut marks removed) and where each of its word places starts in it
    (the segments between ZWSPs, or the parts between white space when it has none, as Pagefind's excerpt
    reads it)."""
    if ZWSP in content:
        parts = content.split(ZWSP)
        starts, at = [], 0
        for part in parts:
            starts.append(at)
            at += len(part)
        return "".join(parts), starts
    return content, [0] + [match.end() for match in re.finditer(r"[\r\n\s]+", content)]
