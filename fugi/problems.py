"""Problem records (path:line: field: message — hint) and how they print."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: Characters that would break a one-line message: line breaks, tabs and other control characters.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    warning: bool = False

    def __str__(self) -> str:
        mark = "[警告] " if self.warning else ""
        text = f"{self.path}:{self.line}: {self.field or '-'}: {mark}{self.message}"
        return f"{text} — {self.hint}" if self.hint else text


def shown(value, limit: int = 40) -> str:
    """A value as a message quotes it: on one line, cut to `limit` characters with …."""
    text = _UNPRINTABLE.sub(lambda m: " " if m.group() in "\n\t" else "�", str(value))
    return f"{text[:limit]}…" if len(text) > limit else text


def quote(value, limit: int = 40) -> str:
    """A value as shown in a message: in 「」, on one line, cut to `limit` characters with …."""
    return f"「{shown(value, limit)}」"


class Problems(list):
    """A list of Problem with helpers to add errors and warnings."""

    def error(self, path, line, field, message, hint=""):
        self.append(Problem(str(path), line, field, message, hint))

    def warn(self, path, line, field, message, hint=""):
        self.append(Problem(str(path), line, field, message, hint, warning=True))

    @property
    def errors(self):
        return [p for p in self if not p.warning]

    @property
    def warnings(self):
        return [p for p in self if p.warning]

    def sorted(self):
        return sorted(self, key=lambda p: (p.path, p.line, p.field, p.message))


class ContentError(Exception):
    """Raised by the pipeline when content has errors; carries the problems (printed: already shown)."""

    def __init__(self, problems, printed: bool = False):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
        self.printed = printed


#: Where an unexpected error's full trace is written (under the working folder's build/, beside the outputs).
ERROR_LOG = Path("build/fugi-error.log")
#: The exit status of an unexpected error (a content problem exits 1).
INTERNAL_ERROR = 70


def internal_error(err: BaseException, argv) -> str:
    """A bug of fugi's: the full trace written to ERROR_LOG (a temporary file when build/ cannot be written) and
    the one line the user sees instead of a traceback (`fugi の内部エラー: …`)."""
    import sys
    import tempfile
    import traceback

    trace = "".join(traceback.format_exception(type(err), err, err.__traceback__))
    text = f"build.py {' '.join(map(str, argv))}\nPython {sys.version.split()[0]}\n\n{trace}"
    where = ERROR_LOG
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        where.write_text(text, encoding="utf-8")
    except OSError:
        handle, name = tempfile.mkstemp(prefix="fugi-error-", suffix=".log")
        with open(handle, "w", encoding="utf-8") as file:
            file.write(text)
        where = Path(name)
    what = " ".join(f"{type(err).__name__}: {err}".split())
    return (f"fugi の内部エラー: {what} — fugi の不具合です。実行したコマンドと {where} を開発者に送ってください"
            "（書いたものの誤りではありません。コンテンツのフォルダには何も書いていません）")
