"""YAML parser errors (libyaml's and pure-Python PyYAML's wording alike) in the clerk's words, at the line of the mistake."""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

QUOTE_THEM = "値全体を引用符で囲んでください"
INDENT_HINT = "同じ階層の項目は同じ字下げ（半角スペースの数）にしてください"
GENERIC_HINT = "インデント、コロンの後の空白、括弧や引用符の閉じ忘れを確かめてください"

ANCHOR = ("「&」で始まる値はYAMLのアンカーとして読まれます",
          QUOTE_THEM + "（例: `項目: \"&…\"`。fugi ではアンカー「&」・エイリアス「*」は使えません）")
ALIAS = ("「*」で始まる値はYAMLのエイリアス（別名の参照）として読まれます",
         QUOTE_THEM + "（例: `項目: \"*…\"`。fugi ではアンカー「&」・エイリアス「*」は使えません）")
TAG = ("「!」で始まる値はYAMLのタグとして読まれます", QUOTE_THEM + "（例: `項目: \"!…\"`。fugi ではタグは使えません）")
DIRECTIVE = ("「%」で始まる行はYAMLの指示として読まれます", "値全体を引用符で囲むか、行頭の「%」を消してください")
BLOCK = ("「|」「>」の後の書き方が違います", "「|」や「>」の後には何も書かず、次の行から字下げして文章を書いてください")
#: What the parser was reading when it failed, when that says more than its problem text.
CONTEXTS = ((r"an alias", ALIAS), (r"an anchor", ANCHOR), (r"a tag", TAG), (r"directive", DIRECTIVE),
            (r"block scalar", BLOCK))
#: (pattern over the parser's problem text, what is wrong, how to fix it); the first match wins.
EXPLAINED = (
    (r"expected ',' or '\]'", "角かっこ [ ] が閉じていません",
     "「[」に対応する「]」を書いてください（値に [ を含めるなら" + QUOTE_THEM + "）"),
    (r"expected ',' or '\}'", "波かっこ { } が閉じていません",
     "「{」に対応する「}」を書いてください（値に { を含めるなら" + QUOTE_THEM + "）"),
    (r"tab character", "タブ文字があります", "字下げや区切りにタブは使えません。半角スペースにしてください"),
    (r"cannot start any token", "この文字から始まる値は書けません", QUOTE_THEM),
    (r"sequence entries are not allowed", "ここに「- 」の箇条書きは書けません",
     "箇条書きは `項目:` の次の行から字下げして書いてください（値が - で始まるなら" + QUOTE_THEM + "）"),
    (r"mapping values are not allowed|found unexpected ':'", "ここに「: 」は書けません",
     "値に「: 」を含めるなら" + QUOTE_THEM),
    (r"mapping keys are not allowed", "ここに「? 」は書けません", "値が ? で始まるなら" + QUOTE_THEM),
    (r"could not find expected ':'", "「項目: 値」のコロンがありません",
     "`項目: …` のように、項目名の後に半角のコロンと半角スペースを書いてください"),
    (r"expected <block end>|did not find expected key|did not find expected '-' indicator", "字下げがそろっていません",
     INDENT_HINT),
    (r"end of (the )?stream", "括弧か引用符が閉じていません", "閉じる「]」「}」「\"」「'」を書いてください"),
    (r"comment or (a )?line break", "値の後に余分な文字があります", "値の後ろの文字を消すか、" + QUOTE_THEM),
    (r"escape|hexdecimal|hexadecimal", "「\\」の後に使えない文字があります", "「\\」をそのまま書くなら値を ' で囲むか、「\\\\」と2つ重ねてください"),
    (r"single document|another document|document (separator|indicator)|DOCUMENT", "「---」か「...」の行で文書が区切られています",
     "1つのファイルには1つの文書だけを書いてください（途中の --- や ... の行を消してください）"),
    (r"<document start>|node content|STREAM|expected SCALAR", "「項目: 値」の形になっていない行があります",
     "字下げとコロンを確かめてください（値が記号で始まるなら" + QUOTE_THEM + "）"),
    (r"block scalar|indentation indicator|chomping", *BLOCK),
    (r"directive|%TAG|%YAML|version|YAML document", *DIRECTIVE),
    (r"anchor|occurrence", *ANCHOR),
    (r"alias", *ALIAS),
    (r"tag|constructor|!", *TAG),
    (r"character|UTF|octet|Unicode", "使えない文字があります", "この文字を消してください"),
)
#: The opening character of a construct the parser reports where it gave up, many lines later.
_OPENED_HERE = re.compile(r"quoted scalar|flow (sequence|mapping)")


@dataclass(frozen=True)
class Finding:
    """One problem in YAML text: its 0-based line, the printed message and hint."""

    line: int
    message: str
    hint: str
    warning: bool = False


def error(line: int, column: int, what: str, hint: str) -> Finding:
    return Finding(line, f"YAMLの書き方に誤りがあります（{column + 1}文字目: {what}）", hint)


