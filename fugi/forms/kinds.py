"""Field kinds: each kind defined once — how it is read, its JSON Schema, its lines in a new file, how it prints."""
from __future__ import annotations

from fugi import model as m
from fugi.source.reader import Reader, clean, parse_date, parse_time
from fugi.views.wareki import date_ja, partial_date_ja, time_ja

SEP = "、"
TODO = "【要記入】"
#: The value of 終了 for a period with no end (令和9年1月12日から).
NO_END = "なし"


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


class Kind:
    """One kind of field value.  `name` is what a forms maintainer writes in 種類: (None: set by a role only)."""

    id = ""
    name = None
    options: tuple = ()  # the keys a field of this kind may carry besides the common ones

    def read(self, reader: Reader, field, env):
        raise NotImplementedError

    def schema(self, field, forms) -> dict:
        return {"type": "string"}

    def scaffold(self, field, forms) -> list:
        return [f"{field.key}: {q(field.default or TODO)}"]

    def lines(self, value, field=None) -> list:
        return [str(value)]


class Line(Kind):
    id, name = "line", "一行"

    def read(self, reader, field, env):
        return reader.string(field.key, field.required, field.default)


class Text(Kind):
    """A string, or a list of paragraphs (numbered sub-items are paragraphs)."""

    id, name = "text", "文章"
    # 個人情報の項目: true — the field lists information items (fugi.review.sensitivity and the flow drawing read them);
    # 流れの手段: true — the field names the medium or the line of the flow (fugi.views.flow labels its arrows with it)
    options = ("個人情報の項目", "流れの手段")

    def read(self, reader, field, env):
        return reader.text(field.key, field.required, field.default)

    def schema(self, field, forms):
        return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                "description": "文章、または段落・番号付き小項目の並び"}

    def lines(self, value, field=None):
        return list(value)


class Number(Kind):
    id, name = "number", "番号"

    def read(self, reader, field, env):
        return reader.integer(field.key, field.required)

    def schema(self, field, forms):
        return {"type": "integer", "minimum": 1}

    def scaffold(self, field, forms):
        return [f"{field.key}: 1  # {TODO}"]


class Bool(Kind):
    id, name = "bool", "真偽"

    def read(self, reader, field, env):
        return reader.boolean(field.key, field.required)

    def schema(self, field, forms):
        return {"type": "boolean"}

    def scaffold(self, field, forms):
        return [f"{field.key}: false"]

    def lines(self, value, field=None):
        return ["はい" if value else "いいえ"]


class Date(Kind):
    id, name = "date", "日付"

    def read(self, reader, field, env):
        raw = reader.raw(field.key, field.required)
        return None if raw is None else parse_date(reader.ctx, raw, reader.line(field.key), reader.name(field.key))

    def schema(self, field, forms):
        return {"type": "string", "pattern": r"^\d{4}-\d{1,2}-\d{1,2}$", "description": "YYYY-MM-DD"}

    def scaffold(self, field, forms):
        return [f"# {field.key}: 2026-04-01  # YYYY-MM-DD"]

    def lines(self, value, field=None):
        return [date_ja(value, weekday=True)]


class Time(Kind):
    id, name = "time", "時刻"

    def read(self, reader, field, env):
        raw = reader.raw(field.key, field.required)
        return None if raw is None else parse_time(reader.ctx, raw, reader.line(field.key), reader.name(field.key))

    def schema(self, field, forms):
        return {"type": "string", "pattern": r"^\d{1,2}:\d{2}$"}

    def scaffold(self, field, forms):
        return [f'# {field.key}: "09:30"']

    def lines(self, value, field=None):
        return [time_ja(value)]


class Choice(Kind):
    """One word of a vocabulary of the form definition (語彙:)."""

    id, name, options = "choice", "選択", ("語彙",)

    def read(self, reader, field, env):
        return reader.choice(field.key, env.forms.words(field.vocabulary), field.required)

    def schema(self, field, forms):
        return {"enum": list(forms.words(field.vocabulary))}

    def scaffold(self, field, forms):
        words = forms.words(field.vocabulary)
        return [f"{field.key}: {words[0]}  # {' / '.join(words)}"]


class Names(Kind):
    """A list of names: `[高齢者支援課, 住宅課]` or 「高齢者支援課、住宅課」."""

    id, name = "names", "名前の並び"

    def read(self, reader, field, env):
        return reader.names(field.key, field.required)

    def schema(self, field, forms):
        return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}

    def scaffold(self, field, forms):
        return [f"{field.key}: [{q(TODO)}]"]

    def lines(self, value, field=None):
        return [SEP.join(value)]


