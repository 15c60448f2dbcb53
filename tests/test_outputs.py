"""Output folders: fugi refuses folders it does not own, replaces its own whole or not at all, and leaves no debris."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fugi.build.cache import SEAL, seal, unseal
from fugi.build.outputs import FILES_HEAD, MARKER, MARKER_TEXT, Outputs, record_of, recover, writing
from fugi.build.reuse import Reuse, record_path

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
    ("schema", "--out", "content"),
    ("schema", "--out", "notes"),
    ("schema", "--out", "."),
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
    marker = (workspace / "out" / MARKER).read_text(encoding="utf-8")
    assert marker.startswith(MARKER_TEXT) and f"\tagendas/aircon-josei.docx\n" in marker
    (workspace / "content" / "agendas" / "aircon-josei.md").unlink()  # a file fugi wrote, no longer made
    (workspace / "out" / ".DS_Store").write_bytes(b"Finder")  # an operating system's litter
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    assert not (workspace / "out" / "agendas" / "aircon-josei.docx").exists()
    assert not (workspace / "out" / ".DS_Store").exists()
    assert sorted(p.name for p in workspace.iterdir()) == ["content", "notes", "out"]


def test_a_clerks_files_in_fugis_folder_stop_the_build_and_are_kept(workspace):
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    out = workspace / "out"
    (out / "agendas" / "shiryo27-original.docx").write_bytes(b"a form filled by hand")
    edited = out / "agendas" / "aircon-josei.docx"
    edited.write_bytes(edited.read_bytes() + b"saved from Word")
    (out / "meetings" / "~$2025-05.docx").write_bytes(b"Word's lock")
    before = snapshot(workspace)
    result = run("docx", "--out", "out", cwd=workspace)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        "out/agendas/aircon-josei.docx:1: --out: fugi が書いた後に変更されたか、置き直されています（作り直すと変更が消えてしまいます） — "
        "変更を残すなら出力先の外へコピーし（文書の中身は content/ の Markdown に書きます）、要らなければ消してから、"
        "もう一度実行してください。何も変更していません",
        "out/agendas/shiryo27-original.docx:1: --out: fugi が書いたファイルではありません（作り直すと消えてしまいます） — "
        "残すなら fugi の出力先の外へ移し、要らなければ消してから、もう一度実行してください。何も変更していません",
        "out/meetings/~$2025-05.docx:1: --out: Word か LibreOffice で開いている文書があります（このファイルはその印です） — "
        "文書を閉じてから、もう一度実行してください。閉じても残っているなら、この印のファイルを消してください。何も変更していません",
    ]
    assert snapshot(workspace) == before


def test_a_file_saved_again_with_the_same_size_and_time_counts_as_changed(workspace):
    """Bytes decide, not the size or the time: a document saved again at the same size, its time set back."""
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    edited = workspace / "out" / "agendas" / "aircon-josei.docx"
    st = edited.stat()
    data = edited.read_bytes()
    edited.write_bytes(data[:-4] + b"WORD")
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))
    result = run("docx", "--out", "out", cwd=workspace)
    assert result.returncode == 1 and "aircon-josei.docx:1: --out: fugi が書いた後に変更されたか、置き直されています" in result.stdout
    assert edited.read_bytes().endswith(b"WORD")


def test_a_file_touched_but_unchanged_is_still_fugis(workspace):
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    later = (workspace / "out" / MARKER).stat().st_mtime + 5
    os.utime(workspace / "out" / "agendas" / "aircon-josei.docx", (later, later))  # opened and closed: same bytes
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0


def forget_record(out: Path) -> None:
    """The cache deleted: fugi's own record of what it wrote into `out` gone."""
    name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:20] + ".json"
    (Path(os.environ["FUGI_CACHE"]) / "outputs" / name).unlink()


def added_by_hand(out: Path, rel: str, size: int) -> None:
    """What the tester did: a line for the clerk's file appended to the marker's list, in its format."""
    marker = out / MARKER
    marker.write_text(marker.read_text(encoding="utf-8") + f"{'0' * 64}\t{size}\t{rel}\n{size}\t{rel}\n", encoding="utf-8")


