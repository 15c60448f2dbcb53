"""The JSON Schema written by `build.py schema` accepts every file of the archive and rejects typos."""
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from fugi.cli import main

REPO = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def schemas(tmp_path_factory):
    out = tmp_path_factory.mktemp("schema")
    assert main(["schema", "--out", str(out)]) == 0
    return {name: json.loads((out / f"{name}.schema.json").read_text(encoding="utf-8"))
            for name in ("agenda", "meeting", "checklist")}


def front_matter(path: Path):
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("\n---", 1)[0].removeprefix("---\n"))
    return json.loads(json.dumps(data, default=str))  # dates as the editor sees them: text


@pytest.mark.parametrize("kind, folder", [("agenda", "agendas"), ("meeting", "meetings")])
def test_every_content_file_is_valid(schemas, kind, folder):
    for path in sorted((REPO / "content" / folder).glob("*.md")):
        errors = list(jsonschema.Draft7Validator(schemas[kind]).iter_errors(front_matter(path)))
        assert errors == [], (path, [e.message for e in errors])


def test_catalog_is_valid(schemas):
    for path in sorted((REPO / "content" / "checklists").glob("*.yml")):
        assert list(jsonschema.Draft7Validator(schemas["checklist"]).iter_errors(yaml.safe_load(path.read_text()))) == []


def test_typos_are_flagged(schemas):
    data = front_matter(REPO / "content" / "agendas" / "kyoju-support-system.md")
    data["担当者"] = "山田"
    data["要綱の根拠"] = ["外部決合"]
    messages = sorted(e.message for e in jsonschema.Draft7Validator(schemas["agenda"]).iter_errors(data))
    assert any("担当者" in m for m in messages) and any("外部決合" in m for m in messages)
