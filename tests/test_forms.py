"""The form definition: loaded and validated like content; everything a council decides lives there, not in Python."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from fugi.forms import load_forms
from fugi.problems import Problems

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEARCH_JS = ROOT / "templates" / "site" / "overrides" / "assets" / "fugi" / "search.js"

#: Keys of forms.yml whose values are fugi's own words or file names, not the council's vocabulary.
ENGINE_VALUES = {"役割", "種類", "扱い", "ID", "標準", "URL", "Word", "説明", "検索の例"}


def terms(definition: dict) -> set:
    """Every word of the definition a council chose (2+ characters): names, field labels (a field's key where it
    has no label of its own), partner roles, vocabularies, headings, the council's and the ward's names."""
    found = set()

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ENGINE_VALUES and not (k == "キー" and "ラベル" in node):
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and len(node) >= 2:
            found.add(node)

    walk(definition)
    return found


def literals(source: str):
    """(line, text) of every string literal of a Python module except docstrings."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def js_literals(source: str):
    """(line, text) of the string and template literals of a JavaScript file (comments dropped)."""
    for number, line in enumerate(source.splitlines(), 1):
        code = re.sub(r"//.*$", "", line)
        for match in re.finditer(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`", code):
            yield number, next(g for g in match.groups() if g is not None)


@pytest.mark.parametrize("forms_file", [CONTENT / "forms.yml", ROOT / "tests" / "fixtures" / "councils" / "aoba" / "forms.yml",
                                        ROOT / "tests" / "fixtures" / "councils" / "fifth" / "forms.yml"],
                         ids=["shinjuku", "aoba", "fifth"])
def test_no_council_vocabulary_in_the_code(forms_file):
    """No 区分 name, label, partner role, council or ward name of a definition is written in fugi/ or search.js."""
    words = terms(yaml.safe_load(forms_file.read_text(encoding="utf-8")))
    assert len(words) > 40
    found = []
    for path in sorted((ROOT / "fugi").rglob("*.py")):
        for line, text in literals(path.read_text(encoding="utf-8")):
            found += [f"{path.relative_to(ROOT)}:{line}: 「{w}」 in {text[:60]!r}" for w in words if w in text]
    for line, text in js_literals(SEARCH_JS.read_text(encoding="utf-8")):
        found += [f"{SEARCH_JS.relative_to(ROOT)}:{line}: 「{w}」 in {text[:60]!r}" for w in words if w in text]
    assert not found, "\n".join(found)


def test_the_literal_scanner_finds_what_it_must():
    """The scanner itself: a literal with a term is found, a docstring is not."""
    source = '"""docstring 委託先"""\nx = "業務委託の委託先"\ny = f"{x}は委託先"\n'
    assert [t for _, t in literals(source)] == ["業務委託の委託先", "は委託先"]
    assert [t for _, t in js_literals('const a = "区分"; // "コメント"\nconst b = `決定: ${x}`;')] == ["区分", "決定: ${x}"]


def test_the_stock_definition_loads_cleanly():
    problems = Problems()
    forms = load_forms(CONTENT, problems)
    assert forms is not None and not problems, [str(p) for p in problems]
    assert [c.name for c in forms.categories] == ["電算処理", "外部結合", "業務委託", "再委託"]
    assert forms.category("再委託").parent == "業務委託" and not forms.category("再委託").basis
    assert forms.partner_roles == ("委託先", "再委託先", "結合の相手方")
