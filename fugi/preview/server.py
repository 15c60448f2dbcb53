"""The preview's web server: MkDocs' live-reload server, reloading each open tab once its own page is rebuilt."""
from __future__ import annotations

import os
import posixpath
import re
import sys
import threading
import urllib.parse

from mkdocs.livereload import LiveReloadServer

from fugi.problems import internal_error


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, adding the preview's notice to every page it serves, reloading each open tab once
    its own page is rebuilt, and never serving a page in the middle of a rebuild.

    MkDocs reloads every tab when the build is over.  fugi shows the saved documents' pages first: their tabs
    reload then (show()), the other tabs at the end of the build; until then their pages wait, as in MkDocs."""

    def __init__(self, preview, host: str, port: int):  # preview: fugi.preview.serve.Preview
        self.preview = preview
        self._local = threading.local()
        self._early: set = set()  # pages made anew before the rest: served and reloaded before the build ends
        self._early_epoch = 0
        self._tabs: dict = {}  # the live-reload script's request id -> the page it was served with
        super().__init__(builder=self.build, host=host, port=port, root=str(preview.site))
        self._watched_paths = {str(preview.content): 1}  # the reload script is added only while something is watched
        self.error_handler = self.not_found
        try:  # at once (MkDocs binds when it starts serving): a port in use is said before the preview is built
            self.server_bind()
            self.server_activate()
        except BaseException:
            self.server_close()
            raise
        self.url = f"http://{self.server_address[0]}:{self.server_port}/"

    def serve(self):
        """Serve (bound already) and rebuild on every save; watching is fugi's watcher's, not MkDocs' observer."""
        self.serve_thread.start()
        self._build_loop()

    def serve_request(self, environ, start_response):
        if not self.addressed_to_me(environ.get("HTTP_HOST", "")):
            start_response("421 Misdirected Request", [("Content-Type", "text/html; charset=utf-8"),
                                                       ("Content-Length", str(len(MISDIRECTED)))])
            return [MISDIRECTED]
        self._local.path = environ.get("PATH_INFO", "")
        return super().serve_request(environ, start_response)

    def addressed_to_me(self, host: str) -> bool:
        """The request names this machine's loopback and the preview's port (Host: 127.0.0.1:8000, localhost:8000,
        [::1]:8000): a page of another site that has its name pointed at 127.0.0.1 (DNS rebinding) names itself,
        and is refused, so that it cannot read the drafts."""
        name, colon, port = host.strip().lower().rpartition(":")
        if not colon or "]" in port:  # no port: never the preview's (it is not on port 80)
            return False
        return name in LOOPBACK and port == str(self.server_port)

    def _serve_request(self, environ, start_response):
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        poll = re.fullmatch(r"/livereload/([0-9]+)/([0-9]+)", path)
        if poll:
            return self._poll(int(poll[1]), self._tabs.get(int(poll[2]), ""), start_response)
        page = page_of(path)
        asset = not (path.endswith("/") or path.endswith(".html"))

        def servable():  # a page being rebuilt waits for the build; one shown early (and the files it uses) does not
            return self._visible_epoch == self._wanted_epoch or bool(self._early) and (asset or page in self._early)

        with self._epoch_cond:
            self._epoch_cond.wait_for(servable)
            epoch = self._wanted_epoch if page in self._early else self._visible_epoch
        root = self.preview.search if path.startswith("/pagefind/") else self.preview.site
        rel = path[len("/pagefind/"):] if path.startswith("/pagefind/") else path.lstrip("/")
        rel = posixpath.normpath("/" + rel + ("index.html" if path.endswith("/") else "")).lstrip("/")
        file = os.path.join(root, rel)
        if not os.path.isfile(file):
            if not path.endswith("/") and os.path.isfile(os.path.join(file, "index.html")):
                start_response("302 Found", [("Location", urllib.parse.quote(path) + "/")])
                return []
            return None  # the preview's own page not found (error_handler)
        if file.endswith(".html"):
            with open(file, "rb") as handle:
                data = self._inject_js_into_html(handle.read(), epoch)
        else:
            with open(file, "rb") as handle:
                data = handle.read()
        start_response("200 OK", [("Content-Type", self._guess_type(file)), ("Content-Length", str(len(data)))])
        return [data]

    def _poll(self, epoch: int, page: str, start_response):
        """A tab asking whether to reload: yes once its page is newer than the one it shows."""
        def newer():
            return self._visible_epoch > epoch or (page in self._early and self._early_epoch > epoch)

        start_response("200 OK", [("Content-Type", "text/plain")])
        with self._epoch_cond:
            if not newer():
                self._epoch_cond.wait_for(newer, timeout=self.poll_response_timeout)
            return [b"%d" % max(self._visible_epoch, self._early_epoch if page in self._early else 0)]

    def not_found(self, code: int) -> bytes:
        """A page that is not (yet) there: the site's own 404 page, with the errors and the reload script."""
        page = self.preview.site / "404.html"
        body = page.read_bytes() if page.is_file() else (
            "<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\"><title>ページがありません</title>"
            "<body><h1>ページがありません</h1></body></html>").encode("utf-8")
        with self._epoch_cond:
            epoch = self._visible_epoch
        return self._inject_js_into_html(body, epoch)

    def _inject_js_into_html(self, content, epoch):
        content = super()._inject_js_into_html(content, epoch)
        tab = re.search(rb"livereload\([0-9]+, ([0-9]+)\)", content)
        if tab:
            if len(self._tabs) > 10_000:
                self._tabs.clear()
            self._tabs[int(tab[1])] = page_of(getattr(self._local, "path", ""))
        notice = self.preview.notice(getattr(self._local, "path", "")).encode("utf-8")
        anchor = content.find(b'<article class="md-content__inner')
        start = content.find(b">", anchor) + 1 if anchor >= 0 else content.find(b">", content.find(b"<body")) + 1
        return content[:start] + notice + content[start:] if notice and start > 0 else content

    def build(self) -> None:
        """One rebuild (the build loop's); afterwards every page is served as it is now, and MkDocs reloads the
        tabs not reloaded yet.  A fault of fugi's own is shown like an error, never leaves the server stuck."""
        try:
            self.preview.rebuild()
        except Exception as err:  # noqa: BLE001 - a bug: one line in the terminal and on the page, the preview goes on
            line = internal_error(err, ["serve"])
            print(line, file=sys.stderr, flush=True)
            self.preview.errors = [line]
        with self._epoch_cond:
            self._early = set()

    def show(self, pages: set) -> None:
        """Let the tabs of these pages reload now, while the build goes on."""
        with self._epoch_cond:
            self._early, self._early_epoch = set(pages), self._wanted_epoch
            self._epoch_cond.notify_all()

    def changed(self, paths) -> None:
        """A save: ask the build loop for a rebuild (what MkDocs' own watcher does)."""
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()


#: The names a request to the preview may be addressed to (the Host header, without the port).
LOOPBACK = frozenset({"127.0.0.1", "localhost", "[::1]"})
#: The answer to any other: short, and in the clerk's language.
MISDIRECTED = ("<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\"><title>表示できません</title><body>"
               "<h1>表示できません</h1><p>fugi のプレビューは、このコンピューターの http://127.0.0.1:（ポート番号）/ "
               "からだけ見られます。</p></body></html>").encode("utf-8")


def page_of(path: str) -> str:
    """The page a request is for, as the banners name them: /agendas/x/ and /agendas/x/index.html -> agendas/x/."""
    path = path.lstrip("/")
    return path[:-len("index.html")] if path.endswith("index.html") else path