def explain(problem: str, context: str = ""):
    """(what, hint) for a parser's problem text; a Japanese generic message when nothing matches."""
    for pattern, words in CONTEXTS:
        if re.search(pattern, context):
            return words
    for pattern, what, hint in EXPLAINED:
        if re.search(pattern, problem):
            return what, hint
    return "YAMLとして読めない書き方です", GENERIC_HINT


def describe(err: yaml.YAMLError, lines: list):
    """A parser error as a Finding at the line where the clerk made the mistake."""
    if isinstance(err, yaml.reader.ReaderError):
        text = "\n".join(lines)
        line = text.count("\n", 0, err.position)
        column = err.position - (text.rfind("\n", 0, err.position) + 1)
        return error(line, column, f"見えない文字（U+{err.character if isinstance(err.character, int) else 0:04X}）があります",
                     "この文字を消してください")
    if not isinstance(err, yaml.MarkedYAMLError) or not (err.problem_mark or err.context_mark):
        return error(0, 0, *explain(str(getattr(err, "problem", "") or "")))
    problem, context = err.problem or "", err.context or ""
    mark = err.problem_mark or err.context_mark
    opened = err.context_mark if _OPENED_HERE.search(context) else None
    if opened and (mark.line > opened.line or "end of" in problem):
        mark = opened  # the bracket or quote opened here was never closed
    elif re.search(r"an alias|an anchor|a tag|directive", context) and err.context_mark:
        mark = err.context_mark  # the & * ! or % itself
    elif "simple key" in context and err.context_mark:
        mark = err.context_mark  # the line that has no `: `
    source = lines[mark.line] if mark.line < len(lines) else ""
    what, hint = explain(problem, context)
    if opened is mark and "quoted" in context:
        char = source[mark.column:mark.column + 1] or '"'
        what, hint = f"引用符「{char}」が閉じていません", f"値の終わりにも「{char}」を書いてください"
    elif "cannot start any token" in problem and source[mark.column:mark.column + 1]:
        char = source[mark.column]
        if char == "\t":
            what, hint = explain("tab character")
        else:
            what = f"「{char}」で始まる値は書けません"
    elif "escape" in problem and "\\" in source[:mark.column + 1]:
        mark = _Column(mark.line, source.rindex("\\", 0, mark.column + 1))  # libyaml marks the \, PyYAML the next
    if re.search(r"':'|mapping values|block end|expected key|<document start>|node content", problem):
        candidates = [mark.line] + ([mark.line - 1] if "mapping values" in problem and mark.line else [])
        for number in candidates:
            found = full_width(lines[number] if number < len(lines) else "", "':'" in problem)
            if found:
                return error(number, *found)
        if "mapping values" in problem and mark.line and _key_without_colon(lines[mark.line - 1], source):
            above = lines[mark.line - 1]
            found = full_width(above, True)  # `件名:居住…`: no space after its colon
            if found:
                return error(mark.line - 1, *found)
            gap = re.search(r"\S(\s)", above)  # `件名 居住…`: the colon belongs after the first word
            return error(mark.line - 1, gap.start(1) if gap else len(above.rstrip()), *explain("could not find expected ':'"))
    if re.search(r":\s*-\s*$", source):
        hint = "印の「－」は全角で書いてください（半角の - はYAMLの箇条書きになります）"
    return error(mark.line, mark.column, what, hint)


def _key_without_colon(before: str, line: str) -> bool:
    """`件名 居住…` (or `件名:居住…`) above `資料番号: 27`: YAML read both lines as one key, and the mistake is the
    line above's."""
    def indent(text):
        return len(text) - len(text.lstrip(" "))

    stripped = before.strip()
    return (bool(stripped) and not stripped.startswith(("#", "-", "---")) and not re.search(r":( |$)", stripped)
            and indent(before) == indent(line))


@dataclass(frozen=True)
class _Column:
    line: int
    column: int


def full_width(source: str, no_colon: bool):
    """(column, what, hint) when a line uses a full-width colon or space where YAML needs `: `."""
    indent = len(source) - len(source.lstrip(" "))
    if source[indent:indent + 1] == "\u3000":
        return indent, "字下げに全角スペースがあります", "字下げは半角スペースで書いてください"
    if re.search(r":[ \t]|:$", source):
        return None
    if ":\u3000" in source:
        return source.index(":\u3000") + 1, "「:」の後が全角スペースです", "「:」の後は半角スペースにしてください（`項目: …`）"
    if "：" in source:
        return source.index("："), "全角のコロン「：」があります", "項目名の後は半角のコロンと半角スペースにしてください（`項目: …`）"
    match = re.match(r"[ ]*(?:- )?[^\s:#'\"][^:]*:(?=\S)", source)
    if no_colon and match:
        return match.end() - 1, "「:」の後に半角スペースがありません", "`項目: …` のように「:」の後に半角スペースを書いてください"
    return None
