"""`build.py serve`: a live preview of the whole archive on 127.0.0.1 that rebuilds what a save changed and reloads the page.

Watching is watchfiles' (a thread that hands the saved paths over); serving and reloading the open tab are
MkDocs' own LiveReloadServer (its long-poll script is added to every page it serves).  Each rebuild loads
only the changed files again (fugi.archive.loader), renders the Word files whose sources changed into
build/preview-docx/, regenerates the pages and lets MkDocs re-render the changed ones (fugi.site.speed.incremental)
in build/preview/ — a folder fugi owns, never the site's.  Content errors are printed as `check` prints them
and shown at the top of every page, over the last good build.
"""
from __future__ import annotations

import errno
import fcntl
import functools
import hashlib
import html
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

from fugi.build.cache import Cache, Remembered, open_cache
from fugi.build.documents import render_word
from fugi.build.keys import Keys
from fugi.word.docx_files import write_bytes_atomic
from fugi.build.outputs import FILES_HEAD, MARKER, MARKER_TEXT, Listing, OutputRefused, display, refusal
from fugi.pipeline import rendering
from fugi.views.preview_marks import preview_archive
from fugi.preview.server import PreviewServer, page_of
from fugi.problems import ContentError, Problems
from fugi.archive.loader import Loader
from fugi.site.mkdocs_site import pagefind_binary
from fugi.site.speed.incremental import build_pages, site_key
from fugi.site.pages import generate_docs, generate_some
from fugi.resources import Templates

PREVIEW = Path("build/preview")
PREVIEW_DOCX = Path("build/preview-docx")
#: A problem's path that names an item's or a meeting's file (not the forms, catalog, vocabulary or readings).
DOCUMENT = re.compile(r"(^|/)(agendas|meetings)/[^/]+\.md$")
RECORD = "word.json"  # in PREVIEW: what the preview wrote into PREVIEW_DOCX
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
    if not (folder / MARKER).is_file():  # its list, once there is something in it: Preview.listed()
        (folder / MARKER).write_text(MARKER_TEXT + FILES_HEAD, encoding="utf-8")
    return folder.resolve()


