"""build.py serve: the preview shows drafts and non-public items with a banner, reloads the open tab after a save
with the change on it, regenerates the saved item's Word file, shows content errors at the top of the page as
`check` prints them, keeps the last good page, and never writes site/."""
from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from contents import DRAFT, EDITED, PRIVATE, edit, preview_workspace

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def workspace(tmp_path):
    return preview_workspace(tmp_path)


class Serve:
    """build.py serve --port 0 in a workspace; its output lines are collected as they come."""

    def __init__(self, workspace: Path):
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        self.process = subprocess.Popen([sys.executable, "-u", str(REPO / "build.py"), "serve", "--port", "0"],
                                        cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env=dict(os.environ, PYTHONUNBUFFERED="1"))
        threading.Thread(target=self._read, daemon=True).start()
        self.url = re.search(r"http://127\.0\.0\.1:\d+/", self.wait_for("プレビュー: http")).group(0)

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 120) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.seen)
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} in:\n" + "\n".join(self.seen))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def served(workspace):
    server = Serve(workspace)
    yield workspace, server
    server.stop()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian の chromium がありません（apt-get install chromium）")
def test_save_reloads_the_page_with_the_change_and_errors_show_on_top(served):
    from playwright.sync_api import sync_playwright

    workspace, server = served
    item = workspace / "content" / "agendas" / f"{EDITED}.md"
    word = workspace / "build" / "preview-docx" / "agendas" / f"{EDITED}.docx"
    before = word.read_bytes()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(server.url + f"agendas/{DRAFT}/")
        assert "下書き" in page.locator(".fugi-preview-mark").inner_text()
        page.goto(server.url + f"agendas/{PRIVATE}/")
        assert "非公開" in page.locator(".fugi-preview-mark").inner_text()
        page.goto(server.url + "agendas/")  # a list counts them too, and says so
        assert "サイトに載らないもの（【下書き】・【非公開】の印付き）も含めています" in page.locator(".fugi-preview-mark").inner_text()
        page.goto(server.url + f"agendas/{EDITED}/")
        assert page.locator(".fugi-preview-mark").count() == 0
        page.wait_for_timeout(500)  # the live-reload script is polling

        edit(item, "件名: 地方公共団体", "件名: 保存した地方公共団体")
        # the page may be between two loads (no h1 yet): ?. keeps waiting
        page.wait_for_function("() => document.querySelector('h1')?.textContent.includes('保存した地方公共団体')",
                               timeout=60_000)
        server.wait_for("更新しました")
        assert word.read_bytes() != before

        edit(item, "資料番号: 56", "資料番号: 五十六")
        line = server.wait_for(f"agendas/{EDITED}.md:3:")
        page.wait_for_selector(".fugi-preview-errors", timeout=60_000)
        assert line in page.locator(".fugi-preview-errors").inner_text()
        assert "保存した地方公共団体" in page.locator("h1").inner_text()  # the last good page stays
        check = subprocess.run([sys.executable, str(REPO / "build.py"), "check"], cwd=workspace,
                               capture_output=True, text=True)
        assert line in check.stdout

        edit(item, "資料番号: 五十六", "資料番号: 56")
        page.wait_for_function("() => !document.querySelector('.fugi-preview-errors')", timeout=60_000)
        browser.close()
    assert not (workspace / "site").exists()


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian の chromium がありません（apt-get install chromium）")
def test_every_open_tab_reloads_once_its_own_page_is_rebuilt_and_never_to_a_missing_page(served):
    """The saved item's tab reloads first; the list, home and other tabs when the whole build is over, each with
    the change; no tab is ever served a page that the build has not made yet (MkDocs' bare 404)."""
    from playwright.sync_api import sync_playwright

    workspace, server = served
    item = workspace / "content" / "agendas" / f"{EDITED}.md"
    added = workspace / "content" / "agendas" / "added-item.md"
    served_codes = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tabs = {}
        for path in ("", "agendas/", f"agendas/{EDITED}/", f"agendas/{DRAFT}/", "browse/category/"):
            tab = browser.new_page()
            tab.on("response", lambda r: served_codes.append((r.url, r.status)) if r.request.resource_type == "document" else None)
            tab.goto(server.url + path)
            tabs[path] = tab
        tabs[""].wait_for_timeout(500)  # the live-reload scripts are polling
        for round_ in range(3):
            new_title = f"保存{round_}回目の地方公共団体"
            edit(item, "件名: " + ("地方公共団体" if round_ == 0 else f"保存{round_ - 1}回目の地方公共団体"), "件名: " + new_title)
            for path in ("agendas/", f"agendas/{EDITED}/", "browse/category/"):
                tabs[path].wait_for_function(f"() => document.body?.innerText.includes({new_title!r})", timeout=60_000)
            server.wait_for("更新しました")
        def another(title):  # the saved item under another name, number and title
            text = item.read_text(encoding="utf-8").replace("資料番号: 56", "資料番号: 99").replace("資料56-", "資料99-")
            return text.replace(new_title, title)

        added.write_text(another("追加した付議事項"), encoding="utf-8")
        tabs["agendas/"].wait_for_function("() => document.body?.innerText.includes('追加した付議事項')", timeout=60_000)
        server.wait_for("更新しました")
        tabs[f"agendas/{DRAFT}/"].goto(server.url + "agendas/added-item/")
        added.unlink()  # the page a tab shows is gone: the preview's own 404 page, which reloads when it is back
        gone = tabs[f"agendas/{DRAFT}/"]
        gone.wait_for_function("() => document.querySelector('h1')?.textContent.includes('ページが見つかりません')",
                               timeout=60_000)
        server.wait_for("更新しました")
        gone.wait_for_function("() => [...document.scripts].some(s => s.textContent.includes('livereload('))",
                               timeout=10_000)  # the preview's 404 page reloads too
        added.write_text(another("戻した付議事項"), encoding="utf-8")
        gone.wait_for_function("() => document.body?.innerText.includes('戻した付議事項')", timeout=60_000)
        browser.close()
    missing = [(url, code) for url, code in served_codes if code == 404 and "added-item" not in url]
    assert not missing, missing


