"""`build.py serve`: a live preview of the whole archive on 127.0.0.1 that rebuilds what a save changed and reloads the page.

Watching is watchfiles' (a thread that hands the saved paths over); serving and reloading the open tab are
MkDocs' own LiveReloadServer (its long-poll script is added to every page it serves).  Each rebuild loads
only the changed files again (fugi.reload), renders the Word files whose sources changed into
build/preview-docx/, regenerates the pages and lets MkDocs re-render the changed ones (fugi.site.incremental)
in build/preview/ — a folder fugi owns, never the site's.  Content errors are printed as `check` prints them
and shown at the top of every page, over the last good build.
"""
from __future__ import annotations

import functools
import html
import logging
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from .cache import Remembered, open_cache
from .documents import Keys, render_word
from .docx_files import write_bytes_atomic
from .outputs import MARKER, MARKER_TEXT, OutputRefused, display, refusal
from .preview import preview_archive
from .problems import Problems
from .reload import Loader
from .site.build import pagefind_binary
from .site.incremental import build_pages
from .site.pages import TEMPLATES as SITE_TEMPLATES, generate_docs, generate_some
from .render_docx import TEMPLATE_DIR as DOCX_TEMPLATES

PREVIEW = Path("build/preview")
PREVIEW_DOCX = Path("build/preview-docx")
STYLE = ("margin:0 0 1em;padding:.8em 1em;border-left:.3em solid {color};background:{background};"
         "color:#1a1a1a;font-size:.75rem;line-height:1.6")


def own(folder: Path, content: Path) -> Path:
    """A folder the preview may replace: refused like an --out folder unless fugi owns it; marked."""
    reason = refusal(folder, content, "serve")
    if reason:
        problems = Problems()
        problems.error(str(folder), 1, "serve", f"このフォルダには書き出せません: {reason}",
                       "build/ の中の fugi のフォルダを消すか、別のフォルダで実行してください")
        raise OutputRefused(problems)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return folder.resolve()


class Preview:
    """The preview's state: the last good build, the errors of the last failed one, the banners of marked pages."""

    def __init__(self, content: Path, report=print):
        self.content = Path(content).resolve()
        self.report = report
        self.base = own(PREVIEW, self.content)
        self.docx = own(PREVIEW_DOCX, self.content)
        self.site = self.base / "site"
        self.cache = Remembered(open_cache(self.content))
        self.loader = Loader(self.content)
        self.errors: list[str] = []
        self.banners: dict[str, str] = {}
        self.word: dict = {}
        self.indexing = threading.Lock()
        self.shown = lambda: None  # the server's: reload the open pages now (before the rest is rebuilt)

    def rebuild(self) -> bool:
        """Load, check and build what changed; False (the last good pages stay) when the content has errors."""
        start = time.perf_counter()
        first_build = not self.word
        archive, problems, changed = self.loader.load()
        saved = {f"{kind}/{ident}.md" for kind, ident in changed}
        for problem in problems.sorted():  # warnings once, and again only for the files just saved
            if first_build or not problem.warning or any(problem.path.endswith(name) for name in saved):
                self.report(str(problem))
        if problems.errors:
            self.errors = [str(p) for p in problems.sorted() if not p.warning]
            self.report(f"エラー {len(self.errors)} 件。前回のページを表示したままです（エラーはページの先頭にも出ています）。")
            return False
        self.errors = []
        keys = Keys(archive, self.content, "all")
        word = render_word(archive, self.content, self.cache, "all", keys)
        self.cache.forget_unused()
        for (kind, ident), data in sorted(word.items()):
            if self.word.get((kind, ident)) != data:
                target = self.docx / kind / f"{ident}.docx"
                write_bytes_atomic(target, data)
                if self.word:
                    self.report(f"Word → {display(target)[:-1]}")
        for kind, ident in set(self.word) - set(word):
            (self.docx / kind / f"{ident}.docx").unlink(missing_ok=True)
        self.word = word
        view, self.banners = preview_archive(archive)
        files = {"docx": word, "pdf": {}}
        first = affected(changed, keys) if changed and len(changed) < len(word) else set()
        if first:  # the saved documents' pages first, shown at once; then every page (lists, home, data)
            def some(arch, docs, root, _docx, site_url, site_name, stash, files, memo=None):
                generate_some(arch, docs, root, first, stash, files, view=lambda same: same, memo=memo)

            build_pages(view, None, self.content, self.base, files=files, scope="preview", generate=some, partial=True)
            self.report(f"表示しました（{time.perf_counter() - start:.1f} 秒）")
            self.shown()
        generate = functools.partial(generate_docs, view=lambda same: same)
        pages = build_pages(view, None, self.content, self.base, files=files, scope="preview", generate=generate)
        self.report(f"更新しました（{time.perf_counter() - start:.1f} 秒、変わったファイル {len(changed)}、ページ {pages}）")
        threading.Thread(target=self.index, daemon=True).start()
        return True

    def index(self) -> None:
        """The preview's search index, made after the page is back (niced: the next save comes first)."""
        if not self.indexing.acquire(blocking=False):
            return
        try:
            fresh = self.base / "pagefind-new"
            shutil.rmtree(fresh, ignore_errors=True)
            command = [str(pagefind_binary()), "--site", str(self.site), "--output-path", str(fresh),
                       "--force-language", "ja", "--quiet"]
            done = subprocess.run(command, capture_output=True, preexec_fn=lambda: os.nice(10))
            if done.returncode == 0 and (fresh / "pagefind.js").is_file():
                old = self.site / "pagefind"
                shutil.rmtree(old, ignore_errors=True)
                fresh.rename(old)
        finally:
            self.indexing.release()

    def notice(self, path: str) -> str:
        """The HTML put at the top of a served page: the content errors, the page's preview mark."""
        parts = []
        if self.errors:
            lines = "\n".join(html.escape(line) for line in self.errors)
            parts.append(f'<div class="fugi-preview-errors" role="alert" style="{STYLE.format(color="#b00020", background="#fdecea")}">'
                         f"<strong>エラーがあります（このページは前回のビルドのままです）</strong>"
                         f'<pre style="white-space:pre-wrap;margin:.5em 0 0">{lines}</pre></div>')
        banner = self.banners.get(path.lstrip("/"))
        if banner:
            parts.append(f'<div class="fugi-preview-mark" role="note" style="{STYLE.format(color="#b26a00", background="#fff4e0")}">'
                         f"<strong>プレビュー</strong> {html.escape(banner)}</div>")
        return "".join(parts)


