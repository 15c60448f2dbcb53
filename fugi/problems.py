"""Problem records (path:line: field: message — hint) and how they print."""
from __future__ import annotations

from dataclasses import dataclass


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


#: How much of a value a message quotes; a longer value is cut with …
SHOWN_LENGTH = 40


def shown(value) -> str:
    """A value as a message quotes it: one line, at most SHOWN_LENGTH characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


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
