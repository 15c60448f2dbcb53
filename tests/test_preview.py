"""The preview view: every item, those not published marked in their titles and with a banner; the archive untouched."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fugi.pipeline import load_archive
from fugi.preview import preview_archive

REPO = Path(__file__).resolve().parent.parent
DRAFT, PRIVATE, EDITED = "aircon-josei", "nyuji-tsuen-shien", "kaigo-hoken-hyojunka"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def workspace(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    edit(tmp_path / "content" / "agendas" / f"{DRAFT}.md", "状態: 提出済", "状態: 下書き")
    edit(tmp_path / "content" / "agendas" / f"{PRIVATE}.md", "公開: true", "公開: false")
    return tmp_path


def test_the_preview_view_marks_what_is_not_published(workspace):
    archive, _ = load_archive(workspace / "content")
    view, banners = preview_archive(archive)
    titles = {a.id: a.title for a in view.agendas}
    assert titles[DRAFT].startswith("【下書き】") and titles[PRIVATE].startswith("【非公開】")
    assert not titles[EDITED].startswith("【")
    assert set(banners) == {f"agendas/{DRAFT}/", f"agendas/{PRIVATE}/"}
    assert all(not a.title.startswith("【") for a in archive.agendas)  # the archive itself is untouched
