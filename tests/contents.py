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


#: The preview tests' workspace (tests/test_preview, test_reload, test_serve): a draft, a non-public item, and
#: an item the tests edit.
DRAFT, PRIVATE, EDITED = "aircon-josei", "nyuji-tsuen-shien", "kaigo-hoken-hyojunka"


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a content file (which must be there) as a clerk's save would."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def preview_workspace(folder: Path) -> Path:
    """A copy of content/ in folder/content with a draft and a non-public item; returns folder."""
    shutil.copytree(CONTENT, folder / "content")
    edit(folder / "content" / "agendas" / f"{DRAFT}.md", "状態: 提出済", "状態: 下書き")
    edit(folder / "content" / "agendas" / f"{PRIVATE}.md", "公開: true", "公開: false")
    return folder
