"""Output folders: fugi refuses folders it does not own, replaces its own whole or not at all, and leaves no debris."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fugi.outputs import MARKER, Outputs, Reuse, writing

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def run(*args, cwd):
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True, text=True)


def snapshot(folder: Path) -> dict:
    """{relative path: sha1} of every file under folder (symlinks by their target)."""
    result = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            result[rel] = "->" + os.readlink(path)
        elif path.is_file():
            result[rel] = hashlib.sha1(path.read_bytes()).hexdigest()
    return result


@pytest.fixture
def workspace(tmp_path):
    """A copy of the repository's content/ with a clerk's uncommitted notes beside it."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.txt").write_text("会議の準備メモ（消えてはいけない）", encoding="utf-8")
    return tmp_path


REFUSED = [
    ("docx", "--out", "content"),
    ("docx", "--out", "content/agendas"),
    ("docx", "--out", "notes"),
    ("docx", "--out", "."),
    ("docx", "--out", ".."),
    ("docx", "--out", "content/README.md"),
    ("site", "--out", "content"),
    ("site", "--out", "notes"),
    ("pdf", "--out", "content/checklists"),
]


@pytest.mark.parametrize("command, option, target", REFUSED, ids=[f"{c} {o} {t}" for c, o, t in REFUSED])
def test_a_folder_fugi_does_not_own_is_refused_and_untouched(workspace, command, option, target):
    before = snapshot(workspace)
    result = run(command, "--content", "content", option, target, cwd=workspace)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "このフォルダには書き出せません" in result.stdout and "Traceback" not in result.stderr
    assert snapshot(workspace) == before


def test_the_current_folder_as_an_absolute_path_is_refused(workspace):
    before = snapshot(workspace)
    here = workspace / "notes"
    result = run("docx", "--content", str(workspace / "content"), "--out", str(here), cwd=here)
    assert result.returncode == 1 and "今いるフォルダ" in result.stdout
    assert snapshot(workspace) == before


def test_the_default_command_with_out_refuses_the_content_folder_too(workspace):
    (workspace / "content" / "site").mkdir()
    before = snapshot(workspace)
    result = run("--out", "content", cwd=workspace)
    assert result.returncode == 1 and "コンテンツのフォルダ" in result.stdout
    assert snapshot(workspace) == before


def test_a_wrong_content_folder_is_an_error_and_the_previous_output_stays(workspace):
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    before = snapshot(workspace / "out")
    result = run("docx", "--content", "content/agendas", "--out", "out", cwd=workspace)
    assert result.returncode == 1
    assert "content/agendas:1: --content: コンテンツのフォルダではありません（agendas/・meetings/ がありません）" in result.stdout
    assert snapshot(workspace / "out") == before


def test_fugis_own_folder_is_replaced_whole_and_marked(workspace):
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    assert (workspace / "out" / MARKER).is_file()
    (workspace / "out" / "agendas" / "stale.docx").write_bytes(b"from an older build")
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    assert not (workspace / "out" / "agendas" / "stale.docx").exists()
    assert sorted(p.name for p in workspace.iterdir()) == ["content", "notes", "out"]


def test_output_of_an_older_fugi_without_the_marker_is_taken_over(workspace):
    legacy = workspace / "build" / "docx" / "agendas"
    legacy.mkdir(parents=True)
    (legacy / "aircon-josei.docx").write_bytes(b"older fugi")
    (legacy / "aircon-josei.pdf").write_bytes(b"older fugi")
    result = run("docx", cwd=workspace)
    assert result.returncode == 0, result.stdout
    assert (workspace / "build" / "docx" / MARKER).is_file()


