"""Check YAML text before it is loaded (characters, nesting depth, anchors, tabs, inline comments, open quotes)."""
from __future__ import annotations

import bisect
import re

import yaml

from fugi.problems import quote
from fugi.source.yaml_words import ALIAS, ANCHOR, DIRECTIVE, TAG, Finding, describe, error

MAX_DEPTH = 50  # front matter nests a handful of levels; 1,000 overflows Python's stack, 30,000 libyaml's
#: How much text the pure-Python depth check reads (about a second) when the cheap bound cannot clear a file.
#: The largest real front matter has under 8,000 characters; one needing the check past this is refused.
EXACT_CHECK_LIMIT = 100_000
MAX_BAD_LINES = 20  # invisible characters reported line by line, then counted

#: Anything but tab, line feed and YAML's printable characters; plus NEL, LS, PS (line breaks to YAML,
#: not to us) and U+FEFF (a byte order mark in the middle of the text): all invisible in an editor.
_BAD_CHARACTER = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
#: A continuation line of a quoted value that looks like the next item: the quote was left open.
_LOOKS_LIKE_ITEM = re.compile(r"^[ \t]*(?:- |-$|[^\s#'\"\-:][^:]*:(?:[ \t]|$))")
_BLOCK_HEADER_COMMENT = re.compile(r"^[|>][-+0-9]*([ \t]+)#")
_REJECTED = {yaml.AnchorToken: ANCHOR, yaml.AliasToken: ALIAS, yaml.TagToken: TAG, yaml.DirectiveToken: DIRECTIVE}


def check_text(text: str, lines: list) -> list:
    """Checks that need no YAML parser: invisible characters and nesting depth. Runs before libyaml sees the text."""
    findings, more = [], []
    for number, line in enumerate(lines):
        bad = _BAD_CHARACTER.search(line)
        if bad and len(findings) < MAX_BAD_LINES:
            findings.append(error(number, bad.start(), f"見えない文字（U+{ord(bad.group()):04X}）があります",
                                  "この文字を消してください（ほかの文書から貼り付けたときに紛れ込みます）"))
        elif bad:
            more.append(number)
    if more:
        findings.append(error(more[0], 0, f"この行から後の{len(more)}行にも見えない文字があります", "これらの文字を消してください"))
    if findings or depth_bound(text, lines) <= MAX_DEPTH:
        return findings
    try:
        mark = deepest(text, MAX_DEPTH, EXACT_CHECK_LIMIT)
    except yaml.YAMLError as err:
        return [describe(err, lines)]
    if mark is None:
        return []
    if mark.index >= EXACT_CHECK_LIMIT:
        return [error(mark.line, mark.column, f"括弧 [ ] {{ }} の多いYAMLが長すぎます（{EXACT_CHECK_LIMIT:,}文字まで）",
                      "値を減らすか、ファイルを分けてください")]
    return [error(mark.line, mark.column, f"入れ子が{MAX_DEPTH}段を超えています",
                  "項目の入れ子は数段で足ります。字下げと [ ] { } の閉じ忘れを確かめてください")]


def depth_bound(text: str, lines: list) -> int:
    """An upper bound of the nesting depth, read from the text alone (linear, no parser).

    A block collection starts at the first character of a line or right after a leading `- `, `? `, `: `
    or anchor/tag; nested block collections sit at growing columns, except a sequence under a mapping
    key (same column): so block depth <= 2 x the columns seen there. Flow depth <= the number of `[` `{`.
    """
    columns = set()
    for line in lines:
        pos = len(line) - len(line.lstrip(" "))
        if pos == len(line) or line[pos] == "#":
            continue
        columns.add(pos)
        while pos < len(line):
            char = line[pos]
            if char in "-?:" and (pos + 1 == len(line) or line[pos + 1] in " \t"):
                pos += 1
            elif char in "&!*":
                while pos < len(line) and line[pos] not in " \t":
                    pos += 1
            else:
                break
            while pos < len(line) and line[pos] in " \t":
                pos += 1
            columns.add(pos)
    return 2 * len(columns) + text.count("[") + text.count("{") + 1


def deepest(text: str, limit: int, read_at_most: int):
    """The mark of the first collection nested deeper than `limit`, by PyYAML's pure-Python parser
    (an explicit state stack, no recursion, stops there: no node is ever built); None if none is;
    or the mark of the first event past `read_at_most` characters."""
    loader = yaml.SafeLoader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if event.start_mark.index >= read_at_most:
                return event.start_mark
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit:
                    return event.start_mark
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()
    return None


