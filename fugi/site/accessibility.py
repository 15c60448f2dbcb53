"""The site's accessibility page (/accessibility/): the council's policy (content/forms.yml サイト.アクセシビリティ方針)
and the latest results of the axe-core checks the tests run (tests/test_site_a11y.py writes them to
content/accessibility/axe-results.json when every page kind has been checked at both widths).

The build never runs a browser: it shows what the tests recorded, with the tool and the rules they used, and says so
when no results have been recorded."""
from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path("accessibility") / "axe-results.json"  # below content/
PAGE = "accessibility.md"


def accessibility_context(forms, content_root: Path) -> dict:
    """{policy, results: {検査ツール, 基準, テスト, 結果: [{ページ, 幅, 違反}]} or None, violations}"""
    results = None
    path = Path(content_root) / RESULTS
    try:
        found = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    except (OSError, ValueError):
        found = None
    if isinstance(found, dict) and isinstance(found.get("結果"), list):
        rows = [row for row in found["結果"] if isinstance(row, dict) and {"ページ", "幅", "違反"} <= set(row)]
        results = {"tool": str(found.get("検査ツール", "")), "rules": [str(r) for r in found.get("基準", [])],
                   "test": str(found.get("テスト", "")), "rows": rows}
    return {"policy": forms.site["アクセシビリティ方針"], "results": results,
            "violations": sum(int(row["違反"]) for row in results["rows"]) if results else None}