def test_default_command_out_puts_word_and_site_under_it_and_says_where(workspace):
    result = run("--out", "public", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (workspace / "public" / "docx" / "agendas" / "aircon-josei.docx").is_file()
    assert (workspace / "public" / "site" / "index.html").is_file()
    assert "→ public/docx/" in result.stdout and "→ public/site/" in result.stdout


def test_relative_out_from_outside_the_repository(workspace):
    elsewhere = workspace / "elsewhere"
    elsewhere.mkdir()
    result = run("site", "--content", "../content", "--out", "../public-site", cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (workspace / "public-site" / "pagefind" / "pagefind.js").is_file()
    assert not [p for p in REPO.iterdir() if p.name.startswith(".") and "fugi-" in p.name]
    assert sorted(p.name for p in workspace.iterdir()) == ["content", "elsewhere", "notes", "public-site"]


def test_global_options_before_or_after_the_subcommand(workspace):
    for args in (("--strict", "check"), ("check", "--strict")):
        assert run(*args, cwd=workspace).returncode == 0, args  # the stock content has no warning
    drift = workspace / "content" / "agendas" / "nyuji-tsuen-shien.md"  # a wording drift not marked 原本どおり
    drift.write_text(drift.read_text(encoding="utf-8").replace("適用する。, 原本どおり: true}", "適用する。}"), encoding="utf-8")
    for args in (("--strict", "check"), ("check", "--strict")):
        result = run(*args, cwd=workspace)
        assert result.returncode == 1 and "[警告]" in result.stdout, args
    for args in (("--out", "a", "docx"), ("docx", "--out", "a")):
        assert run(*args, cwd=workspace).returncode == 0
        assert (workspace / "a" / "agendas" / "aircon-josei.docx").is_file()


def test_an_unwritable_output_is_a_message_not_a_traceback(workspace):
    if os.geteuid() == 0:
        # root writes anywhere: make the parent a file instead, which nobody can write into
        (workspace / "blocked").write_text("x")
        target = "blocked/out"
    else:
        (workspace / "locked").mkdir(mode=0o500)
        target = "locked/out"
    result = run("docx", "--out", target, cwd=workspace)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--out:" in result.stdout


def test_a_killed_build_leaves_the_previous_output_and_the_next_build_cleans_up(workspace):
    assert run("--out", "out", cwd=workspace).returncode == 0
    def outputs():  # every file byte-identical, Pagefind's index included (fugi.site.search_index)
        return {name: snapshot(workspace / "out" / name) for name in ("docx", "site")}

    before = outputs()
    # without the build cache the pages are rendered into the staging folder (with it, an unchanged build is
    # over in a moment: too soon to be caught in the middle)
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--out", "out"], cwd=workspace,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=dict(os.environ, FUGI_CACHE="off"))
    deadline = time.time() + 60
    while time.time() < deadline and process.poll() is None:  # kill it while the site is built in its staging folder
        staging = list((workspace / "out").glob(".site.fugi-staging-*"))
        if staging and any(staging[0].rglob("*.html")):
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert outputs() == before
    assert [p.name for p in (workspace / "out").iterdir() if "fugi-staging" in p.name]  # killed mid-build
    assert run("--out", "out", cwd=workspace).returncode == 0
    assert sorted(p.name for p in (workspace / "out").iterdir()) == ["docx", "site"]
    assert outputs() == before  # the same content gives the same bytes


def test_two_builds_into_the_same_output_at_once(workspace):
    processes = [subprocess.Popen([sys.executable, str(REPO / "build.py"), "docx", "--out", "out"], cwd=workspace,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(), p.stdout.read() + p.stderr.read()) for p in processes]
    assert all(code == 0 for code, _ in results), results
    assert not [p.name for p in workspace.iterdir() if "fugi-" in p.name]
    assert (workspace / "out" / "agendas" / "aircon-josei.docx").is_file()


def test_a_failed_build_changes_neither_output(workspace):
    assert run("--out", "out", cwd=workspace).returncode == 0
    before = snapshot(workspace / "out")
    shutil.copy(FIXTURES / "mistakes" / "impossible-date.md", workspace / "content" / "agendas")
    result = run("--out", "out", cwd=workspace)
    assert result.returncode == 1
    assert snapshot(workspace / "out") == before
    assert not [p.name for p in (workspace / "out").iterdir() if "fugi-" in p.name]


# ---------------------------------------------------------------------------
# Reuse: files the current output holds as they are to be are linked into the new one, never trusted blindly


def _swap(target: Path, cache: Path, files: dict) -> Reuse:
    """One build of `target` holding `files` ({relative path: bytes}), through Outputs as the pipeline does."""
    outputs = Outputs({"docx": target})
    staged = outputs.stage("docx")
    reuse = outputs.reuse("docx", cache)
    for rel, data in files.items():
        (staged / rel).parent.mkdir(parents=True, exist_ok=True)
        reuse.write(staged, rel, data)
    outputs.commit()
    return reuse


def test_an_unchanged_file_is_linked_and_a_changed_or_touched_one_written(tmp_path):
    target, cache = tmp_path / "out", tmp_path / "cache"
    files = {"agendas/a.docx": b"A" * 100, "agendas/b.docx": b"B" * 100, "agendas/c.docx": b"C" * 100}
    assert _swap(target, cache, files).linked == 0  # nothing recorded yet
    inode = {rel: (target / rel).stat().st_ino for rel in files}
    (target / "agendas/c.docx").write_bytes(b"c" * 100)  # a clerk edited it in place: same size, same inode
    again = _swap(target, cache, {**files, "agendas/b.docx": b"b" * 100})
    assert again.linked == 1
    assert (target / "agendas/a.docx").stat().st_ino == inode["agendas/a.docx"]  # linked: the very file
    assert {rel: (target / rel).read_bytes() for rel in files} == {**files, "agendas/b.docx": b"b" * 100}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out"]  # no staging or old folder left


def test_without_a_cache_every_file_is_written(tmp_path):
    target = tmp_path / "out"
    files = {"agendas/a.docx": b"A" * 10}
    _swap(target, None, files)
    assert _swap(target, None, files).linked == 0
    assert (target / "agendas/a.docx").read_bytes() == b"A" * 10


def test_a_failed_build_after_linking_leaves_the_previous_output_as_it_was(tmp_path):
    target, cache = tmp_path / "out", tmp_path / "cache"
    files = {"agendas/a.docx": b"A" * 10}
    _swap(target, cache, files)
    _swap(target, cache, files)
    with pytest.raises(RuntimeError):
        with writing({"docx": target}, tmp_path / "content", report=lambda line: None) as outputs:
            staged = outputs.stage("docx")
            (staged / "agendas").mkdir()
            reuse = outputs.reuse("docx", cache)
            reuse.write(staged, "agendas/a.docx", files["agendas/a.docx"])
            assert reuse.linked == 1
            raise RuntimeError("the build fails after the link")
    assert (target / "agendas/a.docx").read_bytes() == b"A" * 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out"]
