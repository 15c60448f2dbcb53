"""Loading again after a save: the same archive and problems as the pipeline, and only the saved file read again."""
from __future__ import annotations

import pytest

from contents import EDITED, edit, preview_workspace

from fugi.pipeline import load_archive
from fugi.archive.loader import Loader


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

    from fugi.archive import loader as reload
    from fugi.build import jobs

    content = workspace / "content"
    edit(content / "agendas" / f"{EDITED}.md", "資料番号: 56", "資料番号: 五十六")  # a mistake reported from a worker
    alone, alone_problems, _ = Loader(content).load()
    monkeypatch.setattr(reload, "POOL_THRESHOLD", 1)
    monkeypatch.setenv("FUGI_JOBS", "2")
    pools = []

    class Pool(jobs.ProcessPoolExecutor):
        def __init__(self, workers, **kwargs):
            pools.append(workers)
            super().__init__(workers, **kwargs)

    monkeypatch.setattr(jobs, "ProcessPoolExecutor", Pool)
    forked = Loader(content)
    pooled, pooled_problems, _ = forked.load()
    assert [str(p) for p in pooled_problems.sorted()] == [str(p) for p in alone_problems.sorted()]
    assert any(p.path.endswith(f"{EDITED}.md") and p.line == 3 for p in pooled_problems.errors)
    assert pools == [2]
    assert [pickle.dumps(a) for a in pooled.agendas] == [pickle.dumps(a) for a in alone.agendas]


def test_a_cached_item_reads_its_checklists_only_when_they_are_used(workspace, tmp_path):
    """An item taken from the build cache arrives without its deferred fields (the checks across files never read
    them); the first use reads them, and the item is then the one a clean load gives, to the pickled byte."""
    from fugi.build.cache import Cache, value_bytes
    from fugi.model import Agenda

    content = workspace / "content"
    fresh, _, _ = Loader(content).load()
    cache = Cache(tmp_path / "cache")
    Loader(content, cache).load()  # fills the cache
    cached, problems, _ = Loader(content, cache).load()
    assert not problems.errors
    ident = next(a.id for a in fresh.agendas if a.meeting is not None)
    item = next(a for a in cached.agendas if a.id == ident)
    assert "_later" in vars(item) and not {"sheets", "checklists", "overview", "info_items", "lines"} & set(vars(item))
    assert item.meeting is not None and item.title  # what the checks across files set and read is there
    copy = item.copy(title="写し")
    assert copy.title == "写し" and "_later" in vars(copy)
    same = next(a for a in fresh.agendas if a.id == ident)
    assert item.checklists == same.checklists and "_later" not in vars(item)
    assert list(vars(item)) == list(vars(same))  # in the fields' order: equal items pickle to equal bytes
    unlinked = lambda a: a.copy(meeting=None, history=[])  # noqa: E731 - a meeting links back: pickled with a memo
    assert value_bytes(unlinked(item)) == value_bytes(unlinked(same))
    assert value_bytes(unlinked(item)).startswith(b"F")
    assert [value_bytes(unlinked(a)) for a in cached.agendas] == [value_bytes(unlinked(a)) for a in fresh.agendas]
    assert value_bytes(copy.sheets) == value_bytes(same.sheets) and copy.title == "写し"  # forms fields: equal by identity
    assert set(Agenda.DEFERRED) <= {f for f in Agenda.__dataclass_fields__ if f not in vars(Agenda)}  # no defaults


def test_copies_of_a_cached_item_share_its_deferred_fields(workspace, tmp_path):
    """`build.py serve` copies every memoised item on each load: the deferred fields are unpickled once, not once
    per copy and save."""
    from fugi.build.cache import Cache

    content = workspace / "content"
    cache = Cache(tmp_path / "cache")
    Loader(content, cache).load()
    loader = Loader(content, cache)
    first, _, _ = loader.load()
    again, _, _ = loader.load()
    one, two = (next(a for a in archive.agendas if a.id == EDITED) for archive in (first, again))
    assert one is not two and one.checklists is two.checklists and one.sheets is two.sheets


class _Planted:
    """What a crafted cache entry holds: unpickling it calls os.mkdir (any command could stand there)."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        import os

        return os.mkdir, (self.target,)


def test_a_crafted_model_or_forms_entry_is_never_unpickled(workspace, tmp_path, capsys, monkeypatch):
    """Caches travel (CI caches, shared folders): a pickle planted in model/ or shared/ runs nothing, is dropped with a
    notice, and the load gives what a clean load gives."""
    import pickle

    from fugi.build import cache as fugi_cache
    from fugi.build.cache import Cache

    SEAL = b"fugi-sealed-1\n"  # noqa: N806 - fugi.build.cache.SEAL, spelled out
    monkeypatch.setattr(fugi_cache, "_noticed", [0], raising=False)
    content = workspace / "content"
    cache = Cache(tmp_path / "cache")
    Loader(content, cache).load()
    planted = tmp_path / "planted"
    entries = [p for kind in ("model", "shared") for p in (tmp_path / "cache" / kind).rglob("*") if p.is_file()]
    assert len(entries) > 5
    for i, entry in enumerate(entries):
        payload = pickle.dumps(_Planted(str(planted)))
        # a third wear the seal's mark with a made-up signature, a third are sealed with the key itself (as if it had
        # leaked): the unpickler builds fugi's data classes only, never calls a function
        entry.write_bytes([payload, SEAL + b"\0" * 32 + payload, fugi_cache.seal(payload)][i % 3]
                          if hasattr(fugi_cache, "seal") else payload)
    capsys.readouterr()
    again, problems, _ = Loader(content, cache).load()
    assert not planted.exists()
    fresh, expected, _ = Loader(content).load()
    assert [str(p) for p in problems.sorted()] == [str(p) for p in expected.sorted()]
    assert [pickle.dumps(a.copy(meeting=None, history=[])) for a in again.agendas] == \
        [pickle.dumps(a.copy(meeting=None, history=[])) for a in fresh.agendas]
    err = capsys.readouterr().err
    assert "キャッシュ: この項目は壊れているか、別のマシンで作られたものです — 使わずに消して作り直します" in err
    assert len(err.splitlines()) <= 6  # one line each for the first five, then one line for all the rest
    assert all(p.read_bytes().startswith(SEAL) for kind in ("model", "shared")
               for p in (tmp_path / "cache" / kind).rglob("*") if p.is_file())  # made again, sealed