def affected(changed: set, keys: Keys) -> set:
    """The saved documents and those whose pages show them: an item's meetings, a meeting's items."""
    found = set(changed)
    for kind, ident in changed:
        if kind == "agendas":
            found |= {("meetings", mt) for mt in keys.naming.get(ident, [])}
        else:
            found |= {("agendas", a) for a in keys.named.get(ident, [])}
    return found


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, adding the preview's notice to every page it serves."""

    def __init__(self, preview: Preview, host: str, port: int):
        self.preview = preview
        self._local = threading.local()
        super().__init__(builder=preview.rebuild, host=host, port=port, root=str(preview.site))
        self._watched_paths = {str(preview.content): 1}  # the reload script is added only while something is watched

    def server_bind(self):
        super().server_bind()
        self.url = f"http://{self.server_address[0]}:{self.server_port}/"
        getattr(self, "on_bound", lambda url: None)(self.url)

    def serve_request(self, environ, start_response):
        self._local.path = environ.get("PATH_INFO", "")
        return super().serve_request(environ, start_response)

    def _inject_js_into_html(self, content, epoch):
        content = super()._inject_js_into_html(content, epoch)
        notice = self.preview.notice(getattr(self._local, "path", "")).encode("utf-8")
        anchor = content.find(b'<article class="md-content__inner')
        start = content.find(b">", anchor) + 1 if anchor >= 0 else content.find(b">", content.find(b"<body")) + 1
        return content[:start] + notice + content[start:] if notice and start > 0 else content

    def show(self) -> None:
        """Let the open pages reload now, while the build goes on (the build loop's own step, done early)."""
        with self._epoch_cond:
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()

    def changed(self, paths) -> None:
        """A save: ask the build loop for a rebuild (what MkDocs' own watcher does)."""
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()


def watch(server: PreviewServer, folders, stop: threading.Event) -> None:
    import watchfiles

    for changes in watchfiles.watch(*folders, stop_event=stop, debounce=1600, step=50, raise_interrupt=False):
        paths = [Path(p) for _, p in changes if not Path(p).name.startswith(".")]
        if paths:
            server.changed(paths)


def serve(content: Path, port: int = 8000, host: str = "127.0.0.1", report=print) -> int:
    """Build the preview, serve it and rebuild on every save until Ctrl+C."""
    # The server's request lines (a 404 while a page asks for the search index not made yet, say) are logged as
    # warnings under "mkdocs"; a strict MkDocs build counts every such warning, from any thread, and would fail
    # when a request lands mid-rebuild.  They go to the terminal by a handler of their own instead.
    server_log = logging.getLogger("mkdocs.livereload")
    server_log.setLevel(logging.WARNING)
    server_log.propagate = False
    if not server_log.handlers:
        server_log.addHandler(logging.StreamHandler())
    preview = Preview(content, report)
    if not preview.rebuild() and not (preview.site / "index.html").is_file():
        preview.site.mkdir(parents=True, exist_ok=True)  # nothing built yet: a page to show the errors on
        (preview.site / "index.html").write_text("<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\">"
                                                 "<title>プレビュー</title><body><h1>プレビュー</h1></body></html>",
                                                 encoding="utf-8")
    server = PreviewServer(preview, host, port)
    preview.shown = server.show
    stop = threading.Event()
    folders = [str(preview.content), str(SITE_TEMPLATES), str(DOCX_TEMPLATES)]
    watcher = threading.Thread(target=watch, args=(server, folders, stop), daemon=True)
    watcher.start()
    server.on_bound = lambda url: report(
        f"プレビュー: {url} （サイトに載せないものも印を付けて表示します。site/ には書きません）\n"
        f"Word 文書: {display(preview.docx)}（保存するたびに、変わったものを作り直します）\n"
        f"{display(preview.content)} と templates/ の保存を見張っています。終わるには Ctrl+C")
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
    return 0