def test_a_port_in_use_is_said_at_once_without_a_traceback(workspace):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, str(REPO / "build.py"), "serve", "--port", str(port)], cwd=workspace,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout == (f"--port: ポート {port} はほかのプログラムが使っています（別のプレビューが動いていませんか） — "
                           "別の番号（--port 8001 など）か、--port 0（空いている番号を使います）を指定してください\n")
    assert not (workspace / "build").exists()  # said before anything was made
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "serve", "--port", "99999"], cwd=workspace,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout.startswith("--port: ポート番号 99999 は使えません（0〜65535）")


@pytest.mark.slow
def test_a_word_file_the_clerk_saved_is_never_replaced(workspace, monkeypatch):
    """The clerk opened the preview's Word file and saved it: no later save of the item, no restart of the preview,
    no deleting and restoring of the item replaces or removes it (each time it is said); once the clerk removes
    it, the preview writes it again."""
    from fugi.preview.serve import Preview

    monkeypatch.chdir(workspace)
    lines = []

    def started():
        preview = Preview(workspace / "content", lines.append)
        preview.prepare()
        return preview

    item = workspace / "content" / "agendas" / f"{EDITED}.md"
    word = workspace / "build" / "preview-docx" / "agendas" / f"{EDITED}.docx"
    said = (f"build/preview-docx/agendas/{EDITED}.docx:1: Word: プレビューが書いた後に変更されています（作り直していません） — "
            "変更を残すならプレビューの外へコピーし（文書の中身は content/ の Markdown に書きます）、このファイルを消すと"
            "次の保存で作り直します")
    preview = started()
    try:
        assert preview.rebuild()
        word.write_bytes(word.read_bytes() + b"saved in Word")
        mine = word.read_bytes()
        edit(item, "件名: 地方公共団体", "件名: 保存した地方公共団体")
        assert preview.rebuild()
        assert word.read_bytes() == mine and said in lines
        preview.settle()
        os.close(preview.lock)  # the preview stopped and started again
        preview = started()
        edit(item, "件名: 保存した地方公共団体", "件名: 再び保存した地方公共団体")
        lines.clear()
        assert preview.rebuild()
        assert word.read_bytes() == mine and said in lines
        text = item.read_text(encoding="utf-8")
        item.unlink()  # its item deleted, then restored
        assert preview.rebuild() and word.read_bytes() == mine
        assert any("Word: 元の付議事項のファイルがなくなりましたが、プレビューが書いた後に変更されています（消していません）" in line
                   for line in lines)
        item.write_text(text, encoding="utf-8")
        assert preview.rebuild() and word.read_bytes() == mine
        word.unlink()
        edit(item, "件名: 再び保存した地方公共団体", "件名: もう一度保存した地方公共団体")
        assert preview.rebuild()
        assert word.is_file() and word.read_bytes() != mine
    finally:
        preview.settle()  # the search index made after each build is done before the folder goes