class Preview:
    """The preview's state: the last good build, the errors of the last failed one, the banners of marked pages."""

    def __init__(self, content: Path, report=print, strict: bool = False):
        self.content = Path(content).resolve()
        self.report = report
        self.base, self.docx = PREVIEW.resolve(), PREVIEW_DOCX.resolve()
        self.site = self.base / "sites" / "start" / "site"  # the pages served: the last good build's (prepare())
        self.search = self.base / "pagefind"  # served at /pagefind/: beside the pages, which a rebuild may replace
        self.cache = Remembered(Cache(None))  # the build cache is opened by prepare(): a refused start makes nothing
        self.loader = Loader(self.content)
        self.templates = Templates.of(self.content)  # the council's templates/ beside content/ over the shipped ones
        self.strict = strict
        self.errors: list[str] = []
        self.banners: dict[str, str] = {}
        self.names: dict = {}  # what the forms call an item and a meeting
        self.record: dict = {}  # what the preview wrote into build/preview-docx: {relative path: SHA-256}
        self.built = False  # a build has succeeded: there are pages (and Word files) to keep showing
        self.indexing = threading.Lock()
        self.indexers: list[threading.Thread] = []  # making the search index of a build (one at a time: self.indexing)
        self.shown = lambda pages: None  # the server's: reload these pages now (before the rest is rebuilt)

    def prepare(self) -> None:
        """Take the preview's folders (refused unless fugi's; one preview at a time); the last session's pages."""
        self.base, self.docx = own(PREVIEW, self.content), own(PREVIEW_DOCX, self.content)
        self.lock = os.open(self.base, os.O_RDONLY)
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            problems = Problems()
            problems.error(display(self.base)[:-1], 1, "serve", "別のプレビューがこのフォルダで動いています",
                           "そちらを Ctrl+C で止めてから、もう一度実行してください")
            raise OutputRefused(problems) from None
        self.cache = Remembered(open_cache(self.content))
        # what the preview wrote, listed in each folder's marker like any output's (a later --out there keeps the rest)
        self.listings = {"base": Listing(self.base, self.cache.root), "docx": Listing(self.docx, self.cache.root)}
        for older in ("docs", "site", "pages", "jinja", *(p.name for p in self.base.glob("pagefind-new*"))):
            # a fugi before per-key folders kept pages here; a stopped preview's unfinished search index
            shutil.rmtree(self.base / older, ignore_errors=True)
        (self.base / "key").unlink(missing_ok=True)
        kept = sorted((p for p in (self.base / "sites").glob("*/site") if (p / "index.html").is_file()),
                      key=lambda p: p.stat().st_mtime)
        if kept:
            self.site = kept[-1]
        try:
            self.record = json.loads((self.base / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.record = {}

    def rebuild(self) -> bool:
        """Load, check and build what changed; False (the last good pages stay) when the content has errors."""
        start = time.perf_counter()
        context = self.loader.context
        archive, problems, changed = self.loader.load()
        if archive.forms is not None:  # the council's own templates are checked like content (an edit is a save)
            from fugi.validate.templates import check_templates

            check_templates(self.templates, archive.forms, self.content, problems, archive)
        saved = {f"{kind}/{ident}.md" for kind, ident in changed}
        shared = self.loader.context != context  # forms, catalog, vocabulary or readings saved: their warnings again
        for problem in problems.sorted():  # warnings once, and again only for the files just saved
            if (not self.built or not problem.warning or any(problem.path.endswith(name) for name in saved)
                    or shared and not DOCUMENT.search(problem.path)):
                self.report(str(problem))
        failed = [p for p in problems.sorted() if not p.warning or self.strict]
        if failed:
            return self.failed([str(p) for p in failed])
        self.errors = []  # before the first pages are shown
        try:
            with rendering(lambda line: None):  # a template that cannot be used: shown like a content error
                pages = self.render(archive, changed, start)
        except ContentError as err:
            for problem in err.problems.sorted():
                self.report(str(problem))
            return self.failed([str(p) for p in err.problems.sorted()])
        if (self.search / "pagefind.js").is_file():
            self.indexers = [one for one in self.indexers if one.is_alive()]
            self.indexers.append(threading.Thread(target=self.index, daemon=True))
            self.indexers[-1].start()
        else:
            self.index()  # none yet: the tabs reload with search working
        self.report(f"更新しました（{time.perf_counter() - start:.1f} 秒、変わったファイル {len(changed)}、ページ {pages}）")
        return True

    def failed(self, errors: list) -> bool:
        self.errors = errors
        kept = "前回のページを表示したままです" if self.built else "直すとページを作ります"
        self.report(f"エラー {len(errors)} 件。{kept}（エラーはページの先頭にも出ています）。")
        return False

    def touched(self, rel: str, gone: bool = False) -> bool:
        """A Word file the clerk changed since the preview wrote it (opened in Word and saved): never replaced or
        removed (across restarts too: what was written is recorded); said whenever a save would have."""
        target, written = self.docx / rel, self.record.get(rel)
        try:
            if written is None or hashlib.sha256(target.read_bytes()).hexdigest() == written:
                return False
        except OSError:
            return False
        what = f"元の{self.names.get(rel.split('/')[0], '')}のファイルがなくなりましたが、" if gone else ""
        self.report(f"{display(target)[:-1]}:1: Word: {what}プレビューが書いた後に変更されています（"
                    f"{'消して' if gone else '作り直して'}いません） — 変更を残すならプレビューの外へコピーし（文書の中身は "
                    "content/ の Markdown に書きます）、このファイルを消すと次の保存で作り直します")
        return True

    def write_word(self, word: dict) -> None:
        """The preview's Word files as they are now: the changed ones written, those of deleted files removed."""
        made = {f"{kind}/{ident}.docx": data for (kind, ident), data in word.items()}
        for rel, data in sorted(made.items()):
            sha = hashlib.sha256(data).hexdigest()
            if self.record.get(rel) == sha and (self.docx / rel).is_file() or self.touched(rel):
                continue
            write_bytes_atomic(self.docx / rel, data)
            self.record[rel] = sha
            if self.built:
                self.report(f"Word → {display(self.docx / rel)[:-1]}")
        for rel in sorted(set(self.record) - set(made)):
            if not self.touched(rel, gone=True):
                if (self.docx / rel).is_file():
                    (self.docx / rel).unlink()
                    self.report(f"Word を消しました（元のファイルがありません）: {display(self.docx / rel)[:-1]}")
                del self.record[rel]
        if not self.built:
            self.report(f"Word: {len(word)} 件 → {display(self.docx)}")
        tmp = self.base / f"{RECORD}.tmp"
        tmp.write_text(json.dumps(self.record, sort_keys=True), encoding="utf-8")
        tmp.replace(self.base / RECORD)
        self.listings["docx"].write(dict(self.record))

    def render(self, archive, changed: set, start: float) -> int:
        """The Word files and pages of a checked archive: the saved documents' pages first (shown at once), then
        every page (lists, home, data); returns how many generated pages changed."""
        keys = Keys(archive, self.content, "all", self.templates)
        word = render_word(archive, self.content, self.cache, keys)
        self.cache.forget_unused()
        self.names = {"agendas": archive.forms.agenda.name, "meetings": archive.forms.meeting.name}  # the forms' words
        self.write_word(word)
        self.built = True
        view, self.banners = preview_archive(archive)
        # the pages of each site key in a folder of their own: a template that fails leaves the last good pages
        key = site_key(view, scope="preview", templates=self.templates)
        base = self.base / "sites" / key
        files = {"docx": word, "pdf": {}}
        first = affected(changed, keys) if changed and len(changed) < len(word) else set()
        pages = 0
        if first:
            def some(arch, docs, root, _docx, site_url, site_name, stash, files, memo=None, templates=None):
                generate_some(arch, docs, root, first, stash, files, view=lambda same: same, memo=memo,
                              templates=templates)

            done = build_pages(view, None, self.content, base, files=files, scope="preview", generate=some,
                               partial=True, key=key, templates=self.templates)
            shown = {f"{kind}/{ident}/" for kind, ident in first if (kind, ident) in word}  # not a deleted one's
            pages += done or 0
            if done is not None and shown:  # None: nothing was kept to add them to (the full build below makes all)
                self.report(f"表示しました（{time.perf_counter() - start:.1f} 秒）")
                self.shown(shown)
        generate = functools.partial(generate_docs, view=lambda same: same)
        pages += build_pages(view, None, self.content, base, files=files, scope="preview", generate=generate, key=key,
                             templates=self.templates)
        self.site = base / "site"
        for other in (self.base / "sites").iterdir():
            if other != base:
                shutil.rmtree(other, ignore_errors=True)
        self.listed()
        return pages

    def listed(self) -> None:
        """List what the preview wrote into build/preview/ in its marker: its pages, search index and record."""
        files = {RECORD: None}
        for folder in ("sites", "pagefind"):
            for top, _, names in os.walk(self.base / folder):
                rel = Path(top).relative_to(self.base).as_posix()
                files.update((f"{rel}/{name}", None) for name in names)
        self.listings["base"].write(files)

    def settle(self) -> None:
        """Wait until the search index of the last build is made (and an earlier one still being made)."""
        for indexer in list(self.indexers):
            indexer.join()

    def index(self) -> None:
        """The preview's search index, made after the page is back (niced: the next save comes first)."""
        if not self.indexing.acquire(blocking=False):
            return
        fresh = self.base / f"pagefind-new-{os.getpid()}"
        try:
            shutil.rmtree(fresh, ignore_errors=True)
            command = [str(pagefind_binary()), "--site", str(self.site), "--output-path", str(fresh),
                       "--force-language", "ja", "--quiet"]
            done = subprocess.run(command, capture_output=True, preexec_fn=lambda: os.nice(10))
            if done.returncode == 0 and (fresh / "pagefind.js").is_file():
                shutil.rmtree(self.search, ignore_errors=True)
                fresh.rename(self.search)
                self.listed()
        except OSError:
            pass  # the pages changed under Pagefind, say: the index made after the next save replaces this one
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
            self.indexing.release()

    def notice(self, path: str) -> str:
        """The HTML put at the top of a served page: the content errors, the page's preview mark."""
        parts = []
        if self.errors:
            lines = "\n".join(html.escape(line) for line in self.errors)
            parts.append(f'<div class="fugi-preview-errors" role="alert" style="{STYLE.format(color="#b00020", background="#fdecea")}">'
                         f"<strong>エラーがあります（{'このページは前回のビルドのままです' if self.built else '直すとページを作ります'}）</strong>"
                         f'<pre style="white-space:pre-wrap;margin:.5em 0 0">{lines}</pre></div>')
        page = page_of(path)
        document = re.fullmatch(r"(agendas|meetings)/[^/]+/", page)  # an item's or a meeting's own page: its own mark
        banner = self.banners.get(page) if document else self.banners.get("*")
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


def watch(server: PreviewServer, folders, stop: threading.Event, ready: threading.Event | None = None) -> None:
    """Ask the server for a rebuild on every save.  `ready` is set once the folders are watched (the watcher
    reports in within WATCH_TICK ms of starting): the first build waits for it, so a save made while the
    preview starts is seen."""
    import watchfiles

    for changes in watchfiles.watch(*folders, stop_event=stop, debounce=1600, step=50, raise_interrupt=False,
                                    rust_timeout=WATCH_TICK, yield_on_timeout=True):
        if ready is not None:
            ready.set()
        paths = [Path(p) for _, p in changes if not Path(p).name.startswith(".")]
        if paths:
            server.changed(paths)


#: How often (ms) the watcher reports in when nothing changed (the first report says it is watching).
WATCH_TICK = 200


def serve(content: Path, port: int = 8000, host: str = "127.0.0.1", report=print, strict: bool = False) -> int:
    """Take the port, build the preview, serve it and rebuild on every save until Ctrl+C."""
    # The server's request lines ("GET /favicon.ico" code 404 …) are MkDocs' warnings, in English, of no use to a
    # clerk; a strict MkDocs build would also count them, from any thread.  Only its errors reach the terminal.
    server_log = logging.getLogger("mkdocs.livereload")
    server_log.setLevel(logging.ERROR)
    server_log.propagate = False
    if not server_log.handlers:
        server_log.addHandler(logging.StreamHandler())
    preview = Preview(content, report, strict)
    try:
        server = PreviewServer(preview, host, port)  # before anything is made: a port in use is said at once
    except (OSError, OverflowError) as err:
        report(port_problem(port, err))
        return 1
    try:
        preview.prepare()
    except BaseException:
        server.server_close()
        raise
    stop, ready = threading.Event(), threading.Event()
    folders = [str(preview.content), *(str(folder) for folder in preview.templates.watched())]
    watcher = threading.Thread(target=watch, args=(server, folders, stop, ready), daemon=True)
    watcher.start()  # before the first build: a save made while it runs makes the next build (serve() starts it)
    ready.wait(timeout=10)
    if not preview.rebuild() and not (preview.site / "index.html").is_file():
        preview.site.mkdir(parents=True, exist_ok=True)  # nothing built yet: a page to show the errors on
        (preview.site / "index.html").write_text("<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\">"
                                                 "<title>プレビュー</title><body><h1>プレビュー</h1></body></html>",
                                                 encoding="utf-8")
    preview.shown = server.show
    report(f"プレビュー: {server.url} （サイトに載せないものも印を付けて表示します。site/ には書きません）\n"
           f"ページ: {display(preview.base)}、Word 文書: {display(preview.docx)}（保存するたびに、変わったものを作り直します）\n"
           f"{display(preview.content)} と templates/ の保存を見張っています。終わるには Ctrl+C")
    terminate = stop_on_terminate()
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        if terminate is not None:
            signal.signal(signal.SIGTERM, terminate)
        stop.set()
        server.shutdown()
        watcher.join(timeout=10)  # nothing of the preview's is left running when serve returns
        preview.settle()
    return 0


def stop_on_terminate():
    """SIGTERM (`kill`, a task runner or an editor stopping the preview) ends it as Ctrl+C does: the search index
    being made is finished and its scratch folder removed, so no Pagefind is left writing into build/.  Returns the
    handler it replaced (None off the main thread, where a handler cannot be set)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def port_problem(port: int, err: Exception) -> str:
    """Why the port cannot be served on, as `--port: what — how`."""
    how = "別の番号（--port 8001 など）か、--port 0（空いている番号を使います）を指定してください"
    if isinstance(err, OverflowError) or not 0 <= port <= 65535:
        return f"--port: ポート番号 {port} は使えません（0〜65535） — {how}"
    if getattr(err, "errno", None) == errno.EADDRINUSE:
        return f"--port: ポート {port} はほかのプログラムが使っています（別のプレビューが動いていませんか） — {how}"
    if getattr(err, "errno", None) == errno.EACCES:
        return f"--port: ポート {port} を使う権限がありません（1024 未満の番号は管理者だけが使えます） — {how}"
    return f"--port: ポート {port} で待ち受けられません（{os.strerror(err.errno) if getattr(err, 'errno', None) else err}） — {how}"
