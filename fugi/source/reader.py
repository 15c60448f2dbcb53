"""Reading typed values out of YAML mappings with their lines: every problem recorded, unknown keys flagged."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Optional

from fugi.source.files import LList, LMap
from fugi.problems import shown

TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def suggest(word, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.4)
    return f"「{close[0]}」の誤りではありませんか" if close else ""


def hint_choices(word, choices) -> str:
    guess = suggest(word, choices)
    listed = "・".join(str(c) for c in choices)
    return f"{guess}（使えるもの: {listed}）" if guess else f"次のいずれかを書いてください: {listed}"


def clean(value) -> str:
    return str(value).strip()


def empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


class Context:
    """The file being read: where problems go, and the line of every field read (for later checks)."""

    def __init__(self, path: str, problems):
        self.path, self.problems, self.lines = path, problems, {}

    def error(self, line, field, message, hint=""):
        self.problems.error(self.path, line, field, message, hint)

    def warn(self, line, field, message, hint=""):
        self.problems.warn(self.path, line, field, message, hint)


class Reader:
    """Reads typed values out of one YAML mapping, recording problems and flagging unknown keys."""

    def __init__(self, ctx: Context, mapping: LMap, prefix: str = ""):
        self.ctx, self.map, self.prefix, self.used = ctx, mapping, prefix, set()
        for key, line in getattr(mapping, "duplicates", []):
            ctx.error(line, self.name(key), "同じ項目が2回書かれています",
                      f"2か所に書いた値を1つの `{key}:` にまとめてください（YAML では後の値だけが残ります）")

    def name(self, key) -> str:
        return f"{self.prefix}.{key}" if self.prefix else str(key)

    def line(self, key) -> int:
        return self.map.line_of(key) if isinstance(self.map, LMap) else 1

    def has(self, key) -> bool:
        return key in self.map

    def error(self, key, message, hint=""):
        self.ctx.error(self.line(key), self.name(key), message, hint)

    def raw(self, key, required=True, what="値"):
        self.used.add(key)
        value = self.map.get(key)
        if key in self.map:
            self.ctx.lines[self.name(key)] = self.line(key)
        if empty(value):
            if required:
                if key in self.map:
                    self.error(key, f"{what}が空です", f"`{key}:` の後に{what}を書いてください")
                else:
                    self.ctx.error(self.map.line, self.name(key), "必須の項目がありません", f"`{key}: …` を追加してください")
            return None
        return value

    def string(self, key, required=True, default=None) -> Optional[str]:
        value = self.raw(key, required and default is None)
        if value is None:
            return default
        if isinstance(value, (dict, list)):
            self.error(key, "文字列で書いてください", "1行の文章を書いてください（箇条書きや入れ子にはできません）")
            return default
        return clean(value)

    def text(self, key, required=True, default=None) -> Optional[tuple]:
        """A string, or a list of strings (paragraphs, numbered sub-items)."""
        value = self.raw(key, required and default is None)
        if value is None:
            return (default,) if default else None
        if isinstance(value, list):
            out = []
            for index, item in enumerate(value):
                if isinstance(item, (dict, list)) or item is None:
                    self.ctx.error(value.line_of(index), f"{self.name(key)}[{index + 1}]", "段落は文字列で書いてください",
                                   "`- 文章` の形で1段落ずつ書いてください")
                else:
                    out.append(clean(item))
            return tuple(out)
        if isinstance(value, dict):
            self.error(key, "文章か、文章の箇条書きで書いてください", "`項目: 文章` または `- 文章` の並びにしてください")
            return None
        return (clean(value),)

    def names(self, key, required=True) -> Optional[tuple]:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, str):
            return tuple(part.strip() for part in re.split("[、,]", value) if part.strip())
        if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            return tuple(clean(v) for v in value)
        self.error(key, "名前の並びとして読めません", "`[〇〇課, △△課]` のように書いてください")
        return None

    def boolean(self, key, required=True) -> Optional[bool]:
        value = self.raw(key, required)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.error(key, f"「{shown(value)}」は true / false ではありません", "はいなら true、いいえなら false と書いてください")
            return None
        return value

    def integer(self, key, required=True) -> Optional[int]:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.error(key, f"「{shown(value)}」は正の整数ではありません", "数字だけを書いてください（例: 27）")
            return None
        return value

    def choice(self, key, choices, required=True) -> Optional[str]:
        value = self.raw(key, required)
        if value is None:
            return None
        if value not in choices:
            self.error(key, f"「{shown(value)}」は使えません", hint_choices(value, choices))
            return None
        return value

    def mapping(self, key, required=True) -> Optional["Reader"]:
        value = self.raw(key, required)
        if value is None and key in self.map and isinstance(self.map[key], dict):
            value = self.map[key]  # `{}` is a valid, empty mapping
        if value is None:
            return None
        if not isinstance(value, LMap):
            self.error(key, "「項目: 値」の形で書いてください", f"`{key}:` の下に字下げして項目を書いてください")
            return None
        return Reader(self.ctx, value, self.name(key))

    def sub(self, key) -> "Reader":
        """The mapping under `key` (empty when absent or `{}`), for optional sections already known to be there."""
        return self.mapping(key, required=False) or Reader(self.ctx, LMap(), self.name(key))

    def items(self, key, required=True) -> list:
        """A list of mappings: returns [(Reader or the raw item, line)]."""
        value = self.raw(key, required)
        if value is None:
            return []
        if not isinstance(value, LList):
            self.error(key, "箇条書き（- で始まる行の並び）で書いてください", f"`{key}:` の下に `- ` で始まる行を並べてください")
            return []
        for i in range(len(value)):  # each item's line, for checks across fields (a plain item has no key of its own)
            self.ctx.lines[f"{self.name(key)}[{i + 1}]"] = value.line_of(i)
        return [(Reader(self.ctx, item, f"{self.name(key)}[{i + 1}]") if isinstance(item, LMap) else item,
                 value.line_of(i)) for i, item in enumerate(value)]

    def finish(self, allowed=None):
        """Flag every key that was not read and is not allowed (a key the caller allows is never called unknown:
        「知らない項目「種別」です — 「種別」の誤りではありませんか」 would contradict itself)."""
        given = set(allowed or ())
        allowed = list(allowed or self.used)
        for key in self.map:
            if key not in self.used and key not in given:
                self.error(key, f"知らない項目「{shown(key)}」です", hint_choices(key, allowed))


def parse_date(ctx, value, line, field, parts: tuple = (), partial=False):
    """ISO date (or, when partial, 2026-04 / '2026-04 中旬' with the month `parts`) -> date / (y, m, d, part).

    Impossible and unreadable dates are reported; None is returned for them."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not date_in_range(ctx, value, line, field):
            return None
        return (value.year, value.month, value.day, None) if partial else value
    names = "|".join(re.escape(p) for p in parts) or "(?!)"
    match = re.match(rf"^(\d{{4}})-(\d{{1,2}})(?:-(\d{{1,2}}))?(?:\s*({names}))?$", str(value).strip())
    example = "2025-09-01、2026-04" + (f"、2026-04 {parts[len(parts) // 2]}" if parts else "") if partial else "2025-09-01"
    if not match or (not partial and (match.group(3) is None or match.group(4))):
        ctx.error(line, field, f"「{shown(value)}」は日付として読めません", f"YYYY-MM-DD の形で書いてください（例: {example}）")
        return None
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else None
    if match.group(3) and match.group(4):
        ctx.error(line, field, f"「{shown(value)}」は日と{'・'.join(parts)}が両方あります", "どちらか一方にしてください")
        return None
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        ctx.error(line, field, f"「{shown(value)}」は存在しない日付です", "暦にある日付を書いてください（月は1〜12、日はその月の日数まで）")
        return None
    if not date_in_range(ctx, dt.date(year, month, day or 1), line, field, value):
        return None
    if not partial:
        return dt.date(year, month, day)
    return (year, month, day, match.group(4))


#: The dates every output can print: from the day Japan took the Gregorian calendar (明治6年1月1日; an ISO date
#: before it is no date of the Japanese calendar) to the end of 9998 (a period's end, a fiscal year or a day after
#: still fits Python's dates, which end in 9999).
FIRST_DATE, LAST_DATE = dt.date(1873, 1, 1), dt.date(9998, 12, 31)


def date_in_range(ctx, when: dt.date, line, field, value=None) -> bool:
    if FIRST_DATE <= when <= LAST_DATE:
        return True
    ctx.error(line, field, f"「{shown(value if value is not None else when.isoformat())}」は扱える日付の範囲の外です",
              f"{FIRST_DATE.isoformat()}（明治6年1月1日）から {LAST_DATE.isoformat()} までの日付を書いてください")
    return False


def parse_time(ctx, value, line, field):
    match = TIME.match(str(value).strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        ctx.error(line, field, f"「{shown(value)}」は時刻として読めません", '24時間制で "09:30" のように引用符で囲んで書いてください')
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"
