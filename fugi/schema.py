"""`build.py schema`: JSON Schemas of the front matter and the catalog, generated from the model's field specs."""
from __future__ import annotations

import json
from pathlib import Path

from . import model as m

DATE = {"type": "string", "pattern": r"^\d{4}-\d{1,2}(-\d{1,2})?( ?(上旬|中旬|下旬))?$",
        "description": "YYYY-MM-DD、月までなら YYYY-MM、または 'YYYY-MM 中旬'"}
TEXT = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        "description": "文章、または段落・番号付き小項目の並び"}
NAMES = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


def obj(properties: dict, required=(), description: str = "") -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def partners() -> dict:
    one = {"anyOf": [{"type": "string"}, obj({"名称": {"type": "string"}, "注記": {"type": "string"}}, ["名称"])]}
    listed = {"type": "array", "items": one, "minItems": 1}
    return {"anyOf": [listed, obj({"一覧": listed, "箇条書き": {"type": "boolean"}, "備考": {"type": "string"}}, ["一覧"])]}


def periods() -> dict:
    end = {"anyOf": [DATE, {"const": "なし"}]}
    period = obj({"開始": DATE, "終了": end, "予定": {"type": "boolean"}, "名称": {"type": "string"},
                  "備考": {"type": "string"}}, ["開始"])
    return {"type": "array", "items": period, "minItems": 1}


KINDS = {"text": lambda: TEXT, "names": lambda: NAMES, "partners": partners, "periods": periods}


def sheet(category: str) -> dict:
    props, required = {"件名": {"type": "string"}}, ["件名"]
    for spec in m.SHEET_FIELDS[category]:
        for key in (spec.key, *spec.alternatives):
            props[key] = dict(KINDS[spec.kind](), description=spec.label)
        if spec.required and spec.default is None:
            required.append(spec.key)
    return obj(props, required, f"{category}の別紙")


def checklist_override() -> dict:
    mark = {"enum": list(m.MARKS)}
    row = {"anyOf": [mark, obj({"印": mark, "文言": {"type": "string"}})]}
    added = {"type": "array", "items": obj({"印": mark, "文言": {"type": "string"}}, ["文言"])}
    group = {"type": "object", "properties": {"追加": added}, "patternProperties": {"^[0-9]+$": row},
             "additionalProperties": False}
    half = obj({"凡例": {"type": "string"}, **{g: group for g in m.GROUPS}})
    return obj({h: half for h in m.HALVES})


def agenda_schema() -> dict:
    props = {
        "件名": {"type": "string"},
        "資料番号": {"type": "integer", "minimum": 1},
        "状態": {"enum": list(m.STATUSES)},
        "公開": {"type": "boolean"},
        "要綱の根拠": {"type": "array", "items": {"enum": list(m.BASIS_CATEGORIES)}, "minItems": 1},
        "要綱の条項": {"type": "string"},
        "担当部課": {"type": "array", "items": obj({"部": {"type": "string"}, "課": NAMES}, ["部", "課"])},
        "事業の概要": obj({"事業名": {"type": "string"}, "担当課": NAMES, "目的": {"type": "string"},
                          "対象者": {"type": "string"}}, ["事業名", "担当課", "目的", "対象者"]),
        **{c: sheet(c) for c in m.SHEET_CATEGORIES},
        "個人情報の流れ": obj({"表題": {"type": "string"}, "図": {"type": "string"}}),
        "情報項目": obj({"表題": {"type": "string"}, "グループ": {"type": "array", "items": obj(
            {"見出し": {"type": "string"}, "項目": NAMES}, ["見出し", "項目"])},
            "一覧": {"type": "array", "items": {"type": "string"}}, "注記": TEXT}),
        "チェックリスト": obj({c: checklist_override() for c in m.BASIS_CATEGORIES}),
    }
    return document("付議事項のフロントマター", obj(props, ["件名", "資料番号", "状態", "公開", "要綱の根拠", "担当部課", "事業の概要"]))


def meeting_schema() -> dict:
    attendee = {"anyOf": [{"type": "string"}, obj({"職名": {"type": "string"}, "役割": {"type": "string"}}, ["職名"])]}
    item = obj({"付議事項": {"type": "string"}, "件名": {"type": "string"}, "決定": {"enum": list(m.DECISIONS)}})
    remark = obj({"発言者": {"type": "string"}, "内容": TEXT}, ["発言者", "内容"])
    props = {
        "会議名": {"type": "string"}, "回": {"type": "integer", "minimum": 1}, "開催日": DATE,
        "開始": {"type": "string", "pattern": r"^\d{1,2}:\d{2}$"}, "終了": {"type": "string", "pattern": r"^\d{1,2}:\d{2}$"},
        "場所": {"type": "string"}, "公開": {"type": "boolean"}, "出席者": {"type": "array", "items": attendee},
        "審議内容": {"type": "string"}, "審議事項": {"type": "array", "items": item, "minItems": 1},
        "助言": obj({"表題": {"type": "string"}, "前文": {"type": "string"}}, ["表題"]),
        "発言": {"type": "array", "items": obj({"審議事項": {"type": "integer"},
                                                 "発言": {"type": "array", "items": remark}}, ["審議事項", "発言"])},
    }
    return document("会議概要のフロントマター", obj(props, ["回", "公開", "審議内容", "審議事項"]))


def catalog_schema() -> dict:
    half = obj({"見出し": {"type": "string"}, **{g: {"type": "array", "items": {"type": "string"}} for g in m.GROUPS}},
               ["見出し", *m.GROUPS])
    props = {"区分": {"enum": list(m.BASIS_CATEGORIES)}, "番号": {"type": "integer"}, "表題": {"type": "string"},
             "副題": {"type": "string"}, "列見出し": {"type": "string"}, "凡例": {"type": "string"},
             **{h: half for h in m.HALVES}}
    return document("標準チェックリスト", obj(props, ["区分", "番号", "表題", "列見出し", "凡例", *m.HALVES]))


def document(title: str, schema: dict) -> dict:
    return {"$schema": "http://json-schema.org/draft-07/schema#", "title": title, **schema}


def write_schema(out: Path) -> list:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in (("agenda", agenda_schema()), ("meeting", meeting_schema()), ("checklist", catalog_schema())):
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