@pytest.mark.parametrize("cache", ["kept", "deleted"])
def test_a_line_added_to_the_marker_by_hand_does_not_make_a_clerks_file_fugis(workspace, cache):
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    notes = workspace / "out" / "notes.txt"
    notes.write_text("会議の準備メモ", encoding="utf-8")
    old = (workspace / "out" / MARKER).stat().st_mtime - 5
    os.utime(notes, (old, old))  # older than the marker, as a file fugi wrote would be
    added_by_hand(workspace / "out", "notes.txt", notes.stat().st_size)
    if cache == "deleted":
        forget_record(workspace / "out")
    result = run("docx", "--out", "out", cwd=workspace)
    assert result.returncode == 1, result.stdout
    if cache == "kept":  # the record does not list it: not fugi's
        assert result.stdout.splitlines() == [
            "out/notes.txt:1: --out: fugi が書いたファイルではありません（作り直すと消えてしまいます） — "
            "残すなら fugi の出力先の外へ移し、要らなければ消してから、もう一度実行してください。何も変更していません"]
    else:  # only the marker's list: its bytes are not those listed
        assert result.stdout.splitlines() == [
            "out/notes.txt:1: --out: fugi が書いた後に変更されたか、置き直されています（作り直すと変更が消えてしまいます） — "
            "変更を残すなら出力先の外へコピーし（文書の中身は content/ の Markdown に書きます）、要らなければ消してから、"
            "もう一度実行してください。何も変更していません"]
    assert notes.read_text(encoding="utf-8") == "会議の準備メモ"


def test_the_record_decides_over_the_markers_list(workspace):
    """A path fugi's record does not list is the clerk's, even when the marker lists it with the right hash."""
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    notes = workspace / "out" / "notes.txt"
    notes.write_bytes(b"memo")
    marker = workspace / "out" / MARKER
    marker.write_text(marker.read_text(encoding="utf-8") + f"{hashlib.sha256(b'memo').hexdigest()}\t4\tnotes.txt\n",
                      encoding="utf-8")
    result = run("docx", "--out", "out", cwd=workspace)
    assert result.returncode == 1 and "out/notes.txt:1: --out: fugi が書いたファイルではありません" in result.stdout
    assert notes.read_bytes() == b"memo"


def test_a_build_without_the_cache_leaves_no_record_to_contradict_its_output(workspace):
    """A record describes one output: after a build with the cache off, the next cached build does not take the
    files that build added for a clerk's."""
    def build(cache: str):
        env = {k: v for k, v in os.environ.items() if k != "FUGI_CACHE"}
        if cache:
            env["FUGI_CACHE"] = cache
        return subprocess.run([sys.executable, str(REPO / "build.py"), "docx", "--out", "out"], cwd=workspace,
                              capture_output=True, text=True, env=env)

    item = workspace / "content" / "agendas" / "aircon-josei.md"
    text = item.read_text(encoding="utf-8")
    item.unlink()
    assert build("").returncode == 0  # the cache in build/cache records an output without the item
    item.write_text(text, encoding="utf-8")
    assert build("off").returncode == 0  # its Word file added, no record kept
    result = build("")
    assert result.returncode == 0, result.stdout
    assert (workspace / "out" / "agendas" / "aircon-josei.docx").is_file()


def test_without_the_cache_the_markers_hashes_decide(workspace):
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    forget_record(workspace / "out")
    (workspace / "content" / "agendas" / "aircon-josei.md").unlink()  # a file fugi wrote, no longer made
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    assert not (workspace / "out" / "agendas" / "aircon-josei.docx").exists()


def record_file(out: Path) -> Path:
    """fugi's own record of what it wrote into `out` (in the build cache the tests share)."""
    return Path(os.environ["FUGI_CACHE"]) / "outputs" / (hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:20]
                                                         + ".json")


def record_data(out: Path) -> dict:
    """The record's data, whether it is sealed (signed) or, as in an older fugi, plain JSON."""
    stored = record_file(out).read_bytes()
    if stored.startswith(SEAL):
        stored = stored[len(SEAL) + 32:]
    return json.loads(stored)


BAD_NOTICE = "キャッシュ: この項目は壊れているか、別のマシンで作られたものです — 使わずに消して作り直します"


@pytest.mark.parametrize("how", ["plain JSON", "another machine's key"])
def test_a_record_edited_by_hand_does_not_make_a_clerks_file_fugis(workspace, how):
    """The tester's attack: the clerk's notes.txt added to fugi's record with its real hash.  The record is signed;
    one whose signature does not verify is no record (the marker's hashes decide), with the cache's notice."""
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    notes = workspace / "out" / "notes.txt"
    notes.write_text("会議の準備メモ", encoding="utf-8")
    record = record_data(workspace / "out")
    record["notes.txt"] = [hashlib.sha256(notes.read_bytes()).hexdigest(), 0, 0, 0, 0]
    data = json.dumps(record, sort_keys=True).encode("utf-8")
    record_file(workspace / "out").write_bytes(data if how == "plain JSON" else seal(data, b"k" * 32))
    result = run("docx", "--out", "out", cwd=workspace)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "out/notes.txt:1: --out: fugi が書いたファイルではありません（作り直すと消えてしまいます） — "
        "残すなら fugi の出力先の外へ移し、要らなければ消してから、もう一度実行してください。何も変更していません"]
    assert f"{record_file(workspace / 'out')}: {BAD_NOTICE}" in result.stderr.splitlines()[0]
    assert notes.read_text(encoding="utf-8") == "会議の準備メモ"
    assert not record_file(workspace / "out").exists()  # dropped: the next build does not tell it again
    again = run("docx", "--out", "out", cwd=workspace)
    assert again.returncode == 1 and BAD_NOTICE not in again.stderr


def test_the_record_fugi_writes_is_signed_and_read_back(workspace):
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    stored = record_file(workspace / "out").read_bytes()
    assert stored.startswith(SEAL) and unseal(stored) is not None
    assert record_of(workspace / "out") == record_data(workspace / "out")
    assert "agendas/aircon-josei.docx" in record_of(workspace / "out")


MALFORMED = {
    "a list": [1, 2, 3],
    "a string": "str",
    "null": None,
    "rows not as written": "rows",  # every file of the output given ["x", "y", null, {}, 1]
    "a short row": "short",  # every file of the output given [its SHA-256]
    "a hash that is not hex": "nothex",
    "a boolean for a number": "bool",
}


def _malformed(kind, record: dict):
    shape = MALFORMED[kind]
    rows = {"rows": lambda sha: ["x", "y", None, {}, 1], "short": lambda sha: [sha],
            "nothex": lambda sha: ["z" * 64, 1, 2, 3, 4], "bool": lambda sha: [sha, True, 2, 3, 4]}
    if isinstance(shape, str) and shape in rows:
        return {rel: rows[shape](entry[0]) for rel, entry in record.items()}
    return shape


