"""Readings of names (content/vocabulary/readings.yml): partner and section lists sort in 五十音順 by them.

The secretariat writes `名前: よみ` once per name (a partner recurs across items).  A name without a reading
is a warning that carries a suggested reading (pykakasi) to copy into the file after checking it; the site
never sorts by a guess: names without a reading come after the others, in the order of their characters.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from fugi import model as m
from fugi.forms.kinds import TODO
from fugi.views.collation import bare_name, bare_reading, collation_key, name_key, reading_problem, to_hiragana
from fugi.source.files import load_yaml_file
from fugi.problems import shown
from fugi.source.reader import suggest

READINGS_FILE = Path("vocabulary") / "readings.yml"
GUIDE = "content/README.md「名前の読み」"


@dataclass(frozen=True)
class Reading:
    name: str  # as written in the file
    reading: str  # hiragana
    line: int


@dataclass(frozen=True)
class Readings:
    path: str
    entries: dict  # name_key(name) -> Reading

    def reading(self, name: str) -> Optional[str]:
        entry = self.entries.get(name_key(name))
        return entry.reading if entry else None


def order_key(name: str, readings: Optional[Readings]) -> tuple:
    """Names with a reading in 五十音順 of the reading (legal forms left out), then the others by their characters."""
    reading = readings.reading(name) if readings is not None else None
    if reading:
        return (0, collation_key(bare_reading(reading)), "", name)
    return (1, ("", (), ()), bare_name(name).casefold(), name)


def unread(names, readings: Optional[Readings]) -> list:
    """The names that have no reading (all of them when the content has no readings file)."""
    return [n for n in names if readings is None or not readings.reading(n)]


# ---------------------------------------------------------------------------
# Loading and validating the file


def load_readings(content: Path, problems) -> Optional[Readings]:
    """The readings file, validated like content; None when the content has none (lists then sort by name)."""
    path = Path(content) / READINGS_FILE
    if not path.is_symlink() and not path.exists():  # a broken link or a folder is reported by load_yaml_file
        return None
    src = load_yaml_file(path, Path(content), problems)
    if src is None:
        return None  # the file's own problem is reported; no warning for every name on top of it
    rel, data, entries = src.path_display, src.meta, {}
    for key, line in data.duplicates:
        problems.error(rel, line, str(key), "同じ名前の読みが2回書かれています",
                       "正しい読みを1行にまとめてください（YAML では後の行の読みだけが使われます）")
    for key, value in data.items():
        name, line = str(key).strip(), data.line_of(key)
        reading = read_one(rel, name, line, value, problems)
        if reading is None:
            continue
        first = entries.get(name_key(name))
        if first is None:
            entries[name_key(name)] = Reading(name, reading, line)
        elif first.reading == reading:
            problems.warn(rel, line, name, f"{first.line}行目の「{shown(first.name)}」と同じ名前です（法人の種類・空白・"
                          "大文字と小文字の違いは同じ名前とみなします）", "読みも同じなので、1行にまとめてください")
        else:
            problems.error(rel, line, name, f"{first.line}行目の「{shown(first.name)}」と同じ名前なのに、読みが違います"
                           f"（「{first.reading}」と「{reading}」）", "正しい読みの行だけを残してください")
    return Readings(rel, entries)


def read_one(rel: str, name: str, line: int, value, problems) -> Optional[str]:
    """One `名前: よみ` line: the reading, or None after reporting why it cannot be one."""
    example = "`厚生労働省: こうせいろうどうしょう` のように、名前の後にひらがなの読みを書いてください"
    if value is None or value == "":
        problems.error(rel, line, name, "読みがありません", example)
        return None
    if isinstance(value, (list, dict)):
        problems.error(rel, line, name, "読みは1行の文字で書いてください（並びや「項目: 値」にはできません）", example)
        return None
    if not isinstance(value, str):
        problems.error(rel, line, name, f"「{shown(value)}」は読みとして読めません", example)
        return None
    reading = value.strip()
    why = reading_problem(reading)
    if why == "katakana":
        problems.error(rel, line, name, "読みはひらがなで書いてください", f"「{to_hiragana(reading)}」と書いてください")
        return None
    if why:
        problems.error(rel, line, name, f"読みに使えない文字があります（{'・'.join(f'「{c}」' for c in why[:8])}）",
                       "ひらがなで書いてください（のばす音の「ー」と、区切りの空白・「・」は使えます）。ローマ字や漢字の名前も、"
                       "読みはひらがなです（例: Box Japan → ぼっくすじゃぱん）")
        return None
    return reading


# ---------------------------------------------------------------------------
# Checks against the content


def agenda_names(agenda: m.Agenda, forms) -> list:
    """(name, path, line, field) of every partner and section name of one item (drafts included): made from its own
    file alone, when it is parsed (fugi.archive.loader keeps it with the item's cached model)."""
    found = []
    departments = forms.agenda.role("departments")
    lines = agenda.lines
    for index, dep in enumerate(agenda.departments if departments is not None else (), start=1):
        field = f"{departments.key}[{index}].課"
        found += [(ka, agenda.path, lines.get(field, 1), field) for ka in dep.ka]
    for sheet in agenda.sheets:
        for row in sheet.rows:
            if row.kind != "partners" or row.value is None:
                continue
            field = f"{sheet.category}.{row.key}"
            for index, partner in enumerate(row.value.items, start=1):
                line = lines.get(f"{field}[{index}].名称") or lines.get(f"{field}.一覧[{index}].名称") or lines.get(field, 1)
                found.append((partner.name, agenda.path, line, field))
    return found


def check_readings(archive: m.Archive, problems, names: list) -> None:
    """Names without a reading (a warning with a suggested reading to copy) and readings of names used nowhere.
    names: agenda_names() of every item, in file order."""
    readings = getattr(archive, "readings", None)
    if readings is None or archive.forms is None:
        return
    forms = archive.forms
    departments = forms.agenda.role("departments")
    lists = f"{forms.agenda.texts['相手先の総称']}別・{departments.options.get('課のラベル', departments.label)}別の一覧"
    seen = set()
    for name, path, line, field in names:
        key = name_key(name)
        if key in seen or readings.reading(name) or TODO in name:  # a name still to fill in is warned as such
            continue
        seen.add(key)
        problems.warn(path, line, field, f"「{shown(name)}」の読みがありません（{lists}は読みの五十音順で、読みのない名前は最後に並びます）",
                      f"{readings.path} に `{copy_line(name)}` のような1行を書き足してください（{suggestion_note(name)}）")
    if any(kind == "agendas" for kind, _ in archive.unread):
        return  # a name may be used in an item that could not be read: which are used nowhere is not known
    used = {name_key(name) for name, *_ in names}
    all_names = sorted({name for name, *_ in names})
    for key, entry in readings.entries.items():
        if key not in used:
            guess = suggest(entry.name, all_names)
            problems.warn(readings.path, entry.line, entry.name, f"「{shown(entry.name)}」はどの{forms.agenda.name}にも出てこない名前です",
                          guess or "名前が変わったのなら、この行を直すか消してください")


def copy_line(name: str) -> str:
    """`名前: よみ` as a line of the readings file (the name quoted where YAML would misread it)."""
    key = name
    try:
        if yaml.safe_load(f"{name}: x") != {name: "x"}:
            key = json.dumps(name, ensure_ascii=False)
    except yaml.YAMLError:
        key = json.dumps(name, ensure_ascii=False)
    return f"{key}: {suggested_reading(name) or 'よみ'}"


def suggestion_note(name: str) -> str:
    guess = suggested_reading(name)
    if not guess:
        return "読みを推測できませんでした。ひらがなで書いてください"
    if reading_problem(guess):
        return "読みは自動で推測したものです。ローマ字などの部分はひらがなの読みに直し、正しいか確かめてください"
    return "読みは自動で推測したものです。固有名詞は誤ることがあるので、正しいか確かめてください"


@functools.lru_cache(maxsize=None)
def suggested_reading(name: str) -> str:
    """pykakasi's reading of the name without its legal form: only a suggestion for the secretariat."""
    converter = _kakasi()
    if converter is None:
        return ""
    return "".join(part["hira"] for part in converter.convert(bare_name(name))).strip()


@functools.lru_cache(maxsize=1)
def _kakasi():
    try:
        import pykakasi
    except ImportError:  # pragma: no cover - a dependency; without it only the suggestion is missing
        return None
    return pykakasi.kakasi()
