"""The build cache: where it lives, when it is off, what a key covers, and that old entries go."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from fugi.cache import MARKER, Cache, digest, open_cache

REPO = Path(__file__).resolve().parent.parent


def test_a_digest_knows_where_each_part_ends():
    assert digest("ab", "c") != digest("a", "bc")
    assert digest(["a", ("b",)]) != digest(["a", "b"])
    assert digest(b"x") == digest("x")


def test_the_default_place_is_build_cache_beside_build_docx(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    env = {key: value for key, value in os.environ.items() if key != "FUGI_CACHE"}
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "docx"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "build" / "cache" / MARKER).is_file()
    assert list((tmp_path / "build" / "cache" / "docx").rglob("*"))
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == ["cache", "docx"]


def test_never_inside_the_content_folder_and_off_when_asked(tmp_path, monkeypatch):
    content = tmp_path / "content"
    content.mkdir()
    monkeypatch.setenv("FUGI_CACHE", str(content / "cache"))
    assert not open_cache(content).enabled
    monkeypatch.setenv("FUGI_CACHE", "off")
    assert not open_cache(content).enabled
    monkeypatch.setenv("FUGI_CACHE", str(tmp_path / "elsewhere"))
    assert open_cache(content).enabled


def test_entries_round_trip_and_unused_ones_are_pruned(tmp_path):
    cache = Cache(tmp_path / "c")
    cache.put("docx", "ab" * 32, b"one")
    cache.put("docx", "cd" * 32, b"two")
    assert cache.get("docx", "ab" * 32) == b"one" and cache.get("docx", "ef" * 32) is None
    old = time.time() - 30 * 86400
    os.utime(cache.path("docx", "cd" * 32), (old, old))
    assert cache.prune() == 1
    assert cache.get("docx", "cd" * 32) is None and cache.get("docx", "ab" * 32) == b"one"
    assert Cache(None).get("docx", "ab" * 32) is None
    os.utime(cache.path("docx", "ab" * 32), (old, old))
    assert cache.prune() == 0  # the entries are listed once a day, not on every build
    stamp = cache.root / ".pruned"
    os.utime(stamp, (old, old))
    assert cache.prune() == 1


def test_a_folder_of_somebody_elses_files_is_never_a_cache(tmp_path, monkeypatch):
    """FUGI_CACHE=~/Documents: nothing is written there and no old photo is pruned as an unused entry."""
    content, mine = tmp_path / "content", tmp_path / "Documents"
    content.mkdir()
    photo = mine / "photos" / "2019" / "img.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"precious")
    old = time.time() - 60 * 86400
    os.utime(photo, (old, old))
    monkeypatch.setenv("FUGI_CACHE", str(mine))
    assert not open_cache(content).enabled
    assert sorted(p.relative_to(mine).as_posix() for p in mine.rglob("*")) == ["photos", "photos/2019", "photos/2019/img.jpg"]
    cache = Cache(tmp_path / "c")  # and within a cache, only the entries' names are pruned
    stray = cache.root / "notes" / "2019" / "memo.txt"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"kept")
    os.utime(stray, (old, old))
    assert cache.prune() == 0 and stray.is_file()


def test_the_same_bytes_under_a_second_key_are_one_file(tmp_path):
    """A cold build stores most Word files four times (all items, the public view, each under its view's key too);
    the copies are hard links to the first, and replacing or losing one leaves the others as they were."""
    cache = Cache(tmp_path / "cache")
    cache.put("docx", "a" * 64, b"word file")
    cache.put("docx-view", "b" * 64, b"word file")
    first, second = cache.path("docx", "a" * 64), cache.path("docx-view", "b" * 64)
    assert first.stat().st_ino == second.stat().st_ino and first.stat().st_nlink == 2
    assert cache.get("docx-view", "b" * 64) == b"word file"
    cache.put("docx", "a" * 64, b"another")  # replaced whole: the link is broken, not written through
    assert cache.get("docx-view", "b" * 64) == b"word file" and cache.get("docx", "a" * 64) == b"another"
    second.unlink()  # pruned meanwhile: the next copy of those bytes is written, not an error
    cache.put("docx", "c" * 64, b"word file")
    assert cache.get("docx", "c" * 64) == b"word file" and cache.path("docx", "c" * 64).stat().st_nlink == 1
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.name.endswith(".link")]


def test_every_key_covers_fugis_version_and_the_packages_it_runs_on(monkeypatch):
    """A new fugi, theme or python-docx makes every entry stale: deleting the cache must never change a byte."""
    from importlib import metadata

    from fugi import cache

    names = cache.installed()
    assert f"fugi-{metadata.version('fugi')}.dist-info" in names
    assert f"mkdocs_material-{metadata.version('mkdocs-material')}.dist-info" in names
    assert any(n.startswith("python_docx-") for n in names)
    now = cache.code_digest.__wrapped__()
    monkeypatch.setattr(cache, "installed", lambda: [n.replace("mkdocs_material-", "mkdocs_material-0") for n in names])
    assert cache.code_digest.__wrapped__() != now
