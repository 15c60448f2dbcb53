"""Imported documents written as a clerk writes content files: YAML front matter in the forms' order, then the body."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from fugi.forms.kinds import q
from fugi.source.files import AGENDA_DIR, MEETING_DIR

#: A plain YAML scalar needs none of these: an indicator at the start, ": " or " #" inside, a value YAML would type.
PLAIN_START = set("-?:,[]{}#&*!|>'\"%@` \t")
TYPED = re.compile(r"^(?:true|false|yes|no|on|off|null|~|y|n|[-+]?(?:\d[\d_]*)(?:\.\d*)?(?:[eE][-+]?\d+)?|"
                   r"0x[0-9a-fA-F]+|0o[0-7]+|\.(?:inf|nan)|\d{4}-\d{1,2}-\d{1,2}.*|\d+:\d+.*)$", re.I)


def scalar(value, flow: bool = False) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if re.match(r"^\d{4}-\d{2}(?: \S+)?$", text) or re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        return text  # dates and partial dates as clerks write them (2026-04, 2026-04 中旬)
    if (not text or text[0] in PLAIN_START or text[-1] in " :" or ": " in text or " #" in text or "\n" in text
            or TYPED.match(text) or "\t" in text or (flow and any(c in text for c in ",[]{}"))):
        return q(text).replace("\n", "\\n")
    return text


def short_list(value) -> bool:
    """Names (課, 項目 …) go on one line as in content/; sentences and labelled lines one per line."""
    return len(value) <= NUMBERED and all(isinstance(v, str) and scalar(v, True) == v and "。" not in v and len(v) < 40
                                          and not re.match(r"^\d+\s", v) for v in value)


#: A longer list of names is written one per line with its number as a comment (`- 住民情報  # 1`), as in content/.
NUMBERED = 40


def emit(value, indent: int = 0) -> list:
    """Lines of a mapping's body (value is a dict)."""
    pad = "  " * indent
    lines = []
    for key, item in value.items():
        key_text = scalar(key) if isinstance(key, str) else str(key)
        if hasattr(item, "lines") and isinstance(item.lines, list):  # placeholder lines, written as they are
            lines += [pad + line for line in item.lines]
        elif isinstance(item, dict):
            if not item:
                lines.append(f"{pad}{key_text}: {{}}")
            elif is_row(item):
                lines.append(f"{pad}{key_text}: {{{', '.join(f'{k}: {scalar(v, True)}' for k, v in item.items())}}}")
            else:
                lines.append(f"{pad}{key_text}:")
                lines += emit(item, indent + 1)
        elif isinstance(item, list):
            if item and short_list(item):
                lines.append(f"{pad}{key_text}: [{', '.join(scalar(v, True) for v in item)}]")
            elif not item:
                lines.append(f"{pad}{key_text}: []")
            else:
                lines.append(f"{pad}{key_text}:")
                lines += emit_list(item, indent + 1)
        else:
            lines.append(f"{pad}{key_text}: {scalar(item)}")
    return lines


def is_row(item: dict) -> bool:
    """A checklist row override or an attendee: written on one line, as in content/."""
    return set(item) <= {"印", "文言", "理由", "原本どおり"} or (set(item) <= {"職名", "役割"} and len(item) == 2)


def emit_list(items: list, indent: int) -> list:
    pad = "  " * indent
    lines = []
    if len(items) > NUMBERED and all(isinstance(v, str) for v in items):
        return [f"{pad}- {scalar(v)}  # {n}" for n, v in enumerate(items, start=1)]
    for item in items:
        if isinstance(item, dict):
            if is_row(item):
                lines.append(f"{pad}- {{{', '.join(f'{k}: {scalar(v, True)}' for k, v in item.items())}}}")
                continue
            inner = emit(item, indent + 1)
            first = inner[0][len(pad) + 2:]
            lines.append(f"{pad}- {first}")
            lines += inner[1:]
        elif isinstance(item, list):
            lines.append(f"{pad}- [{', '.join(scalar(v, True) for v in item)}]")
        else:
            lines.append(f"{pad}- {scalar(item)}")
    return lines


def document_text(meta: dict, body: str) -> str:
    return "---\n" + "\n".join(emit(meta)) + "\n---\n" + (body.strip("\n") + "\n" if body.strip() else "")


# ---------------------------------------------------------------------------
# File names


def file_stem(name: str) -> str:
    """A content file name from a source's name: lower-case ASCII letters, digits and hyphens (the URL of the page)."""
    text = unicodedata.normalize("NFKC", Path(name).stem).lower()
    stem = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    # "" for a name of Japanese words (「第5回 概要」 would leave a bare "5"): the caller names it from the document
    return stem if text.isascii() or re.search(r"[a-z]", stem) else ""


def free_path(content: Path, kind: str, stem: str, taken: set) -> tuple:
    """(path, renamed): the content file to write, never an existing one (…-2, …-3 when the name is taken)."""
    folder = Path(content) / (AGENDA_DIR if kind == "agenda" else MEETING_DIR)
    candidate, number = stem, 1
    while (folder / f"{candidate}.md").exists() or (kind, candidate) in taken:
        number += 1
        candidate = f"{stem}-{number}"
    return folder / f"{candidate}.md", candidate != stem


def write_new(path: Path, text: str) -> None:
    """Create the file; never replace one (a file that appeared meanwhile is left alone: FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