class Partners(Kind):
    """Partners (委託先, 結合の相手方 …): a list of names or {名称, 注記}, or {一覧, 箇条書き, 備考}."""

    id, name, options = "partners", "相手先", ("親と同じ", "次と併記")

    def read(self, reader, field, env):
        key, raw = field.key, reader.map.get(field.key)
        if isinstance(raw, dict):
            inner = reader.mapping(key, field.required)
            if inner is None:
                return None
            listed = [self.partner(reader.ctx, it, ln, inner.name("一覧")) for it, ln in inner.items("一覧")]
            bullets = inner.boolean("箇条書き", required=False)
            remark = inner.string("備考", required=False, default="")
            inner.finish(["一覧", "箇条書き", "備考"])
            return m.Partners(tuple(p for p in listed if p), remark, bool(bullets))
        listed = [self.partner(reader.ctx, it, ln, reader.name(key)) for it, ln in reader.items(key, field.required)]
        return m.Partners(tuple(p for p in listed if p)) if listed else None

    @staticmethod
    def partner(ctx, item, line, name):
        if isinstance(item, (str, int)):
            return m.Partner(clean(item))
        if isinstance(item, Reader):
            partner_name = item.string("名称")
            note = item.string("注記", required=False, default="")
            item.finish(["名称", "注記"])
            return m.Partner(partner_name, note) if partner_name else None
        ctx.error(line, name, "相手先は名称か「名称: …」で書いてください", "`- 名称: 株式会社○○` のように書いてください")
        return None

    def schema(self, field, forms):
        one = {"anyOf": [{"type": "string"}, closed({"名称": {"type": "string"}, "注記": {"type": "string"}}, ["名称"])]}
        listed = {"type": "array", "items": one, "minItems": 1}
        return {"anyOf": [listed, closed({"一覧": listed, "箇条書き": {"type": "boolean"}, "備考": {"type": "string"}},
                                         ["一覧"])]}

    def scaffold(self, field, forms):
        if field.same_as_parent:
            return [f"{field.key}:", f"  - 名称: {q(TODO)}  # {field.parent_category}の{field.key}と同じ名称"]
        return [f"{field.key}:", f"  - 名称: {q(TODO)}", f"    注記: {q('')}  # 不要なら消す"]

    def lines(self, value, field=None):
        """One line per partner (・ when the original bullets them), then the remark."""
        mark = "・" if value.bullets else ""
        return [mark + partner_text(p) for p in value.items] + ([value.remark] if value.remark else [])


def partner_text(partner) -> str:
    return f"{partner.name}({partner.note})" if partner.note else partner.name


class Periods(Kind):
    """Periods: `- {開始, 終了, 予定, 名称, 備考}`; dates to the day or month, or a part of a month (旬)."""

    id, name = "periods", "期間"
    keys = ("開始", "終了", "予定", "名称", "備考")  # start, end, planned, label, note

    def read(self, reader, field, env):
        periods = []
        for item, line in reader.items(field.key, field.required):
            if not isinstance(item, Reader):
                reader.ctx.error(line, reader.name(field.key), "期間は「開始: 日付」を含む項目で書いてください",
                                 "`- 開始: 2026-04-06` の下に `終了: 2027-03-31` などを書いてください")
                continue
            period = self.period(item, env.forms.period_parts)
            if period:
                periods.append(period)
        return tuple(periods) or None

    @staticmethod
    def when(item: Reader, key, parts):
        raw = item.raw(key, required=key == "開始")
        if raw is None:
            return None
        found = parse_date(item.ctx, raw, item.line(key), item.name(key), parts, partial=True)
        if found is None:
            return None
        year, month, day, part = found
        part_day = 1 + (parts.index(part) * 30) // len(parts) if part else 1
        return m.PartialDate(year, month, day, part, part_day)

    def period(self, item: Reader, parts):
        start = self.when(item, "開始", parts)
        end, open_ended = None, item.map.get("終了") == NO_END
        if open_ended:
            item.raw("終了", required=False)
        else:
            end = self.when(item, "終了", parts)
        planned = item.boolean("予定", required=False)
        label = item.string("名称", required=False, default="")
        note = item.string("備考", required=False, default="")
        item.finish(["開始", "終了", "予定", "名称", "備考"])
        if start is None:
            return None
        if end is not None and start.sort_key() > end.sort_key():
            item.error("終了", f"終了（{end.iso()}）が開始（{start.iso()}）より前です", "開始と終了の日付を確かめてください")
            return None
        return m.Period(start, end, open_ended, bool(planned), label, note)

    def schema(self, field, forms):
        date = {"type": "string", "pattern": rf"^\d{{4}}-\d{{1,2}}(-\d{{1,2}})?( ?({'|'.join(forms.period_parts)}))?$",
                "description": "YYYY-MM-DD、月までなら YYYY-MM、または 'YYYY-MM " + "/".join(forms.period_parts) + "'"}
        period = closed({"開始": date, "終了": {"anyOf": [date, {"const": NO_END}]}, "予定": {"type": "boolean"},
                         "名称": {"type": "string"}, "備考": {"type": "string"}}, ["開始"])
        return {"type": "array", "items": period, "minItems": 1}

    def scaffold(self, field, forms):
        return [f"{field.key}:", f"  - 開始: 2026-04-01  # {TODO}YYYY-MM-DD（月までなら YYYY-MM）",
                f"    終了: 2027-03-31  # 終わりがなければ 終了: {NO_END}"]

    def lines(self, value, field=None):
        return [period_text(p) for p in value]


def period_text(period: m.Period) -> str:
    """令和8年4月6日から令和9年1月11日まで(予定) 移行期間, 令和7年10月1日から…まで(次年度以降も…)."""
    text = partial_date_ja(period.start)
    if period.end is not None:
        text += f"から{partial_date_ja(period.end)}まで"
    elif period.open_ended:
        text += "から"
    if period.planned:
        text += "(予定)"
    if period.note:
        text += f"({period.note})"
    if period.label:
        text += f" {period.label}"
    return text


def closed(properties: dict, required=(), description: str = "") -> dict:
    """A JSON Schema object that accepts no other keys."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema
