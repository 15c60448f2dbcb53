"""The command line: problems printed all at once, exit 1, no traceback, nothing written on failure."""
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def run(*args, cwd=REPO):
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True, text=True)


def broken_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    for name in ("broken-yaml.md", "not-utf8.md", "impossible-date.md"):
        shutil.copy(FIXTURES / "mistakes" / name, content / "agendas" / name)
    return content


def test_check_passes_on_the_archive():
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: 付議事項 4 件、会議概要 1 件、標準のチェックリスト 3 種" in result.stdout


def test_the_stock_archive_passes_strict():
    """Wording that differs from the catalog on purpose is marked 原本どおり: no warning, so CI can use --strict."""
    result = run("check", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[警告]" not in result.stdout


def test_strict_turns_drift_warnings_into_errors(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    path = content / "agendas" / "nyuji-tsuen-shien.md"
    path.write_text(path.read_text(encoding="utf-8").replace("適用する。, 原本どおり: true}", "適用する。}"), encoding="utf-8")
    result = run("check", "--strict", "--content", str(content), cwd=tmp_path)
    assert result.returncode == 1
    assert "content/agendas/nyuji-tsuen-shien.md:40: チェックリスト.外部結合.区.システム上の対策.5: [警告] 標準の文言と違います" in result.stdout
    assert "Traceback" not in result.stderr


def test_errors_are_reported_together_without_traceback(tmp_path):
    result = run("check", "--content", str(broken_content(tmp_path)), cwd=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "[警告]" not in line]
    assert [line.split(":")[0] for line in lines] == [
        "content/agendas/broken-yaml.md", "content/agendas/impossible-date.md", "content/agendas/not-utf8.md"]
    assert "Traceback" not in result.stderr
    assert "何も書き出していません" in result.stderr


def test_odd_md_names_are_reported_twice_alike_without_traceback_or_hang(tmp_path):
    """An editor's lock `.#x.md` (a dangling link), a FIFO and a folder named *.md: check (and check again, with its
    outcome in the cache) reports the FIFO and the folder at line 1, ignores the lock, and never opens the FIFO."""
    import os

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    (content / "agendas" / ".#kyoju-support-system.md").symlink_to("clerk@host.4242:1700000000")
    os.mkfifo(content / "agendas" / "pipe.md")
    (content / "meetings" / "old.md").mkdir()
    for _ in range(2):
        result = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--content", str(content)], cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stdout.splitlines() == [
            "content/agendas/pipe.md:1: ファイル: ふつうのファイルではありません（名前付きパイプや装置など） — "
            "文書はエディタでふつうのテキストファイルとして保存してください",
            "content/meetings/old.md:1: ファイル: ファイルではなくフォルダです — フォルダの名前を「.md」で終わらない名前に変えてください"]


def test_failed_build_leaves_previous_output(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.docx").write_bytes(b"earlier build")
    result = run("docx", "--content", str(broken_content(tmp_path)), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 1
    assert [p.name for p in out.iterdir()] == ["previous.docx"]
    assert (out / "previous.docx").read_bytes() == b"earlier build"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out-")]


def test_missing_content_folder_is_a_problem_not_a_crash(tmp_path):
    result = run("check", "--content", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 1 and "コンテンツのフォルダがありません" in result.stdout


def test_out_on_a_command_that_writes_nowhere_is_refused_not_ignored(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    result = run("new", "agenda", "x1", "-c", "外部結合", "--out", "elsewhere", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout == ("elsewhere:1: --out: new には書き出し先がありません（ひな形はコンテンツのフォルダの中"
                             "（agendas/・meetings/）に作ります。別の会議のアーカイブなら --content DIR） — "
                             "--out を外して、もう一度実行してください\n")
    assert not (tmp_path / "content" / "agendas" / "x1.md").exists() and not (tmp_path / "elsewhere").exists()
    for command in ("check", "review", "serve"):
        result = run(command, "--out", "elsewhere", cwd=tmp_path)
        assert result.returncode == 1 and f"elsewhere:1: --out: {command} には書き出し先がありません" in result.stdout


def test_options_after_the_subcommand_are_refused():
    """Issue 25: `build.py site --no-pdf` stopped with `unrecognized arguments`: an option is accepted before and
    after every subcommand it applies to, with the same meaning."""
    from fugi.cli import parser

    for options in (["--no-pdf"], ["--docx-out", "w"], ["--strict"], ["--content", "x"], ["--out", "o"]):
        after = vars(parser([]).parse_args(["site", *options]))
        before = vars(parser([]).parse_args([*options, "site"]))
        assert after == before, options
    assert parser([]).parse_args(["site", "--no-pdf"]).no_pdf is True
    assert parser([]).parse_args(["site"]).no_pdf is False
    assert parser([]).parse_args(["site", "--docx-out", "w"]).docx_out == Path("w")


def test_traceback_reaches_the_user(tmp_path, monkeypatch, capsys):
    """Issue 25: an unexpected error is one line (`fugi の内部エラー: …`) naming the file under build/ that holds the
    full trace; the exit status is not 0 and no traceback is printed."""
    from fugi import cli
    from fugi import pipeline

    def broken(*args, **kwargs):
        raise AttributeError("module 'fugi.views.printed' has no attribute 'UNKNOWN'")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pipeline, "check", broken)
    status = cli.main(["check"])
    out, err = capsys.readouterr()
    assert status not in (0, 1) and out == ""
    assert err.splitlines() == [
        "fugi の内部エラー: AttributeError: module 'fugi.views.printed' has no attribute 'UNKNOWN' — fugi の不具合です。"
        "実行したコマンドと build/fugi-error.log を開発者に送ってください（書いたものの誤りではありません。コンテンツのフォルダには何も書いていません）"]
    log = (tmp_path / "build" / "fugi-error.log").read_text(encoding="utf-8")
    assert log.startswith("build.py check\n") and "Traceback (most recent call last)" in log and "def broken" not in err
    assert "in broken" in log


def test_ctrl_c_prints_a_traceback(monkeypatch, capsys):
    """Ctrl+C during a build is one line, exit 130, no traceback."""
    from fugi import cli
    from fugi import pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "check", interrupted)
    assert cli.main(["check"]) == 130
    out, err = capsys.readouterr()
    assert out == "" and err == "中断しました（出力は前のままです）\n"


def test_the_help_names_the_command_as_it_was_typed(monkeypatch):
    """A trial found `fugi --help` said `usage: build.py …` for the installed command."""
    from fugi.cli import parser

    monkeypatch.setattr(sys, "argv", ["/venv/bin/fugi", "--help"])
    assert parser().format_usage().startswith("usage: fugi ")
    monkeypatch.setattr(sys, "argv", ["build.py", "--help"])
    assert parser().format_usage().startswith("usage: build.py ")