@pytest.mark.slow
def test_a_broken_template_keeps_the_last_good_pages_and_says_where(workspace, monkeypatch):
    import shutil

    from fugi import resources
    from fugi.preview.serve import Preview

    templates = workspace / "templates-site"
    shutil.copytree(resources.SITE_TEMPLATES, templates)
    monkeypatch.setattr(resources, "SITE_TEMPLATES", templates)
    monkeypatch.chdir(workspace)
    lines = []
    preview = Preview(workspace / "content", lines.append)
    preview.prepare()
    agenda = templates / "agenda.md.j2"
    source = agenda.read_text(encoding="utf-8")
    try:
        assert preview.rebuild()
        page = preview.site / "agendas" / EDITED / "index.html"
        good = page.read_bytes()
        agenda.write_text(source.replace("{{ item.status }}", "{% if %}", 1), encoding="utf-8")
        assert not preview.rebuild()
        assert preview.errors and preview.errors[0].startswith("templates/site/agenda.md.j2:")
        assert (preview.site / "agendas" / EDITED / "index.html").read_bytes() == good  # still served
        agenda.write_text(source.replace("{{ item.status }}", "{{ item.status }} TEMPLATE-MARK", 1), encoding="utf-8")
        assert preview.rebuild() and not preview.errors
        assert b"TEMPLATE-MARK" in (preview.site / "agendas" / EDITED / "index.html").read_bytes()
        assert [p.name for p in (preview.base / "sites").iterdir()] == [preview.site.parent.name]  # the old pages gone
    finally:
        preview.settle()


def test_one_preview_at_a_time_in_a_folder(workspace, monkeypatch):
    from fugi.problems import ContentError
    from fugi.preview.serve import Preview

    monkeypatch.chdir(workspace)
    first = Preview(workspace / "content", lambda line: None)
    first.prepare()
    with pytest.raises(ContentError) as raised:
        Preview(workspace / "content", lambda line: None).prepare()
    assert [str(p) for p in raised.value.problems] == [
        "build/preview:1: serve: 別のプレビューがこのフォルダで動いています — そちらを Ctrl+C で止めてから、もう一度実行してください"]
    os.close(first.lock)


def test_what_the_preview_wrote_is_listed_so_a_later_build_there_keeps_the_clerks_files(workspace, monkeypatch):
    """The tester's case: after `serve`, `docx --out build/preview-docx` deleted the clerk's notes and a Word file
    saved in Word, silently; `site --out build/preview` would have done the same to build/preview/."""
    from fugi.preview.serve import Preview

    monkeypatch.chdir(workspace)
    preview = Preview(workspace / "content", lambda line: None)
    preview.prepare()
    try:
        assert preview.rebuild()
    finally:
        preview.settle()
        os.close(preview.lock)
    docx, base = workspace / "build" / "preview-docx", workspace / "build" / "preview"
    (docx / "notes.txt").write_text("会議の準備メモ", encoding="utf-8")
    word = docx / "agendas" / f"{EDITED}.docx"
    word.write_bytes(word.read_bytes() + b"saved in Word")
    (base / "notes.txt").write_text("メモ", encoding="utf-8")
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "docx", "--out", "build/preview-docx"],
                            cwd=workspace, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line.split(": --out:")[0] for line in result.stdout.splitlines()] == [
        f"build/preview-docx/agendas/{EDITED}.docx:1", "build/preview-docx/notes.txt:1"]
    assert (docx / "notes.txt").is_file() and word.read_bytes().endswith(b"saved in Word")
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "site", "--out", "build/preview"],
                            cwd=workspace, capture_output=True, text=True)
    assert result.returncode == 1 and [line.split(": --out:")[0] for line in result.stdout.splitlines()] == [
        "build/preview/notes.txt:1"]
    assert (base / "notes.txt").is_file()
    (docx / "notes.txt").unlink()
    word.unlink()  # what the clerk keeps is moved away: the preview's own files are fugi's, replaced
    assert subprocess.run([sys.executable, str(REPO / "build.py"), "docx", "--out", "build/preview-docx"],
                          cwd=workspace, capture_output=True, text=True).returncode == 0
