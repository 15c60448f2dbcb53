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


def test_many_files_are_validated_in_worker_processes_with_the_same_result(workspace, monkeypatch):
    """A cold load of a large archive validates the files in forked workers; models and problems are those of a
    load in one process (here every file counts as "many")."""
    import pickle

    from fugi import reload

    content = workspace / "content"
    edit(content / "agendas" / f"{EDITED}.md", "資料番号: 56", "資料番号: 五十六")  # a mistake reported from a worker
    alone, alone_problems, _ = Loader(content).load()
    monkeypatch.setattr(reload, "POOL_THRESHOLD", 1)
    monkeypatch.setenv("FUGI_JOBS", "2")
    pools = []

    class Pool(reload.ProcessPoolExecutor):
        def __init__(self, workers, **kwargs):
            pools.append(workers)
            super().__init__(workers, **kwargs)

    monkeypatch.setattr(reload, "ProcessPoolExecutor", Pool)
    forked = Loader(content)
    pooled, pooled_problems, _ = forked.load()
    assert [str(p) for p in pooled_problems.sorted()] == [str(p) for p in alone_problems.sorted()]
    assert any(p.path.endswith(f"{EDITED}.md") and p.line == 3 for p in pooled_problems.errors)
    assert pools == [2]
    assert [pickle.dumps(a) for a in pooled.agendas] == [pickle.dumps(a) for a in alone.agendas]
