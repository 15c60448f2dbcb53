"""Placeholders left from `build.py new` (【要記入】): each reported at its own line and field — a warning while a
file is a draft or not public, an error in anything that would be published."""
from __future__ import annotations

import bisect
import re

from fugi.forms.kinds import TODO
from fugi.source.files import LList, LMap

#: A YAML comment: `#` at the start of a line or after a space.
COMMENT = re.compile(r"(^|\s)#")


def field_lines(node, path: str = "", found=None) -> list:
    """(line, field path) of every key and list item of the front matter, in file order."""
    found = [] if found is None else found
    if isinstance(node, LMap):
        for key, value in node.items():
            name = f"{path}.{key}" if path else str(key)
            found.append((node.line_of(key), name))
            field_lines(value, name, found)
    elif isinstance(node, LList):
        for index, value in enumerate(node):
            name = f"{path}[{index + 1}]"
            found.append((node.line_of(index), name))
            field_lines(value, name, found)
    return found


def report_placeholders(src, ctx, published: bool, body_field: str, why: str) -> None:
    """Every line of the file holding the placeholder; `why` says what makes the file published (for the error)."""
    fields = sorted(field_lines(src.meta), key=lambda entry: entry[0])
    starts = [line for line, _ in fields]
    report = ctx.error if published else ctx.warn
    message = f"「{TODO}」のままの箇所があります"
    if published:
        message += f"（{why}ので、残したままにはできません）"
    for offset, text in enumerate(src.front.split("\n")):
        if TODO not in text:
            continue
        line = offset + 2  # the front matter starts on the file's second line
        index = bisect.bisect_right(starts, line) - 1
        field = fields[index][1] if index >= 0 else "-"
        comment = COMMENT.search(text)
        if comment and TODO in text[comment.start():] and TODO not in text[:comment.start()]:
            hint = f"値を確かめて書き込み、メモ（# から後ろ）の「{TODO}」を消してください"
        else:
            hint = f"「{TODO}」を消して、代わりに書くべきことを書き込んでください"
        report(line, field, message, hint)
    for offset, text in enumerate(src.body.split("\n")):
        if TODO in text:
            report(src.body_line + offset, body_field, message, f"「{TODO}」を消して、代わりに書くべきことを書き込んでください")
