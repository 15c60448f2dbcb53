"""The build cache: where it lives, when it is off, what a key covers, and that old entries go."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fugi.build.cache import MARKER, Cache, digest, open_cache

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

    from fugi.build import cache

    names = cache.installed()
    assert f"fugi-{metadata.version('fugi')}.dist-info" in names
    assert f"mkdocs_material-{metadata.version('mkdocs-material')}.dist-info" in names
    assert any(n.startswith("python_docx-") for n in names)
    now = cache.code_digest.__wrapped__()
    monkeypatch.setattr(cache, "installed", lambda: [n.replace("mkdocs_material-", "mkdocs_material-0") for n in names])
    assert cache.code_digest.__wrapped__() != now


SEAL = b"fugi-sealed-1\n"  # fugi.build.cache.SEAL, spelled out: what a forger can copy from the source


class _Planted:
    """A crafted entry: unpickling it calls os.mkdir (any command could stand there)."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return os.mkdir, (self.target,)


def _build(workspace: Path, out: str, cache: Path, *args, key: str = "config") -> subprocess.CompletedProcess:
    env = dict(os.environ, FUGI_CACHE=str(cache), XDG_CONFIG_HOME=str(workspace / key))
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--out", out], cwd=workspace, env=env,
                          capture_output=True, text=True)