def test_a_serve_stopped_by_a_busy_port_still_creates_build_cache(workspace):
    """Issue 25: with the default cache folder (build/cache), a serve refused for a port in use made build/cache."""
    import socket

    env = {k: v for k, v in os.environ.items() if k != "FUGI_CACHE"}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = subprocess.run([sys.executable, str(REPO / "build.py"), "serve", "--port", str(taken.getsockname()[1])],
                              cwd=workspace, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1 and "はほかのプログラムが使っています" in done.stdout
    assert not (workspace / "build").exists()


@pytest.mark.slow  # several full builds
def test_serve_partner_lists_ignore_readings_and_a_saved_readings_warning_is_not_printed(workspace, monkeypatch):
    """Issue 25: the preview's partner and department lists were not in the order of vocabulary/readings.yml (the
    preview's archive dropped the readings), and a warning about a readings.yml saved while serving was never
    printed (warnings were said again only for saved items)."""
    from fugi.preview.serve import Preview

    monkeypatch.chdir(workspace)
    readings = workspace / "content" / "vocabulary" / "readings.yml"
    edit(readings, "デジタル庁: でじたるちょう", "デジタル庁: ああ")  # first in 五十音順
    edit(readings, "住宅課: じゅうたくか", "住宅課: ああ")
    lines = []
    preview = Preview(workspace / "content", lines.append)
    preview.prepare()
    try:
        assert preview.rebuild()
        for page, first in (("partner", "デジタル庁"), ("department", "住宅課")):
            html = (preview.site / "browse" / page / "index.html").read_text(encoding="utf-8")
            headings = re.findall(r"<h2[^>]*>([^<]+)", html)
            assert headings[0].strip() == first, (page, headings[:3])
        lines.clear()
        readings.write_text(readings.read_text(encoding="utf-8") + "デジタル 庁: ああ\n", encoding="utf-8")
        assert preview.rebuild()
        assert [line for line in lines if "readings.yml" in line and "[警告]" in line], lines
        edit(readings, "デジタル 庁: ああ\n", "")
        edit(readings, "デジタル庁: ああ", "デジタル庁: でじたるちょう")  # a reading saved while serving
        assert preview.rebuild()
        html = (preview.site / "browse" / "partner" / "index.html").read_text(encoding="utf-8")
        assert re.findall(r"<h2[^>]*>([^<]+)", html)[0].strip() != "デジタル庁"
    finally:
        preview.settle()
        os.close(preview.lock)


def test_a_save_made_while_the_preview_starts_is_never_shown(workspace, monkeypatch):
    """Issue 25: serve started watching only after its first build, so a save made during that build was not
    shown until the next save.  It watches first: the save makes the next build, and the page shows it."""
    from fugi.preview import serve as serving

    monkeypatch.chdir(workspace)
    servers, lines, saved = [], [], threading.Event()
    item = workspace / "content" / "agendas" / f"{EDITED}.md"

    class Captured(serving.PreviewServer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            servers.append(self)

    def report(line):
        lines.append(line)
        if line.startswith("Word:") and not saved.is_set():  # the first build, after it read the files
            edit(item, "件名: ", "件名: 起動中に保存した")
            saved.set()

    monkeypatch.setattr(serving, "PreviewServer", Captured)
    thread = threading.Thread(target=serving.serve, args=(workspace / "content", 0), kwargs={"report": report},
                              daemon=True)
    thread.start()
    page = workspace / "build" / "preview" / "sites"
    try:
        deadline = time.time() + 90
        while time.time() < deadline and sum("更新しました" in line for line in lines) < 2:
            time.sleep(0.2)
        assert saved.is_set() and sum("更新しました" in line for line in lines) >= 2, lines
        (shown,) = [p for p in page.glob(f"*/site/agendas/{EDITED}/index.html")]
        assert "起動中に保存した" in shown.read_text(encoding="utf-8")
    finally:
        if servers:
            servers[0].shutdown()
        thread.join(timeout=30)


def processes_in(folder: Path) -> list:
    """The command lines of running processes that name `folder` (a Pagefind indexing the preview, say)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if str(folder) in line and proc.name.isdigit() and int(proc.name) != os.getpid():
            found.append(line)
    return found


def test_a_terminated_preview_leaves_no_indexer_running_and_no_scratch_folder(workspace):
    """`kill` (SIGTERM) of serve while it made the search index left Pagefind running on its own, writing into
    build/ after serve had gone (and a temporary folder being deleted failed under it).  SIGTERM now ends serve as
    Ctrl+C does: the index being made is finished, its scratch folder removed, nothing left running."""
    server = Serve(workspace)
    edit(workspace / "content" / "agendas" / f"{EDITED}.md", "件名: 地方公共団体", "件名: 止める前の地方公共団体")
    server.wait_for("更新しました")  # the search index is being made now, in the background
    server.process.terminate()
    assert server.process.wait(timeout=60) == 0
    assert processes_in(workspace) == []
    assert sorted(p.name for p in (workspace / "build").rglob("pagefind-new-*")) == []
