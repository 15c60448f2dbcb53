#!/usr/bin/env python3
"""fugi command line: check | docx | pdf | site | serve | new | schema (no subcommand builds Word files and the site)."""
import importlib.util
import sys

#: The packages of pyproject.toml's dependencies: module imported -> name pip installs.
NEEDED = {
    "jinja2": "jinja2", "yaml": "pyyaml", "markdown_it": "markdown-it-py", "docx": "python-docx",
    "docxtpl": "docxtpl", "lxml": "lxml", "mkdocs": "mkdocs", "material": "mkdocs-material", "pagefind": "pagefind",
    "cbor2": "cbor2", "watchfiles": "watchfiles",
    "feedgen": "feedgen", "icalendar": "icalendar", "pykakasi": "pykakasi", "pdfplumber": "pdfplumber",
    "pypdf": "pypdf", "reportlab": "reportlab", "PIL": "pillow",
}
SETUP = "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/python build.py"


def missing() -> list:
    """What this Python lacks to run fugi (checked before importing any of it: no traceback)."""
    lacking = [pip for module, pip in NEEDED.items() if importlib.util.find_spec(module) is None]
    if sys.version_info < (3, 11):
        lacking.insert(0, f"Python 3.11 以上（この Python は {sys.version.split()[0]}）")
    return lacking


def setup_message(lacking) -> str:
    return (f"この Python には fugi に必要なものが入っていません: {', '.join(lacking)}\n"
            "README の「使い方」のとおり、このフォルダで次を実行して準備し、以後は .venv/bin/python で動かしてください:\n"
            f"  {SETUP}")


if __name__ == "__main__":
    if missing():
        print(setup_message(missing()), file=sys.stderr)
        raise SystemExit(1)
    from fugi.cli import main

    raise SystemExit(main())
