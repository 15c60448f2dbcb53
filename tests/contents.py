"""Fixture content folders made whole: the repository's forms.yml and standard checklists where a fixture has none."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"


def complete(folder: Path) -> Path:
    """Add content/forms.yml and every standard checklist the fixture folder lacks (in place); returns it."""
    folder = Path(folder)
    if not (folder / "forms.yml").exists():
        shutil.copy(CONTENT / "forms.yml", folder / "forms.yml")
    (folder / "checklists").mkdir(exist_ok=True)
    for catalog in (CONTENT / "checklists").glob("*.yml"):
        if not (folder / "checklists" / catalog.name).exists():
            shutil.copy(catalog, folder / "checklists" / catalog.name)
    return folder


def fixture_copy(name: str) -> Path:
    """A whole copy of tests/fixtures/<name> in a temporary folder, removed when the test process ends."""
    root = Path(tempfile.mkdtemp(prefix=f"fugi-{name}-"))
    atexit.register(shutil.rmtree, root, True)
    shutil.copytree(REPO / "tests" / "fixtures" / name, root / name)
    return complete(root / name)