@pytest.mark.parametrize("sealed", [False, True], ids=["plain", "sealed"])
@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_record_is_dropped_with_the_notice_and_the_markers_hashes_decide(workspace, kind, sealed):
    """The issue's reproduction: the record overwritten with each bad form, then a build.  Sealed with the real key
    (as if fugi had written it) its shape is checked too: never a traceback, never fugi's own files disowned."""
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    data = json.dumps(_malformed(kind, record_data(workspace / "out"))).encode("utf-8")
    record_file(workspace / "out").write_bytes(seal(data) if sealed else data)
    result = run("docx", "--out", "out", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "内部エラー" not in result.stdout + result.stderr
    assert BAD_NOTICE in result.stderr
    assert "fugi が書いたファイルではありません" not in result.stdout
    assert record_of(workspace / "out") == record_data(workspace / "out")  # a good record written again


def test_record_of_returns_no_record_for_a_malformed_one(tmp_path, monkeypatch):
    from fugi.build.reuse import write_record

    monkeypatch.setenv("FUGI_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "out"
    good = {"a.docx": ["0" * 64, 1, 2, 3, 4]}
    write_record(record_path(out.resolve(), tmp_path / "cache"), good)
    assert record_of(out) == good
    for bad in ([1, 2, 3], "str", {"a.docx": ["x", "y", None, {}, 1]}, {"a.docx": ["0" * 64, 1, 2, 3]},
                {"a.docx": ["0" * 64, 1.5, 2, 3, 4]}, {"": ["0" * 64, 1, 2, 3, 4]}):
        record_path(out.resolve(), tmp_path / "cache").write_bytes(seal(json.dumps(bad).encode("utf-8")))
        assert record_of(out) is None, bad
        assert Reuse(out, tmp_path / "cache").known == {}


def test_a_new_folder_with_only_an_operating_systems_litter_counts_as_empty(workspace):
    (workspace / "out").mkdir()
    (workspace / "out" / ".DS_Store").write_bytes(b"Finder")
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0


def test_a_folder_without_the_marker_is_refused_even_if_it_looks_like_fugis(workspace):
    """Word files under agendas/ are what a clerk keeps too: only the marker says a folder is fugi's."""
    mine = workspace / "build" / "docx" / "agendas"
    mine.mkdir(parents=True)
    (mine / "aircon-josei.docx").write_bytes(b"the clerk's own")
    before = snapshot(workspace)
    result = run("docx", cwd=workspace)
    assert result.returncode == 1 and "fugi が作ったフォルダではありません" in result.stdout
    assert snapshot(workspace) == before


def test_the_marker_of_an_older_fugi_without_the_list_still_vouches_for_its_folder(workspace):
    old = workspace / "out"
    (old / "agendas").mkdir(parents=True)
    (old / "agendas" / "gone.docx").write_bytes(b"older fugi")
    (old / MARKER).write_text("このフォルダは fugi が作った出力です。\n", encoding="utf-8")
    earlier = (old / MARKER).stat().st_mtime - 5
    os.utime(old / "agendas" / "gone.docx", (earlier, earlier))  # written before the marker
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    assert not (old / "agendas" / "gone.docx").exists() and FILES_HEAD in (old / MARKER).read_text(encoding="utf-8")


def test_a_marker_without_the_list_does_not_vouch_for_what_changed_after_it(workspace):
    """What a preview of an older fugi left: its marker written first, a Word file saved later."""
    old = workspace / "out"
    old.mkdir()
    (old / MARKER).write_text("このフォルダは fugi が作った出力です。\n", encoding="utf-8")
    later = (old / MARKER).stat().st_mtime + 5
    (old / "edited.docx").write_bytes(b"saved from Word")
    os.utime(old / "edited.docx", (later, later))
    result = run("docx", "--out", "out", cwd=workspace)
    assert result.returncode == 1 and "out/edited.docx:1: --out: fugi が書いたファイルではありません" in result.stdout
    assert (old / "edited.docx").read_bytes() == b"saved from Word"


def test_links_and_empty_folders_in_an_output_are_the_clerks_and_named_as_links(workspace):
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    out = workspace / "out"
    (out / "to-notes").symlink_to(workspace / "notes")  # a link to a folder
    (out / "agendas" / "memo.txt").symlink_to(workspace / "notes" / "notes.txt")  # a link to a file
    (out / "drafts").mkdir()  # an empty folder
    before = snapshot(workspace)
    result = run("docx", "--out", "out", cwd=workspace)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    link = ("fugi が作ったものではないシンボリックリンクです（作り直すと消えてしまいます） — このリンクを fugi の出力先の外へ"
            "移してから、もう一度実行してください（リンク先はそのままです）。何も変更していません")
    assert result.stdout.splitlines() == [
        f"out/agendas/memo.txt:1: --out: {link}",
        "out/drafts:1: --out: fugi が作ったものではない空のフォルダです（作り直すと消えてしまいます） — "
        "残すなら fugi の出力先の外へ移してから、もう一度実行してください。何も変更していません",
        f"out/to-notes:1: --out: {link}",
    ]
    assert "notes.txt" not in result.stdout  # the link is named, never its target
    assert snapshot(workspace) == before and (out / "drafts").is_dir() and (out / "to-notes").is_symlink()
    for path in (out / "to-notes", out / "agendas" / "memo.txt", out / "drafts"):
        path.unlink() if path.is_symlink() else path.rmdir()
    for word in (out / "meetings").iterdir():
        word.unlink()  # a folder fugi made, emptied by the clerk: nothing in it to lose
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0


def test_a_read_only_folder_in_the_output_stops_the_build_and_leaves_no_hidden_copy(workspace):
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    locked = workspace / "out" / "agendas"
    locked.chmod(0o555)
    try:
        result = run("docx", "--out", "out", cwd=workspace)
        assert result.returncode == 1
        assert result.stdout.splitlines() == [
            "out/agendas:1: --out: 書き込みできないフォルダです（作り直すときに消せません） — このフォルダに書き込みの"
            "権限を戻して（例: chmod u+w）、もう一度実行してください。何も変更していません"]
    finally:
        locked.chmod(0o755)
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    assert sorted(p.name for p in workspace.iterdir()) == ["content", "notes", "out"]


def test_a_previous_outputs_copy_left_read_only_is_removed_by_the_next_build(workspace):
    """What a fugi that ignored errors left: a hidden full copy of an old output with a read-only folder in it."""
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    stale = workspace / ".out.fugi-old-999999999"
    shutil.copytree(workspace / "out", stale)
    (stale / "agendas").chmod(0o555)
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    assert not stale.exists()


def test_a_leftover_fugi_cannot_remove_is_said_at_every_build(workspace):
    """Nothing hidden stays silently: a copy of an old output fugi cannot remove (here a file made immutable, which
    even root cannot remove) is named, and the build goes on."""
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0
    stale = workspace / ".out.fugi-old-999999999"
    shutil.copytree(workspace / "out", stale)
    stuck = stale / "agendas" / "aircon-josei.docx"
    if subprocess.run(["chattr", "+i", str(stuck)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        result = run("docx", "--out", "out", cwd=workspace)
        assert result.returncode == 0
        assert (".out.fugi-old-999999999/agendas/aircon-josei.docx:1: --out: fugi の古いフォルダを消せませんでした"
                in result.stdout), result.stdout
        assert "権限を確かめて、.out.fugi-old-999999999/ を消してください（fugi が作り直す前の出力や作業用のもので、" in result.stdout
    finally:
        subprocess.run(["chattr", "-i", str(stuck)])
    assert run("docx", "--out", "out", cwd=workspace).returncode == 0 and not stale.exists()


def test_an_out_name_too_long_for_the_disk_is_a_message(workspace):
    result = run("docx", "--out", "a" * 300, cwd=workspace)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines() == [
        f"{'a' * 300}:1: --out: このフォルダには書き出せません: フォルダの名前が長すぎます（300 バイト。200 バイトまで） — "
        "fugi 専用の出力先（まだないフォルダか空のフォルダ。例: site/、build/docx/）を指定してください。何も変更していません"]
    deep = "/".join(["b" * 150] * 30)
    result = run("docx", "--out", deep, cwd=workspace)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "--out: このフォルダには書き出せません: フォルダのパスが長すぎます（" in result.stdout
    assert sorted(p.name for p in workspace.iterdir()) == ["content", "notes"]


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


@pytest.mark.slow
def test_a_killed_build_leaves_the_previous_output_and_the_next_build_cleans_up(workspace):
    assert run("--out", "out", cwd=workspace).returncode == 0
    def outputs():  # every file byte-identical, Pagefind's index included (fugi.site.speed.search_index)
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


def test_what_a_killed_build_left_running_is_stopped_before_its_work_folder_goes(tmp_path):
    """Only the build was killed: the LibreOffice it started still writes in the work folder; the next build
    stops it, then removes the folder whole."""
    target = tmp_path / "out"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    work = tmp_path / f".out.fugi-work-{int(dead.stdout)}"  # a pid that has ended
    (work / "pdfs" / "profile").mkdir(parents=True)
    orphan = subprocess.Popen([sys.executable, "-c",
                               "import sys, time, pathlib\n"
                               "while True: pathlib.Path(sys.argv[1], str(time.time())).touch(); time.sleep(0.01)",
                               str(work / "pdfs" / "profile")])
    try:
        time.sleep(0.3)
        recover(target)
        assert orphan.wait(timeout=10) == -signal.SIGKILL
        assert not work.exists()
    finally:
        orphan.kill()


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



def test_a_failed_build_leaves_no_folder_it_made(workspace):
    """`--out out/new` on content with an error: the folders made for the outputs (out/new) are removed again,
    a folder that was there before (out) and the clerk's files in it stay."""
    shutil.copy(FIXTURES / "mistakes" / "impossible-date.md", workspace / "content" / "agendas")
    (workspace / "out").mkdir()
    (workspace / "out" / "memo.txt").write_text("メモ", encoding="utf-8")
    for args in (("--out", "out/new/deeper"), ("--out", "out/new", "--no-pdf"), ("docx", "--out", "out/new/docx"),
                 ("site", "--out", "out/new/a/site"), ("site", "--out", "out/new/site", "--docx-out", "out/new/w/docx")):
        result = run(*args, cwd=workspace)
        assert result.returncode == 1 and "何も書き出していません" in result.stderr, (args, result.stderr)
        assert sorted(p.name for p in (workspace / "out").iterdir()) == ["memo.txt"], args

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
