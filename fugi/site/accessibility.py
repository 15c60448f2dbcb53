"""The site's accessibility page (/accessibility/): the council's policy (content/forms.yml サイト.アクセシビリティ方針)
and the latest results of the axe-core checks the tests run (tests/test_site_a11y.py writes them to
content/accessibility/axe-results.json when every page kind has been checked at both widths).

The build never runs a browser: it shows what the tests recorded, with the tool and the rules they used, and says so
when no results have been recorded."""
from __future__ import annotations

import json
import os
from pathlib import Path

RESULTS = Path("accessibility") / "axe-results.json"  # below content/
PAGE = "accessibility.md"


def accessibility_context(forms, content_root: Path) -> dict:
    """{policy, results: {tool, rules, test, rows: [{page, width, violations}]} or None, violations}"""
    from fugi.source.files import file_problem

    results = None
    path = Path(content_root) / RESULTS
    try:  # read only a regular file inside content/ (a link to elsewhere would publish what it points at)
        readable = os.path.lexists(path) and not file_problem(path, Path(content_root))
        found = json.loads(path.read_text(encoding="utf-8")) if readable else None
    except (OSError, ValueError):
        found = None
    if isinstance(found, dict) and isinstance(found.get("results"), list):
        rows = [row for row in found["results"] if isinstance(row, dict) and {"page", "width", "violations"} <= set(row)
                and isinstance(row["violations"], int) and isinstance(row["width"], int)]
        results = {"tool": str(found.get("tool", "")), "rules": [str(r) for r in found.get("rules", [])],
                   "test": str(found.get("test", "")), "rows": rows}
    return {"policy": forms.site["アクセシビリティ方針"], "results": results,
            "violations": sum(row["violations"] for row in results["rows"]) if results else None}