def _snapshot(folder: Path) -> dict:
    import hashlib

    return {p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _entries(cache: Path, pattern: str) -> list:
    return sorted(p for p in cache.glob(pattern) if p.is_file())


NOTICE = "キャッシュ: この項目は壊れているか、別のマシンで作られたものです — 使わずに消して作り直します（出力はキャッシュがない場合と同じです）"


@pytest.mark.slow  # several full builds
def test_a_tampered_cache_is_never_run_or_published(tmp_path):
    """Caches travel (CI caches, shared folders): planted pickles run nothing; cut-off or changed Word, PDF, page,
    search and model entries are dropped with a notice and made again; the output is a clean build's, byte for byte."""
    import pickle

    shutil.copytree(REPO / "content", tmp_path / "content")
    cache, planted = tmp_path / "cache", tmp_path / "planted"
    done = _build(tmp_path, "clean", cache)
    assert done.returncode == 0, done.stdout + done.stderr
    clean = _snapshot(tmp_path / "clean")
    assert any(rel.endswith(".pdf") for rel in clean) == (shutil.which("soffice") is not None)
    crafted = pickle.dumps(_Planted(str(planted)))

    # round 1: Word (cut off at 3,000 bytes, as the tester did), PDF, the models and the forms
    words = _entries(cache, "docx/*/*") + _entries(cache, "docx-view/*/*")
    assert words
    for entry in words:
        entry.write_bytes(entry.read_bytes()[:3000])
    pdfs, models = _entries(cache, "pdf/*/*"), _entries(cache, "model/*/*") + _entries(cache, "shared/*/*")
    assert models and bool(pdfs) == (shutil.which("soffice") is not None)
    for entry in pdfs[:1]:
        entry.write_bytes(b"%PDF-1.4\n% not the document\n")
    for entry in models:
        entry.write_bytes(crafted)
    done = _build(tmp_path, "round1", cache)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not planted.exists()
    assert _snapshot(tmp_path / "round1") == clean
    assert NOTICE in done.stderr and "Traceback" not in done.stderr

    # round 2: a built page, every rendered page (not UTF-8), the search snapshot, the Pagefind bundle, the templates
    page = next(p for p in sorted(cache.glob("site/*/site/agendas/*/index.html")))
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<script>alert(1)</script></body>"))
    rendered, searched, compiled = (_entries(cache, "site/*/pages/*/*"), _entries(cache, "search/*"),
                                    _entries(cache, "site/*/jinja/*"))
    assert rendered and searched and compiled
    for entry in rendered:
        entry.write_bytes(b"\xff\xfe not UTF-8 \x80")
    for entry in searched:
        entry.write_bytes(crafted)
    fragment = next(p for p in sorted(cache.glob("pagefind/*/fragment/*")))
    fragment.write_bytes(fragment.read_bytes()[:40])
    for entry in compiled:
        entry.write_bytes(SEAL + b"\0" * 32 + b"j2\x00" + crafted)
    done = _build(tmp_path, "round2", cache)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not planted.exists()
    assert _snapshot(tmp_path / "round2") == clean
    assert NOTICE in done.stderr and "Traceback" not in done.stderr

    # the kept site's record of what it depends on, not UTF-8
    keys = _entries(cache, "site/*/key")
    assert keys
    for entry in keys:
        entry.write_bytes(b"\xff\xfe\x80")
    done = _build(tmp_path, "round2b", cache)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _snapshot(tmp_path / "round2b") == clean and "Traceback" not in done.stderr

    # links planted in the kept site and in the search bundle: never written through, never published
    notes, secret = tmp_path / "notes.txt", tmp_path / "secret"
    notes.write_text("会議の準備メモ（消えてはいけない）", encoding="utf-8")
    secret.mkdir()
    (secret / "draft.html").write_text("非公開の下書き", encoding="utf-8")
    source = next(p for p in sorted(cache.glob("site/*/docs/agendas/*.md")))
    source.unlink()
    source.symlink_to(notes)
    (next(p for p in sorted(cache.glob("pagefind/*")) if p.is_dir()) / "leak").symlink_to(secret)
    done = _build(tmp_path, "links", cache)
    assert done.returncode == 0, done.stdout + done.stderr
    assert notes.read_text(encoding="utf-8") == "会議の準備メモ（消えてはいけない）"
    assert _snapshot(tmp_path / "links") == clean

    # without the cache: the same bytes (no record of the cache's checks reaches an output)
    done = _build(tmp_path, "nocache", "off")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _snapshot(tmp_path / "nocache") == clean

    # round 3: the whole cache from another machine (another key): everything made again, told in a few lines
    done = _build(tmp_path, "round3", cache, "docx", key="elsewhere")
    assert done.returncode == 0, done.stdout + done.stderr
    words = {rel: sha for rel, sha in _snapshot(tmp_path / "round3").items() if rel.endswith(".docx")}
    assert words and words == {rel[len("docx/"):]: sha for rel, sha in clean.items()
                               if rel.startswith("docx/") and rel.endswith(".docx")}
    assert 1 <= done.stderr.count(NOTICE) <= 5 and done.stderr.count("以降の知らせは省きます") <= 1


def test_a_cache_inside_the_site_or_content_is_refused(tmp_path):
    """A cache folder that is also (or inside) an output folder would put fugi's records into the published site."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    env = {key: value for key, value in os.environ.items() if key != "FUGI_CACHE"}
    for place, message in [
        ("site/cache", "site/cache:1: FUGI_CACHE: キャッシュのフォルダが出力先 site/ の中にあります（キャッシュの記録が"
                       "サイトやコンテンツのフォルダに混ざってしまいます） — 環境変数 FUGI_CACHE でコンテンツのフォルダと出力先の外のフォルダを"
                       "指定するか（例: FUGI_CACHE=build/cache）、出力先を変えてください。何も変更していません"),
        ("content/cache", "content/cache:1: FUGI_CACHE: キャッシュのフォルダがコンテンツのフォルダ content/ の中にあります"),
        ("site", "site:1: FUGI_CACHE: キャッシュのフォルダが出力先 site/ と同じです"),
        ("build", "build:1: FUGI_CACHE: キャッシュのフォルダが出力先 build/docx/ を含んでいます"),
    ]:
        done = subprocess.run([sys.executable, str(REPO / "build.py")], cwd=tmp_path, capture_output=True, text=True,
                              env=dict(env, FUGI_CACHE=place, XDG_CONFIG_HOME=str(tmp_path / "config")))
        assert done.returncode == 1, done.stdout + done.stderr
        assert message in done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "site").exists() and not (tmp_path / "build").exists()
        assert not (tmp_path / "content" / "cache").exists()
