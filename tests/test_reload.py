"""Loading again after a save: the same archive and problems as the pipeline, and only the saved file read again."""
from __future__ import annotations

import pytest

from contents import EDITED, edit, preview_workspace

from fugi.pipeline import load_archive
from fugi.reload import Loader


@pytest.fixture
def workspace(tmp_path):
    return preview_workspace(tmp_path)


def test_the_reloader_gives_what_the_pipeline_gives(workspace):
    content = workspace / "content"
    loader = Loader(content)
    first, problems, changed = loader.load()
    archive, expected = load_archive(content)
    assert [str(p) for p in problems.sorted()] == [str(p) for p in expected.sorted()]
    assert [a.title for a in first.agendas] == [a.title for a in archive.agendas]
    assert len(changed) == len(archive.agendas) + len(archive.meetings)
    edit(content / "agendas" / f"{EDITED}.md", "件名: 地方公共団体", "件名: 改めた地方公共団体")
    again, _, changed = loader.load()
    assert changed == {("agendas", EDITED)}
    assert next(a for a in again.agendas if a.id == EDITED).title.startswith("改めた")
