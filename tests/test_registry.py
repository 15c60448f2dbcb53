"""The field kinds' registry (fugi.forms.registry): built in one place, explicitly, in a fixed order; no module adds
a kind to it by being imported."""
from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

from fugi.forms import checklists, kinds, role_kinds
from fugi.forms.registry import KINDS, by_name

REPO = Path(__file__).resolve().parent.parent


def test_every_kind_defined_is_in_the_registry_once_in_its_order():
    defined = [cls for module in (kinds, role_kinds, checklists) for _, cls in inspect.getmembers(module, inspect.isclass)
               if issubclass(cls, kinds.Kind) and cls is not kinds.Kind and cls.__module__ == module.__name__]
    assert sorted(type(k).__name__ for k in KINDS.values()) == sorted(cls.__name__ for cls in defined)
    ids = list(KINDS)
    assert ids[:10] == ["line", "text", "number", "bool", "date", "time", "choice", "names", "partners", "periods"]
    assert ids[-1] == "checklists"
    assert list(by_name().values()) == [KINDS[i] for i in ids[:10]]  # only the kinds declared with 種類:


def test_no_module_keeps_a_registry_of_its_own_or_fills_one_when_imported():
    for module in (kinds, role_kinds, checklists):
        assert not hasattr(module, "register") and not hasattr(module, "KINDS"), module.__name__
    # whatever is imported first, the registry is the same
    code = ("import fugi.forms.checklists, fugi.forms.role_kinds; from fugi.forms.registry import KINDS; "
            "print(' '.join(KINDS))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}).stdout.split()
    assert out == list(KINDS)
