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
