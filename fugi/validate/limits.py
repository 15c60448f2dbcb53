"""What every output can print, checked where the clerk wrote it: no control characters (Word refuses them), no field
so large or table so wide that a build takes minutes. Run on every YAML value and every Markdown body."""
from __future__ import annotations

import re

from fugi.problems import Problems

#: The longest text one YAML value may hold (the longest in the seeds has under 1,000 characters).
MAX_VALUE = 20_000
#: The longest Markdown body (the seeds' longest is under 20,000 characters).
MAX_BODY = 200_000
#: The widest Markdown table (seed 003's item list has 8 columns).
MAX_COLUMNS = 30

#: C0 controls but tab and line feed, DEL, C1 controls, and the non-characters U+FFFE/U+FFFF: Word's XML has no
#: place for them (python-docx raises), a browser shows nothing. A YAML escape ("\a", "\x07") is how they get in.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
#: A Markdown table's delimiter row (| --- | :-: |): only |, -, : and spaces; its cells are the table's columns.
DELIMITER_ROW = re.compile(r"^[ |:-]*-[ |:-]*$")


def text_problems(text: str, limit: int) -> list:
    """(line offset in the text, what is wrong, how to fix it) for one text."""
    found = []
    if len(text) > limit:
        found.append((0, f"長すぎます（{len(text):,}文字。{limit:,}文字まで）",
                      "文章を短くするか、いくつかに分けて書いてください"))
    bad = CONTROL.search(text)
    if bad:
        found.append((text.count("\n", 0, bad.start()), f"制御文字（U+{ord(bad.group()):04X}）が入っています",
                      "「\\a」「\\x07」のような書き方や貼り付けで入った見えない文字です。その文字を取り除いてください"))
    for offset, line in enumerate(text.split("\n")) if "|" in text else ():
        if "|" in line and DELIMITER_ROW.match(line):
            columns = line.strip().strip("|").count("|") + 1
            if columns > MAX_COLUMNS:
                found.append((offset, f"表の列が多すぎます（{columns:,}列。{MAX_COLUMNS}列まで）",
                              "表を縦長に組み替えるか、いくつかの表に分けてください"))
    return found


def check_values(data, rel: str, problems: Problems, where: str = "", line: int = 1) -> None:
    """Every string of loaded YAML (LMap/LList keep their lines), reported at its line with its field path."""
    if isinstance(data, dict):
        items = [(f"{where}.{key}" if where else str(key), value, data.line_of(key) if hasattr(data, "line_of") else line)
                 for key, value in data.items()]
    elif isinstance(data, list):
        items = [(f"{where}[{index + 1}]", value, data.line_of(index) if hasattr(data, "line_of") else line)
                 for index, value in enumerate(data)]
    else:
        items = []
    for name, value, at in items:
        if isinstance(value, str):
            block = 1 if "\n" in value.rstrip("\n") else 0  # a block scalar (|) starts on the line after its key
            for offset, message, hint in text_problems(value, MAX_VALUE):
                problems.error(rel, at + (block + offset if block else 0), name, message, hint)
        else:
            check_values(value, rel, problems, name, at)


def check_body(body: str, body_line: int, rel: str, field: str, problems: Problems) -> None:
    """A Markdown body, each problem at its line."""
    for offset, message, hint in text_problems(body, MAX_BODY):
        problems.error(rel, body_line + offset, field, message, hint)
