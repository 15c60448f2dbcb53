"""Printed values back to content values: labels and names compared, 和暦 dates and periods, body text to Markdown."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Optional

from fugi.forms.kinds import NO_END, SEP
from fugi.views.wareki import ERAS

# ---------------------------------------------------------------------------
# Text


def norm(text: str) -> str:
    """For matching labels and sentences: width folded (NFKC), no spaces, the dashes and dots of one kind."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"\s+", "", text)
    return re.sub("[‐－―−-]", "-", text.replace("·", "・"))


def tidy(text: str) -> str:
    """A value as a clerk types it: lines joined, runs of spaces made one."""
    return re.sub(r"[ \t\u3000]+", lambda m: " " if m.group(0) != "\u3000" else "\u3000", (text or "").replace("\n", " ")).strip()


def undouble(text: str) -> str:
    """A title wrapped by the extraction repeats the words at the break (「…事業に係る 係る外部結合…」): once."""
    return re.sub(r"(\S{2,6})[ \u3000\n]+\1", r"\1", text)


def split_top(text: str, sep: str = SEP) -> list:
    """Split on `sep` outside brackets: 「法人の役員（商号、名称）、住所」 -> two items."""
    out, depth, current = [], 0, ""
    for char in text:
        if char in "（(「【『［[":
            depth += 1
        elif char in "）)」】』］]" and depth:
            depth -= 1
        if char == sep and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        out.append(current.strip())
    return out


def trailing_note(text: str) -> tuple:
    """「名称（注記）」 / 「名称 (注記)」 -> (名称, 注記); a name without a bracketed end -> (name, "")."""
    text = text.strip()
    if not text or text[-1] not in "）)":
        return text, ""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in "）)":
            depth += 1
        elif char in "（(":
            depth -= 1
            if depth == 0:
                name = text[:index].strip()
                return (name, text[index + 1:-1].strip()) if name else (text, "")
    return text, ""


# ---------------------------------------------------------------------------
# 和暦 dates and periods

ERA_NAMES = "|".join(name for _, name in ERAS)
DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def era_to_year(era: str, number: str) -> Optional[int]:
    for start, name in ERAS:
        if name == era:
            return start.year + (1 if number == "元" else int(number)) - 1
    return None


def date_pattern(parts) -> str:
    names = "|".join(re.escape(p) for p in parts) or "(?!)"
    return rf"(?:({ERA_NAMES})\s*(元|\d+)\s*年\s*(\d+)\s*月\s*(?:(\d+)\s*日|({names}))?)"


def iso_partial(groups) -> Optional[str]:
    era, number, month, day, part = groups
    year = era_to_year(era, number)
    if year is None or not 1 <= int(month) <= 12:
        return None
    if day:
        try:
            return dt.date(year, int(month), int(day)).isoformat()
        except ValueError:
            return None
    return f"{year:04d}-{int(month):02d}" + (f" {part}" if part else "")


def parse_periods(text: str, parts) -> Optional[list]:
    """令和8年4月中旬から令和8年10月31日まで(次年度以降も…) -> [{開始, 終了, 備考}] (several periods in one text too).

    None when some of the text is not a period (the caller keeps it as a note)."""
    date = date_pattern(parts)
    one = re.compile(rf"\s*{date}\s*(?:(から)\s*(?:{date}\s*まで)?)?\s*(\(\s*予定\s*\))?\s*(?:\(([^()]*(?:\([^()]*\)[^()]*)*)\))?"
                     rf"(?:\s+([^\s(][^(]*?))?\s*(?={date}|$)")
    flat = unicodedata.normalize("NFKC", text.replace("\n", " ")).translate(DIGITS)
    periods, at = [], 0
    while at < len(flat.rstrip()):
        match = one.match(flat, at)
        if not match or match.end() == at:
            return None
        g = match.groups()
        start = iso_partial(g[0:5])
        if start is None:
            return None
        period = {"開始": start}
        if g[6] is not None:  # … まで
            end = iso_partial((g[6], g[7], g[8], g[9], g[10]))
            if end is None:
                return None
            period["終了"] = end
        elif g[5]:  # から with no end
            period["終了"] = NO_END
        if g[11]:
            period["予定"] = True
        if g[12]:
            period["備考"] = g[12].strip()
        if g[13]:
            period["名称"] = g[13].strip()
        periods.append(period)
        at = match.end()
    # the content's key order
    order = ("開始", "終了", "予定", "名称", "備考")
    return [{k: p[k] for k in order if k in p} for p in periods] or None