def scan_tokens(loader, text: str, lines: list) -> list:
    """Walk the scanner's tokens (no nodes are built) and report what YAML would read otherwise than meant:
    anchors, aliases, tags and directives; tabs; a quote left open; a key after a full-width space; and
    comments that silently cut a value (one space before `#`)."""
    starts = [0]
    for line in lines:  # and one past the end: the stream's end may sit on a line after the last
        starts.append(starts[-1] + len(line) + 1)
    findings, last_end, previous, rejected_lines = [], 0, None, set()

    def position(index: int):
        line = bisect.bisect_right(starts, index) - 1
        return line, index - starts[line]

    try:
        check, get = loader.check_token, loader.get_token
        while check():
            token = get()
            kind, mark, end_mark = type(token), token.start_mark, token.end_mark
            start, end = starts[mark.line] + mark.column, starts[end_mark.line] + end_mark.column
            if start > last_end and (text.find("#", last_end, start) >= 0 or text.find("\t", last_end, start) >= 0):
                findings += _gap(text, last_end, start, lines, position)
            if kind is yaml.ScalarToken:
                style = token.style
                if (style in ("'", '"') and end_mark.line > mark.line) or style in ("|", ">") or (
                        not style and (text.find("\t", start, end) >= 0 or token.value[:1] == "\u3000")):
                    found = _scalar(token, text[start:end], lines, previous)
                    findings += found
                    if found and style in ("'", '"'):
                        return findings  # an open quote: whatever the scanner says next follows from it
            elif kind in _REJECTED and mark.line not in rejected_lines:  # one per line: a bomb has dozens
                rejected_lines.add(mark.line)
                findings.append(error(mark.line, mark.column, *_REJECTED[kind]))
            previous = token
            if end > last_end:
                last_end = end
    except yaml.YAMLError as err:
        findings.append(describe(err, lines))
    return findings


def _gap(text: str, begin: int, end: int, lines: list, position) -> list:
    """Between two tokens there is only white space and comments: find tabs and inline comments."""
    findings, index = [], begin
    for part in text[begin:end].split("\n"):
        hash_at = part.find("#")
        tab = part.find("\t", 0, hash_at if hash_at >= 0 else len(part))
        if tab >= 0:
            findings.append(_tab(*position(index + tab)))
        if hash_at >= 0:
            line, column = position(index + hash_at)
            findings += _comment(lines[line], line, column)
        index += len(part) + 1
    return findings


def _comment(source: str, line: int, column: int) -> list:
    """A comment after a value with fewer than two spaces before `#` cuts a value the clerk meant whole: an error
    (the cut text would be published); a comment meant as one keeps two spaces before `#`, as the hint says."""
    before = source[:column]
    spaces = len(before) - len(before.rstrip(" \t"))
    if not before.strip() or spaces >= 2:
        return []
    dropped = source[column - spaces:]
    return [Finding(line, f"{quote(dropped)}はYAMLのコメントとして読み飛ばされます",
                    "値に含めるなら値全体を引用符で囲んでください（コメントなら # の前に空白を2つ置いてください）")]


def _tab(line: int, column: int) -> Finding:
    return error(line, column, "タブ文字があります", "字下げや区切りにタブは使えません。半角スペースにしてください")


def _scalar(token, source: str, lines: list, previous) -> list:
    mark = token.start_mark
    if not token.style:  # plain (libyaml says "", PyYAML None)
        tab = source.find("\t")
        if tab >= 0:
            before = source[:tab]
            return [_tab(mark.line + before.count("\n"),
                         (mark.column + tab) if "\n" not in before else len(before) - before.rindex("\n") - 1)]
        if isinstance(previous, yaml.KeyToken) and token.value.startswith("\u3000"):
            return [error(mark.line, mark.column, "項目名の前に全角スペースがあります",
                          "字下げは半角スペースで書いてください")]
        return []
    if token.style in ("'", '"'):
        for number in range(mark.line + 1, token.end_mark.line + 1):
            if _LOOKS_LIKE_ITEM.match(lines[number]):
                last = token.end_mark.line
                return [error(mark.line, mark.column, f"引用符「{token.style}」が閉じていません",
                              f"値の終わりにも「{token.style}」を書いてください（このままでは{last - mark.line}行下の"
                              f"{quote(lines[last].strip(), 20)}までが1つの値になります）")]
        return []
    header = _BLOCK_HEADER_COMMENT.match(lines[mark.line][mark.column:])
    if header:
        return _comment(lines[mark.line], mark.line, mark.column + header.end() - 1)
    return []
