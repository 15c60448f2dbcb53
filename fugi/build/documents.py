"""Word and PDF files of an archive: keyed by what they are made from, taken from the cache when unchanged,
rendered in parallel processes when not.

A document's key covers its own file, every meeting file that names it (its meeting, decision and
history come from there) and the files of the items those meetings name, the files under content/ that
are not items or meetings (forms, checklists, images), the Word templates, fugi's code and the view
(all documents, or the public view).  That is more than a document strictly reads, never less: an edit
redoes the edited item, its meetings and their other items, and nothing else.  A PDF's key is the hash
of its Word file's bytes, so an unchanged Word file never starts LibreOffice again.
"""
from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from fugi import model as m
from fugi.build.cache import Cache, code_digest, context_digest, digest, file_digest, value_bytes
from fugi.source.files import AGENDA_DIR, MEETING_DIR
from fugi.views.flow import flow_graph
from fugi.views.printed import agenda_view, meeting_view
from fugi.word.flow_picture import engine_id, pictures
from fugi.word.render_docx import TemplateProblem, agenda_docx, fail, meeting_docx, template_path

#: Fewer misses than this are rendered in the build's own process (starting workers costs more).
POOL_THRESHOLD = 24


def jobs() -> int:
    """Worker processes: the cores this process may use (FUGI_JOBS overrides)."""
    setting = os.environ.get("FUGI_JOBS", "")
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class Keys:
    """The cache key of every Word file of an archive (see the module's docstring for what a key covers)."""

    def __init__(self, archive: m.Archive, content_root: Path, scope: str):
        root = Path(content_root)
        templates = [template_path(form).read_bytes() for form in (archive.forms.agenda, archive.forms.meeting)]
        self.base = digest(code_digest(), templates, context_digest(root), scope, engine_id())
        agendas, meetings = os.path.join(root, AGENDA_DIR), os.path.join(root, MEETING_DIR)
        self.sources = {("agendas", a.id): file_digest(f"{agendas}/{a.id}.md") for a in archive.agendas}
        self.sources |= {("meetings", mt.id): file_digest(f"{meetings}/{mt.id}.md") for mt in archive.meetings}
        self.named = {mt.id: sorted({i.agenda_id for i in mt.items if i.agenda_id}) for mt in archive.meetings}
        self.naming = defaultdict(list)
        self._parts: dict = {}
        for mt in sorted(archive.meetings, key=lambda one: one.id):
            for agenda_id in self.named[mt.id]:
                self.naming[agenda_id].append(mt.id)

    def _meeting_part(self, meeting_id: str) -> str:
        """A meeting's file and the files of the items it names (every item of the meeting shares it: made once)."""
        part = self._parts.get(meeting_id)
        if part is None:
            part = self._parts[meeting_id] = digest(meeting_id, self.sources[("meetings", meeting_id)],
                                                    [(a, self.sources.get(("agendas", a), "")) for a in self.named[meeting_id]])
        return part

    def agenda(self, agenda_id: str) -> str:
        return digest(self.base, "agenda", agenda_id, self.sources[("agendas", agenda_id)],
                      [self._meeting_part(mt) for mt in self.naming.get(agenda_id, [])])

    def meeting(self, meeting_id: str) -> str:
        return digest(self.base, "meeting", self._meeting_part(meeting_id))

    def of(self, kind: str, ident: str) -> str:
        return self.agenda(ident) if kind == "agendas" else self.meeting(ident)


# ---------------------------------------------------------------------------
# Word

_JOB: dict = {}  # what forked workers render from: set before the pool starts, inherited by fork


def _render(kind: str, ident: str):
    """(the .docx bytes of one document, or (template path, message) when its template cannot be used; the key of
    what it prints, or None).  A document whose sources changed but whose view did not (an item of the edited
    item's meeting) takes the bytes the cache holds under that key."""
    archive, content_root, cache = _JOB["archive"], _JOB["content_root"], _JOB["cache"]
    document = _JOB[kind][ident]
    shown = printed(kind, document, archive.forms)
    key = None
    if cache.enabled:
        data = value_bytes(shown)
        key = digest(_JOB["base"], "printed", (kind, ident), data) if data is not None else None
        found = cache.get("docx-view", key) if key is not None else None
        if found is not None:
            return found, key
    try:
        if kind == "agendas":
            return agenda_docx(document, archive.forms, content_root, shown[0]), key
        return meeting_docx(document, archive.forms, shown[0]), key
    except TemplateProblem as err:
        form = archive.forms.agenda if kind == "agendas" else archive.forms.meeting
        return (str(template_path(form)), str(err)), key