def parse_when(text: str):
    """令和7年9月1日(月) 午前9時30分~午前10時00分 場所 -> (date, start, end, place)."""
    flat = unicodedata.normalize("NFKC", text.replace("\n", " ")).translate(DIGITS)
    match = re.match(rf"\s*({ERA_NAMES})\s*(元|\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日\s*(?:\([^)]*\))?\s*(.*)$", flat)
    if not match:
        return None
    year = era_to_year(match.group(1), match.group(2))
    try:
        day = dt.date(year, int(match.group(3)), int(match.group(4)))
    except (TypeError, ValueError):
        return None
    rest = match.group(5)
    times = []
    clock = re.compile(r"\s*(午前|午後)?\s*(\d+)\s*時\s*(?:(\d+)\s*分|半)?|\s*(正午)")
    position = 0
    for _ in range(2):
        found = clock.match(rest, position)
        if not found or not (found.group(2) or found.group(4)):
            break
        if found.group(4):
            times.append("12:00")
        else:
            hour = int(found.group(2)) + (12 if found.group(1) == "午後" and int(found.group(2)) < 12 else 0)
            minute = int(found.group(3) or (30 if "半" in found.group(0) else 0))
            times.append(f"{hour:02d}:{minute:02d}")
        position = found.end()
        dash = re.match(r"\s*[~〜～\-ー－]\s*", rest[position:])
        if not dash:
            break
        position += dash.end()
    place = rest[position:].strip()
    return day, (times[0] if times else None), (times[1] if len(times) > 1 else None), place


# ---------------------------------------------------------------------------
# Body text -> Markdown

SENTENCE_END = ("。", "）", ")", "」", "』", "】", "：", ":")
NUMBERED_HEADING = re.compile(r"^\d+[ \u3000]+\S")
SUB_HEADING = re.compile(r"^[（(]\d+[）)]\s*\S")


def heading_level(text: str) -> int:
    """A flat source's heading: 「1 概要」 -> 2, 「（1）外部結合」 -> 3 (short, no sentence end), else 0."""
    if "。" in text or len(text) > 40:
        return 0
    if NUMBERED_HEADING.match(text):
        return 2
    if SUB_HEADING.match(text):
        return 3
    return 0


def markdown(paras: list, flat: bool) -> str:
    """Paragraphs of a body cell as Markdown: headings, list items and paragraphs, a blank line between blocks."""
    out = []
    for para in paras:
        text = para.text.strip()
        if not text:
            continue
        style = para.style
        if style.startswith("h"):
            out.append("#" * (int(style[1:]) + 1) + " " + text)
        elif style.startswith("li"):
            pad = "  " * (int(style[2:]) - 1)
            ordered = re.match(r"^(\d+)([.)])\s+(.*)$", text, re.S)
            if ordered:  # the renderer's number of an ordered list item
                out.append(f"{pad}{ordered.group(1)}{ordered.group(2)} {literal(ordered.group(3))}")
            else:
                out.append(pad + "- " + literal(text[1:].strip() if text[:1] == "・" else text))
        elif style.startswith("more"):
            out.append("  " * int(style[4:]) + literal(text))
        elif flat and heading_level(text):
            out.append("#" * heading_level(text) + " " + text)
        else:
            out.append(literal(text))
    return "\n\n".join(out)


#: What would make a paragraph's first characters Markdown syntax (a heading, a list, a quote, a rule, a code block).
BLOCK_START = re.compile(r"^(?:#{1,6}(?:\s|$)|[-+*](?:\s|$)|>|\d{1,9}[.)](?:\s|$)|(?:[-*_]\s*){3,}$|`{3,}|~{3,}|=+\s*$)")


def literal(text: str) -> str:
    """A paragraph's text as Markdown that prints it as it is: a leading mark escaped, HTML-like < and & kept."""
    lines = text.split("\n")
    out = []
    for line in lines:
        stripped = line.lstrip()
        number = re.match(r"^(\d{1,9})([.)])(\s|$)", stripped)
        if number:  # 「1. …」: the delimiter escaped (a backslash before a digit would print)
            line = f"{number.group(1)}\\{stripped[len(number.group(1)):]}"
        elif BLOCK_START.match(stripped):
            line = "\\" + stripped
        out.append(re.sub(r"(?<!\\)([*_`])", r"\\\1", line))  # no emphasis or code the original did not have
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Values by kind


def unflatten(paras: list, flat: bool) -> list:
    """A flat source loses the breaks between numbered sub-items: 「1 対象者 … 2 情報項目 …」 -> two paragraphs."""
    texts = [p.text.strip() for p in paras if p.text.strip()]
    if not flat:
        return texts
    out = []
    for text in texts:
        if re.match(r"^1[ \u3000]", text) and re.search(r"[ \u3000]2[ \u3000]", text):
            pieces, number = [], 2
            rest = text
            while True:
                found = re.search(rf"[ \u3000]{number}[ \u3000]", rest)
                if not found:
                    break
                pieces.append(rest[:found.start()].strip())
                rest = rest[found.start():].strip()
                number += 1
            out += pieces + [rest]
            continue
        labelled = list(re.finditer(r"(?:^|[ \u3000])([^\s:：、。]{1,10})[:：][ \u3000]", text))
        if len(labelled) > 1 and labelled[0].start() == 0:
            cuts = [m.start() for m in labelled] + [len(text)]
            out += [text[a:b].strip() for a, b in zip(cuts, cuts[1:])]
            continue
        out.append(text)
    return out


def text_value(texts: list):
    return texts[0] if len(texts) == 1 else list(texts)
