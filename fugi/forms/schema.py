"""`build.py schema`: JSON Schemas of the front matter and the catalog, made from the form definition's fields."""
from __future__ import annotations

import json
from pathlib import Path

from fugi.forms.checklists import catalog_schema
from fugi.forms.kinds import closed
from fugi.forms.registry import KINDS
from fugi.forms.role_kinds import field_schema


def document_schema(form, forms) -> dict:
    """The front matter of a document form: every field by its kind; the sheets' keys are the categories."""
    props, required = {}, []
    for field in form.fields:
        if field.role == "sheets":
            props.update(KINDS["sheets"].schema(field, forms))
            continue
        props[field.key] = field_schema(field, forms)
        if field.required and field.default is None:
            required.append(field.key)
    return closed(props, required)


def agenda_schema(forms) -> dict:
    return document(f"{forms.agenda.name}のフロントマター", document_schema(forms.agenda, forms))


def meeting_schema(forms) -> dict:
    return document(f"{forms.meeting.name}のフロントマター", document_schema(forms.meeting, forms))


def checklist_schema(forms) -> dict:
    checklists = forms.agenda.role("checklists")
    return document(f"標準の{checklists.label if checklists else '対策'}（content/checklists/）", catalog_schema(forms))


def document(title: str, schema: dict) -> dict:
    return {"$schema": "http://json-schema.org/draft-07/schema#", "title": title, **schema}


def write_schema(out: Path, forms) -> list:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in (("agenda", agenda_schema(forms)), ("meeting", meeting_schema(forms)),
                         ("checklist", checklist_schema(forms))):
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
