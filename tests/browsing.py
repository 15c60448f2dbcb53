"""Serving a built site on 127.0.0.1 and opening it in Debian's Chromium (never a downloaded browser), for the
accessibility, phone and print tests; also axe-core from node_modules (installed by ./test.sh with npm ci)."""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SMALL_PHONE = {"width": 360, "height": 740}

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which("chromium"),
                                    reason="Debian の chromium がありません（apt-get install chromium）")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    """A static server for directory on a free port; call .shutdown() when done."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site as a URL path relative to the root ("", "agendas/x/", "404.html")."""
    paths = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(("pagefind/", "assets/")):
            continue
        paths.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return paths


def run_axe(page) -> list[dict]:
    """axe-core's violations (WCAG 2.0/2.1 A and AA) of the page as it is now."""
    if not AXE.is_file():
        raise AssertionError(f"{AXE} がありません。./test.sh（npm ci）で axe-core を入れてください")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS)
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    """The violations as lines a person can act on: rule, impact, help, then each element and why."""
    lines = []
    for v in violations:
        lines.append(f"[{v['id']}] ({v.get('impact')}) {v['help']} — {v.get('helpUrl', '')}")
        for node in v["nodes"]:
            snippet = " ".join(node.get("html", "").split())[:160]
            lines.append(f"    {' '.join(map(str, node['target']))}")
            lines.append(f"        {snippet}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"        {summary[:400]}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Fixtures shared by the browser tests (import them into a test module to use them)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base():
    """content/ as it is, built like `python build.py`, served on 127.0.0.1: its address."""
    import sitebuild

    server = serve(sitebuild.archive_site())
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