def printed(kind: str, document, forms) -> tuple:
    """Everything a Word file is made from besides the template: the view, and the date of its core properties."""
    if kind == "agendas":
        return agenda_view(document, forms), document.meeting.date if document.meeting else None
    return meeting_view(document, forms), document.date, document.council


def render_word(archive: m.Archive, content_root: Path, cache: Cache, scope: str, keys: Keys | None = None,
                workers: int | None = None, same_as: tuple | None = None) -> dict:
    """{(kind, id): .docx bytes} for every agenda item and meeting of `archive`; unchanged ones from the cache.

    `keys` are made from the archive as checked (all documents) even when `archive` is its public view.
    same_as=(other archive, its Word files): a document that prints exactly as in the other archive (the same
    view; most of the public view is) takes its bytes instead of being rendered again."""
    keys = keys or Keys(archive, content_root, scope)
    wanted = [("agendas", a.id) for a in sorted(archive.agendas, key=lambda a: a.id)]
    wanted += [("meetings", mt.id) for mt in sorted(archive.meetings, key=lambda mt: mt.id)]
    result, missing = {}, []
    for doc in wanted:
        data = cache.get("docx", keys.of(*doc))
        if data is None:
            missing.append(doc)
        else:
            result[doc] = data
    reused = []
    if same_as is not None and missing:
        other, other_word = same_as
        mine, theirs = documents_by_id(archive), documents_by_id(other)
        reused = [doc for doc in missing if doc in other_word and doc in theirs
                  and printed(doc[0], mine[doc], archive.forms) == printed(doc[0], theirs[doc], other.forms)]
        result.update((doc, other_word[doc]) for doc in reused)
        missing = [doc for doc in missing if doc not in result]
    by_id = {a.id: a for a in archive.agendas}
    drawn = [by_id[ident] for kind, ident in missing if kind == "agendas" and by_id[ident].data_flow is not None
             and not by_id[ident].data_flow.image]
    if drawn:  # the flow drawings of the items to render, made by one `dot` run (forked workers inherit them)
        pictures([flow_graph(a, archive.forms) for a in drawn], "png", content_root)
    _JOB.update(archive=archive, content_root=Path(content_root), cache=cache, base=keys.base,
                agendas={a.id: a for a in archive.agendas}, meetings={mt.id: mt for mt in archive.meetings})
    try:
        workers = min(workers or jobs(), len(missing))
        if workers > 1 and len(missing) >= POOL_THRESHOLD:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                made = list(pool.map(_render, *zip(*missing), chunksize=max(1, len(missing) // (workers * 8))))
        else:
            made = [_render(*doc) for doc in missing]
    finally:
        _JOB.clear()
    printing = {}  # doc -> the key of what it prints
    for doc, (data, key) in zip(missing, made):
        if isinstance(data, tuple):
            path, message = data
            fail(_display(path), message, "テンプレートを Word で開き、タグ（{{ }} や {%p %}）とスタイル名を確かめてください。"
                 "元に戻すには git で前の版を取り出してください")
        result[doc] = data
        if key is not None:
            printing[doc] = key
    for doc in [*reused, *missing]:
        cache.put("docx", keys.of(*doc), result[doc])
        if doc in printing:
            cache.put("docx-view", printing[doc], result[doc])
    return {doc: result[doc] for doc in wanted}


def documents_by_id(archive: m.Archive) -> dict:
    """{(kind, id): agenda item or meeting}."""
    return {**{("agendas", a.id): a for a in archive.agendas}, **{("meetings", mt.id): mt for mt in archive.meetings}}


# ---------------------------------------------------------------------------
# PDF


def pdf_digest() -> str:
    """What a PDF depends on besides its Word file: LibreOffice, the font map and fugi's PDF code."""
    from fugi.word import pdf

    soffice = pdf.soffice_path()
    real = os.path.realpath(soffice) if soffice else ""
    stamp = os.stat(real).st_mtime_ns if real else 0
    return digest(real, stamp, pdf.FONTS_CONF.read_bytes(), Path(pdf.__file__).read_bytes())


def render_pdfs(word: dict, cache: Cache, work: Path | None = None, workers: int | None = None) -> dict:
    """{(kind, id): PDF bytes} for {(kind, id): .docx bytes}; each missing one converted by LibreOffice,
    in `workers` runs at once (each with its own profile).  Raises pdf.PdfError."""
    from fugi.word.pdf import convert, normalize_pdf

    base = pdf_digest()
    keys = {doc: digest(base, data) for doc, data in word.items()}
    result = {doc: cache.get("pdf", key) for doc, key in keys.items()}
    missing = sorted(doc for doc, data in result.items() if data is None)
    if missing:
        if work is not None:
            Path(work).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="fugi-pdfs-", dir=work) as scratch:
            files = {}
            for kind, ident in missing:
                path = Path(scratch) / kind / f"{ident}.docx"
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(word[(kind, ident)])
                files[(kind, ident)] = path
            count = max(1, min(workers or jobs(), len(missing)))
            batches = [missing[i::count] for i in range(count)]
            with ThreadPoolExecutor(count) as pool:  # each batch is one soffice process
                list(pool.map(lambda batch: convert([files[d] for d in batch], work=scratch), batches))
            for doc in missing:
                data = normalize_pdf(files[doc].with_suffix(".pdf").read_bytes(), word[doc])
                cache.put("pdf", keys[doc], data)
                result[doc] = data
    return result


def current_pdfs(word: dict, cache: Cache, previous: Path | None = None) -> dict:
    """{(kind, id): PDF bytes} of the PDFs already made of these very Word files, none converted (`--no-pdf`: the
    PDF of an unchanged Word file is still current): from the cache, else the PDF beside an identical Word file in
    `previous` (the output folder being replaced: kind/id.docx and kind/id.pdf)."""
    base = pdf_digest()
    found = {}
    for doc, data in word.items():
        kept = cache.get("pdf", digest(base, data))
        if kept is None and previous is not None:
            kind, ident = doc
            made, pdf = Path(previous) / kind / f"{ident}.docx", Path(previous) / kind / f"{ident}.pdf"
            try:
                if made.read_bytes() == data:
                    kept = pdf.read_bytes()
            except OSError:
                kept = None
        if kept is not None:
            found[doc] = kept
    return found


# ---------------------------------------------------------------------------
# The clerks' folder (build/docx)


def write_documents(archive: m.Archive, out_dir: Path, content_root: Path, pdf: bool = False,
                    work: Path | None = None, cache: Cache | None = None, keys: Keys | None = None,
                    word: dict | None = None, reuse=None, kept_pdfs: dict | None = None) -> list[Path]:
    """Write agendas/<id>.docx for every agenda item and meetings/<id>.docx for every meeting (and PDFs).
    reuse (fugi.build.reuse.Reuse): links in the files of the output being replaced that stay the same.
    kept_pdfs: without pdf, the PDFs still current (current_pdfs()) written beside their Word files."""
    out_dir, cache = Path(out_dir), cache or Cache(None)
    if pdf:
        from fugi.word.pdf import soffice_path

        if soffice_path() is None:
            fail("build.py pdf", "PDF を作るには LibreOffice（soffice）が必要ですが、見つかりません",
                 "LibreOffice を入れてください（Debian: sudo apt-get install libreoffice-writer-nogui fonts-ipaexfont）。"
                 "Word 文書だけなら `python build.py docx` を使ってください")
    word = word if word is not None else render_word(archive, content_root, cache, "all", keys)
    written = write_files(out_dir, word, ".docx", reuse)
    if kept_pdfs and not pdf:
        written += write_files(out_dir, kept_pdfs, ".pdf", reuse)
    if pdf:
        from fugi.word.pdf import PdfError

        try:
            written += write_files(out_dir, render_pdfs(word, cache, work), ".pdf", reuse)
        except PdfError as err:
            fail("build.py pdf", str(err), "LibreOffice の出力を確かめてください。Word 文書は作れています")
    return written


def write_files(out_dir: Path, files: dict, suffix: str, reuse=None) -> list[Path]:
    """Write into a staging folder (fugi.build.outputs): it is swapped in whole, so a file needs no atomic write of its own.
    reuse (fugi.build.reuse.Reuse): a file the current output already holds as it is to be is linked, not written."""
    written, folders = [], set()
    for (kind, ident), data in files.items():
        target = Path(out_dir) / kind / f"{ident}{suffix}"
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        if reuse is not None:
            reuse.write(out_dir, f"{kind}/{ident}{suffix}", data)
        else:
            target.write_bytes(data)
        written.append(target)
    return written


def _display(path) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)

